// flows/stream_flow.h: StreamFlow, a flowcheck::Flow on any Asio stream (a
// socket, a pair of pipes, anything with async_read_some, async_write_some
// and a way to shut down sending), implementing the whole contract of
// docs/spec.md on a real-time AsioRuntime.
//
//   asio::local::stream_protocol::socket socket(runtime.io_context());
//   ... connect it ...
//   std::unique_ptr<StreamFlow> flow =
//       MakeStreamFlow(runtime, std::move(socket), "my socket");
//
// Design. Each StreamFlow owns a shared core (the stream plus the state
// below); Asio handlers hold the core through shared_ptr, never a coroutine
// frame, so destroying a Task while its operation is in flight is safe: the
// handler completes later and resumes nobody.
//  - Read pump: at most one async_read_some is in flight per stream, issued
//    only while some read() or close() is waiting for input (so a flow that
//    nobody reads applies the kernel's backpressure to the peer). Each
//    completion appends a fresh Buffer to an internal queue and wakes every
//    waiter; reads take from the queue. A read whose Task is destroyed
//    leaves its bytes in the queue for the next read.
//  - Write queue: write()/writev()/close() append to one FIFO; a write
//    pump sends the front entry with async_write_some (scatter/gather for
//    writev) until all its bytes are taken, then completes it. Writes from
//    several tasks are therefore never interleaved, and close's shutdown
//    comes after every write invoked before it.
//
// How each clause maps onto the stream (Traits is StreamTraits<Stream>):
//  - R1, R2: a read with an empty queue parks until the pump's
//    async_read_some completes with n >= 1 bytes, end of file or an error;
//    completions with 0 bytes and no error never reach a reader.
//  - R3: each completion's bytes become a new Buffer -- the read chunk is
//    moved into it (no copy) when at least half full, else copied out; a
//    chunk is never reused after it was handed out.
//  - R4, W3: one reader of the stream (the pump) and one writer (the write
//    pump), FIFO on both; writev's parts go out in order as an iovec list
//    (up to 64 per call), partial sends continue where they stopped.
//  - W1, X1: the two pumps are independent; a write waits only for the
//    kernel to accept bytes, never for the peer to read them all.
//  - W2: write()/writev() after close() was invoked return Closed at once,
//    without touching the stream.
//  - W4: written Buffers are only read (iovecs point into them).
//  - C1, C2: close() queues Traits::ShutdownSend behind every earlier
//    write: shutdown(SHUT_WR) for sockets, closing the write end for pipes.
//    The peer reads every byte, then end of file (Eof).
//  - C3: after its shutdown, close() keeps the read pump running, so
//    incoming bytes are queued for later read() calls (without bound: a
//    peer that writes forever while this side closes grows the queue), and
//    the peer's writes keep succeeding.
//  - C4: close() returns only once the pump has seen the peer's end of file
//    (the peer shut down its sending side, i.e. called close()) or a fault.
//  - C5: then close() releases the stream (Traits::Close closes the file
//    descriptors); reads keep returning queued bytes, then Eof.
//  - R5, R6, R7: Eof is reported only after every queued byte, and only for
//    a real end of file; it is sticky (the first end of input -- Eof or an
//    error -- is kept forever).
//  - E1: an OS error (ECONNRESET, EPIPE, ...) on any operation is a fault of
//    the whole flow: pending and later reads return the queued bytes, then
//    the error; pending and later writes return the error (Closed after
//    close()); a close() in progress returns. Each Error carries the
//    ErrorCode mapped from the errno and a description with the operation,
//    the flow's name and the OS message, e.g. "read on 'tcp A': Connection
//    reset by peer (ECONNRESET)". SIGPIPE: sockets send with MSG_NOSIGNAL
//    (Asio does this on Linux); write() on a pipe cannot, so MakeStreamFlow
//    calls IgnoreSigpipe() (for every stream: a custom Stream may write to
//    a pipe), and EPIPE is an error result, never a signal.
//
// Spec-silent choices: a second close() waits like the first (for the
// first's shutdown to go out, then for the peer's Eof or a fault) and sends
// nothing; concurrent reads each take whole
// queued buffers; a zero-length write returns Ok without touching the
// stream; a Task destroyed while its write is queued withdraws the write,
// one destroyed while its bytes are being sent lets them all be sent (no
// torn writes), unwatched.
//
// Ownership and threads: the StreamFlow owns the stream; destroy it before
// its AsioRuntime, and after every Task that uses it (flow/flow.h). All
// calls on the runtime's thread. Destroying a StreamFlow that was not closed
// closes the stream (the peer sees end of file, or a reset if bytes it sent
// were unread).
#ifndef FLOWCHECK_FLOWS_STREAM_FLOW_H_
#define FLOWCHECK_FLOWS_STREAM_FLOW_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asio/buffer.hpp"
#include "asio/error.hpp"
#include "asio/execution/context.hpp"
#include "asio/ip/tcp.hpp"
#include "asio/query.hpp"
#include "asio/socket_base.hpp"
#include "flow/check.h"
#include "flow/flow.h"
#include "flows/asio_runtime.h"

