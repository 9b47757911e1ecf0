#include "sim/testing.h"

#include <memory>
#include <utility>

#include "model/recorder.h"

namespace flowcheck::sim::testing {
namespace {

Side ToSide(Endpoint endpoint) {
  return endpoint == Endpoint::kA ? Side::kA : Side::kB;
}

// Bytes whose consecutive values differ, per endpoint.
Buffer Pattern(std::uint64_t& offset, int side, std::uint64_t size) {
  std::string bytes(size, '\0');
  for (char& c : bytes) {
    c = static_cast<char>((offset++ * 7 + 1 + 128 * side) % 256);
  }
  return Buffer::FromString(std::move(bytes));
}

struct EndpointProgram {
  int side = 0;
  int ops = 0;
  int close_after = -1;  // close after this many ops (-1: never)
  bool two_readers = false;
  int lazy_reads = -1;  // the first reader stops after this many reads
};

Task<void> Writer(Scheduler& scheduler, Flow& flow, EndpointProgram program,
                  ProgramOptions options, Random random) {
  std::uint64_t offset = 0;
  for (int op = 0; op <= program.ops; ++op) {
    if (op == program.close_after) co_await flow.close();
    if (op == program.ops) break;
    if (random.Chance(1, 4)) {
      std::vector<Buffer> parts(random.Uniform(5));
      for (Buffer& part : parts) {
        part = Pattern(offset, program.side,
                       random.Uniform(options.write_bytes_max / 2 + 1));
      }
      co_await flow.writev(std::move(parts));
    } else {
      co_await flow.write(Pattern(offset, program.side,
                                  random.Uniform(options.write_bytes_max + 1)));
    }
    if (random.Chance(1, 3)) {
      co_await scheduler.sleep(Duration(random.Uniform(2'000'000)));
    }
  }
}

Task<void> Reader(Scheduler& scheduler, Flow& flow, int max_reads,
                  Random random) {
  for (int reads = 0; max_reads < 0 || reads < max_reads; ++reads) {
    ReadResult result = co_await flow.read();
    if (!result.is_data()) break;
    if (random.Chance(1, 4)) {
      co_await scheduler.sleep(Duration(random.Uniform(3'000'000)));
    }
  }
}

EndpointProgram DrawProgram(Random& random, int side,
                            const ProgramOptions& options) {
  EndpointProgram program;
  program.side = side;
  program.ops =
      static_cast<int>(random.Uniform(options.writes_per_side_max + 1));
  if (random.Chance(7, 8)) {
    program.close_after =
        random.Chance(1, 6) ? static_cast<int>(random.Uniform(program.ops + 1))
                            : program.ops;
  }
  program.two_readers = random.Chance(1, 4);
  if (random.Chance(1, 8))
    program.lazy_reads = static_cast<int>(random.Uniform(4));
  return program;
}

}  // namespace

std::optional<FaultEffects> EffectsOf(const FaultFired& fault) {
  if (!fault.effects.relaxes_anything()) return std::nullopt;
  return fault.effects;
}

std::string CheckedRun::Explain() const {
  std::string out = "seed " + std::to_string(seed) + "\n" + verdict.ToString() +
                    "run: " + report.ToString() + "\n" + history.ToString();
  for (const FaultFired& fault : faults) {
    out += "fault on " +
           std::string(fault.endpoint == Endpoint::kA ? "A" : "B") + ": " +
           fault.description + "\n";
  }
  if (!trace_text.empty()) out += trace_text;
  return out;
}

CheckedRun RunRandomProgram(std::uint64_t seed, const FaultPlan& plan,
                            const ProgramOptions& options) {
  CheckedRun run;
  run.seed = seed;
  auto scheduler = std::make_unique<Scheduler>(
      SchedulerOptions{.seed = seed,
                       .keep_trace_text = options.keep_trace_text,
                       .time_limit = std::chrono::hours(1)});
  Random program_random = scheduler->random().Fork();
  History& history = run.history;

  ConnectionOptions connection_options;
  connection_options.plan = plan;
  connection_options.check_caller_obligations =
      options.check_caller_obligations;
  connection_options.on_fault = [&history,
                                 &scheduler](const FaultFired& fault) {
    if (auto effects = EffectsOf(fault)) {
      history.AddFault(ToSide(fault.endpoint), fault.description, *effects,
                       scheduler->now());
    }
  };
  ConnectedPair pair = MakeConnection(*scheduler, connection_options);
  auto task_name = [&scheduler] { return scheduler->current_task_name(); };
  RecordingFlow a(std::move(pair.a), Side::kA, history, *scheduler, task_name);
  RecordingFlow b(std::move(pair.b), Side::kB, history, *scheduler, task_name);
  Flow* flows[2] = {&a, &b};
  const char* names[2] = {"A", "B"};

  for (int side = 0; side < 2; ++side) {
    const EndpointProgram program = DrawProgram(program_random, side, options);
    Flow& flow = *flows[side];
    scheduler->spawn(
        Writer(*scheduler, flow, program, options, program_random.Fork()),
        std::string(names[side]) + "-writer");
    scheduler->spawn(
        Reader(*scheduler, flow, program.lazy_reads, program_random.Fork()),
        std::string(names[side]) + "-reader");
    if (program.two_readers) {
      scheduler->spawn(Reader(*scheduler, flow, -1, program_random.Fork()),
                       std::string(names[side]) + "-reader-2");
    }
  }
  run.report = scheduler->RunUntilQuiescent();
  history.End(run.report.outcome == RunReport::Outcome::kTimeLimit
                  ? HistoryEnd::kCutOff
                  : HistoryEnd::kQuiescent,
              scheduler->now());
  run.verdict = CheckHistory(history);
  run.trace_hash = scheduler->trace().hash();
  for (const auto& [name, value] : scheduler->trace().counters()) {
    run.counters.emplace(name, value);
  }
  run.faults = pair.info.faults_fired();
  if (options.keep_trace_text) run.trace_text = scheduler->trace().ToString();
  // Tasks go before the flows they use; the scheduler outlives both.
  scheduler->DestroyTasks();
  return run;
}

}  // namespace flowcheck::sim::testing
