#include "fuzz/flow_fuzzer.h"

#include <cinttypes>
#include <cstdio>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "conformance/program.h"
#include "conformance/sim_subject.h"
#include "flow/check.h"
#include "fuzz/finding.h"

// Defined by libFuzzer "so that the client binary can test for its
// existence" (FuzzerDriver.cpp), and by Centipede; null elsewhere.
extern "C" __attribute__((weak)) void __libfuzzer_is_present();
extern "C" __attribute__((weak)) void CentipedeIsPresent();

namespace flowcheck::fuzz {
namespace {

// One run of a case on a fresh pair. The run report carries the trace hash
// of a deterministic (simulated) world.
struct Run {
  conformance::Execution execution;
  bool simulated() const { return execution.run.trace_hash.has_value(); }
};

Run RunOnce(const FlowFuzzTarget& target, const FlowCase& flow_case) {
  conformance::Subject subject =
      target.make(flow_case.program.seed, flow_case.plan);
  return Run{conformance::RunProgram(subject, flow_case.program)};
}

std::string Hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "%016" PRIx64, value);
  return text;
}

std::string Describe(const Run& run) {
  std::string out = run.execution.Explain();
  if (run.simulated()) {
    out += "trace hash " + Hex(*run.execution.run.trace_hash) + "\n";
  }
  return out;
}

std::string Report(const FlowFuzzTarget& target, const FlowCase& flow_case,
                   const std::string& what, const Run& first,
                   const Run* second) {
  std::string out = what + "\n" + flow_case.ToString(target.plan_source) +
                    "--- run 1 ---\n" + Describe(first);
  if (second != nullptr) out += "--- run 2 ---\n" + Describe(*second);
  return out;
}

}  // namespace

namespace {

// What is wrong with one run, or nullopt.
std::optional<std::string> Judge(const Run& run) {
  const conformance::Execution& execution = run.execution;
  if (!execution.verdict.ok()) {
    return "the model checker found a contract violation";
  }
  if (!execution.run.all_done() && execution.history.faults().empty()) {
    return "tasks are still pending at the end, but no fault allows an "
           "operation to hang (every endpoint closes and reads to Eof, so "
           "every task must finish)";
  }
  if (run.simulated() && !execution.run.exact) {
    return "the simulated run hit its virtual time limit instead of ending "
           "(the case's limits should make that impossible)";
  }
  return std::nullopt;
}

bool SameRun(const Run& first, const Run& second) {
  return second.execution.run.trace_hash == first.execution.run.trace_hash &&
         second.execution.verdict.ToString() ==
             first.execution.verdict.ToString() &&
         second.execution.history == first.execution.history;
}

// Whether an input that found nothing is run again (see determinism_every).
bool SampledForDeterminism(const FlowFuzzTarget& target,
                           const FlowCase& flow_case) {
  if (target.determinism_every <= 1) return true;
  // SplitMix64's finalizer: neighbouring seeds land far apart.
  std::uint64_t x = flow_case.program.seed + 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x % target.determinism_every == 0;
}

}  // namespace

std::optional<std::string> CheckFlowCase(const FlowFuzzTarget& target,
                                         const FlowCase& flow_case) {
  const Run first = RunOnce(target, flow_case);
  if (const std::optional<std::string> wrong = Judge(first)) {
    // A finding is always run again: whether it reproduces is the first
    // thing its reader wants to know.
    if (!first.simulated()) {
      return Report(target, flow_case, *wrong, first, nullptr);
    }
    const Run second = RunOnce(target, flow_case);
    return Report(target, flow_case,
                  *wrong + (SameRun(first, second)
                                ? " (the second run did the same)"
                                : " (and the second run differed: the seed "
                                  "does not reproduce the run)"),
                  first, &second);
  }
  if (!first.simulated() || !SampledForDeterminism(target, flow_case)) {
    return std::nullopt;
  }
  const Run second = RunOnce(target, flow_case);
  if (!SameRun(first, second)) {
    return Report(target, flow_case,
                  "non-deterministic replay: the same seed and plan gave two "
                  "different runs (trace hash, history or verdict differ)",
                  first, &second);
  }
  return std::nullopt;
}

int FuzzFlowOneInput(const FlowFuzzTarget& target, const std::uint8_t* data,
                     std::size_t size) {
  const FlowCase flow_case = DecodeFlowCase(
      std::span<const std::uint8_t>(data, size), target.plan_source);
  const std::optional<std::string> finding = CheckFlowCase(target, flow_case);
  if (finding.has_value()) {
    const std::size_t first_line = finding->find('\n');
    ReportFinding(target.name, finding->substr(0, first_line),
                  finding->substr(first_line + 1));
  }
  return 0;
}

void AppendDefaultFlags(int* argc, char*** argv) {
  static std::vector<char*> extended;
  // Copied before `extended` changes: *argv may be its own storage.
  std::vector<char*> args(*argv, *argv + *argc);
  extended = std::move(args);
  for (const char* flag : kDefaultFlags) {
    const std::size_t equals = std::string_view(flag).find('=');
    FLOWCHECK_CHECK(equals != std::string_view::npos,
                    "a default flag is -name=value");
    const std::string_view name = std::string_view(flag).substr(0, equals + 1);
    bool given = false;
    for (int i = 1; i < *argc; ++i) {
      given = given || std::string_view((*argv)[i]).starts_with(name);
    }
    if (!given) extended.push_back(const_cast<char*>(flag));
  }
  *argc = static_cast<int>(extended.size());
  extended.push_back(nullptr);  // argv[argc] is null, as main's is
  *argv = extended.data();
}

void AddDefaultFlags(int* argc, char*** argv) {
  // Another engine's driver (AFL++'s, honggfuzz's, a standalone main, our
  // replay driver) calls LLVMFuzzerInitialize too and reads argv its own
  // way: AFL++'s takes a leading -flag for its loop count. Only libFuzzer
  // (which marks itself with this symbol) gets libFuzzer's flags;
  // Centipede defines the same mark but not libFuzzer's flags.
  if (__libfuzzer_is_present == nullptr || CentipedeIsPresent != nullptr) {
    return;
  }
  AppendDefaultFlags(argc, argv);
}

FlowFuzzTarget FlowFuzzTargetFor(std::string name,
                                 conformance::FlowUnderTest flow) {
  FlowFuzzTarget target;
  target.name = std::move(name);
  target.plan_source = PlanSource::kFactory;
  target.make = [flow = std::move(flow)](std::uint64_t seed,
                                         const sim::FaultPlan&) {
    return flow.make(seed);
  };
  return target;
}

}  // namespace flowcheck::fuzz
