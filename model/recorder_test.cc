#include "model/recorder.h"

#include <gtest/gtest.h>

#include <coroutine>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flow/sanitizers.h"
#include "model/checker.h"

#ifdef FLOWCHECK_ASAN
#include <sanitizer/lsan_interface.h>
#endif

namespace flowcheck {
namespace {

// A runtime whose clock the test sets; these tests never spawn or sleep.
class ManualClock : public Runtime {
 public:
  Duration now() const override { return now_; }
  Task<void> sleep(Duration) override { co_return; }
  void spawn(Task<void>, std::string) override {}
  void run() override {}
  RunReport RunFor(Duration) override { return RunReport{}; }
  void DestroyTasks() override {}
  std::string current_task_name() const override { return task_name; }
  // No task runs here, so none can wait.
  std::unique_ptr<WaitQueue> NewWaitQueue(std::string) override {
    ADD_FAILURE() << "ManualClock runs no tasks";
    return nullptr;
  }
  bool is_simulated() const override { return true; }
  void Advance() { now_ += std::chrono::microseconds(1); }
  std::string task_name;  // what current_task_name() says

 private:
  Duration now_{0};
};

// A flow whose reads complete at once with canned results and whose writes
// return Ok at once.
class CannedFlow : public Flow {
 public:
  explicit CannedFlow(std::deque<ReadResult> reads)
      : reads_(std::move(reads)) {}
  Task<ReadResult> read() override {
    ReadResult result = reads_.front();
    reads_.pop_front();
    co_return result;
  }
  Task<WriteResult> write(Buffer) override { co_return WriteResult::Ok(); }
  Task<WriteResult> writev(std::vector<Buffer>) override {
    co_return WriteResult::Ok();
  }
  Task<void> close() override { co_return; }

