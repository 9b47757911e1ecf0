// flows/asio_runtime.h: AsioRuntime, the real world's Runtime -- flowcheck
// Tasks on a single-threaded asio::io_context with the steady clock -- and
// RunWithWatchdog, which runs a test body in real time without ever hanging.
//
// How coroutines run here: spawn() posts the start of a task to the
// io_context; a task that suspends parks its coroutine with Park() (every
// awaiter in flows/ does: sleep(), flow reads, writes and closes) and
// something -- an Asio completion handler, another task -- later calls
// Wake(), which posts the resumption to the io_context. So a coroutine is
// only ever resumed from a fresh io_context handler on the thread inside
// run(): never inline inside a waker, never on another thread, and a waker
// can never re-enter the code that woke it.
//
// Cancellation: destroying a suspended Task destroys its frame and the
// awaiter inside it; the awaiter abandons its parking ticket, so a wake that
// arrives later (an Asio handler completing with operation_aborted after its
// timer or socket was cancelled) finds nobody to resume. Handlers keep what
// they touch alive through shared_ptr, never through the frame.
//
// I/O objects (flows/stream_flow.h) register with the runtime so that the
// watchdog can list the operations they have in flight and abort them.
//
// Ownership: the runtime owns spawned tasks until they finish; destroying
// the runtime destroys unfinished ones first, then aborts registered I/O
// objects and drains their handlers. Every Flow built on a runtime must be
// destroyed before the runtime (the destructor aborts the process with a
// message otherwise, since the flow's socket lives on the runtime's
// io_context).
//
// Threads: everything here, and every flow on this runtime, is used from the
// one thread that calls run()/RunFor()/RunWithWatchdog() (and creates the
// runtime and its flows). Not thread-safe. No busy-waiting: the thread
// sleeps in epoll (inside Asio) whenever nothing is ready.
#ifndef FLOWCHECK_FLOWS_ASIO_RUNTIME_H_
#define FLOWCHECK_FLOWS_ASIO_RUNTIME_H_

#include <chrono>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "asio/io_context.hpp"
#include "flow/result.h"
#include "flow/runtime.h"
#include "flow/task.h"

namespace flowcheck::flows {

class AsioRuntime;

// A coroutine parked on an AsioRuntime: the ticket its waker holds. Shared
// between the awaiter that parked (which abandons it when it is destroyed)
// and whoever will wake it (an Asio handler, a flow's read pump).
class ParkedCoroutine {
 public:
  // Forgets the coroutine: a later Wake() does nothing. Awaiters call this
  // in their destructor; calling it twice is fine.
  void Abandon() { handle_ = nullptr; }
  // Whether the coroutine is still parked here (not woken, not abandoned).
  bool parked() const { return handle_ && !wake_posted_; }

 private:
  friend class AsioRuntime;
  std::uint64_t task_ = 0;  // 0: not inside a spawned task
  std::coroutine_handle<> handle_;
  bool wake_posted_ = false;
};

// Something with operations in flight on the runtime's io_context (a
// flow's socket), as the watchdog sees it.
class IoObject {
 public:
  virtual ~IoObject() = default;
  // One line per operation still in flight or waiting, e.g.
  // "recv in flight on 'tcp A' (a read is waiting for bytes)".
  virtual std::vector<std::string> PendingOperations() const = 0;
  // Stops everything at once: the object's waiting operations complete
  // with `why`, and its sockets are closed so that Asio operations in flight
  // complete with operation_aborted. The object stays usable only in that
  // every later operation fails with `why`.
  virtual void Abort(const Error& why) = 0;
};

class AsioRuntime : public Runtime {
 public:
  // A runtime with its own io_context; now() starts at zero here.
  AsioRuntime();
  // Destroys unfinished tasks (their awaiters cancel timers and leave wait
  // lists), aborts registered I/O objects, runs their aborted handlers.
  // Aborts the process if a flow built on this runtime is still alive.
  ~AsioRuntime() override;
  AsioRuntime(const AsioRuntime&) = delete;
  AsioRuntime& operator=(const AsioRuntime&) = delete;

  // Runtime.
  //
  // Steady-clock time since construction; never goes backwards.
  Duration now() const override;
  // Completes once `duration` has passed (an asio::steady_timer); zero or
  // negative: a yield (other ready handlers run first). Destroying the
  // waiting Task cancels the timer.
  Task<void> sleep(Duration duration) override;
  // Posts the start of `task`; it runs inside run()/RunFor(), never inside
  // spawn(). Aborts if `task` is empty.
  void spawn(Task<void> task, std::string name) override;
  // Runs until every spawned task has finished or nothing can wake the
  // remaining ones (the io_context ran out of work). Can block forever if a
  // task waits on a socket that never becomes ready: tests use
  // RunWithWatchdog. Rethrows the first exception that escaped a task (the
  // run stops there; other tasks stay as they are).
  void run() override;

