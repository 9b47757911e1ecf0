#include "conformance/program.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "conformance/isolate.h"
#include "model/history_gen.h"
#include "model/recorder.h"

namespace flowcheck::conformance {
namespace {

// What the tasks of one program run share.
struct ProgramRun {
  Runtime* runtime = nullptr;
  Subject* subject = nullptr;
  std::uint64_t seed = 0;
  Duration hold{0};       // a kHold op's whole hold
  Duration pause_max{0};  // 0: pauses are not capped
  bool reset_done = false;
  std::uint64_t offset[2] = {0, 0};  // the next pattern offset per side

  Duration Pause(std::uint32_t us) const {
    const Duration pause = std::chrono::microseconds(us);
    return pause_max.count() > 0 ? std::min(pause, pause_max) : pause;
  }
};

// Performs the ops of `side` whose actor is `actor`, in order, whatever
// each returns. Both tasks of a side draw bytes from one pattern offset,
// so every byte written on a side is unique. `ops` is the program's, which
// outlives the run (as RunReader's `end`).
Task<void> RunActor(ProgramRun& run, Flow& flow, Side side,
                    ProgramOp::Actor actor, const std::vector<ProgramOp>& ops) {
  std::uint64_t& offset = run.offset[static_cast<int>(side)];
  for (const ProgramOp& op : ops) {
    if (op.actor != actor) continue;
    switch (op.kind) {
      case ProgramOp::Kind::kWrite:
        co_await flow.write(
            PatternBuffer(run.seed, side, offset, op.sizes.at(0)));
        break;
      case ProgramOp::Kind::kWritev: {
        std::vector<Buffer> parts;
        parts.reserve(op.sizes.size());
        for (std::uint32_t size : op.sizes) {
          parts.push_back(PatternBuffer(run.seed, side, offset, size));
        }
        co_await flow.writev(std::move(parts));
        break;
      }
      case ProgramOp::Kind::kClose:
        co_await flow.close();
        break;
      case ProgramOp::Kind::kPause:
        co_await run.runtime->sleep(run.Pause(op.pause_us));
        break;
      case ProgramOp::Kind::kHold: {
        const std::uint32_t size = op.sizes.empty() ? 0 : op.sizes[0];
        for (int slice = 0; slice < 4; ++slice) {
          co_await run.runtime->sleep(run.hold / 4);
          co_await flow.write(PatternBuffer(run.seed, side, offset, size));
        }
        break;
      }
      case ProgramOp::Kind::kReset:
        if (!run.reset_done && run.subject->inject_reset) {
          run.reset_done = true;
          run.subject->inject_reset();
        }
        break;
    }
  }
}

Task<void> RunReader(ProgramRun& run, Flow& flow, const EndpointProgram& end,
                     int reads_after_eof) {
  int after_error = -1;  // reads left after the first error; -1: none yet
  while (true) {
    if (end.read_pause_us > 0) {
      co_await run.runtime->sleep(run.Pause(end.read_pause_us));
    }
    ReadResult result = co_await flow.read();
    if (after_error >= 0) {
      // Bounded whatever the flow answers: a flow that fabricates data
      // after a reset must not keep this task busy forever.
      if (after_error-- == 0) co_return;
      continue;
    }
    if (result.is_error()) {
      if (end.reads_after_error == 0) co_return;
      after_error = end.reads_after_error - 1;
      continue;
    }
    if (result.is_eof()) break;
  }
  for (int i = 0; i < reads_after_eof; ++i) {
    ReadResult result = co_await flow.read();
    if (!result.is_eof()) co_return;
  }
}

bool HasActor(const EndpointProgram& endpoint, ProgramOp::Actor actor) {
  for (const ProgramOp& op : endpoint.ops) {
    if (op.actor == actor) return true;
  }
  return false;
}

std::string_view ActorName(ProgramOp::Actor actor) {
  return actor == ProgramOp::Actor::kWriter ? "writer" : "closer";
}

std::string_view Name(Side side) { return SideName(side); }

// Notes each operation as it enters and leaves the flow under test, so that
// an isolated case that crashes or hangs says where (conformance/isolate.h).
// Costs a branch per operation outside an isolated child.
class ProgressNotingFlow : public FlowWrapper {
 public:
  ProgressNotingFlow(std::unique_ptr<Flow> target, Side side)
      : FlowWrapper(std::move(target)), side_(side) {}

