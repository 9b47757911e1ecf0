// Benchmarks of the conformance suite: random property programs per second,
// and the wall-clock time of a full certificate, per built-in flow.
#include <benchmark/benchmark.h>

#include "conformance/builtin.h"
#include "conformance/certify.h"
#include "conformance/program.h"

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

void BM_ThousandPrograms(benchmark::State& state,
                         const std::string& flow_name) {
  const std::optional<FlowUnderTest> flow = FindBuiltinFlow(flow_name);
  if (!flow) {
    state.SkipWithError(("no built-in flow " + flow_name).c_str());
    return;
  }
  const std::vector<Program> programs = Programs();
  for (auto _ : state) {
    for (const Program& program : programs) {
      Subject subject = flow->make(program.seed);
      const Execution execution = RunProgram(subject, program);
      if (!execution.ok())
        state.SkipWithError("a correct flow failed a program");
    }
  }
  state.counters["programs/s"] = benchmark::Counter(
      static_cast<double>(programs.size() * state.iterations()),
      benchmark::Counter::kIsRate);
}
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
