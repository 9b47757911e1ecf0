// examples/tls/tls_stream.h: TlsStream, TLS 1.3 records over any Asio
// stream (a TCP socket, a Unix socketpair) through OpenSSL memory BIOs, as
// a Stream for flowcheck's StreamFlow (flows/stream_flow.h) -- the way a
// third party layers a protocol on flowcheck's real-time world.
//
// Why not asio::ssl::stream: its async_shutdown sends close_notify and then
// reads until the peer's close_notify, discarding what arrives meanwhile,
// so it cannot half-close (C3: after A's close, B's bytes must still reach
// A). Here the half-close is close_notify followed by shutting down the
// sending side, sent through StreamTraits' AsyncShutdownSend hook, and
// reading goes on until the peer's close_notify (Eof).
//
// Contract of the pieces:
//  - a TlsStream takes an SSL whose handshake is complete and whose rbio and
//    wbio are memory BIOs (HandshakeInMemory in tls_session.h makes such
//    pairs);
//  - async_read_some decrypts into the caller's buffer: bytes that arrived
//    first, then Eof (asio::error::eof) once the peer's close_notify came,
//    or an error: the peer's connection ended without close_notify is
//    asio::ssl::error::stream_truncated, a bad record is OpenSSL's own
//    reason (asio's SSL error category carries ERR_reason_error_string);
//  - async_write_some encrypts up to 64 KiB of the caller's buffers and
//    completes when their records were handed to the next layer;
//  - AsyncShutdownSend: close_notify, then shutdown of the next layer's
//    sending side;
//  - records are written in the order they were made, by one writer (reads
//    may make records too, e.g. a KeyUpdate answer), never interleaved.
// Handlers run on the next layer's executor (the AsioRuntime's thread).
// Movable; the state that handlers use is shared, so a TlsStream may be
// moved or destroyed while operations are in flight (close() cancels them).
#ifndef FLOWCHECK_EXAMPLES_TLS_TLS_STREAM_H_
#define FLOWCHECK_EXAMPLES_TLS_TLS_STREAM_H_

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "asio/buffer.hpp"
#include "asio/error.hpp"
#include "asio/ip/tcp.hpp"
#include "asio/post.hpp"
#include "asio/socket_base.hpp"
#include "asio/ssl/error.hpp"
#include "asio/write.hpp"
#include "flows/stream_flow.h"

namespace tlsexample {

// The last OpenSSL error as an asio::error_code whose message() is
// OpenSSL's reason ("decryption failed or bad record mac"); `fallback`
// when OpenSSL queued none.
inline asio::error_code SslError(asio::error_code fallback) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return fallback;
  return asio::error_code(static_cast<int>(code),
                          asio::error::get_ssl_category());
}

template <typename Next>
class TlsStream {
 public:
  using executor_type = typename Next::executor_type;
  using Handler = std::function<void(const asio::error_code&, std::size_t)>;

  // Takes `next` and `ssl` (owned; freed with the last handler). With
  // `answer_close_notify`, the stream makes a mistake real adapters make
  // (asio::ssl::stream's shutdown among them): it answers the peer's
  // close_notify with its own and shuts its sending side down, ending a
  // half-close it was not asked to end -- for the tests that show the
  // suite catches it (examples/tls/tls_broken_test.cc).
  TlsStream(Next next, SSL* ssl, bool answer_close_notify = false)
      : state_(std::make_shared<State>(std::move(next), ssl)) {
    state_->answer_close_notify = answer_close_notify;
  }

  executor_type get_executor() { return state_->next.get_executor(); }
  Next& next_layer() { return state_->next; }

  void async_read_some(asio::mutable_buffer into, Handler handler) {
    Read(state_, into, std::move(handler));
  }

