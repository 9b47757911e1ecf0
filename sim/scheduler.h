// sim/scheduler.h: Scheduler, the simulated world's Runtime -- virtual time,
// a seeded choice of which task runs next, timers, a trace, and a report of
// tasks that can never wake up.
//
// Time is virtual, in nanoseconds, and moves only when the scheduler moves
// it: when no task is runnable it jumps to the earliest timer. Timers with
// equal deadlines fire in the order they were set. When several tasks are
// runnable, the seed picks which runs next (or, with `fifo`, the one woken
// first). One seed therefore fixes every ordering, and the trace hash proves
// it (sim/trace.h).
//
// A task here is a top-level coroutine started with spawn(). Inside it, the
// coroutine suspends on simulation awaitables (sleep(), WaitList::Wait(),
// simulated flows); each task is suspended at one point at a time.
//
// Ownership: the scheduler owns spawned tasks until they finish; destroying
// the scheduler destroys unfinished ones (their awaiters unregister). Things
// tasks wait on (WaitLists, simulated flows) must outlive the tasks, or be
// destroyed only after the scheduler. Single-threaded; nothing here reads
// the wall clock or depends on addresses.
#ifndef FLOWCHECK_SIM_SCHEDULER_H_
#define FLOWCHECK_SIM_SCHEDULER_H_

#include <coroutine>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flow/check.h"
#include "flow/runtime.h"
#include "flow/task.h"
#include "sim/internal/ring.h"
#include "sim/random.h"
#include "sim/trace.h"

namespace flowcheck::sim {

struct SchedulerOptions {
  // Decides every choice of the run.
  std::uint64_t seed = 0;
  // Run runnable tasks in the order they became runnable instead of a
  // seeded pick (for debugging a schedule by hand).
  bool fifo = false;
  // Keep the trace as text lines (costs memory); the hash is always kept.
  bool keep_trace_text = false;
  // A run stops when virtual time would pass this (a task that sleeps in a
  // loop never becomes quiescent).
  Duration time_limit = std::chrono::hours(24);
};

class Scheduler : public Runtime {
 public:
  explicit Scheduler(SchedulerOptions options = {});
  ~Scheduler() override;
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Runtime.
  Duration now() const override { return now_; }
  Task<void> sleep(Duration duration) override;
  void spawn(Task<void> task, std::string name) override;
  // Runs until quiescent (or the time limit). Rethrows the first exception
  // that escaped a task.
  void run() override;
  // As RunUntilQuiescent, but stops once virtual time would pass
  // now() + duration (timers due exactly then still fire): the outcome is
  // then kTimeLimit and now() is exactly the old now() + duration (or
  // SchedulerOptions::time_limit, whichever comes first). The report is
  // exact unless the time ran out, and carries the trace hash.
  RunReport RunFor(Duration duration) override;
  // Destroys every unfinished task now (their awaiters unregister from
  // timers and wait lists). Use it before destroying things tasks refer to
  // -- flows, wait lists -- while the scheduler itself must live on (a
  // simulated connection cancels its timers on the scheduler when it dies).
  void DestroyTasks() override;
  // The running task's name ("" outside any task).
  std::string current_task_name() const override;
  // A WaitQueue over a sim::WaitList (sim/wait_list.h): woken tasks become
  // runnable; the seed decides when they run.
  std::unique_ptr<WaitQueue> NewWaitQueue(std::string what) override;
  // True: virtual time, every choice from the seed.
  bool is_simulated() const override { return true; }

  // Runs until every task is done or nothing can happen any more (no
  // runnable task, no timer: outcome kBlocked if tasks remain), or the time
  // limit. Rethrows a task's exception.
  RunReport RunUntilQuiescent();
  // As RunUntilQuiescent, but stops as soon as `done()` holds (checked
  // before each step).
  RunReport RunUntil(const std::function<bool()>& done);

  // One step: resumes one runnable task, or if none is runnable advances
  // time to the earliest timer and fires every timer due then. Returns
  // false if there was nothing to do. Rethrows a task's exception.
  bool Step();

  // Timers for simulated components: `callback` runs at virtual time
  // `deadline` (or now, if that has passed), between task steps. It may make
  // tasks runnable and set further timers.
  struct TimerId {
    std::uint64_t seq = 0;   // unique per timer; 0: none
    std::uint32_t slot = 0;  // where its callback is kept
  };
  TimerId At(Duration deadline, std::function<void()> callback);
  // Cancels a timer that has not fired; does nothing otherwise.
  void Cancel(TimerId timer);

