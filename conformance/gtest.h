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
// Options: FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(Name, flow, options)
// takes a ConformanceOptions (seed, programs, watchdog, isolation, replay
// command). The environment overrides them, so one run can change them
// without a rebuild -- Bazel passes them with --test_env:
// FLOWCHECK_SEED, FLOWCHECK_PROGRAMS, FLOWCHECK_ISOLATE=0 (run the cases in
// the test process, to debug one under gdb), FLOWCHECK_WATCHDOG_SECONDS
// (each real-time case's bound; with 5 s more, any case that makes no
// progress is killed). The tests shard with Bazel's shard_count like any
// GoogleTest suite.
//
// Replay: a failing case prints a command that runs just that case again
// with the same seed and programs, e.g.
//   bazel test //my:flow_test --test_env=FLOWCHECK_SEED=1
//     --test_env=FLOWCHECK_PROGRAMS=100
//     --test_filter='MyFlow/FlowcheckConformance.Case/programs'
// (the label from Bazel's TEST_TARGET; outside Bazel, this binary's path
// with --gtest_filter). Its certificate lists only the clauses the case
// touched.
#ifndef FLOWCHECK_CONFORMANCE_GTEST_H_
#define FLOWCHECK_CONFORMANCE_GTEST_H_

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "conformance/subject.h"

namespace flowcheck::conformance {

// How the registered tests run (the environment overrides each, see above).
struct ConformanceOptions {
  std::uint64_t seed = 1;  // FLOWCHECK_SEED
  int programs = 100;      // FLOWCHECK_PROGRAMS
  bool isolate = true;     // FLOWCHECK_ISOLATE
  // Real-time worlds: each case's watchdog (FLOWCHECK_WATCHDOG_SECONDS).
  Duration watchdog = std::chrono::seconds(10);
  // How a failing case's replay command starts, up to the filter; empty:
  // "bazel test <TEST_TARGET>" under Bazel, else this binary's path. The
  // seed, programs and the case's filter are appended.
  std::string replay_command;
};

// One test: a flow and the part of the suite to run on it.
struct ConformanceCase {
  FlowUnderTest flow;
  std::string part;  // "programs", "observations" or a scenario id
  ConformanceOptions options;
};

// GoogleTest prints a case as "programs on 'my-flow'" (not its bytes).
void PrintTo(const ConformanceCase& test_case, std::ostream* os);

// Every part of the suite, for `flow`.
std::vector<ConformanceCase> ConformanceCases(
    const FlowUnderTest& flow, const ConformanceOptions& options = {});

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

// The same with ConformanceOptions, e.g. a longer watchdog:
//   FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(
//       MyTls, MyTlsFlow(),
//       {.watchdog = std::chrono::seconds(30)});
#define FLOWCHECK_CONFORMANCE_TEST_WITH_OPTIONS(Name, flow_under_test, ...) \
  using ::flowcheck::conformance::FlowcheckConformance;                     \
  INSTANTIATE_TEST_SUITE_P(                                                 \
      Name, FlowcheckConformance,                                           \
      ::testing::ValuesIn(::flowcheck::conformance::ConformanceCases(       \
          flow_under_test,                                                  \
          ::flowcheck::conformance::ConformanceOptions __VA_ARGS__)),       \
      ::flowcheck::conformance::ConformanceCaseName)

#endif  // FLOWCHECK_CONFORMANCE_GTEST_H_