  Task<ReadResult> read() override {
    Note("read()", false);
    ReadResult result = co_await target().read();
    Note("read()", true);
    co_return result;
  }
  Task<WriteResult> write(Buffer buffer) override {
    const std::string call =
        ProgressNotesWanted()
            ? "write(" + std::to_string(buffer.size()) + " bytes)"
            : std::string();
    Note(call, false);
    WriteResult result = co_await target().write(std::move(buffer));
    Note(call, true);
    co_return result;
  }
  Task<WriteResult> writev(std::vector<Buffer> buffers) override {
    std::string call;
    if (ProgressNotesWanted()) {
      std::size_t bytes = 0;
      for (const Buffer& buffer : buffers) bytes += buffer.size();
      call = "writev(" + std::to_string(buffers.size()) + " parts, " +
             std::to_string(bytes) + " bytes)";
    }
    Note(call, false);
    WriteResult result = co_await target().writev(std::move(buffers));
    Note(call, true);
    co_return result;
  }
  Task<void> close() override {
    Note("close()", false);
    co_await target().close();
    Note("close()", true);
  }

 private:
  void Note(std::string_view call, bool returned) const {
    if (!ProgressNotesWanted()) return;
    NoteProgress(1, std::string(SideName(side_)) + " " + std::string(call) +
                        (returned ? " returned" : ""));
  }
  Side side_;
};

// `flow`, wrapped to note its calls as progress when an isolated case's
// parent wants them (ProgressNotesWanted() does not change during a run);
// otherwise `flow` itself: the wrapper is one more coroutine per call, which
// a fuzzer's run pays for nothing.
std::unique_ptr<Flow> Noting(std::unique_ptr<Flow> flow, Side side) {
  if (!ProgressNotesWanted()) return flow;
  return std::make_unique<ProgressNotingFlow>(std::move(flow), side);
}

}  // namespace

std::string PendingLines(const RunReport& report) {
  std::string out;
  for (const PendingTask& task : report.pending) {
    out += "  task '" + task.name + "' waits on " + task.waiting_on + "\n";
  }
  for (const std::string& io : report.pending_io) {
    out += "  I/O: " + io + "\n";
  }
  return out;
}

namespace {

std::string FormatPause(std::uint32_t us) {
  if (us >= 1000000 && us % 1000000 == 0) {
    return std::to_string(us / 1000000) + "s";
  }
  if (us >= 1000 && us % 1000 == 0) return std::to_string(us / 1000) + "ms";
  return std::to_string(us) + "us";
}

// "3, 0 x12, 17": runs of equal sizes shortened.
std::string FormatSizes(const std::vector<std::uint32_t>& sizes) {
  std::string out;
  for (std::size_t i = 0; i < sizes.size();) {
    std::size_t run = 1;
    while (i + run < sizes.size() && sizes[i + run] == sizes[i]) ++run;
    if (!out.empty()) out += ", ";
    out += std::to_string(sizes[i]);
    if (run > 2) {
      out += " x" + std::to_string(run);
    } else {
      run = 1;
    }
    i += run;
  }
  return out;
}

}  // namespace

std::string ProgramOp::ToString() const {
  switch (kind) {
    case Kind::kWrite:
      return "write " + std::to_string(sizes.empty() ? 0 : sizes[0]) + " bytes";
    case Kind::kWritev: {
      if (sizes.size() <= 8) return "writev [" + FormatSizes(sizes) + "]";
      std::uint64_t total = 0;
      for (std::uint32_t size : sizes) total += size;
      return "writev " + std::to_string(sizes.size()) + " parts [" +
             FormatSizes(sizes) + "] = " + std::to_string(total) + " bytes";
    }
    case Kind::kClose:
      return "close";
    case Kind::kPause:
      return "pause " + FormatPause(pause_us);
    case Kind::kHold:
      return "hold the half-close (the run's hold time), writing " +
             std::to_string(sizes.empty() ? 0 : sizes[0]) +
             " bytes after each quarter";
    case Kind::kReset:
      return "reset the connection (where the world can)";
  }
  return "?";
}

void Program::Normalize() {
  for (EndpointProgram* endpoint : {&a, &b}) {
    bool closes = false;
    for (ProgramOp& op : endpoint->ops) {
      closes |= op.kind == ProgramOp::Kind::kClose;
      if (op.kind == ProgramOp::Kind::kWrite) op.sizes.resize(1);
      if (op.kind == ProgramOp::Kind::kHold && op.sizes.empty()) {
        op.sizes.push_back(0);
      }
      // Only closes and pauses belong to a closer task.
      if (op.kind != ProgramOp::Kind::kClose &&
          op.kind != ProgramOp::Kind::kPause) {
        op.actor = ProgramOp::Actor::kWriter;
      }
    }
    if (!closes)
      endpoint->ops.push_back(ProgramOp{ProgramOp::Kind::kClose, {}, 0});
    endpoint->readers = std::clamp(endpoint->readers, 1, 2);
    endpoint->reads_after_eof = std::clamp(endpoint->reads_after_eof, 0, 1000);
    endpoint->reads_after_error =
        std::clamp(endpoint->reads_after_error, 0, 1000);
  }
}

bool Program::IsNormal() const {
  // The same rules as Normalize(), asked instead of applied.
  for (const EndpointProgram* endpoint : {&a, &b}) {
    bool closes = false;
    for (const ProgramOp& op : endpoint->ops) {
      closes |= op.kind == ProgramOp::Kind::kClose;
      if (op.kind == ProgramOp::Kind::kWrite && op.sizes.size() != 1) {
        return false;
      }
      if (op.kind == ProgramOp::Kind::kHold && op.sizes.empty()) return false;
      if (op.kind != ProgramOp::Kind::kClose &&
          op.kind != ProgramOp::Kind::kPause &&
          op.actor != ProgramOp::Actor::kWriter) {
        return false;
      }
    }
    if (!closes) return false;
    if (endpoint->readers != std::clamp(endpoint->readers, 1, 2) ||
        endpoint->reads_after_eof !=
            std::clamp(endpoint->reads_after_eof, 0, 1000) ||
        endpoint->reads_after_error !=
            std::clamp(endpoint->reads_after_error, 0, 1000)) {
      return false;
    }
  }
  return true;
}

std::string Program::ToString() const {
  std::string out = "seed " + std::to_string(seed) + "\n";
  for (Side side : {Side::kA, Side::kB}) {
    const EndpointProgram& endpoint = side == Side::kA ? a : b;
    const bool two_tasks = HasActor(endpoint, ProgramOp::Actor::kCloser);
    int n = 0;
    for (const ProgramOp& op : endpoint.ops) {
      out += "  " + std::string(Name(side)) + std::to_string(++n);
      if (two_tasks) out += " " + std::string(ActorName(op.actor));
      out += ": " + op.ToString() + "\n";
    }
    out += "  " + std::string(Name(side)) + ": " +
           std::to_string(endpoint.readers) +
           (endpoint.readers == 1 ? " reader" : " concurrent readers");
    if (endpoint.read_pause_us > 0) {
      out += ", each pausing " + FormatPause(endpoint.read_pause_us) +
             " before each read,";
    }
    out += " until Eof";
    if (endpoint.reads_after_eof > 0) {
      out +=
          ", then " + std::to_string(endpoint.reads_after_eof) + " more reads";
    }
    if (endpoint.reads_after_error > 0) {
      out += "; after an error, " + std::to_string(endpoint.reads_after_error) +
             " more reads";
    }
    out += "\n";
  }
  return out;
}

Duration RunLimits::HalfCloseHold(const Runtime& runtime) const {
  if (runtime.is_simulated()) return half_close_hold_virtual;
  return std::min(half_close_hold_real, watchdog / 4);
}

std::string Execution::Details() const {
  std::string out;
  if (!run.pending.empty() || !run.pending_io.empty()) {
    out += "still pending when the run ended (" +
           std::string(EvidenceName(evidence())) + "):\n" + PendingLines(run);
  }
  // Before the history, which reports may cut short.
  if (!world_log.empty()) {
    out += world_log;
    if (out.back() != '\n') out += '\n';
  }
  out += "history:\n" + history.ToString();
  return out;
}

std::string Execution::Explain() const {
  return verdict.ToString() + Details();
}

Execution RunRecorded(Subject& subject, const Starter& start,
                      const RunLimits& limits) {
  Execution execution;
  History& history = execution.history;
  Runtime& runtime = *subject.runtime;
  subject.faults->Listen([&execution, &runtime](Side side,
                                                const std::string& name,
                                                const FaultEffects& effects) {
    std::string line(SideName(side));
    line.reserve(line.size() + 2 + name.size());
    line += ": ";
    line += name;
    execution.faults.push_back(std::move(line));
    if (effects.relaxes_anything()) {
      execution.history.AddFault(side, name, effects, runtime.now());
    }
  });
  // Removed on every way out, a throw included: the listener refers to
  // this function's locals, the reporter lives on with the subject.
  struct Unlisten {
    FaultReporter& faults;
    ~Unlisten() { faults.Listen(nullptr); }
  } unlisten{*subject.faults};
  {
    // The recorders take the endpoints over; they die after the tasks and
    // before the runtime (the order Subject keeps too).
    RecordingFlow a(Noting(std::move(subject.a), Side::kA), Side::kA, history,
                    runtime);
    RecordingFlow b(Noting(std::move(subject.b), Side::kB), Side::kB, history,
                    runtime);
    // Also when the run throws (a flow's exception leaves its task and
    // RunFor): the tasks still suspended in the flows' operations are
    // destroyed before the flows, whose state their frames may touch.
    struct TasksFirst {
      Runtime& runtime;
      ~TasksFirst() { runtime.DestroyTasks(); }
    } tasks_first{runtime};
    start(runtime, a, b, subject);
    const bool simulated = runtime.is_simulated();
    execution.run =
        runtime.RunFor(simulated ? limits.virtual_time : limits.watchdog);
    // Quiescent when the run proved it; a real-time run that waited its
    // whole watchdog is judged as if it were (bounded evidence); a
    // simulated run stopped by its virtual limit proved nothing about what
    // was pending, so that stays undecided.
    HistoryEnd end = HistoryEnd::kQuiescent;
    if (!execution.run.exact) {
      end = simulated ? HistoryEnd::kCutOff : HistoryEnd::kWaitedOut;
    }
    history.End(end, runtime.now());
    if (subject.link_evidence) {
      for (Side writer : {Side::kA, Side::kB}) {
        execution.link[static_cast<int>(writer)] =
            subject.link_evidence(writer);
      }
    }
  }  // tasks_first destroys the tasks, then b and a go
  if (subject.world_log) execution.world_log = subject.world_log();
  if (subject.world_failure) {
    // Not the flow's verdict: the case ends as a CRASH line saying why.
    if (std::optional<std::string> why = subject.world_failure()) {
      throw CaseAbandoned(*why);
    }
  }
  execution.verdict = CheckHistory(history);
  return execution;
}

Execution RunProgram(Subject& subject, const Program& original,
                     const RunLimits& limits) {
  // A copy only where normalizing changes something: under a fuzzer's ASan
  // the copy of every operation's sizes was a tenth of a run's allocations.
  std::optional<Program> normalized;
  if (!original.IsNormal()) {
    normalized = original;
    normalized->Normalize();
  }
  const Program& program = normalized ? *normalized : original;
  ProgramRun run;
  run.runtime = subject.runtime.get();
  run.subject = &subject;
  run.seed = program.seed;
  run.hold = limits.HalfCloseHold(*subject.runtime);
  if (!subject.runtime->is_simulated()) run.pause_max = limits.real_pause_max;
  return RunRecorded(
      subject,
      [&program, &run](Runtime& runtime, Flow& a, Flow& b, Subject&) {
        for (Side side : {Side::kA, Side::kB}) {
          const EndpointProgram& endpoint =
              side == Side::kA ? program.a : program.b;
          Flow& flow = side == Side::kA ? a : b;
          const std::string name(Name(side));
          for (ProgramOp::Actor actor :
               {ProgramOp::Actor::kWriter, ProgramOp::Actor::kCloser}) {
            if (!HasActor(endpoint, actor)) continue;
            runtime.spawn(RunActor(run, flow, side, actor, endpoint.ops),
                          name + "-" + std::string(ActorName(actor)));
          }
          for (int i = 0; i < endpoint.readers; ++i) {
            runtime.spawn(RunReader(run, flow, endpoint,
                                    i == 0 ? endpoint.reads_after_eof : 0),
                          name + "-reader-" + std::to_string(i + 1));
          }
        }
      },
      limits);
}

Buffer PatternBuffer(std::uint64_t seed, Side side, std::uint64_t& offset,
                     std::uint32_t size) {
  Buffer bytes = Buffer::FromString(PatternBytes(seed, side, offset, size));
  offset += size;
  return bytes;
}

}  // namespace flowcheck::conformance
