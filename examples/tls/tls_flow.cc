#include "examples/tls/tls_flow.h"

#include <openssl/err.h>

#include <algorithm>
#include <climits>
#include <utility>

#include "examples/tls/tls_session.h"
#include "flow/buffer.h"

namespace tlsexample {

using flowcheck::Buffer;
using flowcheck::Error;
using flowcheck::ErrorCode;
using flowcheck::ReadResult;
using flowcheck::Task;
using flowcheck::WriteResult;

namespace {

// The largest plaintext one SSL_read returns: one record's worth.
constexpr int kMaxRecordPlaintext = 16 * 1024;

}  // namespace

// Holds a turn (a send, a read, a close) for as long as it lives: sets `taken`,
// and on the way out -- the call ended or its task was destroyed -- clears
// it and wakes whoever waits for the turn.
class TlsFlow::Turn {
 public:
  Turn(bool& taken, flowcheck::WaitQueue& waiters)
      : taken_(taken), waiters_(waiters) {
    taken_ = true;
  }
  ~Turn() {
    taken_ = false;
    waiters_.WakeAll();
  }
  Turn(const Turn&) = delete;
  Turn& operator=(const Turn&) = delete;

 private:
  bool& taken_;
  flowcheck::WaitQueue& waiters_;
};

// Holds the sender's turn; if the sending task is destroyed mid-write
// (cancelled), the stream cannot go on: a record may have gone out in part.
class TlsFlow::SenderGuard {
 public:
  explicit SenderGuard(TlsFlow& flow)
      : flow_(flow), turn_(flow.sending_, *flow.send_turn_) {}
  // (The turn is handed on after this body, with the error already set.)
  ~SenderGuard() {
    if (!finished_ && !flow_.send_error_) {
      flow_.send_error_ =
          Error(ErrorCode::kCancelled,
                "TLS: a write was cancelled while its records went out; the "
                "records after it cannot follow");
    }
  }
  SenderGuard(const SenderGuard&) = delete;
  SenderGuard& operator=(const SenderGuard&) = delete;
  void Finished() { finished_ = true; }

