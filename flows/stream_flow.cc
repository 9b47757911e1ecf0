#include "flows/stream_flow.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <mutex>
#include <system_error>

namespace flowcheck::flows {

Error ErrorFromAsio(const asio::error_code& error, std::string_view operation,
                    std::string_view flow_name) {
  ErrorCode code = ErrorCode::kIo;
  if (error == asio::error::connection_reset) {
    code = ErrorCode::kConnectionReset;
  } else if (error == asio::error::broken_pipe) {
    code = ErrorCode::kBrokenPipe;
  } else if (error == asio::error::timed_out) {
    code = ErrorCode::kTimedOut;
  } else if (error == asio::error::operation_aborted) {
    code = ErrorCode::kCancelled;
  }
  std::string description = std::string(operation) + " on '" +
                            std::string(flow_name) + "': " + error.message();
  // Asio reports errno values in its own system category.
  if (error.category() == asio::system_category() ||
      error.category() == std::system_category()) {
    // glibc >= 2.32: "ECONNRESET" for 104, null for unknown numbers.
    if (const char* errno_name = strerrorname_np(error.value())) {
      description += std::string(" (") + errno_name + ")";
    }
  }
  return Error(code, std::move(description));
}

void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) != 0) return;
    const bool default_action =
        (current.sa_flags & SA_SIGINFO) == 0 && current.sa_handler == SIG_DFL;
    if (!default_action) return;  // the program chose its own handling
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
  });
}

