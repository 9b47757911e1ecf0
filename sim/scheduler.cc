#include "sim/scheduler.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "flow/check.h"

namespace flowcheck::sim {
namespace {

// Suspends the current task until a timer fires.
class SleepAwaiter {
 public:
  SleepAwaiter(Scheduler& scheduler, Duration duration)
      : scheduler_(scheduler), duration_(duration) {}
  SleepAwaiter(const SleepAwaiter&) = delete;
  SleepAwaiter& operator=(const SleepAwaiter&) = delete;
  ~SleepAwaiter() {
    if (armed_) scheduler_.Cancel(timer_);
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    const std::uint64_t task = scheduler_.current_task();
    FLOWCHECK_CHECK(task != 0, "sleep() awaited outside a scheduler task");
    if (duration_ <= Duration::zero()) {
      // A yield: runnable again at once; the seed decides who goes first.
      scheduler_.Suspended(task, "a yield");
      scheduler_.MakeRunnable(task, handle);
      return;
    }
    const Duration deadline = AddSaturating(scheduler_.now(), duration_);
    scheduler_.Suspended(task, "sleep until", deadline);
    armed_ = true;
    task_ = task;
    handle_ = handle;
    // Only `this` captured: a callback of one pointer fits in
    // std::function's own storage (three words would allocate).
    timer_ = scheduler_.At(deadline, [this] {
      armed_ = false;
      scheduler_.MakeRunnable(task_, handle_);
    });
  }
  void await_resume() const noexcept {}

