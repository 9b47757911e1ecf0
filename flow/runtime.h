// flow/runtime.h: Runtime, the one seam between the simulated and the real
// world (the LevelDB Env / FoundationDB INetwork idea), and RunReport, how a
// run on it ended.
//
// Code under test reaches time and concurrency only through a Runtime: the
// simulated world (sim/Scheduler) implements it with virtual time and a
// seeded choice of which task runs next; the real world (flows/AsioRuntime)
// implements it on an event loop with the steady clock. The same coroutine
// runs unchanged on either, and the code that drives a run (a test, the
// conformance suite, a fuzzer) asks the seam how the run ended -- it never
// needs to know which world it is in, and never downcasts to find out.
//
// Threads: a Runtime and everything running on it are driven by the single
// thread that calls run()/RunFor(). None of its methods may be called from
// another thread.
#ifndef FLOWCHECK_FLOW_RUNTIME_H_
#define FLOWCHECK_FLOW_RUNTIME_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flow/task.h"

namespace flowcheck {

// Time in flowcheck: nanoseconds, as a duration since the runtime began.
using Duration = std::chrono::nanoseconds;

// "1.500000000s": a time or duration for humans, exact to the nanosecond
// (integer arithmetic, so the text is the same on every platform; the
// simulation's traces use it). Negative durations print with a leading '-'.
std::string FormatTime(Duration time);

// a + b, clamped to [Duration::min(), Duration::max()] instead of wrapping:
// time arithmetic on values a user may give (a latency of INT64_MAX ns plus
// a tail) must never turn into a negative delay.
inline Duration AddSaturating(Duration a, Duration b) {
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a.count(), b.count(), &sum)) {
    return b.count() > 0 ? Duration::max() : Duration::min();
  }
  return Duration(sum);
}

// A spawned task that had not finished when a run stopped.
struct PendingTask {
  std::uint64_t id = 0;    // spawn order, from 1
  std::string name;        // as given to spawn()
  std::string waiting_on;  // e.g. "read on B: nothing readable"
};

// How one run of a Runtime ended: the one report both worlds give.
struct RunReport {
  enum class Outcome {
    // Every spawned task finished. Nothing is pending.
    kAllDone,
    // Tasks remain, and nothing can ever wake them: no runnable task, no
    // timer, and (real world) no socket operation or handler left. A
    // deadlock, proved -- in the simulation by quiescence, in the real world
    // because the event loop ran out of work.
    kBlocked,
    // The run's time limit passed with tasks still pending; whether they
    // would ever have finished is not known (see `exact`).
    kTimeLimit,
    // The caller's stop condition held (sim::Scheduler::RunUntil).
    kPredicate,
  };
  Outcome outcome = Outcome::kAllDone;
  // How long this run took on the runtime's clock (virtual in the
  // simulation, steady clock in the real world).
  Duration elapsed{0};
  // The runtime's now() when the run ended.
  Duration end_time{0};
  // Task resumptions during the run, where the runtime counts them (the
  // simulation does; 0 otherwise).
  std::uint64_t steps = 0;
  // Tasks not finished, in spawn order, with what each waits on.
  std::vector<PendingTask> pending;
  // I/O still in flight (real world: socket operations), one line each.
  std::vector<std::string> pending_io;
  // True when the outcome is a proof, not a timeout: nothing more could
  // have happened had the run gone on (kAllDone, kBlocked; kTimeLimit never
  // is). A verdict that an operation "stays pending" is exact only then.
  bool exact = false;
  // Whether the pending tasks were cancelled after the run (the real
  // world's watchdog, flows/asio_runtime.h RunWithWatchdog).
  bool cancelled = false;
  // Deterministic worlds only: the hash of everything the run decided
  // (sim/trace.h); the same seed gives the same hash, build after build.
  std::optional<std::uint64_t> trace_hash;
  // Deterministic worlds that keep their trace as text (the simulation,
  // sim::SchedulerOptions::keep_trace_text): every event so far, one per
  // line. Empty otherwise.
  std::string trace_text;

  bool all_done() const { return outcome == Outcome::kAllDone; }

  // One line, then one line per pending task and per I/O operation:
  //   "all tasks done at 0.012000000s (ran 0.012000000s, 41 steps)"
  //   "blocked at 0.002000000s (ran 0.002000000s, 8 steps): 2 tasks blocked
  //    forever\n  task 3 'reader' waits on read on B: nothing readable..."
  //   "time limit reached at 0.500000000s (ran 0.500000000s): 2 tasks
  //    pending, cancelled\n  task 1 'server' waits on ...\n  I/O: ..."
  std::string ToString() const;
};

