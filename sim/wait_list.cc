#include "sim/wait_list.h"

#include <algorithm>

#include "flow/check.h"

namespace flowcheck::sim {

WaitList::WaitList(Scheduler& scheduler, std::string what)
    : scheduler_(scheduler), what_(std::move(what)) {}

WaitList::~WaitList() {
  // Tasks still waiting stay suspended forever (until the scheduler destroys
  // them); they no longer refer to this list.
  for (Awaiter* waiter : waiters_) {
    waiter->waiting_ = false;
    scheduler_.Suspended(waiter->task_, "a wait list that was destroyed");
  }
}

WaitList::Awaiter::~Awaiter() {
  if (!waiting_) return;
  auto& waiters = list_.waiters_;
  waiters.erase(std::find(waiters.begin(), waiters.end(), this));
}

void WaitList::Awaiter::await_suspend(std::coroutine_handle<> handle) {
  task_ = list_.scheduler_.current_task();
  FLOWCHECK_CHECK(task_ != 0, "WaitList awaited outside a scheduler task");
  handle_ = handle;
  waiting_ = true;
  list_.waiters_.push_back(this);
  list_.scheduler_.Suspended(task_, list_.what_);
}

bool WaitList::WakeOne() {
  if (waiters_.empty()) return false;
  Awaiter* waiter = waiters_.front();
  waiters_.pop_front();
  waiter->waiting_ = false;
  scheduler_.MakeRunnable(waiter->task_, waiter->handle_);
  return true;
}

void WaitList::WakeAll() {
  while (WakeOne()) {
  }
}

}  // namespace flowcheck::sim