namespace internal {

StreamCore::StreamCore(AsioRuntime& runtime, std::string name)
    : runtime_(runtime),
      name_(std::move(name)),
      io_id_(runtime.Register(this)) {}

StreamCore::~StreamCore() { runtime_.Unregister(io_id_); }

// --- Read side --------------------------------------------------------------

std::optional<ReadResult> StreamCore::TakeInput() {
  if (!received_.empty()) {
    Buffer data = std::move(received_.front());
    received_.pop_front();
    received_bytes_ -= data.size();
    return ReadResult::Data(std::move(data));
  }
  if (input_end_) return *input_end_;
  return std::nullopt;
}

void StreamCore::AddInputWaiter(std::shared_ptr<ParkedCoroutine> waiter) {
  input_waiters_.push_back(std::move(waiter));
}

void StreamCore::RemoveInputWaiter(
    const std::shared_ptr<ParkedCoroutine>& waiter) {
  input_waiters_.erase(
      std::remove(input_waiters_.begin(), input_waiters_.end(), waiter),
      input_waiters_.end());
}

void StreamCore::PumpReads() {
  // One read in flight at most; none once the input ended; none while
  // nobody waits, so that the kernel holds back a peer nobody reads.
  if (read_in_flight_ || input_end_ || stream_closed_ ||
      input_waiters_.empty()) {
    return;
  }
  read_in_flight_ = true;
  // After TakeChunk moved the chunk out it is empty: make a new one.
  if (read_chunk_.size() != kReadChunkBytes) {
    read_chunk_.assign(kReadChunkBytes, '\0');
  }
  StartReadSome(asio::buffer(read_chunk_.data(), read_chunk_.size()));
}

Buffer StreamCore::TakeChunk(std::size_t bytes) {
  // R3: the bytes leave in a buffer nobody else holds. A chunk at least half
  // full is handed over whole (no copy); a smaller one is copied out and
  // the chunk is kept for the next read.
  if (bytes * 2 >= read_chunk_.size()) {
    read_chunk_.resize(bytes);
    Buffer fresh = Buffer::FromString(std::move(read_chunk_));
    read_chunk_ = std::string();
    return fresh;
  }
  return Buffer::Copy(std::string_view(read_chunk_.data(), bytes));
}

void StreamCore::OnReadDone(const asio::error_code& error, std::size_t bytes) {
  read_in_flight_ = false;
  // Released or aborted meanwhile: the end of input is already set.
  if (stream_closed_) return;
  if (bytes > 0) {
    received_.push_back(TakeChunk(bytes));
    received_bytes_ += bytes;
  }
  if (error == asio::error::eof) {
    if (!input_end_) input_end_ = ReadResult::Eof();
  } else if (error) {
    Fail(ErrorFromAsio(error, "read", name_));
  }
  WakeInputWaiters();
  PumpReads();
}

void StreamCore::WakeInputWaiters() {
  std::vector<std::shared_ptr<ParkedCoroutine>> waiters;
  waiters.swap(input_waiters_);
  for (const std::shared_ptr<ParkedCoroutine>& waiter : waiters) {
    runtime_.Wake(waiter);
  }
}

// --- Write side -------------------------------------------------------------

std::shared_ptr<WriteOp> StreamCore::EnqueueWrite(std::vector<Buffer> parts) {
  auto op = std::make_shared<WriteOp>();
  op->number = next_write_number_++;
  op->total_bytes = TotalSize(parts);
  FLOWCHECK_CHECK(op->total_bytes > 0, "EnqueueWrite of zero bytes");
  op->parts = std::move(parts);
  write_queue_.push_back(op);
  PumpWrites();
  return op;
}

std::shared_ptr<WriteOp> StreamCore::EnqueueShutdown() {
  close_called_ = true;
  auto op = std::make_shared<WriteOp>();
  op->number = next_write_number_++;
  op->shutdown = true;
  shutdown_op_ = op;
  write_queue_.push_back(op);
  PumpWrites();
  return op;
}

void StreamCore::AbandonWrite(const std::shared_ptr<WriteOp>& op) {
  // close()'s shutdown goes out anyway: the flow is closed (W2) and the
  // peer should see it.
  if (op->shutdown) return;
  // Being sent: it is finished unwatched, so the stream never carries a
  // torn write.
  if (write_in_flight_ && !write_queue_.empty() && write_queue_.front() == op) {
    return;
  }
  write_queue_.erase(std::remove(write_queue_.begin(), write_queue_.end(), op),
                     write_queue_.end());
}

void StreamCore::PumpWrites() {
  if (pumping_writes_) return;  // Fail() from inside the loop below
  pumping_writes_ = true;
  while (!write_in_flight_ && !write_queue_.empty()) {
    std::shared_ptr<WriteOp> op = write_queue_.front();
    if (fault_ || stream_closed_) {
      write_queue_.pop_front();
      if (op->shutdown) {
        Complete(op, WriteResult::Ok());
      } else {
        Complete(op, WriteResult::Failure(
                         fault_ ? *fault_
                                : Error(ErrorCode::kCancelled,
                                        "write on '" + name_ +
                                            "': the stream was released")));
      }
      continue;
    }
    if (op->shutdown) {
      // C1: every earlier write has left the queue, all its bytes taken.
      // A half-close that is bytes to send goes out like a write: the op
      // stays at the front until OnShutdownDone.
      write_in_flight_ = true;
      if (StartShutdownSend()) continue;  // in flight, or done already
      write_in_flight_ = false;
      write_queue_.pop_front();
      const asio::error_code error = ShutdownSendNow();
      if (error)
        Fail(ErrorFromAsio(error, "shutdown of the sending side", name_));
      Complete(op, WriteResult::Ok());
      continue;
    }
    // Gather what is left of the front write: its parts from where the
    // last send stopped, at most 64 at a time (Asio's iovec limit).
    std::vector<asio::const_buffer> buffers;
    std::size_t offset = op->part_offset;
    for (std::size_t i = op->part_index;
         i < op->parts.size() && buffers.size() < 64; ++i) {
      const Buffer& part = op->parts[i];
      if (part.size() > offset) {
        buffers.emplace_back(part.data() + offset, part.size() - offset);
      }
      offset = 0;
    }
    FLOWCHECK_CHECK(!buffers.empty(), "a queued write with nothing to send");
    write_in_flight_ = true;
    StartWriteSome(std::move(buffers));
  }
  pumping_writes_ = false;
}

void StreamCore::OnWriteDone(const asio::error_code& error, std::size_t bytes) {
  write_in_flight_ = false;
  FLOWCHECK_CHECK(!write_queue_.empty(), "a send completed for no write");
  std::shared_ptr<WriteOp> op = write_queue_.front();
  if (!error) {
    op->sent_bytes += bytes;
    std::size_t left = bytes;
    while (left > 0 && op->part_index < op->parts.size()) {
      const std::size_t rest =
          op->parts[op->part_index].size() - op->part_offset;
      if (left >= rest) {
        left -= rest;
        ++op->part_index;
        op->part_offset = 0;
      } else {
        op->part_offset += left;
        left = 0;
      }
    }
    if (op->sent_bytes >= op->total_bytes) {
      write_queue_.pop_front();
      Complete(op, WriteResult::Ok());
    }
  } else if (!fault_ && !stream_closed_) {
    Fail(ErrorFromAsio(error, "write", name_));
  }
  // On a fault, PumpWrites fails this write and every queued one.
  PumpWrites();
}

void StreamCore::OnShutdownDone(const asio::error_code& error) {
  // Released meanwhile: PumpWrites already completed the op (a stream
  // closed under an in-flight shutdown completes it below instead).
  if (!write_in_flight_ || write_queue_.empty() ||
      !write_queue_.front()->shutdown) {
    return;
  }
  write_in_flight_ = false;
  std::shared_ptr<WriteOp> op = write_queue_.front();
  write_queue_.pop_front();
  if (error && !fault_ && !stream_closed_) {
    Fail(ErrorFromAsio(error, "shutdown of the sending side", name_));
  }
  Complete(op, WriteResult::Ok());
  PumpWrites();
}

void StreamCore::Complete(const std::shared_ptr<WriteOp>& op,
                          WriteResult result) {
  op->result = std::move(result);
  if (op->waiter) runtime_.Wake(op->waiter);
  for (const std::shared_ptr<ParkedCoroutine>& waiter : op->more_waiters) {
    runtime_.Wake(waiter);
  }
  op->more_waiters.clear();
}

std::string StreamCore::DescribeWrite(const WriteOp& op) const {
  std::size_t ahead = 0;
  for (const std::shared_ptr<WriteOp>& queued : write_queue_) {
    if (queued.get() == &op) break;
    ++ahead;
  }
  if (op.shutdown) {
    return "close on '" + name_ + "': shutting down the sending side after " +
           std::to_string(ahead) + " earlier writes";
  }
  return "write #" + std::to_string(op.number) + " of " +
         std::to_string(op.total_bytes) + " bytes on '" + name_ + "' (" +
         std::to_string(ahead) +
         " writes ahead; waits while the kernel's send buffer is full)";
}

// --- Faults and release -----------------------------------------------------

void StreamCore::Fail(Error error) {
  if (!fault_) fault_ = error;
  if (!input_end_) input_end_ = ReadResult::Failure(std::move(error));
  WakeInputWaiters();
  PumpWrites();
}

void StreamCore::CloseStream(bool abruptly, CloseReason why) {
  if (stream_closed_) return;
  stream_closed_ = true;
  // A shutdown in flight is not waited for once the stream is released:
  // its op completes now (its handler may never come).
  if (write_in_flight_ && !write_queue_.empty() &&
      write_queue_.front()->shutdown) {
    write_in_flight_ = false;
    std::shared_ptr<WriteOp> op = write_queue_.front();
    write_queue_.pop_front();
    Complete(op, WriteResult::Ok());
  }
  if (!input_end_) {
    input_end_ = ReadResult::Failure(
        Error(ErrorCode::kCancelled,
              "read on '" + name_ + "': the stream was released"));
  }
  if (abruptly) {
    AbortStreamNow();
  } else {
    CloseStreamNow(why);
  }
  WakeInputWaiters();
  PumpWrites();
}

void StreamCore::Release() {
  CloseStream(/*abruptly=*/false, CloseReason::kRelease);
}

void StreamCore::AbortAbruptly() {
  if (stream_closed_) return;
  Fail(Error(ErrorCode::kCancelled,
             "'" + name_ + "' was aborted (StreamFlow::Abort)"));
  CloseStream(/*abruptly=*/true, CloseReason::kFault);
}

void StreamCore::Detach() {
  if (stream_closed_) return;
  Fail(Error(ErrorCode::kCancelled, "'" + name_ + "' was destroyed"));
  CloseStream(/*abruptly=*/false, CloseReason::kDestroyed);
}

void StreamCore::Abort(const Error& why) {
  if (stream_closed_) return;
  Fail(why);
  CloseStream(/*abruptly=*/false, CloseReason::kFault);
}

std::vector<std::string> StreamCore::PendingOperations() const {
  std::vector<std::string> out;
  if (read_in_flight_) {
    out.push_back("read in flight on '" + name_ + "' (" +
                  std::to_string(input_waiters_.size()) +
                  " reads/closes waiting for input)");
  }
  for (const std::shared_ptr<WriteOp>& op : write_queue_) {
    const bool in_flight = write_in_flight_ && op == write_queue_.front();
    if (op->shutdown) {
      out.push_back("close on '" + name_ +
                    "': shutdown of the sending side queued");
    } else {
      out.push_back(
          "write #" + std::to_string(op->number) + " on '" + name_ +
          "': " + std::to_string(op->sent_bytes) + " of " +
          std::to_string(op->total_bytes) + " bytes sent" +
          (in_flight ? " (in flight)" : " (queued)") +
          (op->waiter && op->waiter->parked() ? "" : ", nobody waiting"));
    }
  }
  if (received_bytes_ > 0) {
    out.push_back("'" + name_ + "': " + std::to_string(received_bytes_) +
                  " bytes received, not read yet");
  }
  return out;
}

}  // namespace internal