// "all tasks done", "blocked", "time limit reached", "stopped: condition
// met".
std::string_view OutcomeName(RunReport::Outcome outcome);

// A place where tasks of one Runtime wait until another task wakes them: a
// condition variable for coroutines, in whichever world the runtime is.
// What a layer needs that owns shared state -- records to send in order, a
// close that waits for earlier writes -- without knowing which world runs
// it (examples/tls/tls_flow.h layers TLS over any Flow with it).
//
//   auto turn = runtime.NewWaitQueue("TLS records: another writer sends");
//   while (sending) co_await turn->Wait();       // in a task
//   ...
//   turn->WakeAll();                             // when the state changed
//
// Wakes are hints: a woken task re-checks its condition in a loop. In the
// simulation a woken task becomes runnable and the seed decides when it
// runs; in the real world its resumption is posted to the event loop. A
// task that waits here and is never woken counts as blocked (a deadlock the
// run reports, RunReport::kBlocked), never as busy.
//
// Ownership: made by Runtime::NewWaitQueue, owned by the caller, used only
// on the runtime's thread while the runtime lives. Destroying a waiting
// Task removes its waiter; destroying the queue while tasks wait leaves
// them suspended until the runtime destroys them.
class WaitQueue {
 public:
  virtual ~WaitQueue() = default;
  // Suspends the calling task until WakeAll() is called. Never completes
  // inline (a yield at least). Never fails.
  virtual Task<void> Wait() = 0;
  // Makes every task waiting here runnable, in the order they began to
  // wait. Does nothing when none waits. Never resumes a task inline.
  virtual void WakeAll() = 0;
  // How many tasks wait here now.
  virtual std::size_t waiters() const = 0;
};

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Time elapsed since this runtime was created: virtual time in the
  // simulation (moves only when the scheduler moves it), the steady clock in
  // the real world. Never goes backwards.
  virtual Duration now() const = 0;

  // Completes once at least `duration` has passed on this runtime's clock.
  // sleep(Duration::zero()) yields: other runnable tasks may run first.
  // Never fails. Destroying the returned Task while it waits cancels the
  // timer.
  virtual Task<void> sleep(Duration duration) = 0;

  // Starts `task` as a new top-level task; the runtime owns it until it
  // finishes (or until DestroyTasks() or the runtime's destruction). `name`
  // appears in traces and in reports of pending tasks. The task begins
  // running during run()/RunFor(), never inside spawn().
  virtual void spawn(Task<void> task, std::string name) = 0;

  // Runs tasks until every spawned task has finished or no task can make
  // progress any more. An exception that escapes a spawned task stops the
  // run and is rethrown from here. May wait forever in the real world (a
  // task waiting on a socket that never becomes ready): prefer RunFor.
  virtual void run() = 0;

  // Runs as run() does, but for at most `limit` on this runtime's clock
  // (virtual time in the simulation, where waiting costs no real time; the
  // steady clock in the real world), and reports how the run ended.
  // Cancels nothing: pending tasks stay suspended and can be run again or
  // destroyed. Rethrows an exception that escaped a task. Not reentrant.
  virtual RunReport RunFor(Duration limit) = 0;

  // Destroys every unfinished task now, newest first; their awaiters
  // unregister (timers, wait lists, parked wakes). Call it before
  // destroying what tasks refer to -- flows, wait lists -- while the runtime
  // itself lives on. Not from inside a task.
  virtual void DestroyTasks() = 0;

  // The running task's name ("" outside any task), e.g. for recording
  // which task invoked an operation.
  virtual std::string current_task_name() const = 0;

  // A new, empty WaitQueue on this runtime; `what` names what its waiters
  // wait for, in reports of pending and blocked tasks ("TLS: a writer's
  // turn"). Never fails; the caller owns it and destroys it before the
  // runtime.
  virtual std::unique_ptr<WaitQueue> NewWaitQueue(std::string what) = 0;

  // Whether time here is virtual and every choice follows from a seed (the
  // simulation): then RunFor's limit costs no real time, kBlocked and
  // kAllDone are proofs, and the report carries a trace hash. Drivers use
  // it to pick a limit in the right units (minutes of virtual time, seconds
  // of real time); nothing else should depend on it.
  virtual bool is_simulated() const = 0;
};

}  // namespace flowcheck

#endif  // FLOWCHECK_FLOW_RUNTIME_H_
