#include "model/history.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "flow/check.h"
#include "flow/sanitizers.h"

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

// What dropped histories left behind for the next ones on the thread
// (History's constructor and destructor). `closed` is set when the
// thread's pool is destroyed: a history destroyed later in the thread's
// exit frees its own. (It is trivially destructible, so reading it then
// is safe.)
thread_local bool history_pool_closed = false;

struct HistoryPool {
  // At most this many sets, each of at most this many operations (about
  // 350 bytes each) and bytes in blocks: a thread keeps about 6 MiB at
  // most. (A fuzzer's runs with one-byte reads reach a few thousand
  // operations; growing a fresh array for each was a tenth of their time.)
  static constexpr std::size_t kSets = 4;
  static constexpr std::size_t kMaxOperations = 4096;
  static constexpr std::size_t kMaxBlockBytes = 128 * 1024;
  struct Set {
    std::vector<Operation> operations;  // empty, with capacity
    std::vector<History::Block> blocks;
  };
  std::vector<Set> sets;
  ~HistoryPool() { history_pool_closed = true; }
};

HistoryPool& Pool() {
  thread_local HistoryPool pool;
  return pool;
}

// Blocks double from 4 KiB to 64 KiB; a larger run of bytes gets a block
// of its own size.
constexpr std::size_t kFirstBlock = 4 * 1024;
constexpr std::size_t kLargestBlock = 64 * 1024;

}  // namespace

History::History() {
  if (history_pool_closed) return;
  HistoryPool& pool = Pool();
  if (!pool.sets.empty()) {
    operations_ = std::move(pool.sets.back().operations);
    blocks_ = std::move(pool.sets.back().blocks);
    pool.sets.pop_back();
  }
}

History::~History() {
  if (history_pool_closed) return;
  std::size_t block_bytes = 0;
  for (const Block& block : blocks_) block_bytes += block.size;
  if (operations_.capacity() == 0 ||
      operations_.capacity() > HistoryPool::kMaxOperations ||
      block_bytes > HistoryPool::kMaxBlockBytes) {
    return;
  }
  HistoryPool& pool = Pool();
  if (pool.sets.size() >= HistoryPool::kSets) return;
  operations_.clear();
  // Under ASan a pooled block is poisoned until KeepRoom hands its bytes
  // out again: a view that outlived its History is reported, not read as
  // the next history's bytes.
  for (const Block& block : blocks_) {
    FLOWCHECK_POISON(block.bytes.get(), block.size);
  }
  pool.sets.push_back(
      HistoryPool::Set{std::move(operations_), std::move(blocks_)});
}

History::History(const History& other)
    : operations_(other.operations_),
      faults_(other.faults_),
      next_seq_(other.next_seq_),
      end_(other.end_),
      end_time_(other.end_time_) {
  for (Operation& op : operations_) {
    op.arg_bytes = Keep(op.arg_bytes);
    op.data_bytes = Keep(op.data_bytes);
  }
}

History& History::operator=(const History& other) {
  if (this != &other) {
    History copy(other);
    Swap(copy);
  }
  return *this;
}

History::History(History&& other) noexcept
    : operations_(std::move(other.operations_)),
      faults_(std::move(other.faults_)),
      blocks_(std::move(other.blocks_)),
      block_(std::exchange(other.block_, 0)),
      used_(std::exchange(other.used_, 0)),
      next_seq_(other.next_seq_),
      end_(other.end_),
      end_time_(other.end_time_) {}

History& History::operator=(History&& other) noexcept {
  if (this != &other) {
    History taken(std::move(other));
    Swap(taken);  // what this held goes with `taken`
  }
  return *this;
}

void History::Swap(History& other) noexcept {
  std::swap(operations_, other.operations_);
  std::swap(faults_, other.faults_);
  std::swap(blocks_, other.blocks_);
  std::swap(block_, other.block_);
  std::swap(used_, other.used_);
  std::swap(next_seq_, other.next_seq_);
  std::swap(end_, other.end_);
  std::swap(end_time_, other.end_time_);
}

char* History::KeepRoom(std::size_t size) {
  while (block_ < blocks_.size() && blocks_[block_].size - used_ < size) {
    ++block_;
    used_ = 0;
  }
  if (block_ == blocks_.size()) {
    const std::size_t standard =
        blocks_.empty() ? kFirstBlock
                        : std::min(2 * blocks_.back().size, kLargestBlock);
    const std::size_t block_size = std::max(size, standard);
    blocks_.push_back(
        Block{std::make_unique_for_overwrite<char[]>(block_size), block_size});
    used_ = 0;
  }
  char* at = blocks_[block_].bytes.get() + used_;
  FLOWCHECK_UNPOISON(at, size);  // a pooled block (see ~History)
  used_ += size;
  return at;
}

std::string_view History::Keep(std::string_view bytes) {
  if (bytes.empty()) return {};
  char* at = KeepRoom(bytes.size());
  std::memcpy(at, bytes.data(), bytes.size());
  return std::string_view(at, bytes.size());
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
  if (const std::size_t size = TotalSize(args); size > 0) {
    char* at = KeepRoom(size);
    op.arg_bytes = std::string_view(at, size);
    for (const Buffer& arg : args) {
      std::memcpy(at, arg.data(), arg.size());
      at += arg.size();
    }
  }
  // op.args is empty: a swap, as a move-assignment zeroes a temporary first
  // (a checked memset under ASan).
  op.args.swap(args);
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
  if (result.is_data()) op.data_bytes = Keep(result.data().view());
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
