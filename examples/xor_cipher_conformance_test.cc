// Certifying a third-party flow: the XOR cipher layer of
// examples/xor_cipher_flow.h gets the whole conformance suite -- one test
// per clause scenario, the property programs and the observations -- from
// one line per world: over flowcheck's simulated flow (links shaped per
// seed, resets injected) and over real TCP through the public real-time
// world (examples/xor_cipher_flows.h).
#include "conformance/gtest.h"
#include "examples/xor_cipher_flows.h"

FLOWCHECK_CONFORMANCE_TEST(XorCipher, xorcipher::XorOverSim());
FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(XorCipherTcp, xorcipher::XorOverTcp(),
                                        {.programs = 30});
