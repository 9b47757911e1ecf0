// TLS 1.3 certified over TCP and over a socketpair, as a third party
// registers a layered transport (examples/tls/tls_flows.h).
#include "conformance/gtest.h"
#include "examples/tls/tls_flows.h"

FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(TlsTcp, tlsexample::TlsOverTcp(),
                                        {.programs = 40});
FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(TlsSocketpair,
                                        tlsexample::TlsOverSocketpair(),
                                        {.programs = 40});