  void async_write_some(const std::vector<asio::const_buffer>& from,
                        Handler handler) {
    const std::shared_ptr<State>& s = state_;
    std::size_t total = 0;
    for (const asio::const_buffer& part : from) {
      if (total >= kMaxPlaintextPerWrite) break;
      const std::size_t size =
          std::min(part.size(), kMaxPlaintextPerWrite - total);
      if (size == 0) continue;
      ERR_clear_error();
      const int wrote = SSL_write(s->ssl, part.data(), static_cast<int>(size));
      if (wrote <= 0) {
        const asio::error_code error = SslError(asio::error::fault);
        asio::post(s->next.get_executor(), [handler = std::move(handler),
                                            error] { handler(error, 0); });
        return;
      }
      total += static_cast<std::size_t>(wrote);
    }
    Flush(s, [handler = std::move(handler), total](const asio::error_code& e) {
      handler(e, e ? 0 : total);
    });
  }

  // close_notify, then the next layer's half-close; `done` once both went
  // out (or with the error that stopped them).
  void AsyncShutdownSend(std::function<void(const asio::error_code&)> done) {
    const std::shared_ptr<State>& s = state_;
    ERR_clear_error();
    if (SSL_shutdown(s->ssl) < 0) {
      const asio::error_code error = SslError(asio::error::fault);
      asio::post(s->next.get_executor(),
                 [done = std::move(done), error] { done(error); });
      return;
    }
    Flush(s, [s, done = std::move(done)](const asio::error_code& error) {
      asio::error_code shut = error;
      if (!shut) s->next.shutdown(asio::socket_base::shutdown_send, shut);
      done(shut);
    });
  }

  void close(asio::error_code& error) { state_->next.close(error); }

 private:
  static constexpr std::size_t kMaxPlaintextPerWrite = 64 * 1024;

  struct Waiter {
    std::uint64_t upto;  // done once this many bytes went out
    std::function<void(const asio::error_code&)> done;
  };

  struct State {
    State(Next next_in, SSL* ssl_in) : next(std::move(next_in)), ssl(ssl_in) {}
    ~State() { SSL_free(ssl); }
    State(const State&) = delete;
    State& operator=(const State&) = delete;

    Next next;
    SSL* ssl;
    std::array<char, 16 * 1024> in{};
    bool next_ended = false;           // the next layer read end of file
    bool answer_close_notify = false;  // see the constructor
    bool answered = false;
    // Records made, in order, not yet handed to the next layer.
    std::string out;
    std::uint64_t made = 0;  // bytes of records made so far
    std::uint64_t sent = 0;  // ... and handed to the next layer
    bool writing = false;
    asio::error_code write_error;  // sticky
    std::deque<Waiter> waiters;
  };

  static void Read(std::shared_ptr<State> s, asio::mutable_buffer into,
                   Handler handler) {
    ERR_clear_error();
    const int got =
        SSL_read(s->ssl, into.data(),
                 static_cast<int>(std::min<std::size_t>(into.size(), INT_MAX)));
    if (got > 0) {
      asio::post(s->next.get_executor(), [handler = std::move(handler), got] {
        handler(asio::error_code(), static_cast<std::size_t>(got));
      });
      return;
    }
    const int why = SSL_get_error(s->ssl, got);
    if (why == SSL_ERROR_ZERO_RETURN) {  // the peer's close_notify
      if (s->answer_close_notify && !s->answered) {
        s->answered = true;
        SSL_shutdown(s->ssl);
        Flush(s, [s](const asio::error_code&) {
          asio::error_code ignored;
          s->next.shutdown(asio::socket_base::shutdown_send, ignored);
        });
      }
      asio::post(s->next.get_executor(), [handler = std::move(handler)] {
        handler(asio::error::eof, 0);
      });
      return;
    }
    if (why != SSL_ERROR_WANT_READ) {
      const asio::error_code error = SslError(asio::error::fault);
      asio::post(s->next.get_executor(),
                 [handler = std::move(handler), error] { handler(error, 0); });
      return;
    }
    // Reading may have made records to send (a KeyUpdate answer).
    if (BIO_ctrl_pending(SSL_get_wbio(s->ssl)) > 0) Flush(s, nullptr);
    if (s->next_ended) {  // no close_notify before the end: truncated
      asio::post(s->next.get_executor(), [handler = std::move(handler)] {
        handler(asio::ssl::error::stream_truncated, 0);
      });
      return;
    }
    State& state = *s;
    state.next.async_read_some(
        asio::buffer(state.in),
        [s = std::move(s), into, handler = std::move(handler)](
            const asio::error_code& error, std::size_t bytes) mutable {
          if (bytes > 0) {
            BIO_write(SSL_get_rbio(s->ssl), s->in.data(),
                      static_cast<int>(bytes));
          }
          if (error == asio::error::eof) {
            s->next_ended = true;
          } else if (error) {
            handler(error, 0);
            return;
          }
          Read(std::move(s), into, std::move(handler));
        });
  }

