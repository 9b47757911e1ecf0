// Benchmarks of the conformance suite: random property programs per second,
// and the wall-clock time of a full certificate, per built-in flow.
#include <benchmark/benchmark.h>

#include <functional>

#include "conformance/builtin.h"
#include "conformance/certify.h"
#include "conformance/program.h"
#include "conformance/program_gen.h"

namespace flowcheck::conformance {
namespace {

// 1,000 fixed random-ish programs (the same ones every run).
std::vector<Program> Programs() {
  std::vector<Program> programs;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    Program program;
    program.seed = seed;
    for (EndpointProgram* side : {&program.a, &program.b}) {
      for (std::uint64_t i = 0; i < seed % 9; ++i) {
        side->ops.push_back(ProgramOp{
            ProgramOp::Kind::kWrite,
            {static_cast<std::uint32_t>((seed * 131 + i * 17) % 5000)},
            0});
      }
      side->readers = 1 + static_cast<int>(seed % 2);
    }
    programs.push_back(program);
  }
  return programs;
}

// Runs every program on a fresh pair of `flow` per benchmark iteration,
// failing the benchmark if a correct flow fails one, passes each execution
// to `each` (if given), and reports programs/s.
void RunAll(benchmark::State& state, const FlowUnderTest& flow,
            const std::vector<Program>& programs,
            const std::function<void(const Execution&)>& each = nullptr) {
  for (auto _ : state) {
    for (const Program& program : programs) {
      Subject subject = flow.make(program.seed);
      const Execution execution = RunProgram(subject, program);
      if (!execution.ok())
        state.SkipWithError("a correct flow failed a program");
      if (each) each(execution);
    }
  }
  state.counters["programs/s"] = benchmark::Counter(
      static_cast<double>(programs.size() * state.iterations()),
      benchmark::Counter::kIsRate);
}

void BM_ThousandPrograms(benchmark::State& state,
                         const std::string& flow_name) {
  const std::optional<FlowUnderTest> flow = FindBuiltinFlow(flow_name);
  if (!flow) {
    state.SkipWithError(("no built-in flow " + flow_name).c_str());
    return;
  }
  const std::vector<Program> programs = Programs();
  RunAll(state, *flow, programs);
}
// 1,000 programs as the certificate draws them (the swarm generator of
// conformance/program_gen.h, RapidCheck size 100) on the simulated flow:
// what the property programs of a certificate cost, new dimensions
// included. Also counts the bytes they move and the virtual time they
// span (pauses of seconds cost no real time).
void BM_SwarmPrograms(benchmark::State& state) {
  std::vector<Program> programs;
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    programs.push_back(SampleProgram(seed));
  }
  const std::optional<FlowUnderTest> flow = FindBuiltinFlow("sim");
  double virtual_seconds = 0;
  double bytes = 0;
  RunAll(state, *flow, programs, [&](const Execution& execution) {
    virtual_seconds +=
        std::chrono::duration<double>(execution.run.end_time).count();
    for (const Operation& op : execution.history.operations()) {
      if (op.is_write()) bytes += static_cast<double>(op.write_size());
    }
  });
  const double runs = static_cast<double>(programs.size() * state.iterations());
  state.counters["written_bytes/s"] =
      benchmark::Counter(bytes, benchmark::Counter::kIsRate);
  state.counters["MB/program"] = bytes / 1e6 / runs;
  state.counters["virtual_s/program"] = virtual_seconds / runs;
}
BENCHMARK(BM_SwarmPrograms)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

// The cost of each swarm dimension alone: 200 programs (size 100) with
// only that feature on (argument: its index; -1: all off).
void BM_SwarmFeature(benchmark::State& state) {
  Features features;
  bool* const flags[] = {&features.closer_task,
                         &features.double_close,
                         &features.many_part_writevs,
                         &features.power_of_two_sizes,
                         &features.backpressure,
                         &features.varied_pauses,
                         &features.reset,
                         &features.long_half_close};
  const int index = static_cast<int>(state.range(0));
  if (index >= 0) *flags[index] = true;
  state.SetLabel(features.ToString());
  std::vector<Program> programs;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    programs.push_back(GenProgramWith(features)(rc::Random(seed), 100).value());
  }
  const std::optional<FlowUnderTest> flow = FindBuiltinFlow("sim");
  RunAll(state, *flow, programs);
}
BENCHMARK(BM_SwarmFeature)
    ->DenseRange(-1, 7)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

BENCHMARK_CAPTURE(BM_ThousandPrograms, sim, std::string("sim"))
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_ThousandPrograms, socketpair, std::string("socketpair"))
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

void BM_FullCertificate(benchmark::State& state, const std::string& flow_name) {
  const std::optional<FlowUnderTest> flow = FindBuiltinFlow(flow_name);
  if (!flow) {
    state.SkipWithError(("no built-in flow " + flow_name).c_str());
    return;
  }
  for (auto _ : state) {
    CertifyOptions options;
    options.isolate = true;  // as `flowcheck certify` runs it
    const Certificate certificate = Certify(*flow, options);
    if (!certificate.passed())
      state.SkipWithError("the certificate did not pass");
  }
}
BENCHMARK_CAPTURE(BM_FullCertificate, sim, std::string("sim"))
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_FullCertificate, sim_ideal, std::string("sim-ideal"))
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_FullCertificate, socketpair, std::string("socketpair"))
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_FullCertificate, tcp, std::string("tcp"))
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_FullCertificate, pipes, std::string("pipes"))
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace
}  // namespace flowcheck::conformance
