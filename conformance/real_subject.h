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

#include <functional>
#include <memory>
#include <vector>

#include "conformance/subject.h"
#include "flows/asio_runtime.h"
#include "flows/pairs.h"

namespace flowcheck::conformance {

// A Subject of any two connected flows on `runtime` -- the public
// real-time world, for flows of your own (a TLS stream, a WebSocket, a
// multiplexed channel) built on flows/ or on Asio directly:
//
//   auto runtime = std::make_unique<flows::AsioRuntime>();
//   flows::Endpoints tcp = flows::ConnectTcpLoopback(*runtime);
//   flows::StreamFlow* raw_a = tcp.a.get();
//   auto a = std::make_unique<MyLayer>(std::move(tcp.a));
//   auto b = std::make_unique<MyLayer>(std::move(tcp.b));
//   return MakeAsioSubject(std::move(runtime), std::move(a), std::move(b),
//                          [raw_a] { raw_a->Abort(); });
//
// The suite runs the runtime with RunFor under each case's watchdog (real
// time; evidence "completed" or "bounded"). `reset_a`, if given, breaks the
// connection abruptly from A's side (for TCP: StreamFlow::Abort sends RST);
// the Subject reports the fault to the checker first. Give it exactly when
// the FlowUnderTest declares Capabilities::inject_reset. Takes ownership of
// everything; the flows must be destroyed before the runtime (the Subject's
// destructor does that).
Subject MakeAsioSubject(std::unique_ptr<flows::AsioRuntime> runtime,
                        std::unique_ptr<Flow> a, std::unique_ptr<Flow> b,
                        std::function<void()> reset_a = nullptr);

// A fresh connected pair of `transport` on a new AsioRuntime; with
// inject_reset set when the transport can reset on request. Throws
// std::system_error (from flows/) if the operating system refuses to make
// one.
Subject MakeRealSubject(const flows::Transport& transport);

// socketpair, tcp, pipes as FlowUnderTests.
std::vector<FlowUnderTest> RealFlowsUnderTest();

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_REAL_SUBJECT_H_