// --- Awaiters and the Flow --------------------------------------------------

namespace {

// Parks the calling task until the read pump has news (bytes, end of file,
// a fault). Destroyed with its frame: leaves the waiter list.
class InputAwaiter {
 public:
  InputAwaiter(std::shared_ptr<internal::StreamCore> core, std::string what)
      : core_(std::move(core)), what_(std::move(what)) {}
  InputAwaiter(const InputAwaiter&) = delete;
  InputAwaiter& operator=(const InputAwaiter&) = delete;
  ~InputAwaiter() {
    if (ticket_) {
      ticket_->Abandon();
      core_->RemoveInputWaiter(ticket_);
    }
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    ticket_ = core_->runtime().Park(handle, std::move(what_));
    core_->AddInputWaiter(ticket_);
    core_->PumpReads();
  }
  void await_resume() const noexcept {}

 private:
  std::shared_ptr<internal::StreamCore> core_;
  std::string what_;
  std::shared_ptr<ParkedCoroutine> ticket_;
};

// Parks the calling task until its queued write (or close's shutdown) is
// complete. Destroyed with its frame: withdraws the write if it is not
// being sent (StreamCore::AbandonWrite).
class WriteAwaiter {
 public:
  WriteAwaiter(std::shared_ptr<internal::StreamCore> core,
               std::shared_ptr<internal::WriteOp> op)
      : core_(std::move(core)), op_(std::move(op)) {}
  WriteAwaiter(const WriteAwaiter&) = delete;
  WriteAwaiter& operator=(const WriteAwaiter&) = delete;
  ~WriteAwaiter() {
    if (op_->waiter) op_->waiter->Abandon();
    if (!op_->result) core_->AbandonWrite(op_);
  }

