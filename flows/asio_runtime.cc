#include "flows/asio_runtime.h"

#include <algorithm>
#include <cstdio>
#include <deque>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "asio/post.hpp"
#include "asio/steady_timer.hpp"
#include "flow/check.h"

namespace flowcheck::flows {
namespace {

// A steady_timer cannot represent "forever"; a year is as good.
constexpr Duration kLongestLimit = std::chrono::hours(24 * 365);

// Suspends the calling task on a steady_timer (or, for zero, until the
// io_context gets round to it).
class SleepAwaiter {
 public:
  SleepAwaiter(AsioRuntime& runtime, Duration duration)
      : runtime_(runtime), duration_(std::min(duration, kLongestLimit)) {}
  SleepAwaiter(const SleepAwaiter&) = delete;
  SleepAwaiter& operator=(const SleepAwaiter&) = delete;
  // Destroyed on resumption or with a destroyed frame: a wake that comes
  // later finds an abandoned ticket; destroying the timer cancels its wait
  // (the handler then runs with operation_aborted and touches only the
  // ticket and the runtime).
  ~SleepAwaiter() {
    if (ticket_) ticket_->Abandon();
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    if (duration_ <= Duration::zero()) {
      ticket_ = runtime_.Park(handle, "a yield");
      runtime_.Wake(ticket_);
      return;
    }
    ticket_ = runtime_.Park(handle,
                            "sleep for " + FormatTime(duration_) + " (until " +
                                FormatTime(runtime_.now() + duration_) + ")");
    timer_.emplace(runtime_.io_context(), duration_);
    timer_->async_wait(
        [runtime = &runtime_, ticket = ticket_](const asio::error_code& error) {
          if (error != asio::error::operation_aborted) runtime->Wake(ticket);
        });
  }
  void await_resume() const noexcept {}

 private:
  AsioRuntime& runtime_;
  Duration duration_;
  std::shared_ptr<ParkedCoroutine> ticket_;
  std::optional<asio::steady_timer> timer_;
};

// The Runtime seam's WaitQueue here: waiters park, WakeAll posts their
// resumptions in the order they parked.
class AsioWaitQueue : public WaitQueue {
 public:
  AsioWaitQueue(AsioRuntime& runtime, std::string what)
      : runtime_(runtime), what_(std::move(what)) {}

  Task<void> Wait() override { co_await Awaiter(*this); }

  void WakeAll() override {
    std::deque<std::shared_ptr<ParkedCoroutine>> woken;
    woken.swap(waiters_);
    for (const auto& ticket : woken) runtime_.Wake(ticket);
  }

  std::size_t waiters() const override {
    return static_cast<std::size_t>(
        std::count_if(waiters_.begin(), waiters_.end(),
                      [](const auto& ticket) { return ticket->parked(); }));
  }

 private:
  class Awaiter {
   public:
    explicit Awaiter(AsioWaitQueue& queue) : queue_(queue) {}
    Awaiter(const Awaiter&) = delete;
    Awaiter& operator=(const Awaiter&) = delete;
    // A destroyed waiter's ticket stays in the queue, abandoned: a wake
    // skips it, and the next Wait() drops it.
    ~Awaiter() {
      if (ticket_) ticket_->Abandon();
    }
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> handle) {
      std::erase_if(queue_.waiters_,
                    [](const auto& ticket) { return !ticket->parked(); });
      ticket_ = queue_.runtime_.Park(handle, queue_.what_);
      queue_.waiters_.push_back(ticket_);
    }
    void await_resume() const noexcept {}

   private:
    AsioWaitQueue& queue_;
    std::shared_ptr<ParkedCoroutine> ticket_;
  };

  AsioRuntime& runtime_;
  const std::string what_;
  std::deque<std::shared_ptr<ParkedCoroutine>> waiters_;
};

Task<void> SleepFor(AsioRuntime& runtime, Duration duration) {
  co_await SleepAwaiter(runtime, duration);
}

}  // namespace