namespace flowcheck::flows {

// The contract's Error for an Asio/OS error code: ECONNRESET ->
// kConnectionReset, EPIPE -> kBrokenPipe, ETIMEDOUT -> kTimedOut,
// operation_aborted -> kCancelled, anything else -> kIo. The description
// reads "<operation> on '<flow_name>': <OS message> (<ERRNO NAME>)".
Error ErrorFromAsio(const asio::error_code& error, std::string_view operation,
                    std::string_view flow_name);

// Sets SIGPIPE to SIG_IGN for the whole process, once, if it still has the
// default disposition (which would kill the process when a pipe's reader is
// gone); a handler the program installed itself is left alone. Writes to a
// broken pipe then fail with EPIPE, which flows report as kBrokenPipe.
// Thread-safe; called by MakeStreamFlow.
void IgnoreSigpipe();

// Why StreamFlow releases a stream (told to a Traits that has
// Close(Stream&, CloseReason)).
enum class CloseReason {
  kRelease,    // C5: close() saw the peer's end of input; orderly
  kDestroyed,  // the StreamFlow was destroyed before its close() finished
  kFault,      // a fault ended the flow: an OS error, or the runtime
               // aborting its I/O (a watchdog, the runtime's destruction)
};

// How StreamFlow shuts down and releases a Stream. The default fits Asio
// sockets (basic_stream_socket); specialize it for other streams (see
// flows/pipe_stream.h) or pass your own Traits to MakeStreamFlow. Each
// function is called on the runtime's thread, at most as described.
//
// Two optional hooks, found at compile time, for transports whose
// half-close is bytes to send (TLS close_notify, a WebSocket close frame,
// an SSH channel EOF) or whose release differs from an abort:
//
//   static void AsyncShutdownSend(
//       Stream& stream, std::function<void(const asio::error_code&)> done);
//     Instead of ShutdownSend: close() queues it in the write pump like a
//     write (after every earlier write, before any later one fails with
//     Closed), starts it, and goes on when `done` is called -- once, on the
//     runtime's thread; an error becomes a fault of the flow. If the
//     stream is released meanwhile, `done` may come with
//     operation_aborted or never (the flow no longer waits for it).
//   static void Close(Stream& stream, CloseReason why);
//     Instead of Close(Stream&): told whether this is the orderly release
//     after both sides closed (C5) or the end after a fault or a
//     destruction. It may leave work in flight (its handlers must keep
//     what they use alive); it must not block.
template <typename Stream>
struct StreamTraits {
  // close(): no more bytes will be sent; the peer reads Eof after the bytes
  // sent so far. Returns the OS error, if any (it becomes a fault).
  static asio::error_code ShutdownSend(Stream& stream) {
    asio::error_code error;
    stream.shutdown(asio::socket_base::shutdown_send, error);
    return error;
  }
  // Releases the stream's descriptors; operations in flight complete with
  // operation_aborted. Called when close() returns, on Abort and on
  // destruction; may be called again on a closed stream.
  static void Close(Stream& stream) {
    asio::error_code ignored;
    stream.close(ignored);
  }
  // As Close, but as abruptly as the transport allows (StreamFlow::Abort).
  static void Abort(Stream& stream) { Close(stream); }
};

// TCP: Abort resets the connection (SO_LINGER with a zero timeout makes
// close() send RST), so the peer's operations fail with ECONNRESET.
template <>
struct StreamTraits<asio::ip::tcp::socket> {
  static asio::error_code ShutdownSend(asio::ip::tcp::socket& socket) {
    asio::error_code error;
    socket.shutdown(asio::socket_base::shutdown_send, error);
    return error;
  }
  static void Close(asio::ip::tcp::socket& socket) {
    asio::error_code ignored;
    socket.close(ignored);
  }
  static void Abort(asio::ip::tcp::socket& socket) {
    asio::error_code ignored;
    socket.set_option(asio::socket_base::linger(true, 0), ignored);
    socket.close(ignored);
  }
};

namespace internal {

class StreamCore;

// One write(), writev() or close() shutdown in the write queue.
struct WriteOp {
  std::uint64_t number = 0;  // 1 = this flow's first queued entry
  bool shutdown = false;     // close()'s shutdown of the sending side
  std::vector<Buffer> parts;
  std::size_t total_bytes = 0;
  std::size_t sent_bytes = 0;
  std::size_t part_index = 0;               // first part not completely sent
  std::size_t part_offset = 0;              // bytes of it already sent
  std::optional<WriteResult> result;        // set when complete
  std::shared_ptr<ParkedCoroutine> waiter;  // the write() waiting, if any
  // A shutdown: the later close() calls waiting for it too.
  std::vector<std::shared_ptr<ParkedCoroutine>> more_waiters;
};

// The state one StreamFlow shares with the Asio handlers of its stream.
// StreamCoreFor<Stream, Traits> supplies the stream; everything else is
// here (stream_flow.cc). Internal: use StreamFlow.
class StreamCore : public IoObject,
                   public std::enable_shared_from_this<StreamCore> {
 public:
  // Bytes asked of the kernel per read.
  static constexpr std::size_t kReadChunkBytes = 64 * 1024;

  StreamCore(AsioRuntime& runtime, std::string name);
  ~StreamCore() override;
  StreamCore(const StreamCore&) = delete;
  StreamCore& operator=(const StreamCore&) = delete;

  AsioRuntime& runtime() { return runtime_; }
  const std::string& name() const { return name_; }

  // Reads. The next Data (a queued buffer), or the end of input (Eof or the
  // fault) once the queue is empty, or nullopt: nothing yet.
  std::optional<ReadResult> TakeInput();
  // Whether the end of input (the peer's Eof, or a fault) has been seen.
  bool input_ended() const { return input_end_.has_value(); }
  void AddInputWaiter(std::shared_ptr<ParkedCoroutine> waiter);
  void RemoveInputWaiter(const std::shared_ptr<ParkedCoroutine>& waiter);
  // Starts an async_read_some if someone waits for input and none is in
  // flight.
  void PumpReads();

  // Writes.
  bool close_called() const { return close_called_; }
  const std::optional<Error>& fault() const { return fault_; }
  // Queues a write of `parts` (at least one byte in total).
  std::shared_ptr<WriteOp> EnqueueWrite(std::vector<Buffer> parts);
  // Marks close() as called and queues the shutdown of the sending side.
  std::shared_ptr<WriteOp> EnqueueShutdown();
  // The shutdown the first close() queued (null before it).
  const std::shared_ptr<WriteOp>& shutdown_op() const { return shutdown_op_; }
  // The Task waiting for `op` was destroyed: withdraws a data write that is
  // not being sent; a shutdown, or a write in flight, goes on unwatched.
  void AbandonWrite(const std::shared_ptr<WriteOp>& op);
  std::string DescribeWrite(const WriteOp& op) const;

  // close() has seen the end of input: releases the stream (C5).
  void Release();
  // StreamFlow::Abort: a fault of this flow, then Traits::Abort.
  void AbortAbruptly();
  // The StreamFlow is being destroyed.
  void Detach();

  // IoObject.
  std::vector<std::string> PendingOperations() const override;
  void Abort(const Error& why) override;

  // Completion handlers, called by StreamCoreFor's Asio handlers.
  void OnReadDone(const asio::error_code& error, std::size_t bytes);
  void OnWriteDone(const asio::error_code& error, std::size_t bytes);

 protected:
  // The transport, supplied by StreamCoreFor. Each async call completes by
  // calling OnReadDone / OnWriteDone on this core from an Asio handler.
  virtual void StartReadSome(asio::mutable_buffer into) = 0;
  virtual void StartWriteSome(std::vector<asio::const_buffer> from) = 0;
  virtual asio::error_code ShutdownSendNow() = 0;
  // Starts Traits::AsyncShutdownSend, which completes by calling
  // OnShutdownDone; false if the Traits has none (ShutdownSendNow then).
  virtual bool StartShutdownSend() = 0;
  virtual void CloseStreamNow(CloseReason why) = 0;
  virtual void AbortStreamNow() = 0;

 public:
  // The completion of StartShutdownSend.
  void OnShutdownDone(const asio::error_code& error);

 protected:
 private:
  // The first fault wins: later writes fail with it, reads end with it
  // after the queued bytes; waiters are woken and queued writes failed.
  void Fail(Error error);
  // Releases the stream: Traits::Abort when `abruptly`, else Traits::Close
  // (told `why` where the Traits takes a reason).
  void CloseStream(bool abruptly, CloseReason why);
  void PumpWrites();
  void Complete(const std::shared_ptr<WriteOp>& op, WriteResult result);
  void WakeInputWaiters();
  Buffer TakeChunk(std::size_t bytes);

  AsioRuntime& runtime_;
  const std::string name_;
  const std::uint64_t io_id_;

  // Read side.
  std::deque<Buffer> received_;
  std::size_t received_bytes_ = 0;
  std::optional<ReadResult> input_end_;  // Eof or Failure, sticky
  bool read_in_flight_ = false;
  std::string read_chunk_;
  std::vector<std::shared_ptr<ParkedCoroutine>> input_waiters_;

  // Write side.
  std::deque<std::shared_ptr<WriteOp>> write_queue_;
  std::uint64_t next_write_number_ = 1;
  bool write_in_flight_ = false;
  bool pumping_writes_ = false;
  bool close_called_ = false;
  std::shared_ptr<WriteOp> shutdown_op_;

  std::optional<Error> fault_;
  bool stream_closed_ = false;
};

// The StreamCore of one concrete Stream.
template <typename Stream, typename Traits>
class StreamCoreFor final : public StreamCore {
 public:
  StreamCoreFor(AsioRuntime& runtime, Stream stream, std::string name)
      : StreamCore(runtime, std::move(name)), stream_(std::move(stream)) {}

