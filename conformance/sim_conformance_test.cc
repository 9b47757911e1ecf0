// The simulated flow, certified by the one-line GoogleTest registration.
#include "conformance/gtest.h"
#include "conformance/sim_subject.h"

FLOWCHECK_CONFORMANCE_TEST(SimShaped,
                           flowcheck::conformance::SimFlowUnderTest(true));
FLOWCHECK_CONFORMANCE_TEST(SimIdeal,
                           flowcheck::conformance::SimFlowUnderTest(false));
