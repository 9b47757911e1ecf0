#include "conformance/broken_flows.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "flow/flow.h"

namespace flowcheck::conformance {
namespace {

constexpr std::string_view kNames[] = {
    "segfault", "abort", "throw", "spin", "leak", "exit0", "close-pipe-spin"};

[[noreturn]] void Spin() {
  volatile std::uint64_t x = 0;
  while (true) x = x + 1;
}

struct Counter {
  int reads = 0;
};

class BrokenFlow : public FlowWrapper {
 public:
  BrokenFlow(std::unique_ptr<Flow> target, Breakage breakage, int on_read,
             std::shared_ptr<Counter> counter)
      : FlowWrapper(std::move(target)),
        breakage_(breakage),
        on_read_(on_read),
        counter_(std::move(counter)) {}

  Task<ReadResult> read() override {
    if (++counter_->reads >= on_read_) Break();
    co_return co_await target().read();
  }

 private:
  void Break() {
    switch (breakage_) {
      case Breakage::kSegfault:
        raise(SIGSEGV);
        break;
      case Breakage::kAbort:
        std::abort();
      case Breakage::kThrow:
        throw std::runtime_error("the broken flow's read() threw");
      case Breakage::kSpin:
        Spin();
      case Breakage::kLeak: {
        // Touch every page so the memory is really used.
        auto* block = new std::vector<char>(std::size_t{512} << 20, 'x');
        leaked_.push_back(block);
        break;
      }
      case Breakage::kExit0:
        std::exit(0);
      case Breakage::kClosePipeThenSpin:
        for (int fd = 3; fd < 1024; ++fd) ::close(fd);
        Spin();
    }
  }

  Breakage breakage_;
  int on_read_;
  std::shared_ptr<Counter> counter_;
  std::vector<std::vector<char>*> leaked_;  // never freed, on purpose
};

}  // namespace

std::string_view BreakageName(Breakage breakage) {
  return kNames[static_cast<int>(breakage)];
}

std::optional<Breakage> ParseBreakage(std::string_view name) {
  for (Breakage breakage : AllBreakages()) {
    if (BreakageName(breakage) == name) return breakage;
  }
  return std::nullopt;
}

std::vector<Breakage> AllBreakages() {
  std::vector<Breakage> all;
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    all.push_back(static_cast<Breakage>(i));
  }
  return all;
}

FlowUnderTest Break(const FlowUnderTest& base, Breakage breakage, int on_read) {
  FlowUnderTest broken = base;
  broken.name = base.name + "+" + std::string(BreakageName(breakage));
  broken.description = base.description +
                       ", broken: " + std::string(BreakageName(breakage)) +
                       " on read " + std::to_string(on_read);
  broken.make = [make = base.make, breakage, on_read](std::uint64_t seed) {
    Subject subject = make(seed);
    auto counter = std::make_shared<Counter>();
    subject.a = std::make_unique<BrokenFlow>(std::move(subject.a), breakage,
                                             on_read, counter);
    subject.b = std::make_unique<BrokenFlow>(std::move(subject.b), breakage,
                                             on_read, counter);
    return subject;
  };
  return broken;
}

}  // namespace flowcheck::conformance
