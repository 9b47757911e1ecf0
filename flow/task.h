// flow/task.h: Task<T>, the lazily started C++20 coroutine every flowcheck
// operation returns.
//
// A Task<T> owns one coroutine frame. Nothing runs until the task is awaited
// (`T value = co_await std::move(task);`) or, for top-level tasks, until a
// Runtime starts it. An exception that escapes the coroutine is stored and
// rethrown from the co_await.
//
// Stack depth: awaiting a task runs it inline; if it finishes without
// suspending, the awaiter simply continues (no resume, no new stack frame),
// so a loop of a million awaits of tasks that complete at once runs in
// constant stack -- also at -O0, where GCC does not turn symmetric transfer
// into a tail call. A task that did suspend resumes its awaiter from its
// final suspend point when it finishes.
//
// Ownership: the Task destroys its frame when the Task itself is destroyed --
// also while the coroutine is suspended. Destroying a suspended frame runs
// the destructors of everything the coroutine holds, including the Tasks it
// is awaiting, so a whole chain of suspended coroutines is freed at once.
// Whatever the innermost coroutine was waiting on (a timer, a simulated read)
// must therefore unregister its waiter in its awaiter's destructor; every
// awaiter in flowcheck does.
//
// Threads: a Task is not thread-safe; it is resumed by the one thread that
// runs its Runtime.
#ifndef FLOWCHECK_FLOW_TASK_H_
#define FLOWCHECK_FLOW_TASK_H_

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "flow/check.h"

namespace flowcheck {

template <typename T = void>
class Task;

namespace internal {

// Coroutine frames come from a per-thread pool of recycled blocks (frames of
// up to 1 KiB in 64-byte classes, reused oldest first; larger ones from the
// heap). Every flow operation is a coroutine, and its frame is freed as soon
// as it returns: recycling spares the allocator -- above all ASan's, which
// records a stack for each allocation -- a good part of a run's allocations
// (docs/fuzzing.md). Under ASan a freed block is poisoned and is reused only
// after 64 later frees of its class (a quarantine), so a use after free is
// still reported (as use-after-poison) unless the block was reused since. A
// frame may be freed on another thread than the one that made it; it then
// joins that thread's pool. Fails only as operator new does
// (std::bad_alloc).
void* AllocateFrame(std::size_t size);
void FreeFrame(void* frame, std::size_t size) noexcept;

// What every Task promise does: start suspended, hand control back to the
// awaiter at the end, keep an escaped exception.
class TaskPromiseBase {
 public:
  // The coroutine's frame, from the pool above.
  static void* operator new(std::size_t size) { return AllocateFrame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept {
    FreeFrame(frame, size);
  }

  std::suspend_always initial_suspend() noexcept { return {}; }

  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <typename Promise>
    std::coroutine_handle<> await_suspend(
        std::coroutine_handle<Promise> self) noexcept {
      TaskPromiseBase& promise = self.promise();
      // Finished inside the awaiter's await_suspend: return there, it
      // continues the awaiter without a resume.
      if (promise.running_inline_) return std::noop_coroutine();
      return promise.continuation_;
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }

  void unhandled_exception() noexcept { exception_ = std::current_exception(); }

  // Runs the coroutine `self` (whose promise this is) on behalf of the
  // awaiting coroutine `continuation`. Returns true if it finished without
  // suspending; otherwise it will resume `continuation` when it finishes.
  bool RunInline(std::coroutine_handle<> self,
                 std::coroutine_handle<> continuation) {
    continuation_ = continuation;
    running_inline_ = true;
    self.resume();
    running_inline_ = false;
    return self.done();
  }
  std::exception_ptr exception() const { return exception_; }
  void rethrow_if_failed() const {
    if (exception_) std::rethrow_exception(exception_);
  }

 private:
  // Resumed when the coroutine finishes; noop for a top-level task, so that
  // control returns to whoever resumed it (the Runtime).
  std::coroutine_handle<> continuation_ = std::noop_coroutine();
  // True while RunInline() is running the coroutine for the first time.
  bool running_inline_ = false;
  std::exception_ptr exception_;
};

template <typename T>
class TaskPromise : public TaskPromiseBase {
 public:
  Task<T> get_return_object() noexcept;

  template <typename U>
  requires std::convertible_to<U&&, T>
  void return_value(U&& value) { value_.emplace(std::forward<U>(value)); }

  T take_result() {
    rethrow_if_failed();
    FLOWCHECK_CHECK(value_.has_value(), "Task result taken twice");
    T result = std::move(*value_);
    value_.reset();
    return result;
  }

 private:
  std::optional<T> value_;
};

template <>
class TaskPromise<void> : public TaskPromiseBase {
 public:
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take_result() { rethrow_if_failed(); }
};

}  // namespace internal

template <typename T>
class [[nodiscard]] Task {
 public:
  using promise_type = internal::TaskPromise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  // An empty task: valid() is false; awaiting it aborts.
  Task() = default;
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      Reset();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { Reset(); }

  // Whether this Task owns a coroutine frame.
  bool valid() const { return static_cast<bool>(handle_); }
  // Whether the coroutine has finished (returned or thrown).
  bool done() const { return handle_ && handle_.done(); }

  // Awaiting runs the task until it finishes and yields its result (or
  // rethrows its exception). A task is awaited at most once.
  auto operator co_await() && noexcept { return Awaiter{handle_}; }
  auto operator co_await() & noexcept { return Awaiter{handle_}; }

  // For Runtime implementations only: runs a top-level task (one that nobody
  // awaits) until its first suspension. Later resumptions come from whatever
  // it waits on; when it finishes, control returns to the resumer and done()
  // becomes true.
  void start_detached() {
    FLOWCHECK_CHECK(handle_ && !handle_.done(),
                    "start_detached on an empty or finished Task");
    handle_.resume();
  }
  // For Runtime implementations: the exception that escaped a finished task,
  // or null.
  std::exception_ptr exception() const {
    return handle_ ? handle_.promise().exception() : nullptr;
  }

 private:
  friend class internal::TaskPromise<T>;
  explicit Task(Handle handle) : handle_(handle) {}

  void Reset() {
    if (handle_) {
      handle_.destroy();
      handle_ = {};
    }
  }

  struct Awaiter {
    Handle handle;
    bool await_ready() const noexcept { return false; }
    // Returns false (the awaiter continues at once) when the task finished
    // inline, true (the awaiter stays suspended) when it suspended.
    bool await_suspend(std::coroutine_handle<> awaiting) {
      FLOWCHECK_CHECK(handle && !handle.done(),
                      "co_await on an empty or already finished Task");
      return !handle.promise().RunInline(handle, awaiting);
    }
    T await_resume() { return handle.promise().take_result(); }
  };

  Handle handle_;
};

namespace internal {

template <typename T>
Task<T> TaskPromise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<TaskPromise<T>>::from_promise(*this));
}

inline Task<void> TaskPromise<void>::get_return_object() noexcept {
  return Task<void>(
      std::coroutine_handle<TaskPromise<void>>::from_promise(*this));
}

}  // namespace internal

}  // namespace flowcheck

#endif  // FLOWCHECK_FLOW_TASK_H_
