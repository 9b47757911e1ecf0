// conformance/broken_flows.h: flows that break the certifier's process
// rather than the contract -- for tests that prove no flow can hang, kill or
// fake-pass flowcheck (issue: every case isolated, bounded, reported).
//
// Each wraps a correct flow (FlowWrapper) and, on the pair's Nth read,
// segfaults, aborts, throws, spins without ever yielding, leaks memory
// until the case's limit, calls exit(0), or closes every descriptor it did
// not open (flowcheck's result pipe among them) and then spins. Test-only.
#ifndef FLOWCHECK_CONFORMANCE_BROKEN_FLOWS_H_
#define FLOWCHECK_CONFORMANCE_BROKEN_FLOWS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/subject.h"

namespace flowcheck::conformance {

enum class Breakage {
  kSegfault,          // raise(SIGSEGV)
  kAbort,             // std::abort()
  kThrow,             // throw std::runtime_error
  kSpin,              // loop forever without suspending
  kLeak,              // allocate 512 MiB per read, never free
  kExit0,             // std::exit(0)
  kClosePipeThenSpin  // close fds 3..1023, then spin
};

// "segfault", "abort", "throw", "spin", "leak", "exit0", "close-pipe-spin".
std::string_view BreakageName(Breakage breakage);
std::optional<Breakage> ParseBreakage(std::string_view name);
// Every breakage, in enum order.
std::vector<Breakage> AllBreakages();

// `base` with both endpoints wrapped: the pair's `on_read`th read (counted
// over both endpoints, from 1) breaks as `breakage` says; reads before it
// and every other operation pass through. Named "<base>+<breakage>".
FlowUnderTest Break(const FlowUnderTest& base, Breakage breakage,
                    int on_read = 3);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_BROKEN_FLOWS_H_
