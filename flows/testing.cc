#include "flows/testing.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "sim/random.h"

namespace flowcheck::flows {

void PrintTo(const Transport& transport, std::ostream* os) {
  *os << transport.name;
}

namespace testing {

int CountOpenFds() {
  DIR* directory = opendir("/proc/self/fd");
  if (directory == nullptr) return -1;
  int count = 0;
  while (const dirent* entry = readdir(directory)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(directory);
  return count - 1;  // the directory's own descriptor
}

Task<void> WriteStream(Runtime& runtime, Flow& flow, WritePlan plan) {
  sim::Random random(plan.seed);
  std::uint64_t offset = 0;
  while (offset < plan.total_bytes) {
    const std::size_t left = plan.total_bytes - offset;
    if (random.Chance(1, 4)) {
      const std::size_t part_count = random.Uniform(6);
      std::vector<Buffer> parts;
      for (std::size_t i = 0; i < part_count && offset < plan.total_bytes;
           ++i) {
        std::size_t size = 1 + random.Uniform(plan.max_write_bytes / 2 + 1);
        if (plan.zero_length_writes && random.Chance(1, 5)) size = 0;
        size = std::min(size, plan.total_bytes - offset);
        parts.push_back(
            Buffer::FromString(StreamBytes(plan.stream, offset, size)));
        offset += size;
      }
      if (parts.empty() && !plan.zero_length_writes) continue;
      WriteResult result = co_await flow.writev(std::move(parts));
      EXPECT_TRUE(result.is_ok()) << "writev: " << result;
    } else {
      std::size_t size =
          std::min<std::size_t>(1 + random.Uniform(plan.max_write_bytes), left);
      if (plan.zero_length_writes && random.Chance(1, 10)) size = 0;
      WriteResult result = co_await flow.write(
          Buffer::FromString(StreamBytes(plan.stream, offset, size)));
      EXPECT_TRUE(result.is_ok()) << "write: " << result;
      offset += size;
    }
    if (plan.yield_sometimes && random.Chance(1, 3)) {
      co_await runtime.sleep(Duration::zero());
    }
  }
  if (plan.close_at_end) co_await flow.close();
}

Task<void> ReadToEnd(Runtime& runtime, Flow& flow, ReadOutcome* outcome,
                     std::optional<std::uint64_t> yield_seed) {
  std::optional<sim::Random> random;
  if (yield_seed) random.emplace(*yield_seed);
  while (true) {
    ReadResult result = co_await flow.read();
    if (!result.is_data()) {
      outcome->end = std::move(result);
      co_return;
    }
    outcome->bytes += result.data().view();
    ++outcome->reads;
    if (random && random->Chance(1, 4)) {
      co_await runtime.sleep(Duration::zero());
    }
  }
}

RecordedConnection::RecordedConnection(const Transport& transport)
    : runtime_(std::make_unique<AsioRuntime>()) {
  Endpoints endpoints = transport.connect(*runtime_);
  raw_a_ = endpoints.a.get();
  raw_b_ = endpoints.b.get();
  a_ = std::make_unique<RecordingFlow>(std::move(endpoints.a), Side::kA,
                                       history_, *runtime_);
  b_ = std::make_unique<RecordingFlow>(std::move(endpoints.b), Side::kB,
                                       history_, *runtime_);
}

RecordedConnection::~RecordedConnection() {
  runtime_->DestroyTasks();
  a_.reset();
  b_.reset();
  runtime_.reset();
}

void RecordedConnection::RecordFault(Side side, std::string name,
                                     FaultEffects effects) {
  history_.AddFault(side, std::move(name), effects, runtime_->now());
}

RunReport RecordedConnection::Run(Duration limit) {
  return RunWithWatchdog(*runtime_, limit);
}

CheckResult RecordedConnection::Check() {
  if (history_.end() == HistoryEnd::kOpen) {
    history_.End(HistoryEnd::kCutOff, runtime_->now());
  }
  return CheckHistory(history_);
}

}  // namespace testing
}  // namespace flowcheck::flows
