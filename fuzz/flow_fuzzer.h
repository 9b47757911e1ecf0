// fuzz/flow_fuzzer.h: fuzzing a flow against the model -- the oracle behind
// sim_vs_model_fuzzer, and the one-line template that turns any
// conformance::FlowUnderTest into a fuzz target of the same kind.
//
// One input is a FlowCase (fuzz/flow_case.h): a seed, possibly a fault
// plan, and a program for each endpoint. CheckFlowCase runs the program on
// a fresh pair from the factory (conformance::RunProgram records every
// operation and the model checker judges the history), then -- for a
// finding, and for a sample of the other inputs (determinism_every) --
// runs it again on another fresh pair with the same seed, and reports a
// finding when
//  - the checker finds a contract violation (a clause, with evidence);
//  - a task is still pending at the end although no fault that the checker
//    was told about allows anything (every program closes both endpoints
//    and reads to Eof, so on a correct flow every task finishes);
//  - a simulated run hit its virtual time limit instead of ending;
//  - the two runs differ (trace hash, history or verdict) in a simulated
//    world: one seed must reproduce everything.
// Real-time worlds (no scheduler) are judged on the first run only.
//
// Using it for your flow -- one line in a .cc file, built with
// flowcheck_fuzz_target() from fuzz/fuzz.bzl:
//
//   #include "fuzz/flow_fuzzer.h"
//   FLOWCHECK_FLOW_FUZZER("my_flow_fuzzer", my::MyFlowUnderTest());
//
// The macro defines LLVMFuzzerTestOneInput; the factory is called once,
// on the first input, and `make(seed)` once per run. Single-threaded. It
// also defines LLVMFuzzerInitialize, which adds the flow targets' default
// libFuzzer flags (AddDefaultFlags); so a target that needs its own
// LLVMFuzzerInitialize cannot use the macro: it writes both functions out
// and calls AddDefaultFlags from its own. A target that writes only its own
// LLVMFuzzerTestOneInput (sim_vs_model_fuzzer.cc, which decodes a plan)
// adds FLOWCHECK_FLOW_FUZZER_INITIALIZE().
#ifndef FLOWCHECK_FUZZ_FLOW_FUZZER_H_
#define FLOWCHECK_FUZZ_FLOW_FUZZER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "conformance/subject.h"
#include "fuzz/flow_case.h"
#include "sim/fault_plan.h"

namespace flowcheck::fuzz {

// Makes a fresh connected pair for a seed and (for targets that decode one)
// a plan; factories that shape their own links ignore the plan.
using SubjectFactory = std::function<conformance::Subject(
    std::uint64_t seed, const sim::FaultPlan& plan)>;

// What a flow fuzz target runs against.
struct FlowFuzzTarget {
  std::string name;  // the target's name, for reports ("sim_vs_model_fuzzer")
  PlanSource plan_source = PlanSource::kFactory;
  SubjectFactory make;
  // In a simulated world, one input in this many that found nothing is run
  // a second time to check that the seed reproduces the run (1: every
  // input). Which inputs is decided by the case's seed, so a given input is
  // always checked or never ("an input crashes every time or never"). A
  // finding is always run twice. Sampling keeps the fuzzer fast: the second
  // run and the comparison of histories cost as much as the first run.
  std::uint32_t determinism_every = 8;
};

// Runs `flow_case` once or twice as described above. Returns nullopt when
// all is well, otherwise the finding as a report a human can act on: one
// line saying what went wrong, then the case (seed, plan, program), the
// verdict, the history and the trace hashes of both runs (whether the
// second run found the same). Never aborts on a finding (fuzz targets do
// that; tests assert on the result).
std::optional<std::string> CheckFlowCase(const FlowFuzzTarget& target,
                                         const FlowCase& flow_case);

// The body of a flow fuzz target: decodes the input, checks it, and on a
// finding reports it through ReportFinding (fuzz/finding.h: prints it with
// a replay line and aborts, how a libFuzzer target signals a crash).
// Returns 0 otherwise.
int FuzzFlowOneInput(const FlowFuzzTarget& target, const std::uint8_t* data,
                     std::size_t size);

// A target for a user's flow: its factory makes the pairs, and the links
// are whatever the factory makes of the seed (the input holds no plan).
FlowFuzzTarget FlowFuzzTargetFor(std::string name,
                                 conformance::FlowUnderTest flow);

// The libFuzzer flags a flow target runs with unless its command line sets
// them: `-entropic_scale_per_exec_time=1`, which gives inputs that run
// faster more turns (up to 30x). The cost of a flow input varies a hundred
// times with its program and links, and coverage does not grow with it;
// with the flag the flow fuzzers run about twice the executions per second
// and find the same (docs/fuzzing.md). libFuzzer documents that the flag
// makes a run depend on timing even with -seed: for a reproducible run,
// pass -entropic_scale_per_exec_time=0 (fuzz/run_fuzzers.sh does).
inline constexpr const char* kDefaultFlags[] = {
    "-entropic_scale_per_exec_time=1"};

// For LLVMFuzzerInitialize (libFuzzer calls it before parsing its flags):
// when the engine is libFuzzer, AppendDefaultFlags; under any other engine
// or driver (AFL++, honggfuzz, Centipede, the replay driver), which read
// argv their own way, leaves argv as it is.
void AddDefaultFlags(int* argc, char*** argv);

// Appends each of kDefaultFlags that argv does not set already (a flag is
// set when an argument starts with its "-name="). The new argv lives until
// the process ends (one per process: a second call replaces the first's);
// the strings are not copied.
void AppendDefaultFlags(int* argc, char*** argv);

}  // namespace flowcheck::fuzz

// Defines LLVMFuzzerInitialize as AddDefaultFlags, for a flow target that
// writes its own LLVMFuzzerTestOneInput.
#define FLOWCHECK_FLOW_FUZZER_INITIALIZE()                       \
  extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) { \
    ::flowcheck::fuzz::AddDefaultFlags(argc, argv);              \
    return 0;                                                    \
  }

// Defines the libFuzzer entry points for `flow_under_test` (an expression
// giving a conformance::FlowUnderTest, evaluated once).
#define FLOWCHECK_FLOW_FUZZER(target_name, flow_under_test)                \
  FLOWCHECK_FLOW_FUZZER_INITIALIZE()                                       \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,          \
                                        std::size_t size) {                \
    static const ::flowcheck::fuzz::FlowFuzzTarget kFlowcheckFuzzTarget =  \
        ::flowcheck::fuzz::FlowFuzzTargetFor((target_name),                \
                                             (flow_under_test));           \
    return ::flowcheck::fuzz::FuzzFlowOneInput(kFlowcheckFuzzTarget, data, \
                                               size);                      \
  }

#endif  // FLOWCHECK_FUZZ_FLOW_FUZZER_H_
