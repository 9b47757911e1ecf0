// model/history.h: History, the observed record of operations on the two
// endpoints of one connection -- what the checker (model/checker.h) judges.
//
// A history is a sequence of events in the order they happened on the one
// thread that ran the connection: each operation is invoked (an event) and
// later completes (another event) or is still pending when the history ends.
// Operations may overlap: a read pending while a write runs, several readers.
// Each event gets the next sequence number (the order used for judging) and
// the runtime's time in nanoseconds (for humans: virtual time in the
// simulation, steady-clock time in the real world).
//
// A history also records the faults that were injected (with what they allow
// afterwards) and how it ended: quiescent (nothing more could ever happen, so
// a pending operation is a final outcome: "stays pending" is proved) or cut
// off (a watchdog or a limit stopped it; pending operations are undecided).
//
// Snapshots: the bytes of every buffer handed to write/writev are copied at
// invocation and the bytes of every Data result at completion, so that the
// checker can tell whether anyone changed them later (W4, R3).
//
// Not thread-safe; owned by whoever records (model/recorder.h) or builds it.
#ifndef FLOWCHECK_MODEL_HISTORY_H_
#define FLOWCHECK_MODEL_HISTORY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/buffer.h"
#include "flow/fault_effects.h"
#include "flow/result.h"
#include "flow/runtime.h"

namespace flowcheck {

// The two endpoints of a connection.
enum class Side { kA = 0, kB = 1 };

inline Side Peer(Side side) { return side == Side::kA ? Side::kB : Side::kA; }
inline std::string_view SideName(Side side) {
  return side == Side::kA ? "A" : "B";
}

enum class OpKind { kRead, kWrite, kWritev, kClose };

// "read", "write", "writev", "close".
std::string_view OpKindName(OpKind kind);

// One operation on one endpoint, from invocation to completion.
struct Operation {
  // Each member is initialized below. The constructor is user-provided so
  // that History::Invoke's emplace_back() does not first zero all of the
  // struct's few hundred bytes, as value-initializing an aggregate would.
  Operation() {}  // NOLINT(modernize-use-equals-default)

  int id = 0;  // index in History::operations()
  Side side = Side::kA;
  OpKind kind = OpKind::kRead;
  std::string task;  // the calling task's name, if known

  // write: one buffer; writev: its parts; read, close: none. The buffers as
  // handed to the flow, and a copy of their bytes made at invocation (W4):
  // all parts' bytes in one run (a writev of 40 parts is one copy, not 40),
  // part i at the sum of the sizes of args[0..i).
  //
  // arg_bytes and data_bytes view copies kept by the History that holds
  // the operation (History::Invoke, CompleteRead): valid while that History
  // lives, also after it was moved from one object to another (the moved-to
  // one holds them then); assigning another History to it, or destroying
  // it, ends them. A copy of the History has copies of its own.
  std::vector<Buffer> args;
  std::string_view arg_bytes;

  std::int64_t invoke_seq = 0;
  Duration invoke_time{0};

  // Completion; unset while pending.
  std::optional<std::int64_t> complete_seq;
  Duration complete_time{0};
  std::optional<ReadResult> read_result;    // read
  std::optional<WriteResult> write_result;  // write, writev
  // A copy of a Data result's bytes made at completion (R3).
  std::string_view data_bytes;

  bool completed() const { return complete_seq.has_value(); }
  bool is_write() const {
    return kind == OpKind::kWrite || kind == OpKind::kWritev;
  }
  // Bytes handed to a write/writev (the sum of its parts).
  std::size_t write_size() const;
  // The copy made at invocation of part `part` (< args.size()).
  std::string_view ArgBytes(std::size_t part) const;

  // One line: `#4 B read -> Data 5 bytes "hello"` or `#2 A write 3 bytes
  // "abc" (pending)`, with the task name when known.
  std::string ToString() const;