  bool await_ready() const noexcept { return op_->result.has_value(); }
  void await_suspend(std::coroutine_handle<> handle) {
    op_->waiter = core_->runtime().Park(handle, core_->DescribeWrite(*op_));
  }
  void await_resume() const noexcept {}

 private:
  std::shared_ptr<internal::StreamCore> core_;
  std::shared_ptr<internal::WriteOp> op_;
};

// A later close() waiting for the shutdown the first one queued (several
// may wait; the op's own `waiter` is the first close's).
class ShutdownAwaiter {
 public:
  ShutdownAwaiter(std::shared_ptr<internal::StreamCore> core,
                  std::shared_ptr<internal::WriteOp> op)
      : core_(std::move(core)), op_(std::move(op)) {}
  ShutdownAwaiter(const ShutdownAwaiter&) = delete;
  ShutdownAwaiter& operator=(const ShutdownAwaiter&) = delete;
  ~ShutdownAwaiter() {
    if (ticket_) ticket_->Abandon();
  }

  bool await_ready() const noexcept { return op_->result.has_value(); }
  void await_suspend(std::coroutine_handle<> handle) {
    ticket_ = core_->runtime().Park(
        handle, "close on '" + core_->name() +
                    "': waiting for the first close's shutdown to go out");
    op_->more_waiters.push_back(ticket_);
  }
  void await_resume() const noexcept {}