  // Takes the records SSL made and hands them to the next layer, in order;
  // `done` (if any) once they are out.
  static void Flush(const std::shared_ptr<State>& s,
                    std::function<void(const asio::error_code&)> done) {
    BIO* wbio = SSL_get_wbio(s->ssl);
    char chunk[16 * 1024];
    int got = 0;
    while ((got = BIO_read(wbio, chunk, sizeof chunk)) > 0) {
      s->out.append(chunk, static_cast<std::size_t>(got));
      s->made += static_cast<std::uint64_t>(got);
    }
    if (done) {
      if (s->write_error) {
        asio::post(
            s->next.get_executor(),
            [done = std::move(done), error = s->write_error] { done(error); });
        return;
      }
      s->waiters.push_back(Waiter{s->made, std::move(done)});
    }
    Pump(s);
  }

  static void Pump(const std::shared_ptr<State>& s) {
    if (s->writing || s->write_error) return;
    if (s->out.empty()) {
      Settle(s);
      return;
    }
    s->writing = true;
    auto batch = std::make_shared<std::string>(std::move(s->out));
    s->out.clear();
    State& state = *s;
    asio::async_write(state.next, asio::buffer(*batch),
                      [s, batch](const asio::error_code& error, std::size_t) {
                        s->writing = false;
                        if (error) {
                          s->write_error = error;
                        } else {
                          s->sent += batch->size();
                        }
                        Settle(s);
                        Pump(s);
                      });
  }

  // Completes the waiters whose records are out (all of them, with the
  // error, after a write failed).
  static void Settle(const std::shared_ptr<State>& s) {
    while (!s->waiters.empty() &&
           (s->write_error || s->waiters.front().upto <= s->sent)) {
      Waiter waiter = std::move(s->waiters.front());
      s->waiters.pop_front();
      waiter.done(s->write_error);
    }
  }

  std::shared_ptr<State> state_;
};

// StreamTraits for a TlsStream (flows/stream_flow.h): the half-close is
// close_notify plus the next layer's, sent asynchronously; Abort resets a
// TCP connection (SO_LINGER 0) so the peer sees ECONNRESET.
template <typename Next>
struct TlsTraits {
  static void AsyncShutdownSend(
      TlsStream<Next>& stream,
      std::function<void(const asio::error_code&)> done) {
    stream.AsyncShutdownSend(std::move(done));
  }
  static void Close(TlsStream<Next>& stream) {
    asio::error_code ignored;
    stream.close(ignored);
  }
  static void Abort(TlsStream<Next>& stream) {
    asio::error_code ignored;
    if constexpr (std::is_same_v<Next, asio::ip::tcp::socket>) {
      stream.next_layer().set_option(asio::socket_base::linger(true, 0),
                                     ignored);
    }
    stream.close(ignored);
  }
};

}  // namespace tlsexample

#endif  // FLOWCHECK_EXAMPLES_TLS_TLS_STREAM_H_
