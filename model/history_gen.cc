#include "model/history_gen.h"

#include <algorithm>
#include <deque>

#include "flow/check.h"
#include "model/connection_model.h"

namespace flowcheck {
namespace {

int Index(Side side) { return static_cast<int>(side); }

class Generator {
 public:
  explicit Generator(ChoiceSource& choices) : choices_(choices) {}

  Script Run(int steps) {
    for (int step = 0; step < steps && !choices_.exhausted(); ++step) {
      const Side side = choices_.Next(2) == 0 ? Side::kA : Side::kB;
      // Weights out of 32: writes and reads are common, a close is rare
      // enough that most scripts carry data both ways before it.
      const std::uint32_t action = choices_.Next(32);
      if (action < 8) {
        Write(side, {Bytes(side, choices_.Next(17))});
      } else if (action < 12) {
        std::vector<std::string> parts(choices_.Next(4));
        for (std::string& part : parts) part = Bytes(side, choices_.Next(9));
        Write(side, std::move(parts), /*writev=*/true);
      } else if (action < 16) {
        if (pending_reads_[Index(side)].size() < 2) StartRead(side);
      } else if (action < 22) {
        CompleteRead(side, choices_.Next(2));
      } else if (action < 23) {
        if (!close_invoked_[Index(side)]) StartClose(side);
      } else if (action < 25) {
        CompleteClose(side);
      } else if (pending_reads_[Index(side)].empty() &&
                 !model_.ReadMustPend(side)) {
        StartRead(side);
        CompleteRead(side, 0);
      }
    }
    // Run to quiescence: complete whatever can complete.
    for (bool progress = true; progress;) {
      progress = false;
      for (Side side : {Side::kA, Side::kB}) {
        while (!pending_reads_[Index(side)].empty() &&
               !model_.ReadMustPend(side)) {
          CompleteRead(side, 0);
          progress = true;
        }
        if (close_pending_[Index(side)] >= 0 && model_.CloseMayReturn(side)) {
          CompleteClose(side);
          progress = true;
        }
      }
    }
    script_.end = HistoryEnd::kQuiescent;
    return std::move(script_);
  }

 private:
  // The next `count` bytes of the stream from `side` (GeneratedByte).
  std::string Bytes(Side side, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      out += GeneratedByte(side, written_[Index(side)]++);
    }
    return out;
  }

  int Invoke(Side side, OpKind kind, std::vector<std::string> args = {}) {
    ScriptEvent event;
    event.type = ScriptEvent::Type::kInvoke;
    event.op = next_op_++;
    event.side = side;
    event.kind = kind;
    event.args = std::move(args);
    script_.events.push_back(std::move(event));
    return script_.events.back().op;
  }

  ScriptEvent& Complete(int op, Side side, OpKind kind) {
    ScriptEvent event;
    event.type = ScriptEvent::Type::kComplete;
    event.op = op;
    event.side = side;
    event.kind = kind;
    script_.events.push_back(std::move(event));
    return script_.events.back();
  }

  void Write(Side side, std::vector<std::string> parts, bool writev = false) {
    std::string all;
    for (const std::string& part : parts) all += part;
    const OpKind kind = writev ? OpKind::kWritev : OpKind::kWrite;
    const int op = Invoke(side, kind, std::move(parts));
    Complete(op, side, kind).write_kind = model_.Write(side, all);
  }

  void StartRead(Side side) {
    pending_reads_[Index(side)].push_back(Invoke(side, OpKind::kRead));
  }

  // Completes one of the pending reads on `side` (which one: `pick`) if the
  // model allows a read to complete now.
  void CompleteRead(Side side, std::uint32_t pick) {
    auto& pending = pending_reads_[Index(side)];
    if (pending.empty() || model_.ReadMustPend(side)) return;
    const std::size_t which = pick % pending.size();
    const int op = pending[which];
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(which));
    ScriptEvent& event = Complete(op, side, OpKind::kRead);
    if (model_.Readable(side) > 0) {
      const std::size_t count =
          1 + choices_.Next(static_cast<std::uint32_t>(model_.Readable(side)));
      event.read_kind = ReadResult::Kind::kData;
      event.data = model_.Deliver(side, count);
    } else {
      event.read_kind = ReadResult::Kind::kEof;
      model_.DeliverEof(side);
    }
  }

  void StartClose(Side side) {
    close_invoked_[Index(side)] = true;
    close_pending_[Index(side)] = Invoke(side, OpKind::kClose);
    model_.Close(side);
  }

  void CompleteClose(Side side) {
    if (close_pending_[Index(side)] < 0 || !model_.CloseMayReturn(side)) return;
    Complete(close_pending_[Index(side)], side, OpKind::kClose);
    close_pending_[Index(side)] = -1;
  }

  ChoiceSource& choices_;
  ConnectionModel model_;
  Script script_;
  int next_op_ = 0;
  std::size_t written_[2] = {0, 0};
  std::deque<int> pending_reads_[2];
  bool close_invoked_[2] = {false, false};
  int close_pending_[2] = {-1, -1};
};

// Where each operation is invoked / completed in a script.
struct OpInfo {
  int invoke = -1;
  int complete = -1;
};

