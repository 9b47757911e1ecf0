// conformance/gtest.h: the whole conformance suite as GoogleTest tests, in
// one line.
//
//   #include "conformance/gtest.h"
//
//   flowcheck::conformance::FlowUnderTest MyFlow() { ... }  // your factory
//
//   FLOWCHECK_CONFORMANCE_TEST(MyFlow, MyFlow());
//
// registers one test per part of the suite -- the property programs, each
// named scenario (named after its clause: MyFlow/FlowcheckConformance.Case/
// R5_drain_before_eof), and the observations -- so `bazel test` shows which
// clause failed, with the counterexample and a replay line in the log. The
// observations are reported, never judged: that test fails only if one of
// them did not run or said nothing; each result is printed and recorded as
// a test property (RecordProperty, in the XML report). A failing case also
// writes its certificate as an HTML page with a space-time diagram of each
// counterexample into TEST_UNDECLARED_OUTPUTS_DIR (Bazel sets it; the page
// lands in bazel-testlogs/.../test.outputs/) and the log names the file.
// Scenarios the flow's world cannot run (an injected reset) are skipped, not
// passed. Link "//conformance:gtest".
//
// Each case runs in its own child process, bounded in time and memory
// (conformance/isolate.h): a flow that crashes, throws, calls exit(0),
// spins or leaks fails its test with a CRASH line in words -- it can never
// pass it, skip it or take the other tests down.
//
// Environment: FLOWCHECK_SEED (default 1) and FLOWCHECK_PROGRAMS (default
// 100) change the seed and the number of property programs;
// FLOWCHECK_ISOLATE=0 runs the cases in the test process (to debug one under
// gdb); FLOWCHECK_WATCHDOG_SECONDS (default 10) bounds each real-time case,
// and with 5 s more, any case that makes no progress. Bazel passes them with
// --test_env. The tests shard with Bazel's shard_count like any GoogleTest
// suite.
#ifndef FLOWCHECK_CONFORMANCE_GTEST_H_
#define FLOWCHECK_CONFORMANCE_GTEST_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance/subject.h"

namespace flowcheck::conformance {

// One test: a flow and the part of the suite to run on it.
struct ConformanceCase {
  FlowUnderTest flow;
  std::string part;  // "programs", "observations" or a scenario id
};

// Every part of the suite, for `flow`.
std::vector<ConformanceCase> ConformanceCases(const FlowUnderTest& flow);

// "R5.drain-before-eof" -> "R5_drain_before_eof".
std::string ConformanceCaseName(
    const ::testing::TestParamInfo<ConformanceCase>& info);

class FlowcheckConformance : public ::testing::TestWithParam<ConformanceCase> {
};

}  // namespace flowcheck::conformance

// (GoogleTest pastes the suite name into identifiers, so it must be
// unqualified: hence the using-declaration.)
#define FLOWCHECK_CONFORMANCE_TEST(Name, flow_under_test)               \
  using ::flowcheck::conformance::FlowcheckConformance;                 \
  INSTANTIATE_TEST_SUITE_P(                                             \
      Name, FlowcheckConformance,                                       \
      ::testing::ValuesIn(                                              \
          ::flowcheck::conformance::ConformanceCases(flow_under_test)), \
      ::flowcheck::conformance::ConformanceCaseName)

#endif  // FLOWCHECK_CONFORMANCE_GTEST_H_