AsioRuntime::AsioRuntime() : start_(std::chrono::steady_clock::now()) {}

AsioRuntime::~AsioRuntime() {
  FLOWCHECK_CHECK(!running_,
                  "AsioRuntime destroyed from inside one of its own tasks");
  DestroyTasks();
  AbortIo(Error(ErrorCode::kCancelled, "the AsioRuntime was destroyed"));
  FLOWCHECK_CHECK(io_objects_.empty(),
                  "a flow built on this AsioRuntime outlived it: destroy "
                  "flows before their runtime (flows/asio_runtime.h)");
}

Duration AsioRuntime::now() const {
  return std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() -
                                              start_);
}

Task<void> AsioRuntime::sleep(Duration duration) {
  return SleepFor(*this, duration);
}

void AsioRuntime::spawn(Task<void> task, std::string name) {
  FLOWCHECK_CHECK(task.valid(), "spawn of an empty Task");
  const std::uint64_t id = next_task_id_++;
  tasks_.emplace(id, TaskRecord{std::move(name), std::move(task),
                                "its start (not run yet)"});
  asio::post(io_context_, [this, id] { Start(id); });
}

void AsioRuntime::Start(std::uint64_t task) {
  auto it = tasks_.find(task);
  if (it == tasks_.end()) return;  // destroyed before it ran
  it->second.waiting_on = "running";
  const std::uint64_t outer = std::exchange(current_task_, task);
  it->second.task.start_detached();
  current_task_ = outer;
  AfterStep(task);
}

void AsioRuntime::Resume(std::uint64_t task, std::coroutine_handle<> handle) {
  if (task != 0) {
    auto it = tasks_.find(task);
    if (it == tasks_.end()) return;
    it->second.waiting_on = "running";
  }
  const std::uint64_t outer = std::exchange(current_task_, task);
  handle.resume();
  current_task_ = outer;
  if (task != 0) AfterStep(task);
}

void AsioRuntime::AfterStep(std::uint64_t task) {
  auto it = tasks_.find(task);
  if (it == tasks_.end() || !it->second.task.done()) return;
  std::exception_ptr failure = it->second.task.exception();
  tasks_.erase(it);
  if (failure && !failure_) failure_ = failure;
  if (failure_ || tasks_.empty()) io_context_.stop();
}

std::shared_ptr<ParkedCoroutine> AsioRuntime::Park(
    std::coroutine_handle<> handle, std::string what) {
  FLOWCHECK_CHECK(handle, "Park of a null coroutine handle");
  auto ticket = std::make_shared<ParkedCoroutine>();
  ticket->task_ = current_task_;
  ticket->handle_ = handle;
  auto it = tasks_.find(current_task_);
  if (it != tasks_.end()) it->second.waiting_on = std::move(what);
  return ticket;
}

void AsioRuntime::Wake(const std::shared_ptr<ParkedCoroutine>& ticket) {
  if (!ticket || !ticket->parked()) return;
  ticket->wake_posted_ = true;
  asio::post(io_context_, [this, ticket] {
    // Null if the awaiter was destroyed since: its frame is gone.
    std::coroutine_handle<> handle = std::exchange(ticket->handle_, nullptr);
    if (handle) Resume(ticket->task_, handle);
  });
}

std::unique_ptr<WaitQueue> AsioRuntime::NewWaitQueue(std::string what) {
  return std::make_unique<AsioWaitQueue>(*this, std::move(what));
}

std::string AsioRuntime::current_task_name() const {
  auto it = tasks_.find(current_task_);
  return it == tasks_.end() ? "" : it->second.name;
}

