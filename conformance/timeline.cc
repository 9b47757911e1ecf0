#include "conformance/timeline.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

namespace flowcheck::conformance {
namespace {

std::string Label(const Operation& op) {
  switch (op.kind) {
    case OpKind::kWrite:
      return "write " + std::to_string(op.write_size()) + " B";
    case OpKind::kWritev:
      return "writev " + std::to_string(op.args.size()) + " parts, " +
             std::to_string(op.write_size()) + " B";
    case OpKind::kRead:
      return "read";
    case OpKind::kClose:
      return "close";
  }
  return "?";
}

std::string Result(const Operation& op) {
  if (!op.completed()) return "";
  if (op.read_result) {
    if (op.read_result->is_data()) {
      return "Data " + std::to_string(op.data_bytes.size()) + " B";
    }
    return op.read_result->ToString();
  }
  if (op.write_result) return op.write_result->ToString();
  return "returned";
}

std::string EndName(HistoryEnd end) {
  switch (end) {
    case HistoryEnd::kOpen:
      return "open";
    case HistoryEnd::kQuiescent:
      return "quiescent";
    case HistoryEnd::kWaitedOut:
      return "waited out";
    case HistoryEnd::kCutOff:
      return "cut off";
  }
  return "open";
}

// Stream offsets, as model/checker.cc builds its streams: writes not
// refused with Closed, in invocation order; Data reads in completion order.
void AssignOffsets(const History& history, std::vector<TimelineOp>& ops) {
  std::uint64_t written[2] = {0, 0};
  for (TimelineOp& t : ops) {
    const Operation& op = history.operation(t.id);
    if (!op.is_write()) continue;
    if (op.write_result && op.write_result->is_closed()) continue;
    const int side = static_cast<int>(op.side);
    t.stream_begin = written[side];
    written[side] += op.write_size();
    t.stream_end = written[side];
  }
  std::vector<TimelineOp*> reads;
  for (TimelineOp& t : ops) {
    const Operation& op = history.operation(t.id);
    if (op.kind == OpKind::kRead && op.completed() &&
        op.read_result->is_data()) {
      reads.push_back(&t);
    }
  }
  std::stable_sort(reads.begin(), reads.end(),
                   [](const TimelineOp* x, const TimelineOp* y) {
                     return *x->complete_seq < *y->complete_seq;
                   });
  std::uint64_t read[2] = {0, 0};
  for (TimelineOp* t : reads) {
    const int side = static_cast<int>(t->side);
    t->stream_begin = read[side];
    read[side] += history.operation(t->id).data_bytes.size();
    t->stream_end = read[side];
  }
}

}  // namespace

bool IsEventful(const TimelineOp& op) {
  if (op.marked || op.kind == OpKind::kClose || !op.complete_seq) return true;
  return op.result != "Ok" && op.result.rfind("Data ", 0) != 0;
}

Timeline TimelineOf(const History& history, const std::vector<int>& marked,
                    bool simulated) {
  Timeline timeline;
  const std::set<int> named(marked.begin(), marked.end());
  std::vector<TimelineOp> all;
  all.reserve(history.operations().size());
  for (const Operation& op : history.operations()) {
    TimelineOp t;
    t.id = op.id;
    t.side = op.side;
    t.task = op.task;
    t.kind = op.kind;
    t.label = Label(op);
    t.result = Result(op);
    t.invoke_seq = op.invoke_seq;
    t.invoke_ns = op.invoke_time.count();
    t.complete_seq = op.complete_seq;
    t.complete_ns = op.completed() ? op.complete_time.count() : 0;
    t.marked = named.count(op.id) > 0;
    all.push_back(std::move(t));
  }
  // Offsets over the whole history, before any operation is left out.
  AssignOffsets(history, all);
  const int size = static_cast<int>(all.size());
  int eventful_kept = 0;
  for (int i = 0; i < size; ++i) {
    timeline.pending += all[i].complete_seq ? 0 : 1;
    const bool middle_eventful =
        IsEventful(all[i]) &&
        (all[i].marked || eventful_kept < kTimelineMaxOps);
    const bool kept = size <= kTimelineMaxOps || i < kTimelineMaxOps / 2 ||
                      i >= size - kTimelineMaxOps / 2 || middle_eventful;
    if (kept && size > kTimelineMaxOps && i >= kTimelineMaxOps / 2 &&
        i < size - kTimelineMaxOps / 2) {
      ++eventful_kept;
    }
    if (kept) {
      timeline.ops.push_back(std::move(all[i]));
    } else {
      ++timeline.omitted;
    }
  }
  for (const FaultRecord& fault : history.faults()) {
    timeline.faults.push_back(
        TimelineFault{fault.seq, fault.time.count(), fault.side, fault.name});
  }
  timeline.end = EndName(history.end());
  timeline.end_ns = history.end_time().count();
  std::int64_t last_seq = 0;
  for (const Operation& op : history.operations()) {
    last_seq = std::max(last_seq, op.complete_seq.value_or(op.invoke_seq));
  }
  for (const FaultRecord& fault : history.faults()) {
    last_seq = std::max(last_seq, fault.seq);
  }
  timeline.end_seq = last_seq + 1;
  timeline.simulated = simulated;
  return timeline;
}

std::string TimelineToJson(const Timeline& timeline) {
  nlohmann::ordered_json out;
  out["ops"] = nlohmann::ordered_json::array();
  for (const TimelineOp& op : timeline.ops) {
    nlohmann::ordered_json o;
    o["id"] = op.id;
    o["side"] = std::string(SideName(op.side));
    o["task"] = op.task;
    o["kind"] = std::string(OpKindName(op.kind));
    o["label"] = op.label;
    o["result"] = op.result;
    o["invoke_seq"] = op.invoke_seq;
    o["invoke_ns"] = op.invoke_ns;
    if (op.complete_seq) {
      o["complete_seq"] = *op.complete_seq;
      o["complete_ns"] = op.complete_ns;
    }
    if (op.stream_end > op.stream_begin) {
      o["stream"] = {op.stream_begin, op.stream_end};
    }
    if (op.marked) o["marked"] = true;
    out["ops"].push_back(std::move(o));
  }
  out["faults"] = nlohmann::ordered_json::array();
  for (const TimelineFault& fault : timeline.faults) {
    out["faults"].push_back({{"seq", fault.seq},
                             {"ns", fault.ns},
                             {"side", std::string(SideName(fault.side))},
                             {"name", fault.name}});
  }
  out["omitted"] = timeline.omitted;
  out["pending"] = timeline.pending;
  out["end"] = timeline.end;
  out["end_seq"] = timeline.end_seq;
  out["end_ns"] = timeline.end_ns;
  out["simulated"] = timeline.simulated;
  out["violation"] = timeline.violation;
  out["blamed"] = timeline.blamed;
  return out.dump();
}

namespace {

Side SideFrom(const nlohmann::json& value) {
  const std::string name = value.get<std::string>();
  if (name == "A") return Side::kA;
  if (name == "B") return Side::kB;
  throw std::runtime_error("side must be \"A\" or \"B\", not \"" + name + "\"");
}

OpKind KindFrom(const nlohmann::json& value) {
  const std::string name = value.get<std::string>();
  for (OpKind kind :
       {OpKind::kRead, OpKind::kWrite, OpKind::kWritev, OpKind::kClose}) {
    if (OpKindName(kind) == name) return kind;
  }
  throw std::runtime_error("unknown operation kind \"" + name + "\"");
}

// Throws std::runtime_error for a timeline this code could not have
// written (see TimelineFromJson).
void Validate(const Timeline& t) {
  constexpr std::int64_t kMaxSeq = std::int64_t{1} << 53;
  const auto seq_ok = [](std::int64_t seq) {
    return seq >= 0 && seq < kMaxSeq;
  };
  constexpr std::int64_t kMaxNs = std::int64_t{1} << 62;
  const auto ns_ok = [](std::int64_t ns) { return ns >= 0 && ns < kMaxNs; };
  if (!ns_ok(t.end_ns)) throw std::runtime_error("end_ns out of range");
  for (const TimelineOp& op : t.ops) {
    const std::string where = "operation #" + std::to_string(op.id);
    if (!ns_ok(op.invoke_ns) || !ns_ok(op.complete_ns))
      throw std::runtime_error(where + ": a time out of range");
    if (op.id < 0) throw std::runtime_error("a negative operation id");
    if (!seq_ok(op.invoke_seq))
      throw std::runtime_error(where + ": invoke_seq out of range");
    if (op.complete_seq.has_value() == op.result.empty())
      throw std::runtime_error(where +
                               ": a result needs a completion and a "
                               "completion a result");
    if (op.complete_seq &&
        (!seq_ok(*op.complete_seq) || *op.complete_seq <= op.invoke_seq))
      throw std::runtime_error(where + ": complete_seq out of range");
    if (op.stream_end < op.stream_begin)
      throw std::runtime_error(where +
                               ": its stream range ends before it begins");
  }
  for (const TimelineFault& fault : t.faults) {
    if (!seq_ok(fault.seq) || !ns_ok(fault.ns))
      throw std::runtime_error("a fault's seq or time out of range");
  }
  if (!seq_ok(t.end_seq)) throw std::runtime_error("end_seq out of range");
  if (t.end != "open" && t.end != "quiescent" && t.end != "waited out" &&
      t.end != "cut off")
    throw std::runtime_error("unknown end \"" + t.end + "\"");
  if (!t.blamed.empty() && t.blamed != "A" && t.blamed != "B")
    throw std::runtime_error("blamed must be \"A\", \"B\" or empty");
  if (t.omitted < 0 || t.pending < 0)
    throw std::runtime_error("negative counts");
}

}  // namespace

std::optional<Timeline> TimelineFromJson(const std::string& json,
                                         std::string* error) {
  try {
    const nlohmann::json in = nlohmann::json::parse(json);
    Timeline timeline;
    for (const auto& o : in.at("ops")) {
      TimelineOp op;
      op.id = o.at("id").get<int>();
      op.side = SideFrom(o.at("side"));
      op.task = o.at("task").get<std::string>();
      op.kind = KindFrom(o.at("kind"));
      op.label = o.at("label").get<std::string>();
      op.result = o.at("result").get<std::string>();
      op.invoke_seq = o.at("invoke_seq").get<std::int64_t>();
      op.invoke_ns = o.at("invoke_ns").get<std::int64_t>();
      if (o.contains("complete_seq")) {
        op.complete_seq = o.at("complete_seq").get<std::int64_t>();
        op.complete_ns = o.at("complete_ns").get<std::int64_t>();
      }
      if (o.contains("stream")) {
        op.stream_begin = o.at("stream").at(0).get<std::uint64_t>();
        op.stream_end = o.at("stream").at(1).get<std::uint64_t>();
      }
      op.marked = o.value("marked", false);
      timeline.ops.push_back(std::move(op));
    }
    for (const auto& f : in.at("faults")) {
      timeline.faults.push_back(TimelineFault{
          f.at("seq").get<std::int64_t>(), f.at("ns").get<std::int64_t>(),
          SideFrom(f.at("side")), f.at("name").get<std::string>()});
    }
    timeline.omitted = in.at("omitted").get<int>();
    timeline.pending = in.value("pending", 0);
    timeline.end = in.at("end").get<std::string>();
    timeline.end_seq = in.at("end_seq").get<std::int64_t>();
    timeline.end_ns = in.at("end_ns").get<std::int64_t>();
    timeline.simulated = in.at("simulated").get<bool>();
    timeline.violation = in.at("violation").get<std::string>();
    timeline.blamed = in.at("blamed").get<std::string>();
    Validate(timeline);
    return timeline;
  } catch (const std::exception& e) {
    if (error != nullptr) *error = std::string("not a timeline: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace flowcheck::conformance
