// flow/runtime.h: Runtime, the one seam between the simulated and the real
// world (the LevelDB Env / FoundationDB INetwork idea).
//
// Code under test reaches time and concurrency only through a Runtime: the
// simulated world (sim/Scheduler) implements it with virtual time and a
// seeded choice of which task runs next; the real world (flows/) implements
// it on an event loop with the steady clock. The same coroutine runs
// unchanged on either.
//
// Threads: a Runtime and everything running on it are driven by the single
// thread that calls run(). None of its methods may be called from another
// thread.
#ifndef FLOWCHECK_FLOW_RUNTIME_H_
#define FLOWCHECK_FLOW_RUNTIME_H_

#include <chrono>
#include <string>

#include "flow/task.h"

namespace flowcheck {

// Time in flowcheck: nanoseconds, as a duration since the runtime began.
using Duration = std::chrono::nanoseconds;

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
  // finishes (or until the runtime is destroyed, which destroys unfinished
  // tasks). `name` appears in traces and in reports of blocked tasks. The
  // task begins running during run(), never inside spawn().
  virtual void spawn(Task<void> task, std::string name) = 0;

  // Runs tasks until every spawned task has finished or no task can make
  // progress any more. An exception that escapes a spawned task stops the
  // run and is rethrown from here. Runtimes offer richer, specific ways to
  // run (for a duration, until a predicate holds, with a watchdog).
  virtual void run() = 0;
};

}  // namespace flowcheck

#endif  // FLOWCHECK_FLOW_RUNTIME_H_