 private:
  TlsFlow& flow_;
  Turn turn_;
  bool finished_ = false;
};

TlsFlow::TlsFlow(flowcheck::Runtime& runtime,
                 std::unique_ptr<flowcheck::Flow> next, SSL* ssl,
                 std::string name, TlsFlowMistakes mistakes)
    : runtime_(runtime),
      next_(std::move(next)),
      ssl_(ssl),
      name_(std::move(name)),
      mistakes_(mistakes),
      send_turn_(runtime_.NewWaitQueue(
          name_ + ": an earlier call's TLS records are going out")),
      read_turn_(runtime_.NewWaitQueue(name_ + ": another read decrypts")),
      close_done_(
          runtime_.NewWaitQueue(name_ + ": the first close() to finish")) {}

TlsFlow::~TlsFlow() { SSL_free(ssl_); }

void TlsFlow::TakeRecords() {
  BIO* wbio = SSL_get_wbio(ssl_);
  const std::size_t pending = BIO_ctrl_pending(wbio);
  if (pending == 0) return;
  const std::size_t old = out_.size();
  out_.resize(old + pending);
  const int got = BIO_read(wbio, out_.data() + old,
                           static_cast<int>(std::min<std::size_t>(
                               pending, static_cast<std::size_t>(INT_MAX))));
  const std::size_t taken = got > 0 ? static_cast<std::size_t>(got) : 0;
  out_.resize(old + taken);
  made_ += taken;
}

Task<WriteResult> TlsFlow::SendUpTo(std::uint64_t upto) {
  while (sent_ < upto) {
    if (send_error_) co_return WriteResult::Failure(*send_error_);
    if (sending_) {
      // Another task is handing earlier records over; ours follow them.
      co_await send_turn_->Wait();
      continue;
    }
    SenderGuard guard(*this);
    std::string batch = std::move(out_);
    out_.clear();
    const std::uint64_t size = batch.size();
    const WriteResult result =
        co_await next_->write(Buffer::FromString(std::move(batch)));
    guard.Finished();
    if (result.is_ok()) {
      sent_ += size;
    } else if (result.is_closed()) {
      send_error_ = Error(ErrorCode::kOther,
                          "TLS: the next flow refused records (Closed) before "
                          "close_notify went out");
    } else {
      send_error_ = result.error();
    }
  }
  co_return WriteResult::Ok();
}

Task<WriteResult> TlsFlow::write(Buffer buffer) {
  if (closing_) co_return WriteResult::Closed();
  if (send_error_) co_return WriteResult::Failure(*send_error_);
  // Encrypt everything now, so that records are made in call order.
  std::size_t done = 0;
  while (done < buffer.size()) {
    const int size = static_cast<int>(std::min<std::size_t>(
        buffer.size() - done, static_cast<std::size_t>(INT_MAX)));
    ERR_clear_error();
    const int wrote = SSL_write(ssl_, buffer.data() + done, size);
    if (wrote <= 0) {
      const int why = SSL_get_error(ssl_, wrote);
      send_error_ =
          Error(ErrorCode::kOther,
                "TLS: SSL_write failed (SSL_get_error " + std::to_string(why) +
                    "): " + TakeSslReason("no OpenSSL reason queued"));
      co_return WriteResult::Failure(*send_error_);
    }
    done += static_cast<std::size_t>(wrote);
  }
  TakeRecords();
  co_return co_await SendUpTo(made_);
}

Task<WriteResult> TlsFlow::writev(std::vector<Buffer> buffers) {
  // One call: its bytes become records together, after every earlier call's.
  co_return co_await write(flowcheck::Concat(buffers));
}

Task<ReadResult> TlsFlow::read() {
  while (reading_) co_await read_turn_->Wait();
  Turn turn(reading_, *read_turn_);
  for (;;) {
    if (eof_) co_return ReadResult::Eof();
    if (read_error_) co_return ReadResult::Failure(*read_error_);
    std::string plain(kMaxRecordPlaintext, '\0');
    ERR_clear_error();
    const int got = SSL_read(ssl_, plain.data(), kMaxRecordPlaintext);
    if (got > 0) {
      plain.resize(static_cast<std::size_t>(got));
      co_return ReadResult::Data(Buffer::FromString(std::move(plain)));
    }
    // (Asked at once: anything else SSL does first would change the answer.)
    const int why = SSL_get_error(ssl_, got);
    TakeRecords();  // a KeyUpdate answer goes out with the next write/close
    if (why == SSL_ERROR_ZERO_RETURN) {  // the peer's close_notify
      eof_ = true;
      if (mistakes_.answer_close_notify && !closing_) {
        SSL_shutdown(ssl_);
        TakeRecords();
        (void)co_await SendUpTo(made_);
      }
      co_return ReadResult::Eof();
    }
    if (why != SSL_ERROR_WANT_READ) {
      read_error_ =
          Error(ErrorCode::kIo,
                "TLS: SSL_read failed (SSL_get_error " + std::to_string(why) +
                    "): " + TakeSslReason("no OpenSSL reason queued"));
      continue;
    }
    if (next_ended_) {
      read_error_ = Error(ErrorCode::kIo,
                          "TLS: the connection ended without close_notify "
                          "(truncated: the peer's last bytes cannot be "
                          "trusted to be all it sent)");
      continue;
    }
    const ReadResult more = co_await next_->read();
    if (more.is_data()) {
      const Buffer& records = more.data();
      BIO_write(SSL_get_rbio(ssl_), records.data(),
                static_cast<int>(records.size()));
    } else if (more.is_eof()) {
      next_ended_ = true;
    } else {
      read_error_ = more.error();
    }
  }
}

Task<void> TlsFlow::close() {
  closing_ = true;  // writes from now on return Closed (W2)
  // A second close returns with the first.
  while (close_running_ && !closed_) co_await close_done_->Wait();
  if (closed_) co_return;
  // A close that finishes or is cancelled hands on to any close waiting
  // behind it, which then returns (the first finished) or closes itself.
  Turn turn(close_running_, *close_done_);
  if (!close_notify_made_) {
    close_notify_made_ = true;
    ERR_clear_error();
    // close_notify, after every record made so far (C1). It fails only on
    // a broken session; the next flow's close then still ends the
    // connection.
    if (!mistakes_.skip_close_notify && SSL_shutdown(ssl_) >= 0) {
      TakeRecords();
    }
    ERR_clear_error();
  }
  (void)co_await SendUpTo(made_);
  co_await next_->close();
  closed_ = true;
}

}  // namespace tlsexample
