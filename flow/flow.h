// flow/flow.h: Flow, one endpoint of a reliable, ordered, bidirectional byte
// stream -- the C++ form of MirageOS's Mirage_flow (shared/seed) and the thing
// flowcheck certifies.
//
// Clause ids (R1..R7, W1..W4, C1..C5, X1, E1) refer to docs/spec.md, the
// project's statement of shared/flow-spec.md. "The peer" is the other
// endpoint of the same connection.
//
// Ownership and lifetime:
//  - Buffers passed in are shared, immutable views (flow/buffer.h); a flow
//    may keep them as long as it likes and must never change their bytes
//    (W4). Buffers it returns from read() are the caller's (R3).
//  - A Flow must outlive every Task it returned. Destroying an operation's
//    Task while it is suspended cancels that operation: the flow forgets the
//    waiter; whether the cancelled operation's bytes were consumed or sent
//    is unspecified.
//  - Operations are awaited on the thread that runs the flow's Runtime.
//
// Concurrency: any number of operations may be in progress at once on one
// endpoint (e.g. a read pending while a write runs: X1). What concurrent
// writes or concurrent reads on the same endpoint do to each other's bytes
// is spec-silent (reported by the conformance suite, not judged).
#ifndef FLOWCHECK_FLOW_FLOW_H_
#define FLOWCHECK_FLOW_FLOW_H_

#include <memory>
#include <vector>

#include "flow/buffer.h"
#include "flow/result.h"
#include "flow/task.h"

namespace flowcheck {

class Flow {
 public:
  virtual ~Flow() = default;

  // Flow::read()
  //
  // Completes with Data (at least one byte, R2: a fresh buffer the caller now
  // owns and that nothing changes later, R3), with Eof once the peer has
  // closed and every byte it wrote has been read (R5, R6, C2; and Eof again
  // on every later read, R7), or with an Error after a connection fault (E1).
  // Stays pending while nothing is readable and the peer has not closed
  // (R1). The bytes of successive Data results are exactly the bytes the
  // peer wrote, in order (R4); how writes are split or merged into reads is
  // up to the flow.
  virtual Task<ReadResult> read() = 0;

  // Flow::write()
  //
  // Ok: the bytes of `buffer` are accepted and will become readable on the
  // peer while it keeps reading (W1). Closed: this endpoint has called close()
  // (W2) -- nothing was written. Error: a connection fault (E1). May wait
  // while the peer does not read (backpressure); must not wait for the peer
  // to read everything. A zero-length write is allowed and must never cause
  // an empty read (R2). The flow may keep `buffer` and must not modify it
  // (W4).
  virtual Task<WriteResult> write(Buffer buffer) = 0;

  // Flow::writev()
  //
  // As write() of the concatenation of `buffers` in order (W3), with the
  // same results; the flow may keep and must not modify any of them (W4).
  virtual Task<WriteResult> writev(std::vector<Buffer> buffers) = 0;

  // Flow::close()
  //
  // Flushes every write that returned Ok (C1) and signals the peer that no
  // more bytes will come: after draining, the peer's read returns Eof (C2).
  // Until the peer closes too, this endpoint can still read what the peer
  // writes and the peer's writes still succeed (C3, half-close). Returns only
  // once the peer has called close() as well (C4); then both closes return
  // and the connection's resources can be freed (C5). Writes after close
  // return Closed (W2). A second close on the same endpoint is spec-silent.
  virtual Task<void> close() = 0;
};

// A Flow that forwards every call to another one it owns (LevelDB's
// EnvWrapper idea): fault injectors, recorders and mutants derive from it and
// override only the calls they change.
class FlowWrapper : public Flow {
 public:
  // Takes ownership of `target`, which must not be null.
  explicit FlowWrapper(std::unique_ptr<Flow> target);

  Task<ReadResult> read() override { return target_->read(); }
  Task<WriteResult> write(Buffer buffer) override {
    return target_->write(std::move(buffer));
  }
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    return target_->writev(std::move(buffers));
  }
  Task<void> close() override { return target_->close(); }

  // The wrapped flow.
  Flow& target() { return *target_; }

 private:
  std::unique_ptr<Flow> target_;
};

}  // namespace flowcheck

#endif  // FLOWCHECK_FLOW_FLOW_H_