void AsioRuntime::RunLoop(std::optional<Duration> limit) {
  FLOWCHECK_CHECK(!running_,
                  "AsioRuntime run from inside one of its own tasks");
  running_ = true;
  io_context_.restart();
  try {
    if (limit) {
      // Returns when stopped (all tasks done, or one failed), when out of
      // work, or after `limit`. (Asio waits in epoll, at most a second at a
      // time, to check the clock: no busy loop.)
      io_context_.run_for(std::min(*limit, kLongestLimit));
    } else {
      io_context_.run();
    }
  } catch (...) {
    running_ = false;
    throw;
  }
  running_ = false;
}

void AsioRuntime::RethrowFailure() {
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void AsioRuntime::run() {
  if (tasks_.empty()) return;
  RunLoop(std::nullopt);
  RethrowFailure();
}

RunReport AsioRuntime::RunFor(Duration limit) {
  const Duration started = now();
  if (tasks_.empty()) return Report(RunReport::Outcome::kAllDone, started);
  RunLoop(limit);
  RethrowFailure();
  RunReport::Outcome outcome = RunReport::Outcome::kAllDone;
  if (!tasks_.empty()) {
    // Tasks remain, so nobody stopped the io_context: it stopped itself
    // because no handler, timer or socket operation was left (stalled), or
    // the time ran out.
    outcome = io_context_.stopped() ? RunReport::Outcome::kBlocked
                                    : RunReport::Outcome::kTimeLimit;
  }
  return Report(outcome, started);
}

RunReport AsioRuntime::Report(RunReport::Outcome outcome,
                              Duration started) const {
  RunReport report;
  report.outcome = outcome;
  report.end_time = now();
  report.elapsed = report.end_time - started;
  report.exact = outcome == RunReport::Outcome::kAllDone ||
                 outcome == RunReport::Outcome::kBlocked;
  for (const auto& [id, record] : tasks_) {
    report.pending.push_back(PendingTask{id, record.name, record.waiting_on});
  }
  report.pending_io = PendingIo();
  return report;
}

void AsioRuntime::DestroyTasks() {
  FLOWCHECK_CHECK(current_task_ == 0, "DestroyTasks called from inside a task");
  // Newest first, like the simulation's scheduler.
  while (!tasks_.empty()) tasks_.erase(std::prev(tasks_.end()));
}

std::uint64_t AsioRuntime::Register(IoObject* object) {
  FLOWCHECK_CHECK(object != nullptr, "Register of a null IoObject");
  const std::uint64_t id = next_io_id_++;
  io_objects_.emplace(id, object);
  return id;
}

void AsioRuntime::Unregister(std::uint64_t id) { io_objects_.erase(id); }

std::vector<std::string> AsioRuntime::PendingIo() const {
  std::vector<std::string> out;
  for (const auto& [id, object] : io_objects_) {
    for (std::string& line : object->PendingOperations()) {
      out.push_back(std::move(line));
    }
  }
  return out;
}

void AsioRuntime::AbortIo(const Error& why) {
  FLOWCHECK_CHECK(!running_ && current_task_ == 0,
                  "AbortIo called from inside a task");
  // Abort never destroys an object, but copy the list anyway: handlers
  // drained below may destroy (and unregister) them.
  std::vector<IoObject*> objects;
  for (const auto& [id, object] : io_objects_) objects.push_back(object);
  for (IoObject* object : objects) object->Abort(why);
  // The aborted operations' handlers are ready now: run them, so that they
  // release what they hold. Tasks that they wake (if any are alive) run too.
  io_context_.restart();
  io_context_.poll();
}

RunReport RunWithWatchdog(AsioRuntime& runtime, Duration limit) {
  RunReport report = runtime.RunFor(limit);
  if (report.all_done()) return report;
  runtime.DestroyTasks();
  runtime.AbortIo(Error(
      ErrorCode::kCancelled,
      "cancelled by the watchdog after " + FormatTime(report.elapsed) + " (" +
          std::to_string(report.pending.size()) + " tasks still pending)"));
  report.cancelled = true;
  return report;
}

}  // namespace flowcheck::flows
