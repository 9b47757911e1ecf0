#include "model/history.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "flow/check.h"

namespace flowcheck {

std::string_view OpKindName(OpKind kind) {
  switch (kind) {
    case OpKind::kRead:
      return "read";
    case OpKind::kWrite:
      return "write";
    case OpKind::kWritev:
      return "writev";
    case OpKind::kClose:
      return "close";
  }
  return "?";
}

namespace {

// The operations' arrays that dropped histories left behind (History's
// constructor). `closed` is set when the thread's pool is destroyed: a
// history destroyed later in the thread's exit frees its own array. (It
// is trivially destructible, so reading it then is safe.)
thread_local bool operations_pool_closed = false;

struct OperationsPool {
  // At most this many arrays, each at most this many operations (about
  // 350 bytes each): a thread keeps well under 2 MiB.
  static constexpr std::size_t kArrays = 4;
  static constexpr std::size_t kMaxCapacity = 1024;
  std::vector<std::vector<Operation>> arrays;
  ~OperationsPool() { operations_pool_closed = true; }
};

OperationsPool& Pool() {
  thread_local OperationsPool pool;
  return pool;
}

}  // namespace

History::History() {
  if (operations_pool_closed) return;
  OperationsPool& pool = Pool();
  if (!pool.arrays.empty()) {
    operations_ = std::move(pool.arrays.back());
    pool.arrays.pop_back();
  }
}

History::~History() {
  if (operations_pool_closed || operations_.capacity() == 0 ||
      operations_.capacity() > OperationsPool::kMaxCapacity) {
    return;
  }
  OperationsPool& pool = Pool();
  if (pool.arrays.size() >= OperationsPool::kArrays) return;
  operations_.clear();
  pool.arrays.push_back(std::move(operations_));
}

std::size_t Operation::write_size() const { return TotalSize(args); }

std::string_view Operation::ArgBytes(std::size_t part) const {
  std::size_t offset = 0;
  for (std::size_t i = 0; i < part; ++i) offset += args.at(i).size();
  return std::string_view(arg_bytes).substr(offset, args.at(part).size());
}

namespace {

std::string DescribeCall(const Operation& op) {
  std::string out =
      std::string(SideName(op.side)) + " " + std::string(OpKindName(op.kind));
  if (op.kind == OpKind::kWrite && !op.args.empty()) {
    out += " " + Buffer::Copy(op.ArgBytes(0)).Preview(16);
  } else if (op.kind == OpKind::kWritev) {
    out += " [";
    for (std::size_t i = 0; i < op.args.size(); ++i) {
      if (i > 0) out += ", ";
      out += Buffer::Copy(op.ArgBytes(i)).Preview(16);
    }
    out += "]";
  }
  return out;
}

std::string DescribeResult(const Operation& op) {
  if (op.read_result) {
    if (op.read_result->is_data()) {
      return "Data " + Buffer::Copy(op.data_bytes).Preview(16);
    }
    return op.read_result->ToString();
  }
  if (op.write_result) return op.write_result->ToString();
  return "returned";
}

}  // namespace

std::string Operation::ToString() const {
  std::string out = "#" + std::to_string(id) + " " + DescribeCall(*this);
  out += completed() ? " -> " + DescribeResult(*this) : " (pending)";
  if (!task.empty()) out += "  [task " + task + "]";
  return out;
}

int History::Invoke(Side side, OpKind kind, std::vector<Buffer> args,
                    Duration time, std::string task) {
  FLOWCHECK_CHECK(end_ == HistoryEnd::kOpen, "Invoke on an ended history");
  // A first block for a short run's operations: growing one at a time
  // moved every operation five times over in a fuzzer's typical run.
  if (operations_.capacity() == 0) operations_.reserve(32);
  // Built in place: an Operation is a few hundred bytes.
  const int id = static_cast<int>(operations_.size());
  Operation& op = operations_.emplace_back();
  op.id = id;
  op.side = side;
  op.kind = kind;
  op.task = std::move(task);
  op.arg_bytes.reserve(TotalSize(args));
  for (const Buffer& arg : args) op.arg_bytes += arg.view();
  op.args = std::move(args);
  op.invoke_seq = NextSeq();
  op.invoke_time = time;
  return id;
}

Operation& History::MutableOperation(int id) {
  FLOWCHECK_CHECK(id >= 0 && id < static_cast<int>(operations_.size()),
                  "unknown operation id");
  return operations_[id];
}

const Operation& History::operation(int id) const {
  FLOWCHECK_CHECK(id >= 0 && id < static_cast<int>(operations_.size()),
                  "unknown operation id");
  return operations_[id];
}

void History::CompleteRead(int id, ReadResult result, Duration time) {
  Operation& op = MutableOperation(id);
  FLOWCHECK_CHECK(op.kind == OpKind::kRead, "CompleteRead of a non-read");
  FLOWCHECK_CHECK(!op.completed(), "operation completed twice");
  op.complete_seq = NextSeq();
  op.complete_time = time;
  if (result.is_data()) op.data_bytes = result.data().ToString();
  op.read_result = std::move(result);
}

void History::CompleteWrite(int id, WriteResult result, Duration time) {
  Operation& op = MutableOperation(id);
  FLOWCHECK_CHECK(op.is_write(), "CompleteWrite of a non-write");
  FLOWCHECK_CHECK(!op.completed(), "operation completed twice");
  op.complete_seq = NextSeq();
  op.complete_time = time;
  op.write_result = std::move(result);
}

void History::CompleteClose(int id, Duration time) {
  Operation& op = MutableOperation(id);
  FLOWCHECK_CHECK(op.kind == OpKind::kClose, "CompleteClose of a non-close");
  FLOWCHECK_CHECK(!op.completed(), "operation completed twice");
  op.complete_seq = NextSeq();
  op.complete_time = time;
}

void History::AddFault(Side side, std::string name, FaultEffects effects,
                       Duration time) {
  FLOWCHECK_CHECK(end_ == HistoryEnd::kOpen, "AddFault on an ended history");
  faults_.push_back(
      FaultRecord{NextSeq(), time, side, std::move(name), effects});
}

void History::End(HistoryEnd how, Duration time) {
  FLOWCHECK_CHECK(end_ == HistoryEnd::kOpen, "History ended twice");
  FLOWCHECK_CHECK(how != HistoryEnd::kOpen, "History::End(kOpen)");
  end_ = how;
  end_time_ = time;
}

std::string History::ToString() const {
  struct Line {
    std::int64_t seq;
    std::string text;
  };
  std::vector<Line> lines;
  char prefix[64];
  for (const Operation& op : operations_) {
    std::snprintf(prefix, sizeof prefix, "%5lld  %s  ",
                  static_cast<long long>(op.invoke_seq),
                  FormatTime(op.invoke_time).c_str());
    std::string task = op.task.empty() ? "" : "  [task " + op.task + "]";
    lines.push_back({op.invoke_seq, std::string(prefix) + DescribeCall(op) +
                                        "  (#" + std::to_string(op.id) + ")" +
                                        task});
    if (op.completed()) {
      std::snprintf(prefix, sizeof prefix, "%5lld  %s  ",
                    static_cast<long long>(*op.complete_seq),
                    FormatTime(op.complete_time).c_str());
      lines.push_back({*op.complete_seq,
                       std::string(prefix) + std::string(SideName(op.side)) +
                           " " + std::string(OpKindName(op.kind)) + " -> " +
                           DescribeResult(op) + "  (#" + std::to_string(op.id) +
                           ")"});
    }
  }
  for (const FaultRecord& fault : faults_) {
    std::snprintf(prefix, sizeof prefix, "%5lld  %s  ",
                  static_cast<long long>(fault.seq),
                  FormatTime(fault.time).c_str());
    lines.push_back({fault.seq, std::string(prefix) + "fault on " +
                                    std::string(SideName(fault.side)) + ": " +
                                    fault.name});
  }
  std::sort(lines.begin(), lines.end(),
            [](const Line& a, const Line& b) { return a.seq < b.seq; });
  std::string out;
  for (const Line& line : lines) out += line.text + "\n";
  switch (end_) {
    case HistoryEnd::kOpen:
      out += "(history still open)\n";
      break;
    case HistoryEnd::kQuiescent: {
      bool pending = false;
      for (const Operation& op : operations_) pending |= !op.completed();
      out += pending ? "(quiescent at " + FormatTime(end_time_) +
                           ": nothing more could happen, so the pending "
                           "operations would stay pending forever)\n"
                     : "(ended at " + FormatTime(end_time_) +
                           ": every operation completed)\n";
      break;
    }
    case HistoryEnd::kWaitedOut:
      out += "(waited out at " + FormatTime(end_time_) +
             ": pending operations are judged as if they stayed pending; "
             "real time cannot prove that they would have)\n";
      break;
    case HistoryEnd::kCutOff:
      out += "(cut off at " + FormatTime(end_time_) +
             ": pending operations are undecided)\n";
      break;
  }
  return out;
}

}  // namespace flowcheck
