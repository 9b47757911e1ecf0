// model/checker.h: the history checker -- decides whether an observed
// History (model/history.h) satisfies every MUST clause of the contract.
//
// The checker accepts every legal way of splitting and merging the written
// bytes across reads, overlapping operations from several tasks (reads that
// overlap may have received their bytes in any order consistent with
// real-time precedence), and operations still pending at the end of the
// history where the spec allows them (a read with nothing to read: R1; a
// close whose peer has not closed: C4; a write the peer is not reading:
// backpressure). Pending operations are judged only when the history ended
// quiescent (model/history.h); a cut-off history leaves them undecided.
//
// Judging rules, clause by clause, are in docs/spec.md; each rule's code is
// marked there and here with its clause id.
//
// E1 is judged as "eventually" (docs/spec.md, "E1: eventually"): after a
// fault that breaks the connection, an endpoint may still accept writes
// for a while (a kernel buffers them too), but not without bound:
//  - at a quiescent or waited-out end, an endpoint whose writes returned Ok
//    at least kE1QuiescentMinOkWrites times after the break while none of
//    its operations ever reported it (a read or write error, Closed, or
//    Eof where the fault is a close) violates E1;
//  - at any end, more than CheckOptions::e1_accept_bound_bytes bytes or
//    e1_accept_bound_ops writes accepted with Ok after the break, with no
//    report in between, violate E1 even if the history was cut off;
//  - bytes read after the break must have been written before it (bytes
//    written before it may still arrive: they were in flight).
//
// Limits (reported in CheckResult::notes, never as violations):
//  - writes that overlap on one endpoint are judged in invocation order
//    (concurrent writers are spec-silent);
//  - overlapping reads are linearized by a bounded search; if the bound is
//    hit the direction's byte stream is not judged.
#ifndef FLOWCHECK_MODEL_CHECKER_H_
#define FLOWCHECK_MODEL_CHECKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/clause.h"
#include "model/history.h"

namespace flowcheck {

// One broken clause, with the evidence.
struct Violation {
  Clause clause = Clause::kR1;
  // The operations that show it, the main one first (ids in the History).
  std::vector<int> operations;
  // When it became evident (a sequence number of the history), for ordering.
  std::int64_t seq = 0;
  // A paragraph a human can act on: what happened, what the clause
  // required instead.
  std::string explanation;

  // For violations where written bytes never reached the reader (R5: Eof
  // before the drain; C1/W1: a read pending forever with bytes unread):
  // who wrote them and how far the reader got, so that a caller who knows
  // what the writer really handed to the transport (the simulated link) can
  // say which side lost them. Unset for other violations.
  struct Shortfall {
    Side writer = Side::kA;
    std::uint64_t bytes_read = 0;      // by the reader, before the evidence
    std::uint64_t bytes_required = 0;  // written with Ok by the writer
  };
  std::optional<Shortfall> shortfall;

  // "R4 violated (bytes read are a prefix ...): <explanation> [#3 #7]".
  std::string ToString() const;
};

struct CheckResult {
  // Every violation found, earliest evidence first. Empty: all MUST clauses
  // hold on this history.
  std::vector<Violation> violations;
  // What could not be judged, and why.
  std::vector<std::string> notes;

  bool ok() const { return violations.empty(); }
  // Whether some violation is of `clause`.
  bool Violates(Clause clause) const;
  // "ok", or the violations and notes, one per line.
  std::string ToString() const;
};

// E1's real-time bound on bytes accepted with Ok after the connection broke
// (docs/spec.md, "E1: eventually"): 16 MiB, four times Linux's largest
// default TCP send buffer (tcp_wmem: 4 MiB) and far above a Unix socket's
// (about 200 KiB) or a pipe's (64 KiB). A kernel that has not yet heard of
// the reset buffers at most that much; a flow that accepts more is
// accepting without bound.
inline constexpr std::uint64_t kE1AcceptBoundBytes = std::uint64_t{16} << 20;
// E1's real-time bound on write operations accepted with Ok after the
// connection broke: 2^20, about a second of back-to-back one-byte writes,
// longer than a reset takes to arrive on any real network (and a 1-byte
// write costs a kernel far more than one byte of buffer, so its buffer
// fills long before).
inline constexpr std::int64_t kE1AcceptBoundOps = std::int64_t{1} << 20;
// At a quiescent end, this many writes accepted with Ok after the break,
// none reported, violate E1. One is excused: it is what a kernel does in
// the instant before the reset reaches it, and with nothing after it the
// flow never had a chance to report; the second is that chance, missed.
inline constexpr std::int64_t kE1QuiescentMinOkWrites = 2;

// What the checker may be told; the defaults are the documented contract.
struct CheckOptions {
  // E1's real-time bounds (see kE1AcceptBoundBytes, kE1AcceptBoundOps):
  // accepting more than this after the break, unreported, violates E1.
  std::uint64_t e1_accept_bound_bytes = kE1AcceptBoundBytes;
  std::int64_t e1_accept_bound_ops = kE1AcceptBoundOps;
};

// Judges `history`. Never fails: any history, however broken, gets a result.
// The history need not have ended; if it is still open, it is judged as if
// cut off (pending operations undecided). Thread-safe: each thread keeps
// its own working buffers from check to check (a fuzzer checks thousands
// of histories a second), emptied, and freed when one grew past 1 MiB.
CheckResult CheckHistory(const History& history);
// The same with other bounds (tests; a certifier that knows its transport).
CheckResult CheckHistory(const History& history, const CheckOptions& options);

}  // namespace flowcheck

#endif  // FLOWCHECK_MODEL_CHECKER_H_
