// conformance/relay_subject.h: certifying a relay or proxy -- any program
// that listens on one TCP port and connects onward to another -- with no
// code: `flowcheck certify --relay='socat TCP-LISTEN:{listen},bind=127.0.0.1,
// reuseaddr TCP:127.0.0.1:{upstream}'`.
//
// Per Subject, flowcheck listens on a free loopback port (the upstream),
// picks another free port for the relay to listen on, and starts the
// command with {listen} and {upstream} replaced by them (with /bin/sh, in a
// process group of its own). Endpoint A connects to 127.0.0.1:{listen} --
// retrying until the relay listens -- and endpoint B is the connection the
// relay makes to the upstream port: the path certified is A <-> relay <->
// B, both ends flowcheck's own TCP StreamFlows on an AsioRuntime. When the
// Subject is destroyed the relay's whole process group is killed; a failing
// case's counterexample ends with what the relay wrote to stderr.
//
// A relay that never listens, exits before it connects onward, or never
// connects onward within start_timeout ends the case as a CRASH line with
// its exit status and the end of its stderr. No reset capability: what a
// relay does with a reset on one side is its own business (E1 is NOT
// APPLICABLE).
#ifndef FLOWCHECK_CONFORMANCE_RELAY_SUBJECT_H_
#define FLOWCHECK_CONFORMANCE_RELAY_SUBJECT_H_

#include <chrono>
#include <string>
#include <variant>

#include "conformance/subject.h"
#include "flow/runtime.h"

namespace flowcheck::conformance {

struct RelayOptions {
  // A shell command line containing {listen} and {upstream}.
  std::string command;
  // How long the relay may take to listen and to connect onward.
  Duration start_timeout = std::chrono::seconds(5);
};

// The FlowUnderTest that certifies the relay, named "relay-" and the
// command's first word ("relay-socat"); or, if the command lacks
// {listen} or {upstream}, a sentence saying so. Starts nothing yet.
std::variant<FlowUnderTest, std::string> RelayFlowUnderTest(
    const RelayOptions& options);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_RELAY_SUBJECT_H_