  // Every field equal (buffers by their bytes).
  friend bool operator==(const Operation&, const Operation&) = default;
};

struct FaultRecord {
  std::int64_t seq = 0;
  Duration time{0};
  Side side = Side::kA;
  std::string name;  // "reset", "partition A->B", "cut after 1024 bytes"
  FaultEffects effects;

  friend bool operator==(const FaultRecord&, const FaultRecord&) = default;
};

enum class HistoryEnd {
  kOpen,       // still being recorded
  kQuiescent,  // nothing more could ever happen: pending is final
  kWaitedOut,  // a real-time run waited its whole watchdog: pending
               // operations are judged as if final (bounded evidence --
               // they might have completed later)
  kCutOff,     // stopped by a limit before it could be judged (e.g. the
               // simulation's virtual time limit): pending is undecided
};

class History {
 public:
  // Histories are made and dropped once per run, thousands of times a
  // second in a fuzzer. The bytes an operation's arg_bytes and data_bytes
  // view are kept in blocks the History owns (not one string each), and a
  // dropped history's operations array and blocks are kept (emptied; per
  // thread, a few of moderate size) and handed to the next one: a run
  // neither allocates them nor grows them again. Nothing observable
  // depends on it.
  History();
  ~History();
  // A copy keeps its own copies of the bytes (the views are rebased).
  History(const History& other);
  History& operator=(const History& other);
  History(History&& other) noexcept;
  History& operator=(History&& other) noexcept;

  // Records the invocation of an operation and returns its id. For write and
  // writev, `args` are the buffers handed over (their bytes are copied now).
  int Invoke(Side side, OpKind kind, std::vector<Buffer> args, Duration time,
             std::string task = "");

  // Records the completion of operation `id` (a read / a write or writev /
  // a close respectively). Aborts if `id` is unknown, already completed, or
  // of another kind.
  void CompleteRead(int id, ReadResult result, Duration time);
  void CompleteWrite(int id, WriteResult result, Duration time);
  void CompleteClose(int id, Duration time);

  // Records a fault that fired on `side`.
  void AddFault(Side side, std::string name, FaultEffects effects,
                Duration time);

  // Ends the history. Aborts if it already ended.
  void End(HistoryEnd how, Duration time);

  const std::vector<Operation>& operations() const { return operations_; }
  const std::vector<FaultRecord>& faults() const { return faults_; }
  HistoryEnd end() const { return end_; }
  Duration end_time() const { return end_time_; }
  const Operation& operation(int id) const;

  // Every event in order, one per line, e.g.
  //   `   1  0.000000s  A write 3 bytes "abc"`
  //   `   2  0.000010s  A write -> Ok  [#0]`
  std::string ToString() const;

  // The same events in the same order, with the same end: what ToString()
  // would print alike, compared without formatting (the flow fuzzers'
  // determinism check compares two runs' histories).
  friend bool operator==(const History& a, const History& b) {
    return a.operations_ == b.operations_ && a.faults_ == b.faults_ &&
           a.next_seq_ == b.next_seq_ && a.end_ == b.end_ &&
           a.end_time_ == b.end_time_;
  }

  // Where kept bytes go: blocks that never move, so views into them stay
  // valid while the History lives.
  struct Block {
    std::unique_ptr<char[]> bytes;
    std::size_t size = 0;
  };

 private:
  Operation& MutableOperation(int id);
  std::int64_t NextSeq() { return next_seq_++; }
  // Room for `size` more bytes in one block; returns where they go and
  // counts them as used.
  char* KeepRoom(std::size_t size);
  // A copy of `bytes` in the blocks.
  std::string_view Keep(std::string_view bytes);
  void Swap(History& other) noexcept;

  std::vector<Operation> operations_;
  std::vector<FaultRecord> faults_;
  std::vector<Block> blocks_;
  std::size_t block_ = 0;  // the block being filled
  std::size_t used_ = 0;   // bytes used in blocks_[block_]
  std::int64_t next_seq_ = 1;
  HistoryEnd end_ = HistoryEnd::kOpen;
  Duration end_time_{0};
};

}  // namespace flowcheck

#endif  // FLOWCHECK_MODEL_HISTORY_H_