std::vector<OpInfo> Index(const Script& script) {
  std::vector<OpInfo> ops;
  for (int i = 0; i < static_cast<int>(script.events.size()); ++i) {
    const ScriptEvent& event = script.events[i];
    if (event.op >= static_cast<int>(ops.size())) ops.resize(event.op + 1);
    if (event.type == ScriptEvent::Type::kInvoke) {
      ops[event.op].invoke = i;
    } else {
      ops[event.op].complete = i;
    }
  }
  return ops;
}

bool IsDataRead(const ScriptEvent& event) {
  return event.type == ScriptEvent::Type::kComplete &&
         event.kind == OpKind::kRead &&
         event.read_kind == ReadResult::Kind::kData;
}

// Event index of the first close invocation on `side`, or events.size().
int CloseInvokeIndex(const Script& script, Side side) {
  for (int i = 0; i < static_cast<int>(script.events.size()); ++i) {
    const ScriptEvent& event = script.events[i];
    if (event.type == ScriptEvent::Type::kInvoke && event.side == side &&
        event.kind == OpKind::kClose) {
      return i;
    }
  }
  return static_cast<int>(script.events.size());
}

}  // namespace

std::string Script::ToString() const {
  std::string out;
  for (const ScriptEvent& event : events) {
    out += std::string(SideName(event.side)) + " " +
           std::string(OpKindName(event.kind)) + " #" +
           std::to_string(event.op);
    if (event.type == ScriptEvent::Type::kInvoke) {
      for (const std::string& arg : event.args) {
        out += " " + Buffer::Copy(arg).Preview(8);
      }
    } else if (event.kind == OpKind::kRead) {
      out += event.read_kind == ReadResult::Kind::kData
                 ? " -> Data " + Buffer::Copy(event.data).Preview(8)
             : event.read_kind == ReadResult::Kind::kEof ? " -> Eof"
                                                         : " -> Error";
    } else if (event.kind == OpKind::kClose) {
      out += " -> returned";
    } else {
      out += event.write_kind == WriteResult::Kind::kOk       ? " -> Ok"
             : event.write_kind == WriteResult::Kind::kClosed ? " -> Closed"
                                                              : " -> Error";
    }
    out += "\n";
  }
  return out;
}

Script GenerateLegalScript(ChoiceSource& choices, int steps) {
  return Generator(choices).Run(steps);
}

History BuildHistory(const Script& script) {
  History history;
  std::vector<int> ids;
  std::int64_t micros = 0;
  for (const ScriptEvent& event : script.events) {
    const Duration time = std::chrono::microseconds(++micros);
    if (event.type == ScriptEvent::Type::kInvoke) {
      std::vector<Buffer> args;
      for (const std::string& arg : event.args)
        args.push_back(Buffer::Copy(arg));
      if (event.op >= static_cast<int>(ids.size()))
        ids.resize(event.op + 1, -1);
      ids[event.op] =
          history.Invoke(event.side, event.kind, std::move(args), time);
      continue;
    }
    FLOWCHECK_CHECK(
        event.op < static_cast<int>(ids.size()) && ids[event.op] >= 0,
        "script completes an operation it never invoked");
    const int id = ids[event.op];
    switch (event.kind) {
      case OpKind::kRead:
        history.CompleteRead(
            id,
            event.read_kind == ReadResult::Kind::kData
                ? ReadResult::Data(Buffer::Copy(event.data))
            : event.read_kind == ReadResult::Kind::kEof
                ? ReadResult::Eof()
                : ReadResult::Failure(
                      Error(ErrorCode::kIo, "injected by the script")),
            time);
        break;
      case OpKind::kWrite:
      case OpKind::kWritev:
        history.CompleteWrite(
            id,
            event.write_kind == WriteResult::Kind::kOk ? WriteResult::Ok()
            : event.write_kind == WriteResult::Kind::kClosed
                ? WriteResult::Closed()
                : WriteResult::Failure(
                      Error(ErrorCode::kIo, "injected by the script")),
            time);
        break;
      case OpKind::kClose:
        history.CompleteClose(id, time);
        break;
    }
  }
  history.End(script.end, std::chrono::microseconds(++micros));
  return history;
}

std::string_view MutationName(Mutation mutation) {
  switch (mutation) {
    case Mutation::kFlipByte:
      return "flip a byte";
    case Mutation::kDropByte:
      return "drop a byte";
    case Mutation::kDuplicateRead:
      return "duplicate a read";
    case Mutation::kSwapBytes:
      return "swap two bytes";
    case Mutation::kEmptyData:
      return "empty Data";
    case Mutation::kEarlyEof:
      return "Eof before the peer closed";
    case Mutation::kEofBeforeDrain:
      return "Eof before the drain";
    case Mutation::kSpuriousError:
      return "spurious read error";
    case Mutation::kOkAfterClose:
      return "Ok after close";
    case Mutation::kEarlyCloseReturn:
      return "close returns early";
  }
  return "?";
}

