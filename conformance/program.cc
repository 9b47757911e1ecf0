#include "conformance/program.h"

#include <memory>
#include <utility>

#include "conformance/isolate.h"
#include "model/history_gen.h"
#include "model/recorder.h"

namespace flowcheck::conformance {
namespace {

// The bytes a writer sends: position-dependent, consecutive bytes differ.
Buffer PatternBuffer(std::uint64_t seed, Side side, std::uint64_t& offset,
                     std::uint32_t size) {
  std::string bytes(size, '\0');
  for (char& c : bytes) c = PatternByte(seed, side, offset++);
  return Buffer::FromString(std::move(bytes));
}

Task<void> RunWriter(Runtime& runtime, Flow& flow, std::uint64_t seed,
                     Side side, std::vector<ProgramOp> ops) {
  std::uint64_t offset = 0;
  for (const ProgramOp& op : ops) {
    switch (op.kind) {
      case ProgramOp::Kind::kWrite:
        co_await flow.write(PatternBuffer(seed, side, offset, op.sizes.at(0)));
        break;
      case ProgramOp::Kind::kWritev: {
        std::vector<Buffer> parts;
        for (std::uint32_t size : op.sizes) {
          parts.push_back(PatternBuffer(seed, side, offset, size));
        }
        co_await flow.writev(std::move(parts));
        break;
      }
      case ProgramOp::Kind::kClose:
        co_await flow.close();
        break;
      case ProgramOp::Kind::kPause:
        co_await runtime.sleep(std::chrono::microseconds(op.pause_us));
        break;
    }
  }
}

Task<void> RunReader(Flow& flow, int reads_after_eof) {
  while (true) {
    ReadResult result = co_await flow.read();
    if (result.is_error()) co_return;
    if (result.is_eof()) break;
  }
  for (int i = 0; i < reads_after_eof; ++i) {
    if (!(co_await flow.read()).is_eof()) co_return;
  }
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

char PatternByte(std::uint64_t seed, Side side, std::uint64_t offset) {
  // The history generator's stream (no pair of neighbouring bytes repeats
  // within 32 KiB: a lost, repeated or reordered byte always shows), shifted
  // per 32 KiB block and per seed so that the whole pattern repeats only
  // after 8 MiB -- a flow that drops or repeats exactly one period of bytes
  // cannot pass for a correct one.
  const std::uint64_t block = offset / kGeneratedUniquePairsBytes;
  return static_cast<char>(
      static_cast<unsigned char>(GeneratedByte(side, offset)) + block * 97 +
      seed % 97);
}

std::string ProgramOp::ToString() const {
  switch (kind) {
    case Kind::kWrite:
      return "write " + std::to_string(sizes.empty() ? 0 : sizes[0]) + " bytes";
    case Kind::kWritev: {
      std::string out = "writev [";
      for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (i > 0) out += ", ";
        out += std::to_string(sizes[i]);
      }
      return out + "]";
    }
    case Kind::kClose:
      return "close";
    case Kind::kPause:
      return "pause " + std::to_string(pause_us) + "us";
  }
  return "?";
}

void Program::Normalize() {
  for (EndpointProgram* endpoint : {&a, &b}) {
    bool closed = false;
    std::vector<ProgramOp> ops;
    for (const ProgramOp& op : endpoint->ops) {
      if (op.kind == ProgramOp::Kind::kClose) {
        if (closed) continue;
        closed = true;
      }
      ops.push_back(op);
    }
    if (!closed) ops.push_back(ProgramOp{ProgramOp::Kind::kClose, {}, 0});
    endpoint->ops = std::move(ops);
    if (endpoint->readers < 1) endpoint->readers = 1;
    if (endpoint->readers > 2) endpoint->readers = 2;
  }
}

std::string Program::ToString() const {
  std::string out = "seed " + std::to_string(seed) + "\n";
  for (Side side : {Side::kA, Side::kB}) {
    const EndpointProgram& endpoint = side == Side::kA ? a : b;
    int n = 0;
    for (const ProgramOp& op : endpoint.ops) {
      out += "  " + std::string(Name(side)) + std::to_string(++n) + ": " +
             op.ToString() + "\n";
    }
    out += "  " + std::string(Name(side)) + ": " +
           std::to_string(endpoint.readers) +
           (endpoint.readers == 1 ? " reader" : " concurrent readers") +
           " until Eof";
    if (endpoint.reads_after_eof > 0) {
      out +=
          ", then " + std::to_string(endpoint.reads_after_eof) + " more reads";
    }
    out += "\n";
  }
  return out;
}

std::string Execution::Explain() const {
  std::string out = verdict.ToString();
  if (!run.pending.empty() || !run.pending_io.empty()) {
    out += "still pending when the run ended (" +
           std::string(EvidenceName(evidence())) + "):\n" + PendingLines(run);
  }
  out += "history:\n" + history.ToString();
  return out;
}

Execution RunRecorded(Subject& subject, const Starter& start,
                      const RunLimits& limits) {
  Execution execution;
  History& history = execution.history;
  Runtime& runtime = *subject.runtime;
  subject.faults->Listen([&execution, &runtime](Side side,
                                                const std::string& name,
                                                const FaultEffects& effects) {
    execution.faults.push_back(std::string(SideName(side)) + ": " + name);
    if (effects.relaxes_anything()) {
      execution.history.AddFault(side, name, effects, runtime.now());
    }
  });
  {
    // The recorders take the endpoints over; they die after the tasks and
    // before the runtime (the order Subject keeps too).
    RecordingFlow a(
        std::make_unique<ProgressNotingFlow>(std::move(subject.a), Side::kA),
        Side::kA, history, runtime);
    RecordingFlow b(
        std::make_unique<ProgressNotingFlow>(std::move(subject.b), Side::kB),
        Side::kB, history, runtime);
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
    runtime.DestroyTasks();
  }
  subject.faults->Listen(nullptr);
  execution.verdict = CheckHistory(history);
  return execution;
}

Execution RunProgram(Subject& subject, const Program& original,
                     const RunLimits& limits) {
  Program program = original;
  program.Normalize();
  return RunRecorded(
      subject,
      [&program](Runtime& runtime, Flow& a, Flow& b, Subject&) {
        runtime.spawn(
            RunWriter(runtime, a, program.seed, Side::kA, program.a.ops),
            "A-writer");
        runtime.spawn(
            RunWriter(runtime, b, program.seed, Side::kB, program.b.ops),
            "B-writer");
        for (int i = 0; i < program.a.readers; ++i) {
          runtime.spawn(RunReader(a, i == 0 ? program.a.reads_after_eof : 0),
                        "A-reader-" + std::to_string(i + 1));
        }
        for (int i = 0; i < program.b.readers; ++i) {
          runtime.spawn(RunReader(b, i == 0 ? program.b.reads_after_eof : 0),
                        "B-reader-" + std::to_string(i + 1));
        }
      },
      limits);
}

}  // namespace flowcheck::conformance
