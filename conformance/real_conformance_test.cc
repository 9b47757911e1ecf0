// The real transports of flows/, certified by the one-line GoogleTest
// registration (in real time, with watchdogs). Each is looked up by name:
// the test names cannot end up on another transport's results.
#include "conformance/builtin.h"
#include "conformance/gtest.h"

using ::flowcheck::conformance::BuiltinFlow;

FLOWCHECK_CONFORMANCE_TEST(Socketpair, BuiltinFlow("socketpair"));
FLOWCHECK_CONFORMANCE_TEST(Tcp, BuiltinFlow("tcp"));
FLOWCHECK_CONFORMANCE_TEST(Pipes, BuiltinFlow("pipes"));
