// examples/tls/tls_flows.h: TLS 1.3 as flows to certify -- a third party's
// layered transport, written against flowcheck's public real-time world.
//
//   "tls-over-tcp":        TlsStream over a TCP loopback connection
//   "tls-over-socketpair": TlsStream over a Unix socketpair
//   "tls-over-sim":        TlsFlow over the simulated flow
//
// Each real pair gets a fresh AsioRuntime. The factory makes both SSL objects
// (a client and a server context, TLS 1.3 only, a self-signed P-256
// certificate made once per process and trusted by the client), completes
// the handshake in memory between them (both ends are in this process, so
// every case starts with an established session), checks the client
// verified the server, then wraps each end's socket in a TlsStream:
// everything after the handshake -- data records, session tickets,
// close_notify -- crosses the real connection. A is the client, B the
// server. tls-over-tcp can inject a reset (A's socket aborts with RST).
#ifndef FLOWCHECK_EXAMPLES_TLS_TLS_FLOWS_H_
#define FLOWCHECK_EXAMPLES_TLS_TLS_FLOWS_H_

#include <vector>

#include "conformance/subject.h"

namespace tlsexample {

flowcheck::conformance::FlowUnderTest TlsOverTcp();
flowcheck::conformance::FlowUnderTest TlsOverSocketpair();

// "tls-over-sim": TlsFlow (tls_flow.h) over flowcheck's simulated flow,
// each pair's links shaped from its seed (latency, splitting, coalescing,
// windows: sim::SwarmPlan, contract-keeping) -- deterministic, replayable
// from the seed, and its reset breaks the records underneath. Takes
// --plan (FlowUnderTest::under_plan): then the plan shapes the links and
// injects its faults.
flowcheck::conformance::FlowUnderTest TlsOverSim();

// All three, in that order.
std::vector<flowcheck::conformance::FlowUnderTest> TlsFlows();

// Mistakes real TLS adapters make, for showing the suite catches them.
enum class TlsBreakage {
  // The half-close shuts the connection's sending side down without
  // close_notify: the peer cannot tell a close from a truncation.
  kNoCloseNotify,
  // The peer's close_notify is answered at once with our own, ending our
  // sending side although we never called close (C3).
  kAnswerCloseNotify,
};

// tls-over-socketpair with `breakage`, named "tls-broken-...".
flowcheck::conformance::FlowUnderTest BrokenTlsOverSocketpair(
    TlsBreakage breakage);

// tls-over-sim with `breakage` (TlsFlowMistakes), named
// "tls-over-sim-broken-...".
flowcheck::conformance::FlowUnderTest BrokenTlsOverSim(TlsBreakage breakage);

}  // namespace tlsexample

#endif  // FLOWCHECK_EXAMPLES_TLS_TLS_FLOWS_H_
