// conformance/real_subject.h: the real transports of flows/ (socketpair,
// TCP over loopback, pipes) as conformance Subjects.
//
// Each pair gets a fresh AsioRuntime; the suite runs it with RunFor under a
// real-time limit (its watchdog), so evidence for "stays pending" is
// one-sided (RunReport::exact is false) unless the runtime proves that
// nothing can ever wake the pending tasks (kBlocked). Only transports whose
// Abort always resets the peer (flows::Transport::can_inject_reset: TCP
// sends RST) can inject a reset, so E1 is NOT APPLICABLE on the others: a
// socketpair resets the peer only if it held unread bytes, and pipes cannot
// reset at all (docs/flows.md).
#ifndef FLOWCHECK_CONFORMANCE_REAL_SUBJECT_H_
#define FLOWCHECK_CONFORMANCE_REAL_SUBJECT_H_

#include <vector>

#include "conformance/subject.h"
#include "flows/pairs.h"

namespace flowcheck::conformance {

// A fresh connected pair of `transport` on a new AsioRuntime; with
// inject_reset set when the transport can reset on request. Throws
// std::system_error (from flows/) if the operating system refuses to make
// one.
Subject MakeRealSubject(const flows::Transport& transport);

// socketpair, tcp, pipes as FlowUnderTests.
std::vector<FlowUnderTest> RealFlowsUnderTest();

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_REAL_SUBJECT_H_