  // For awaiters: the running task's id (0 outside any task).
  std::uint64_t current_task() const { return current_task_; }
  // For awaiters: `task` suspends, waiting on `what` (reported if it never
  // wakes); with `until`, on a timer due then. `what` must stay valid while
  // the task waits (a literal, or a WaitList's description). Cheap: no
  // string is built on this path.
  void Suspended(std::uint64_t task, std::string_view what,
                 std::optional<Duration> until = std::nullopt) {
    if (TaskRecord* record = FindTask(task)) {
      record->waiting_on = what;
      record->waiting_until = until;
    }
  }
  // For awaiters: `task`, suspended at `handle`, may run again.
  void MakeRunnable(std::uint64_t task, std::coroutine_handle<> handle) {
    FLOWCHECK_CHECK(handle, "MakeRunnable with a null handle");
    runnable_.push_back(Runnable{task, handle});
  }

  // The seeded stream for simulated components. Each component should
  // Fork() its own at creation.
  Random& random() { return random_; }
  Trace& trace() { return trace_; }
  const Trace& trace() const { return trace_; }
  std::uint64_t seed() const { return options_.seed; }

  // Number of spawned tasks not yet finished.
  std::size_t live_tasks() const { return live_tasks_; }

 private:
  struct TaskRecord {
    std::string name;
    Task<void> task;
    std::string_view waiting_on;
    std::optional<Duration> waiting_until;
  };
  struct Runnable {
    std::uint64_t task = 0;
    std::coroutine_handle<> handle;  // null: start the task
  };

  RunReport Run(const std::function<bool()>* done, Duration until);
  RunReport Report(RunReport::Outcome outcome, std::uint64_t steps,
                   Duration started) const;
  bool FireTimers(Duration limit);
  // Timers: a binary min-heap of (deadline, seq) -- the order in which they
  // fire -- over a table of callbacks whose free slots are reused, so a
  // steady run sets timers without allocating (a std::map node per timer
  // was a twentieth of a fuzzer's allocations). A cancelled timer's slot is
  // freed at once and its heap entry dropped when it reaches the top (or
  // when cancelled entries outnumber live ones: CompactTimers).
  struct TimerEntry {
    std::int64_t deadline = 0;
    std::uint64_t seq = 0;
    std::uint32_t slot = 0;
  };
  struct TimerSlot {
    std::uint64_t seq = 0;  // the timer holding the slot; 0: free
    std::function<void()> callback;
  };
  static bool FiresLater(const TimerEntry& a, const TimerEntry& b) {
    return a.deadline != b.deadline ? a.deadline > b.deadline : a.seq > b.seq;
  }
  bool TimerLive(const TimerEntry& entry) const {
    return timer_slots_[entry.slot].seq == entry.seq;
  }
  bool has_timers() const { return timer_heap_.size() > cancelled_timers_; }
  void ReleaseTimerSlot(std::uint32_t slot);
  // Pops cancelled entries off the top of the heap.
  void DropCancelledTimers();
  void CompactTimers();
  void ClearTimers();
  TaskRecord* FindTask(std::uint64_t id) {
    return id < tasks_.size() && tasks_[id] ? &*tasks_[id] : nullptr;
  }
  const TaskRecord* FindTask(std::uint64_t id) const {
    return id < tasks_.size() && tasks_[id] ? &*tasks_[id] : nullptr;
  }

  SchedulerOptions options_;
  Random random_;
  Random pick_random_;  // only for picking the next task
  Trace trace_;
  Duration now_{0};
  std::uint64_t next_task_id_ = 1;
  std::uint64_t current_task_ = 0;
  std::uint64_t next_timer_seq_ = 1;
  // Indexed by task id (ids are sequential from 1; slot 0 unused); a
  // finished task's slot is empty. O(1) on every step, ordered by id for
  // reports. Records live in the table (one allocation per task was a
  // tenth of a fuzzer run's): a spawn may move them, so no pointer to one
  // is held across a resume.
  std::vector<std::optional<TaskRecord>> tasks_;
  std::size_t live_tasks_ = 0;
  internal::Ring<Runnable, 8> runnable_;  // a program's tasks fit in place
  std::vector<TimerEntry> timer_heap_;    // ordered by FiresLater
  std::vector<TimerSlot> timer_slots_;
  std::vector<std::uint32_t> free_timer_slots_;
  std::size_t cancelled_timers_ = 0;  // heap entries whose slot moved on
};

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_SCHEDULER_H_
