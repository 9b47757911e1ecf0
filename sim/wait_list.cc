#include "sim/wait_list.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>

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

namespace {

// The Runtime seam's WaitQueue in the simulation.
class SimWaitQueue : public WaitQueue {
 public:
  SimWaitQueue(Scheduler& scheduler, std::string what)
      : list_(scheduler, std::move(what)) {}
  Task<void> Wait() override { co_await list_.Wait(); }
  void WakeAll() override { list_.WakeAll(); }
  std::size_t waiters() const override { return list_.waiters(); }

 private:
  WaitList list_;
};

}  // namespace

std::unique_ptr<WaitQueue> Scheduler::NewWaitQueue(std::string what) {
  return std::make_unique<SimWaitQueue>(*this, std::move(what));
}

}  // namespace flowcheck::sim