 private:
  std::deque<ReadResult> reads_;
};

template <typename T>
Task<void> Store(std::optional<T>& out, Task<T> task) {
  out.emplace(co_await std::move(task));
}

template <typename T>
T RunToEnd(Task<T> task) {
  std::optional<T> out;
  Task<void> root = Store(out, std::move(task));
  root.start_detached();
  EXPECT_TRUE(root.done());
  return std::move(*out);
}
void RunToEnd(Task<void> task) {
  task.start_detached();
  EXPECT_TRUE(task.done());
}

TEST(RecordingFlowTest, RecordsInvocationsAndResultsInOrder) {
  ManualClock clock;
  clock.task_name = "writer";
  History history;
  RecordingFlow a(std::make_unique<CannedFlow>(std::deque<ReadResult>{}),
                  Side::kA, history, clock);
  RecordingFlow b(std::make_unique<CannedFlow>(std::deque<ReadResult>{
                      ReadResult::Data(Buffer::Copy("hi")), ReadResult::Eof()}),
                  Side::kB, history, clock);

  EXPECT_TRUE(RunToEnd(a.write(Buffer::Copy("h"))).is_ok());
  clock.Advance();
  EXPECT_TRUE(RunToEnd(a.writev({Buffer::Copy("i")})).is_ok());
  EXPECT_TRUE(RunToEnd(b.read()).is_data());
  RunToEnd(a.close());
  EXPECT_TRUE(RunToEnd(b.read()).is_eof());
  history.End(HistoryEnd::kCutOff, clock.now());

  ASSERT_EQ(history.operations().size(), 5u);
  const Operation& write = history.operation(0);
  EXPECT_EQ(write.side, Side::kA);
  EXPECT_EQ(write.kind, OpKind::kWrite);
  EXPECT_EQ(write.task, "writer");
  EXPECT_EQ(write.arg_bytes, "h");
  EXPECT_TRUE(write.write_result->is_ok());
  EXPECT_EQ(history.operation(1).kind, OpKind::kWritev);
  EXPECT_EQ(history.operation(1).invoke_time, std::chrono::microseconds(1));
  EXPECT_EQ(history.operation(2).data_bytes, "hi");
  EXPECT_TRUE(history.operation(3).completed());
  EXPECT_TRUE(history.operation(4).read_result->is_eof());
  // This canned close returns at once, before B closed: the checker says C4.
  const CheckResult result = CheckHistory(history);
  ASSERT_EQ(result.violations.size(), 1u) << result.ToString();
  EXPECT_EQ(result.violations[0].clause, Clause::kC4);
  EXPECT_NE(history.ToString().find("A write 1 byte \"h\""), std::string::npos)
      << history.ToString();
}

// A dropped history's operations array and byte blocks go to the next
// history made on the thread: the next one starts empty, and a copy or a
// moved-to history keeps its own operations and bytes whatever the others
// do.
TEST(HistoryTest, ArraysOfDroppedHistoriesComeBackEmpty) {
  std::optional<History> first(std::in_place);
  for (int i = 0; i < 40; ++i) {
    first->Invoke(Side::kA, OpKind::kClose, {}, Duration(i));
  }
  first.reset();
  History second;
  EXPECT_TRUE(second.operations().empty());
  EXPECT_GE(second.operations().capacity(), 40u);  // the first one's array
  second.Invoke(Side::kB, OpKind::kWrite, {Buffer::Copy("xy")}, Duration(1));
  const History copy = second;
  History moved = std::move(second);
  {
    History third;  // the pool is empty: second's array moved on
    EXPECT_EQ(third.operations().capacity(), 0u);
    third.Invoke(Side::kA, OpKind::kRead, {}, Duration(2));
  }
  History fourth;  // the third's array, emptied
  EXPECT_TRUE(fourth.operations().empty());
  fourth.Invoke(Side::kA, OpKind::kClose, {}, Duration(3));
  ASSERT_EQ(copy.operations().size(), 1u);
  EXPECT_EQ(copy.operation(0).arg_bytes, "xy");
  EXPECT_EQ(copy, moved);
  EXPECT_EQ(fourth.operation(0).kind, OpKind::kClose);
}

// The bytes operations view live in the history's blocks: many of them,
// past the first block, read back as recorded; a copy's views point into
// its own blocks and outlive the original, whose blocks go back to the
// pool and are overwritten by the next history.
TEST(HistoryTest, KeptBytesReadBackAndCopiesOwnTheirs) {
  auto original = std::make_unique<History>();
  std::vector<std::string> written;
  std::size_t total = 0;
  for (int i = 0; i < 150; ++i) {  // about 100 KiB: the blocks are pooled
    std::string bytes(static_cast<std::size_t>(i * 37 % 1300 + 1),
                      static_cast<char>('a' + i % 26));
    const int id = original->Invoke(Side::kA, OpKind::kRead, {}, Duration(i));
    original->CompleteRead(id, ReadResult::Data(Buffer::Copy(bytes)),
                           Duration(i));
    total += bytes.size();
    written.push_back(bytes);
  }
  ASSERT_GT(total, 64u * 1024);  // more than the first blocks
  const int writev = original->Invoke(
      Side::kB, OpKind::kWritev,
      {Buffer::Copy("ab"), Buffer(), Buffer::Copy("cde")}, Duration(300));
  History copy = *original;
  original.reset();  // its blocks go back to the pool...
  History reused;    // ...and come out here, to be overwritten
  for (int i = 0; i < 120; ++i) {
    const int id = reused.Invoke(Side::kA, OpKind::kRead, {}, Duration(i));
    reused.CompleteRead(
        id, ReadResult::Data(Buffer::Copy(std::string(999, '#'))), Duration(i));
  }
  for (int i = 0; i < 150; ++i) {
    ASSERT_EQ(copy.operation(i).data_bytes,
              written[static_cast<std::size_t>(i)])
        << "operation " << i;
  }
  EXPECT_EQ(copy.operation(writev).arg_bytes, "abcde");
  EXPECT_EQ(copy.operation(writev).ArgBytes(2), "cde");
  EXPECT_EQ(reused.operation(119).data_bytes, std::string(999, '#'));
}

// A read larger than any block gets a block of its own size.
TEST(HistoryTest, ARunLargerThanAnyBlockIsKeptWhole) {
  History history;
  const std::string big(200 * 1024, 'z');
  const int small = history.Invoke(Side::kA, OpKind::kRead, {}, Duration(0));
  history.CompleteRead(small, ReadResult::Data(Buffer::Copy("s")), Duration(0));
  const int id = history.Invoke(Side::kA, OpKind::kRead, {}, Duration(1));
  history.CompleteRead(id, ReadResult::Data(Buffer::Copy(big)), Duration(1));
  EXPECT_EQ(history.operation(id).data_bytes, big);
  EXPECT_EQ(history.operation(small).data_bytes, "s");
}

#ifdef FLOWCHECK_ASAN
// Under ASan a pooled block is poisoned until the next history hands its
// bytes out: a view that outlived its History is reported, not read as
// the next history's bytes.
TEST(HistoryDeathTest, AViewThatOutlivedItsHistoryIsReportedUnderAsan) {
  EXPECT_DEATH(
      {
        std::string_view stale;
        {
          History history;
          const int id =
              history.Invoke(Side::kA, OpKind::kRead, {}, Duration(0));
          history.CompleteRead(id, ReadResult::Data(Buffer::Copy("bytes")),
                               Duration(0));
          stale = history.operation(id).data_bytes;
        }
        volatile char byte = stale[1];
        (void)byte;
      },
      "use-after-poison");
}

// Pooled arrays and blocks are reachable from the pool: not leaks.
TEST(HistoryTest, PooledStorageIsNotALeakUnderAsan) {
  for (int i = 0; i < 8; ++i) {
    History history;
    const int id = history.Invoke(Side::kA, OpKind::kRead, {}, Duration(0));
    history.CompleteRead(id, ReadResult::Data(Buffer::Copy("bytes")),
                         Duration(0));
  }
  EXPECT_EQ(__lsan_do_recoverable_leak_check(), 0);
}
#endif

}  // namespace
}  // namespace flowcheck
