// examples/tls/tls_flow.h: TlsFlow, TLS 1.3 records over any flowcheck Flow
// -- the simulated flow with its splitting, latency and faults, a real
// StreamFlow, another layer -- through OpenSSL memory BIOs. The model for a
// layer that is itself a Flow over a Flow, on either world: it reaches time
// and concurrency only through the Runtime seam (WaitQueue), never through
// Asio or the simulator.
//
// What it does with the contract (docs/spec.md):
//  - write/writev encrypt the caller's bytes at once, in call order, and
//    complete when their records were handed to the next flow (W1): records
//    go out in the order they were made, by one sender at a time, never
//    interleaved; a zero-length write makes no record (R2).
//  - read decrypts: bytes first, then Eof once the peer's close_notify came
//    (C2, R7). The next flow's Eof without close_notify is a truncation and
//    an Error, never an Eof; a bad record is an Error with OpenSSL's reason.
//  - close sends close_notify after every record made before it (C1), then
//    closes the next flow, which returns once the peer closed too (C4).
//    Reading goes on until the peer's close_notify (C3: half-close). Writes
//    after close return Closed (W2). A second close waits for the first
//    (and closes itself if the first was cancelled).
//  - errors of the next flow (a reset, E1) come out unchanged and stay: a
//    stream of records that lost one cannot go on.
// Records a read makes (a KeyUpdate answer) go out with the next write or
// the close. Cancelling a write while its records go out breaks the stream
// for later writes (an Error saying so): a record cannot be sent in part.
//
// Ownership: takes the next flow and an SSL whose handshake is complete and
// whose rbio and wbio are memory BIOs (HandshakeInMemory in tls_session.h);
// frees the SSL when destroyed. `runtime` runs the next flow and must
// outlive this flow. Single-threaded, like every flow.
#ifndef FLOWCHECK_EXAMPLES_TLS_TLS_FLOW_H_
#define FLOWCHECK_EXAMPLES_TLS_TLS_FLOW_H_

#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flow/flow.h"
#include "flow/runtime.h"

namespace tlsexample {

// Mistakes real TLS adapters make, for showing the suite catches them
// (examples/tls/tls_broken_test.cc). Both off in a correct flow.
struct TlsFlowMistakes {
  // close() closes the next flow without sending close_notify: the peer
  // cannot tell the close from a truncation (C2).
  bool skip_close_notify = false;
  // The peer's close_notify is answered at once with our own, ending our
  // sending side although close() was never called (C3).
  bool answer_close_notify = false;
};

class TlsFlow : public flowcheck::Flow {
 public:
  // `name` prefixes what waiting tasks wait on ("tls A: ...").
  TlsFlow(flowcheck::Runtime& runtime, std::unique_ptr<flowcheck::Flow> next,
          SSL* ssl, std::string name, TlsFlowMistakes mistakes = {});
  ~TlsFlow() override;
  TlsFlow(const TlsFlow&) = delete;
  TlsFlow& operator=(const TlsFlow&) = delete;

  flowcheck::Task<flowcheck::ReadResult> read() override;
  flowcheck::Task<flowcheck::WriteResult> write(
      flowcheck::Buffer buffer) override;
  flowcheck::Task<flowcheck::WriteResult> writev(
      std::vector<flowcheck::Buffer> buffers) override;
  flowcheck::Task<void> close() override;

  // The flow the records travel on.
  flowcheck::Flow& next() { return *next_; }

 private:
  class SenderGuard;
  class Turn;

  // Moves the records SSL made into out_, in order.
  void TakeRecords();
  // Sends out_ until every record made up to `upto` was handed to the next
  // flow: Ok, or the error that stopped the stream.
  flowcheck::Task<flowcheck::WriteResult> SendUpTo(std::uint64_t upto);

  flowcheck::Runtime& runtime_;
  std::unique_ptr<flowcheck::Flow> next_;
  SSL* ssl_;
  const std::string name_;
  const TlsFlowMistakes mistakes_;

  // Sending: records made, in order, not yet handed to the next flow.
  std::string out_;
  std::uint64_t made_ = 0;  // bytes of records made so far
  std::uint64_t sent_ = 0;  // ... and handed to the next flow
  bool sending_ = false;    // a task is inside next_->write
  std::optional<flowcheck::Error> send_error_;  // sticky
  std::unique_ptr<flowcheck::WaitQueue> send_turn_;

  // Receiving: one task decrypts at a time.
  bool reading_ = false;
  bool next_ended_ = false;  // the next flow said Eof
  bool eof_ = false;         // the peer's close_notify was read
  std::optional<flowcheck::Error> read_error_;  // sticky
  std::unique_ptr<flowcheck::WaitQueue> read_turn_;

  // Closing.
  bool closing_ = false;            // close() was called
  bool close_notify_made_ = false;  // its record is in out_ (or skipped)
  bool close_running_ = false;      // a close() is in progress
  bool closed_ = false;             // a close() finished
  std::unique_ptr<flowcheck::WaitQueue> close_done_;
};

}  // namespace tlsexample

#endif  // FLOWCHECK_EXAMPLES_TLS_TLS_FLOW_H_
