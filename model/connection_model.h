// model/connection_model.h: ConnectionModel, the contract as a state machine
// -- the state of one connection and the outcomes each operation may
// legally have in it, when operations happen one at a time.
//
// Per direction it holds the bytes accepted by Ok writes and not yet read
// (in flight), who has called close, and who has observed Eof. It is the
// reference the history checker's rules are derived from, and it generates
// legal histories for the checker's property tests (model/history_gen.h);
// the simulated flow (sim/) implements exactly these outcomes.
//
// Value type; not thread-safe.
#ifndef FLOWCHECK_MODEL_CONNECTION_MODEL_H_
#define FLOWCHECK_MODEL_CONNECTION_MODEL_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "flow/result.h"
#include "model/history.h"

namespace flowcheck {

class ConnectionModel {
 public:
  // The only legal outcome of a write/writev of `bytes` on `side` now:
  // Ok while `side` has not called close (the bytes join the in-flight data
  // towards the peer: W1, W3), Closed afterwards (W2).
  WriteResult::Kind Write(Side side, std::string_view bytes);

  // Bytes in flight towards `side`: what a read on `side` may return now.
  std::size_t Readable(Side side) const;
  // Whether a read on `side` may (and, with nothing readable, must) return
  // Eof now: the peer has called close and nothing is in flight (R5, R6,
  // C2), or `side` has already seen Eof (R7).
  bool EofReadable(Side side) const;
  // Whether a read on `side` must stay pending now (R1).
  bool ReadMustPend(Side side) const {
    return Readable(side) == 0 && !EofReadable(side);
  }

  // A read on `side` returns the next `count` in-flight bytes
  // (1 <= count <= Readable(side): R2, R4). Aborts otherwise.
  std::string Deliver(Side side, std::size_t count);
  // A read on `side` returns Eof. Aborts unless EofReadable(side).
  void DeliverEof(Side side);

  // `side` calls close (a second call changes nothing).
  void Close(Side side);
  bool closed(Side side) const { return closed_[Index(side)]; }
  // Whether a close on `side` may return now: the peer has closed (C4, C5).
  bool CloseMayReturn(Side side) const { return closed(Peer(side)); }
  bool saw_eof(Side side) const { return saw_eof_[Index(side)]; }

 private:
  static int Index(Side side) { return static_cast<int>(side); }

  std::string in_flight_[2];  // towards side A, towards side B
  std::size_t read_offset_[2] = {0, 0};
  bool closed_[2] = {false, false};
  bool saw_eof_[2] = {false, false};
};

}  // namespace flowcheck

#endif  // FLOWCHECK_MODEL_CONNECTION_MODEL_H_