  // Runs as run() does, but for at most `limit` of steady-clock time, and
  // reports what is still pending: kAllDone, kBlocked (tasks remain but the
  // io_context ran out of work: no timer or socket can ever wake them -- a
  // deadlock) or kTimeLimit; pending_io lists the I/O objects' operations.
  // Cancels nothing: pending tasks stay suspended and can be run again or
  // destroyed. Rethrows a task's exception. Not reentrant (aborts if called
  // from inside a task).
  RunReport RunFor(Duration limit) override;

  // Destroys every unfinished task now, newest first (their awaiters
  // abandon their wakes and cancel their timers). In-flight socket
  // operations of flows continue; their handlers resume nobody.
  void DestroyTasks() override;

  // The running task's name ("" outside any task), e.g. for RecordingFlow.
  std::string current_task_name() const override;

  // A WaitQueue whose waiters park here; WakeAll posts their resumptions.
  std::unique_ptr<WaitQueue> NewWaitQueue(std::string what) override;

  // False: real time.
  bool is_simulated() const override { return false; }

  // Number of spawned tasks not finished yet.
  std::size_t live_tasks() const { return tasks_.size(); }

  // The io_context everything runs on. Create sockets for flows on it; do
  // not run it from another thread.
  asio::io_context& io_context() { return io_context_; }

  // For awaiters. Parks the coroutine `handle` of the running task,
  // recording `what` it waits on (shown in reports), and returns the ticket
  // a waker passes to Wake(). The awaiter must call ticket->Abandon() in its
  // destructor.
  std::shared_ptr<ParkedCoroutine> Park(std::coroutine_handle<> handle,
                                        std::string what);
  // For wakers. Posts the resumption of the coroutine parked on `ticket`;
  // does nothing if it was abandoned or already woken. Never resumes
  // inline.
  void Wake(const std::shared_ptr<ParkedCoroutine>& ticket);

  // For I/O objects: registers `object` with the watchdog until
  // Unregister(id). The object must unregister before it is destroyed.
  std::uint64_t Register(IoObject* object);
  void Unregister(std::uint64_t id);

  // The pending operations of every registered I/O object.
  std::vector<std::string> PendingIo() const;
  // Aborts every registered I/O object with `why` (its waiting operations
  // complete with that error, its sockets are closed), then runs the
  // handlers that are ready without blocking, so that aborted Asio
  // operations release what they hold. Tasks still alive that those wake
  // run too (with errors). Not from inside a task.
  void AbortIo(const Error& why);

 private:
  struct TaskRecord {
    std::string name;
    Task<void> task;
    std::string waiting_on;
  };

  void Start(std::uint64_t task);
  void Resume(std::uint64_t task, std::coroutine_handle<> handle);
  // After a task ran: forgets it if it finished; stops the io_context when
  // none are left or one failed.
  void AfterStep(std::uint64_t task);
  // Runs the io_context until it is stopped, out of work, or (if given)
  // `limit` has passed.
  void RunLoop(std::optional<Duration> limit);
  RunReport Report(RunReport::Outcome outcome, Duration started) const;
  void RethrowFailure();

  const std::chrono::steady_clock::time_point start_;
  // Registered I/O objects; declared before io_context_ so that objects
  // destroyed by handlers during the io_context's shutdown can still
  // unregister.
  std::map<std::uint64_t, IoObject*> io_objects_;
  std::uint64_t next_io_id_ = 1;
  asio::io_context io_context_;
  std::map<std::uint64_t, TaskRecord> tasks_;
  std::uint64_t next_task_id_ = 1;
  std::uint64_t current_task_ = 0;
  bool running_ = false;
  std::exception_ptr failure_;
};

// Runs `runtime` for at most `limit` (steady clock). If tasks are still
// pending then (or can never wake), reports them (`cancelled` set) with what
// each waits on and the I/O operations still in flight, then cancels
// everything: destroys the pending tasks (operations they were awaiting stay
// pending in any recorded History; they are undecided) and aborts every flow on
// the runtime with ErrorCode::kCancelled (sockets closed, so Asio handlers
// complete with operation_aborted), so the caller never hangs. Rethrows an
// exception that escaped a task. Choose `limit` generously (tens of
// seconds): it is a safety net, not a timing assertion.
RunReport RunWithWatchdog(AsioRuntime& runtime, Duration limit);

}  // namespace flowcheck::flows

#endif  // FLOWCHECK_FLOWS_ASIO_RUNTIME_H_