 private:
  void StartReadSome(asio::mutable_buffer into) override {
    stream_.async_read_some(
        into, [core = shared_from_this()](const asio::error_code& error,
                                          std::size_t bytes) {
          core->OnReadDone(error, bytes);
        });
  }
  void StartWriteSome(std::vector<asio::const_buffer> from) override {
    stream_.async_write_some(
        from, [core = shared_from_this()](const asio::error_code& error,
                                          std::size_t bytes) {
          core->OnWriteDone(error, bytes);
        });
  }
  asio::error_code ShutdownSendNow() override {
    if constexpr (kAsyncShutdown) {
      return {};  // not called: StartShutdownSend is
    } else {
      return Traits::ShutdownSend(stream_);
    }
  }
  bool StartShutdownSend() override {
    if constexpr (kAsyncShutdown) {
      Traits::AsyncShutdownSend(
          stream_,
          std::function<void(const asio::error_code&)>(
              [core = shared_from_this()](const asio::error_code& error) {
                core->OnShutdownDone(error);
              }));
      return true;
    } else {
      return false;
    }
  }
  void CloseStreamNow(CloseReason why) override {
    if constexpr (requires(Stream & s) { Traits::Close(s, why); }) {
      Traits::Close(stream_, why);
    } else {
      Traits::Close(stream_);
    }
  }

