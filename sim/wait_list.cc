#include "sim/wait_list.h"

#include <memory>
#include <string>
#include <utility>

#include "flow/check.h"

namespace flowcheck::sim {

WaitList::WaitList(Scheduler& scheduler, std::string what)
    : scheduler_(scheduler), owned_(std::move(what)), what_(owned_) {}

WaitList::WaitList(Scheduler& scheduler, Literal what)
    : scheduler_(scheduler), what_(what.text) {}

WaitList::~WaitList() {
  // Tasks still waiting stay suspended forever (until the scheduler destroys
  // them); they no longer refer to this list.
  for (std::size_t i = 0; i < waiters_.size(); ++i) {
    Awaiter* waiter = waiters_[i];
    waiter->waiting_ = false;
    scheduler_.Suspended(waiter->task_, "a wait list that was destroyed");
  }
}

WaitList::Awaiter::~Awaiter() {
  if (!waiting_) return;
  auto& waiters = list_.waiters_;
  for (std::size_t i = 0; i < waiters.size(); ++i) {
    if (waiters[i] == this) {
      waiters.erase(i);
      return;
    }
  }
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
