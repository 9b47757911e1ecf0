// examples/xor_cipher_flows.h: the XOR cipher layer (xor_cipher_flow.h) as
// flows to certify, the way a third party writes them: over flowcheck's
// simulated flow, and over real TCP through the public real-time world
// (conformance/real_subject.h, MakeAsioSubject) -- no flowcheck internals.
#ifndef FLOWCHECK_EXAMPLES_XOR_CIPHER_FLOWS_H_
#define FLOWCHECK_EXAMPLES_XOR_CIPHER_FLOWS_H_

#include "conformance/subject.h"

namespace xorcipher {

// "xor-over-sim": the cipher over the simulated flow (links shaped per
// seed); can inject a reset.
flowcheck::conformance::FlowUnderTest XorOverSim();

// "xor-over-tcp": the cipher over a TCP loopback connection on an
// AsioRuntime; can inject a reset (A's socket aborts with RST).
flowcheck::conformance::FlowUnderTest XorOverTcp();

}  // namespace xorcipher

#endif  // FLOWCHECK_EXAMPLES_XOR_CIPHER_FLOWS_H_