std::optional<Mutated> Mutate(const Script& script, Mutation mutation,
                              ChoiceSource& choices) {
  const std::vector<OpInfo> ops = Index(script);
  const int n = static_cast<int>(script.events.size());
  // Event indices where the mutation applies.
  std::vector<int> places;
  for (int i = 0; i < n; ++i) {
    const ScriptEvent& event = script.events[i];
    const int peer_close = CloseInvokeIndex(script, Peer(event.side));
    switch (mutation) {
      case Mutation::kFlipByte:
      case Mutation::kDuplicateRead:
      case Mutation::kEmptyData:
      case Mutation::kSpuriousError:
        if (IsDataRead(event)) places.push_back(i);
        break;
      case Mutation::kSwapBytes:
        if (IsDataRead(event) && event.data.size() >= 2) places.push_back(i);
        break;
      case Mutation::kDropByte:
        // A Data read of >= 2 bytes followed by another Data read on the
        // same side, whose bytes then start one byte early.
        if (IsDataRead(event) && event.data.size() >= 2) {
          for (int j = i + 1; j < n; ++j) {
            if (IsDataRead(script.events[j]) &&
                script.events[j].side == event.side) {
              places.push_back(i);
              break;
            }
          }
        }
        break;
      case Mutation::kEarlyEof:
        if (IsDataRead(event) && i < peer_close) places.push_back(i);
        break;
      case Mutation::kEofBeforeDrain:
        if (IsDataRead(event) && i > peer_close) places.push_back(i);
        break;
      case Mutation::kOkAfterClose:
        if (event.type == ScriptEvent::Type::kInvoke &&
            event.kind == OpKind::kClose) {
          places.push_back(i);
        }
        break;
      case Mutation::kEarlyCloseReturn:
        if (event.type == ScriptEvent::Type::kInvoke &&
            event.kind == OpKind::kClose && i < peer_close) {
          places.push_back(i);
        }
        break;
    }
  }
  if (places.empty()) return std::nullopt;
  const int at =
      places[choices.Next(static_cast<std::uint32_t>(places.size()))];
  Mutated out{script, {}};
  std::vector<ScriptEvent>& events = out.script.events;
  ScriptEvent& event = events[at];
  switch (mutation) {
    case Mutation::kFlipByte: {
      const std::size_t i =
          choices.Next(static_cast<std::uint32_t>(event.data.size()));
      event.data[i] = static_cast<char>(event.data[i] ^ 0x20);
      out.expected = {Clause::kR4, Clause::kW3};
      break;
    }
    case Mutation::kDropByte:
      event.data.pop_back();
      out.expected = {Clause::kR4, Clause::kW3};
      break;
    case Mutation::kSwapBytes: {
      const std::size_t i =
          choices.Next(static_cast<std::uint32_t>(event.data.size() - 1));
      std::swap(event.data[i], event.data[i + 1]);
      out.expected = {Clause::kR4, Clause::kW3};
      break;
    }
    case Mutation::kDuplicateRead: {
      ScriptEvent invoke;
      invoke.type = ScriptEvent::Type::kInvoke;
      invoke.op = static_cast<int>(ops.size());
      invoke.side = event.side;
      invoke.kind = OpKind::kRead;
      ScriptEvent complete = event;
      complete.op = invoke.op;
      events.insert(events.begin() + at + 1, {invoke, complete});
      out.expected = {Clause::kR4, Clause::kW3};
      break;
    }
    case Mutation::kEmptyData:
      event.data.clear();
      out.expected = {Clause::kR2};
      break;
    case Mutation::kEarlyEof:
      event.read_kind = ReadResult::Kind::kEof;
      event.data.clear();
      // C3 where the reader had closed its own side: then the Eof is a
      // half-close that ended the wrong direction.
      out.expected = {Clause::kR6, Clause::kC3};
      break;
    case Mutation::kEofBeforeDrain:
      event.read_kind = ReadResult::Kind::kEof;
      event.data.clear();
      out.expected = {Clause::kR5};
      break;
    case Mutation::kSpuriousError:
      event.read_kind = ReadResult::Kind::kError;
      event.data.clear();
      out.expected = {Clause::kR1, Clause::kC2, Clause::kC3};
      break;
    case Mutation::kOkAfterClose: {
      ScriptEvent invoke;
      invoke.type = ScriptEvent::Type::kInvoke;
      invoke.op = static_cast<int>(ops.size());
      invoke.side = event.side;
      invoke.kind = OpKind::kWrite;
      invoke.args = {"late"};
      ScriptEvent complete = invoke;
      complete.type = ScriptEvent::Type::kComplete;
      complete.args.clear();
      complete.write_kind = WriteResult::Kind::kOk;
      events.insert(events.begin() + at + 1, {invoke, complete});
      out.expected = {Clause::kW2};
      break;
    }
    case Mutation::kEarlyCloseReturn: {
      const int op = event.op;
      const int old_complete = ops[op].complete;
      ScriptEvent complete = event;
      complete.type = ScriptEvent::Type::kComplete;
      if (old_complete >= 0) events.erase(events.begin() + old_complete);
      events.insert(events.begin() + at + 1, complete);
      out.expected = {Clause::kC4};
      break;
    }
  }
  return out;
}

}  // namespace flowcheck