 private:
  Scheduler& scheduler_;
  Duration duration_;
  bool armed_ = false;
  std::uint64_t task_ = 0;
  std::coroutine_handle<> handle_;
  Scheduler::TimerId timer_;
};

Task<void> SleepFor(Scheduler& scheduler, Duration duration) {
  co_await SleepAwaiter(scheduler, duration);
}

}  // namespace

Scheduler::Scheduler(SchedulerOptions options)
    : options_(options),
      random_(options.seed),
      pick_random_(random_.Fork()),
      trace_(options.keep_trace_text) {}

Scheduler::~Scheduler() {
  DestroyTasks();
  ClearTimers();
}

void Scheduler::DestroyTasks() {
  // Newest first; their awaiters cancel timers and leave wait lists.
  runnable_.clear();
  for (std::size_t id = tasks_.size(); id-- > 0;) {
    if (tasks_[id].has_value()) {
      tasks_[id].reset();
      --live_tasks_;
    }
  }
  // A destroyed task's awaiters may have woken older tasks on the way out
  // (a guard handing on its turn); those are gone now too.
  runnable_.clear();
}

Task<void> Scheduler::sleep(Duration duration) {
  return SleepFor(*this, duration);
}

void Scheduler::spawn(Task<void> task, std::string name) {
  FLOWCHECK_CHECK(task.valid(), "spawn of an empty Task");
  const std::uint64_t id = next_task_id_++;
  trace_.Add(now_, TraceKind::kSpawn, id, 0, name);
  if (tasks_.empty()) {
    // Ids start at 1 (slot 0 unused). Room for a program's eight tasks at
    // most (a writer, a closer and two readers per side) at once: growing
    // one at a time was three more allocations per run (under a fuzzer's
    // ASan, each a stack trace).
    tasks_.reserve(9);
    tasks_.resize(1);
  }
  tasks_.push_back(
      TaskRecord{std::move(name), std::move(task), "start", std::nullopt});
  ++live_tasks_;
  runnable_.push_back(Runnable{id, {}});
}

void Scheduler::run() { RunUntilQuiescent(); }

RunReport Scheduler::RunUntilQuiescent() {
  return Run(nullptr, options_.time_limit);
}

RunReport Scheduler::RunFor(Duration duration) {
  const Duration started = now_;
  const Duration until =
      std::min(AddSaturating(now_, duration), options_.time_limit);
  RunReport report = Run(nullptr, until);
  if (report.outcome == RunReport::Outcome::kTimeLimit && now_ < until) {
    now_ = until;
    report.end_time = now_;
    report.elapsed = now_ - started;
  }
  return report;
}

RunReport Scheduler::RunUntil(const std::function<bool()>& done) {
  return Run(&done, options_.time_limit);
}

std::string Scheduler::current_task_name() const {
  const TaskRecord* record = FindTask(current_task_);
  return record == nullptr ? "" : record->name;
}

Scheduler::TimerId Scheduler::At(Duration deadline,
                                 std::function<void()> callback) {
  if (deadline < now_) deadline = now_;
  if (timer_slots_.capacity() == 0) {
    // Room for a simulated connection's timers at once (a run's few
    // deliveries, faults and sleeps), rather than growing by doubling.
    timer_heap_.reserve(16);
    timer_slots_.reserve(16);
    free_timer_slots_.reserve(16);
  }
  std::uint32_t slot;
  if (free_timer_slots_.empty()) {
    slot = static_cast<std::uint32_t>(timer_slots_.size());
    timer_slots_.emplace_back();
  } else {
    slot = free_timer_slots_.back();
    free_timer_slots_.pop_back();
  }
  const TimerId id{next_timer_seq_++, slot};
  timer_slots_[slot].seq = id.seq;
  timer_slots_[slot].callback = std::move(callback);
  timer_heap_.push_back(TimerEntry{deadline.count(), id.seq, slot});
  std::push_heap(timer_heap_.begin(), timer_heap_.end(), FiresLater);
  return id;
}

void Scheduler::Cancel(TimerId timer) {
  if (timer.seq == 0 || timer.slot >= timer_slots_.size() ||
      timer_slots_[timer.slot].seq != timer.seq) {
    return;  // fired or cancelled already
  }
  ReleaseTimerSlot(timer.slot);
  ++cancelled_timers_;
  // Cancelled entries are dropped when they reach the top; a run that
  // keeps cancelling far-off timers would otherwise grow the heap.
  if (cancelled_timers_ > 32 && cancelled_timers_ > timer_heap_.size() / 2) {
    CompactTimers();
  }
}

void Scheduler::ReleaseTimerSlot(std::uint32_t slot) {
  timer_slots_[slot].seq = 0;
  timer_slots_[slot].callback = nullptr;
  free_timer_slots_.push_back(slot);
}

void Scheduler::DropCancelledTimers() {
  while (!timer_heap_.empty() && !TimerLive(timer_heap_.front())) {
    std::pop_heap(timer_heap_.begin(), timer_heap_.end(), FiresLater);
    timer_heap_.pop_back();
    --cancelled_timers_;
  }
}

void Scheduler::CompactTimers() {
  std::erase_if(timer_heap_,
                [this](const TimerEntry& entry) { return !TimerLive(entry); });
  std::make_heap(timer_heap_.begin(), timer_heap_.end(), FiresLater);
  cancelled_timers_ = 0;
}

void Scheduler::ClearTimers() {
  timer_heap_.clear();
  timer_slots_.clear();
  free_timer_slots_.clear();
  cancelled_timers_ = 0;
}

bool Scheduler::FireTimers(Duration limit) {
  DropCancelledTimers();
  if (timer_heap_.empty()) return false;
  const Duration deadline(timer_heap_.front().deadline);
  if (deadline > limit) return false;
  if (deadline > now_) {
    now_ = deadline;
    trace_.Add(now_, TraceKind::kAdvance, 0, 0);
  }
  // Fire every timer due now, in the order they were set; callbacks may set
  // new timers (also due now: they fire in this loop too) or cancel some.
  while (true) {
    DropCancelledTimers();
    if (timer_heap_.empty() || timer_heap_.front().deadline > now_.count()) {
      break;
    }
    const std::uint32_t slot = timer_heap_.front().slot;
    std::pop_heap(timer_heap_.begin(), timer_heap_.end(), FiresLater);
    timer_heap_.pop_back();
    std::function<void()> callback = std::move(timer_slots_[slot].callback);
    ReleaseTimerSlot(slot);
    callback();
  }
  return true;
}

bool Scheduler::Step() {
  if (runnable_.empty()) return FireTimers(options_.time_limit);
  // FIFO takes the front; the seeded pick takes any entry and fills the
  // hole with the last one (O(1); the order stays a function of the seed).
  // (With one runnable task there is no choice, and no draw.)
  const std::size_t index =
      options_.fifo || runnable_.size() == 1
          ? 0
          : static_cast<std::size_t>(pick_random_.Uniform(runnable_.size()));
  const Runnable next = runnable_[index];
  if (index == 0) {
    runnable_.pop_front();
  } else {
    runnable_[index] = runnable_.back();
    runnable_.pop_back();
  }
  TaskRecord* record = FindTask(next.task);
  FLOWCHECK_CHECK(record != nullptr, "a runnable entry for a finished task");
  trace_.Add(now_, TraceKind::kPick, next.task, index);
  record->waiting_on = "an awaitable outside the simulation";
  record->waiting_until.reset();
  current_task_ = next.task;
  if (next.handle) {
    next.handle.resume();
  } else {
    record->task.start_detached();
  }
  current_task_ = 0;
  record = FindTask(next.task);  // the task may have spawned: tasks_ moved
  FLOWCHECK_CHECK(record != nullptr, "a task's record vanished while it ran");
  if (record->task.done()) {
    trace_.Add(now_, TraceKind::kFinish, next.task, 0);
    std::exception_ptr failure = record->task.exception();
    tasks_[next.task].reset();
    --live_tasks_;
    if (failure) std::rethrow_exception(failure);
  }
  return true;
}

RunReport Scheduler::Report(RunReport::Outcome outcome, std::uint64_t steps,
                            Duration started) const {
  RunReport report;
  report.outcome = outcome;
  report.elapsed = now_ - started;
  report.end_time = now_;
  report.steps = steps;
  report.exact = outcome == RunReport::Outcome::kAllDone ||
                 outcome == RunReport::Outcome::kBlocked;
  report.trace_hash = trace_.hash();
  if (trace_.keeps_text()) report.trace_text = trace_.ToString();
  for (std::uint64_t id = 0; id < tasks_.size(); ++id) {
    if (!tasks_[id].has_value()) continue;
    const TaskRecord& record = *tasks_[id];
    std::string what(record.waiting_on);
    if (record.waiting_until) what += " " + FormatTime(*record.waiting_until);
    report.pending.push_back(PendingTask{id, record.name, std::move(what)});
  }
  return report;
}

RunReport Scheduler::Run(const std::function<bool()>* done, Duration until) {
  const Duration started = now_;
  std::uint64_t steps = 0;
  while (true) {
    if (done != nullptr && (*done)()) {
      return Report(RunReport::Outcome::kPredicate, steps, started);
    }
    if (!runnable_.empty()) {
      Step();
      ++steps;
      continue;
    }
    if (FireTimers(until)) continue;
    if (has_timers()) {
      return Report(RunReport::Outcome::kTimeLimit, steps, started);
    }
    return Report(live_tasks_ == 0 ? RunReport::Outcome::kAllDone
                                   : RunReport::Outcome::kBlocked,
                  steps, started);
  }
}

}  // namespace flowcheck::sim
