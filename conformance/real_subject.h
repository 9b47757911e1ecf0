// conformance/real_subject.h: the real transports of flows/ (socketpair,
// TCP over loopback, pipes) as conformance Subjects.
//
// Each pair gets a fresh AsioRuntime. A run is bounded by a real-time
// watchdog (flows/asio_runtime.h RunWithWatchdog): evidence for "stays
// pending" is one-sided (kBounded) unless the runtime proves nothing can
// ever wake the pending tasks (a stall: kExact). Only TCP can inject a
// reset (StreamFlow::Abort sends RST), so E1 is NOT APPLICABLE on the
// others: a socketpair resets the peer only if it held unread bytes, and
// pipes cannot reset at all (docs/flows.md).
#ifndef FLOWCHECK_CONFORMANCE_REAL_SUBJECT_H_
#define FLOWCHECK_CONFORMANCE_REAL_SUBJECT_H_

#include <vector>

#include "conformance/subject.h"
#include "flows/pairs.h"

namespace flowcheck::conformance {

// A fresh connected pair of `transport`. Throws std::system_error (from
// flows/) if the operating system refuses to make one.
Subject MakeRealSubject(const flows::Transport& transport);

// socketpair, tcp, pipes as FlowUnderTests.
std::vector<FlowUnderTest> RealFlowsUnderTest();

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_REAL_SUBJECT_H_