 private:
  std::shared_ptr<internal::StreamCore> core_;
  std::shared_ptr<internal::WriteOp> op_;
  std::shared_ptr<ParkedCoroutine> ticket_;
};

}  // namespace

StreamFlow::StreamFlow(std::shared_ptr<internal::StreamCore> core)
    : core_(std::move(core)) {
  FLOWCHECK_CHECK(core_ != nullptr, "StreamFlow of a null core");
}

StreamFlow::~StreamFlow() { core_->Detach(); }

Task<ReadResult> StreamFlow::read() {
  std::shared_ptr<internal::StreamCore> core = core_;
  while (true) {
    std::optional<ReadResult> result = core->TakeInput();
    if (result) co_return std::move(*result);
    co_await InputAwaiter(core, "read on '" + core->name() + "': no bytes yet");
  }
}

Task<WriteResult> StreamFlow::write(Buffer buffer) {
  std::vector<Buffer> parts;
  parts.push_back(std::move(buffer));
  return writev(std::move(parts));
}

Task<WriteResult> StreamFlow::writev(std::vector<Buffer> buffers) {
  std::shared_ptr<internal::StreamCore> core = core_;
  // W2 first: after close, Closed even if the connection also failed.
  if (core->close_called()) co_return WriteResult::Closed();
  if (core->fault()) co_return WriteResult::Failure(*core->fault());
  if (TotalSize(buffers) == 0) co_return WriteResult::Ok();
  std::shared_ptr<internal::WriteOp> op =
      core->EnqueueWrite(std::move(buffers));
  co_await WriteAwaiter(core, op);
  co_return *op->result;
}

Task<void> StreamFlow::close() {
  std::shared_ptr<internal::StreamCore> core = core_;
  if (!core->close_called()) {
    // C1, C2: the shutdown goes out behind every write invoked before.
    std::shared_ptr<internal::WriteOp> shutdown = core->EnqueueShutdown();
    co_await WriteAwaiter(core, shutdown);
  } else if (core->shutdown_op()) {
    // A later close waits for it too: releasing the stream (C5) while the
    // first close's shutdown -- or a write queued before it -- is still
    // going out would cut them off (found by certifying TLS, whose
    // shutdown is close_notify queued behind large writes).
    co_await ShutdownAwaiter(core, core->shutdown_op());
  }
  // C3, C4: keep reading (into the queue) until the peer's end of file.
  while (!core->input_ended()) {
    co_await InputAwaiter(core, "close on '" + core->name() +
                                    "': waiting for the peer to close (its "
                                    "end of file)");
  }
  // C5.
  core->Release();
}

void StreamFlow::Abort() { core_->AbortAbruptly(); }

}  // namespace flowcheck::flows
