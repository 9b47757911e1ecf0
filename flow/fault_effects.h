// flow/fault_effects.h: FaultEffects, what an injected fault allows the
// operations on one endpoint from the moment it fires -- the relaxations of
// clause E1 (docs/spec.md, "Faults").
//
// Part of the contract, so both the worlds that inject faults (sim/, the
// real transports' reset) and the model that judges a run (model/) speak it.
// A plain value: copy it, compare it with ==. Any thread may use it.
#ifndef FLOWCHECK_FLOW_FAULT_EFFECTS_H_
#define FLOWCHECK_FLOW_FAULT_EFFECTS_H_

namespace flowcheck {

// What an injected fault allows on the endpoint it affects, from the moment
// it fires. A fault that affects both endpoints is recorded once per side.
// Faults that keep the contract (delays, splits, stalls that end) are not
// recorded here: they relax nothing.
struct FaultEffects {
  bool may_fail = false;       // operations may complete with an Error
                               // (writes also with Closed)
  bool may_hang = false;       // operations may stay pending forever
  bool may_lose_data = false;  // bytes towards this side may never arrive
  bool may_end = false;        // reads may return Eof though the peer did not
                               // close (the fault is a close, e.g. a cut)
  bool connection_broken = false;  // the whole connection is broken (reset):
                                   // every pending operation must complete
                                   // (E1), none may hang

  // Whether any flag is set, i.e. whether the checker must be told. A
  // default FaultEffects relaxes nothing.
  constexpr bool relaxes_anything() const {
    return may_fail || may_hang || may_lose_data || may_end ||
           connection_broken;
  }

  friend constexpr bool operator==(const FaultEffects&,
                                   const FaultEffects&) = default;
};

}  // namespace flowcheck

#endif  // FLOWCHECK_FLOW_FAULT_EFFECTS_H_