  static constexpr bool kAsyncShutdown = requires(Stream & s) {
    Traits::AsyncShutdownSend(s,
                              std::function<void(const asio::error_code&)>());
  };
  void AbortStreamNow() override { Traits::Abort(stream_); }

  Stream stream_;
};

}  // namespace internal

class StreamFlow final : public Flow {
 public:
  // Use MakeStreamFlow. `core` must not be null.
  explicit StreamFlow(std::shared_ptr<internal::StreamCore> core);
  // Releases the stream if close() has not (pending operations of other
  // flows' peers see end of file or a reset).
  ~StreamFlow() override;
  StreamFlow(const StreamFlow&) = delete;
  StreamFlow& operator=(const StreamFlow&) = delete;

  // Flow, as documented in flow/flow.h; how each clause is kept is in the
  // comment at the top of this file.
  Task<ReadResult> read() override;
  Task<WriteResult> write(Buffer buffer) override;
  Task<WriteResult> writev(std::vector<Buffer> buffers) override;
  Task<void> close() override;

  // A crash of this endpoint, for fault tests: fails every pending and
  // later operation here (kCancelled, "aborted") and releases the stream as
  // abruptly as the transport can (TCP: RST; Unix sockets: the peer gets
  // ECONNRESET if bytes it sent were unread, else end of file; pipes: the
  // peer reads end of file and its writes fail with EPIPE).
  void Abort();

  // The name given to MakeStreamFlow, used in errors and reports.
  const std::string& name() const { return core_->name(); }

 private:
  std::shared_ptr<internal::StreamCore> core_;
};

// Makes a Flow of `stream`, which must be open, connected, and created on
// `runtime.io_context()` (aborts otherwise). Stream needs
// async_read_some(MutableBufferSequence, handler),
// async_write_some(ConstBufferSequence, handler) and get_executor(); Traits
// (see StreamTraits) shuts down its sending side and closes it. `name`
// appears in errors and watchdog reports ("tcp A"). The result owns the
// stream; calls IgnoreSigpipe().
template <typename Stream, typename Traits = StreamTraits<Stream>>
std::unique_ptr<StreamFlow> MakeStreamFlow(AsioRuntime& runtime, Stream stream,
                                           std::string name) {
  FLOWCHECK_CHECK(
      &asio::query(stream.get_executor(), asio::execution::context) ==
          &static_cast<asio::execution_context&>(runtime.io_context()),
      "MakeStreamFlow: the stream was not created on the runtime's "
      "io_context");
  IgnoreSigpipe();
  return std::make_unique<StreamFlow>(
      std::make_shared<internal::StreamCoreFor<Stream, Traits>>(
          runtime, std::move(stream), std::move(name)));
}

}  // namespace flowcheck::flows

#endif  // FLOWCHECK_FLOWS_STREAM_FLOW_H_
