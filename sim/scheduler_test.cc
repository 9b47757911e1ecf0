#include "sim/scheduler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/random.h"
#include "sim/wait_list.h"

namespace flowcheck::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

Task<void> Append(Scheduler& s, std::vector<std::string>& log, std::string name,
                  int times) {
  for (int i = 0; i < times; ++i) {
    log.push_back(name + std::to_string(i));
    co_await s.sleep(Duration::zero());
  }
}

std::vector<std::string> Interleaving(std::uint64_t seed, bool fifo = false) {
  Scheduler s({.seed = seed, .fifo = fifo});
  std::vector<std::string> log;
  s.spawn(Append(s, log, "a", 3), "a");
  s.spawn(Append(s, log, "b", 3), "b");
  s.spawn(Append(s, log, "c", 3), "c");
  EXPECT_EQ(s.RunUntilQuiescent().outcome, RunReport::Outcome::kAllDone);
  return log;
}

TEST(SchedulerTest, SameSeedSameInterleaving) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    EXPECT_EQ(Interleaving(seed), Interleaving(seed)) << "seed " << seed;
  }
}

TEST(SchedulerTest, DifferentSeedsExploreDifferentInterleavings) {
  std::set<std::vector<std::string>> seen;
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    seen.insert(Interleaving(seed));
  }
  EXPECT_GT(seen.size(), 50u);
}

TEST(SchedulerTest, FifoModeRunsInWakeOrder) {
  EXPECT_EQ(Interleaving(1, /*fifo=*/true),
            (std::vector<std::string>{"a0", "b0", "c0", "a1", "b1", "c1", "a2",
                                      "b2", "c2"}));
}

// The task table keeps records in place and grows while a task runs: a
// task that spawns past the table's first size, and then finishes in the
// same step, must still be found finished (its record moved).
TEST(SchedulerTest, TaskThatSpawnsManyAndFinishesInOneStep) {
  Scheduler s({.seed = 7});
  std::vector<std::string> log;
  auto parent = [&]() -> Task<void> {
    for (int i = 0; i < 40; ++i) {
      s.spawn(Append(s, log, "c" + std::to_string(i) + "-", 1),
              "child-" + std::to_string(i));
    }
    log.push_back("parent done");
    co_return;
  };
  s.spawn(parent(), "parent");
  const RunReport report = s.RunUntilQuiescent();
  EXPECT_EQ(report.outcome, RunReport::Outcome::kAllDone);
  EXPECT_TRUE(report.pending.empty());
  EXPECT_EQ(s.live_tasks(), 0u);
  ASSERT_EQ(log.size(), 41u);
  EXPECT_EQ(log.front(), "parent done");
}

// Counters past the ones kept in place, and names too long for them, go
// to the map; every counter keeps its value and its reference.
TEST(TraceTest, CountersInPlaceAndBeyond) {
  Trace trace(/*keep_text=*/false);
  std::uint64_t& first = trace.Counter("first");
  const std::string long_name(40, 'x');
  trace.Count(long_name, 5);
  for (int i = 0; i < 30; ++i) trace.Count("c" + std::to_string(i), i);
  first += 3;
  trace.Count("first");
  trace.Count(long_name);
  EXPECT_EQ(trace.count("first"), 4u);
  EXPECT_EQ(trace.count(long_name), 6u);
  EXPECT_EQ(trace.count("c29"), 29u);
  EXPECT_EQ(trace.count("c3"), 3u);
  EXPECT_EQ(trace.count("never"), 0u);
  const auto all = trace.counters();
  EXPECT_EQ(all.size(), 32u);
  EXPECT_EQ(all.at("c17"), 17u);
  EXPECT_EQ(all.at(long_name), 6u);
  EXPECT_NE(trace.ToString().find("  c29: 29\n"), std::string::npos);
}

TEST(SchedulerTest, TimeJumpsToTheNextTimer) {
  Scheduler s;
  std::vector<Duration> woke;
  auto sleeper = [&](Duration d) -> Task<void> {
    co_await s.sleep(d);
    woke.push_back(s.now());
  };
  s.spawn(sleeper(milliseconds(30)), "slow");
  s.spawn(sleeper(milliseconds(10)), "fast");
  const RunReport report = s.RunUntilQuiescent();
  EXPECT_EQ(report.outcome, RunReport::Outcome::kAllDone);
  EXPECT_EQ(woke, (std::vector<Duration>{milliseconds(10), milliseconds(30)}));
  EXPECT_EQ(s.now(), milliseconds(30));
}

TEST(SchedulerTest, EqualDeadlinesFireInTheOrderSet) {
  Scheduler s;
  std::vector<int> fired;
  for (int i = 0; i < 5; ++i) {
    s.At(milliseconds(7), [&fired, i] { fired.push_back(i); });
  }
  s.RunUntilQuiescent();
  EXPECT_EQ(fired, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(SchedulerTest, CancelledTimersDoNotFire) {
  Scheduler s;
  bool fired = false;
  const Scheduler::TimerId timer = s.At(milliseconds(1), [&] { fired = true; });
  s.Cancel(timer);
  s.RunUntilQuiescent();
  EXPECT_FALSE(fired);
  EXPECT_EQ(s.now(), Duration::zero());
}

// The timers are a heap over reused slots (not an ordered map): checked
// against an ordered map over a long seeded mix of setting timers,
// cancelling live, fired and already-cancelled ones (whose slots new timers
// have taken by then), and firing -- enough cancels of far-off timers to
// make the heap compact itself.
TEST(SchedulerTest, TimersMatchAnOrderedMapOverSeededSetsAndCancels) {
  Scheduler s;
  Random random(20261203);
  std::map<std::pair<std::int64_t, int>, int> expected;  // (deadline, n) -> n
  std::vector<Scheduler::TimerId> ids;
  std::vector<std::int64_t> deadlines;
  std::vector<int> fired;
  std::vector<int> expected_fired;
  for (int step = 0; step < 20000; ++step) {
    const std::uint64_t op = random.Uniform(10);
    if (op < 5) {
      const int n = static_cast<int>(ids.size());
      // Mostly near, sometimes far off (cancelled before they are due).
      const std::int64_t delay = random.Chance(1, 4)
                                     ? 1'000'000'000 + random.Uniform(1000)
                                     : random.Uniform(50);
      const std::int64_t deadline = s.now().count() + delay;
      ids.push_back(
          s.At(nanoseconds(deadline), [&fired, n] { fired.push_back(n); }));
      deadlines.push_back(deadline);
      expected.emplace(std::make_pair(deadline, n), n);
    } else if (op < 8 && !ids.empty()) {
      // One timer, or (rarely) the last hundred set.
      const std::size_t count = random.Chance(1, 100) ? 100 : 1;
      for (std::size_t k = 0; k < count && k < ids.size(); ++k) {
        const int n = count == 1 ? static_cast<int>(random.Uniform(ids.size()))
                                 : static_cast<int>(ids.size() - 1 - k);
        s.Cancel(ids[n]);  // live, fired or cancelled: all allowed
        expected.erase(std::make_pair(deadlines[n], n));
      }
    } else {
      ASSERT_EQ(s.Step(), !expected.empty()) << "step " << step;
      if (expected.empty()) continue;
      const std::int64_t now = expected.begin()->first.first;
      while (!expected.empty() && expected.begin()->first.first <= now) {
        expected_fired.push_back(expected.begin()->second);
        expected.erase(expected.begin());
      }
      ASSERT_EQ(s.now().count(), now) << "step " << step;
      ASSERT_EQ(fired, expected_fired) << "step " << step;
    }
  }
  s.RunUntilQuiescent();
  for (const auto& [key, n] : expected) expected_fired.push_back(n);
  EXPECT_EQ(fired, expected_fired);
  EXPECT_GT(fired.size(), 1000u);
}

TEST(SchedulerTest, ACallbackMayCancelATimerDueAtTheSameTime) {
  Scheduler s;
  std::vector<int> fired;
  Scheduler::TimerId second;
  s.At(milliseconds(3), [&] {
    fired.push_back(1);
    s.Cancel(second);
  });
  second = s.At(milliseconds(3), [&] { fired.push_back(2); });
  s.At(milliseconds(3), [&] { fired.push_back(3); });
  s.RunUntilQuiescent();
  EXPECT_EQ(fired, (std::vector<int>{1, 3}));
}

TEST(SchedulerTest, RunForStopsAtTheDeadline) {
  Scheduler s;
  int ticks = 0;
  auto ticker = [&]() -> Task<void> {
    while (true) {
      co_await s.sleep(milliseconds(10));
      ++ticks;
    }
  };
  s.spawn(ticker(), "ticker");
  const RunReport report = s.RunFor(milliseconds(55));
  EXPECT_EQ(report.outcome, RunReport::Outcome::kTimeLimit);
  EXPECT_EQ(s.now(), milliseconds(55));
  EXPECT_EQ(ticks, 5);
  s.RunFor(milliseconds(5));
  EXPECT_EQ(ticks, 6);  // the timer due exactly at 60 ms fired
}

TEST(SchedulerTest, TimeLimitStopsAnEndlessRun) {
  Scheduler s({.time_limit = std::chrono::seconds(1)});
  auto forever = [&]() -> Task<void> {
    while (true) co_await s.sleep(milliseconds(100));
  };
  s.spawn(forever(), "forever");
  const RunReport report = s.RunUntilQuiescent();
  EXPECT_EQ(report.outcome, RunReport::Outcome::kTimeLimit);
  EXPECT_LE(s.now(), std::chrono::seconds(1));
}

TEST(SchedulerTest, RunUntilStopsWhenThePredicateHolds) {
  Scheduler s;
  int count = 0;
  auto counter = [&]() -> Task<void> {
    while (true) {
      ++count;
      co_await s.sleep(milliseconds(1));
    }
  };
  s.spawn(counter(), "counter");
  const RunReport report = s.RunUntil([&] { return count == 4; });
  EXPECT_EQ(report.outcome, RunReport::Outcome::kPredicate);
  EXPECT_EQ(count, 4);
}

TEST(SchedulerTest, QuiescenceReportNamesEachBlockedTaskAndWhatItWaitsOn) {
  auto scheduler = std::make_unique<Scheduler>();
  Scheduler& s = *scheduler;
  WaitList never(s, "a message that never comes");
  auto waiter = [&]() -> Task<void> { co_await never.Wait(); };
  s.spawn(waiter(), "consumer-1");
  s.spawn(waiter(), "consumer-2");
  auto done = [&]() -> Task<void> { co_return; };
  s.spawn(done(), "finisher");
  const RunReport report = s.RunUntilQuiescent();
  EXPECT_EQ(report.outcome, RunReport::Outcome::kBlocked);
  ASSERT_EQ(report.pending.size(), 2u);
  EXPECT_EQ(report.pending[0].name, "consumer-1");
  EXPECT_EQ(report.pending[0].waiting_on, "a message that never comes");
  EXPECT_EQ(report.pending[1].name, "consumer-2");
  const std::string text = report.ToString();
  EXPECT_NE(text.find("2 tasks blocked forever"), std::string::npos) << text;
  EXPECT_NE(
      text.find("task 2 'consumer-2' waits on a message that never comes"),
      std::string::npos)
      << text;
  // Destroying the scheduler destroys the blocked tasks; they leave the
  // wait list.
  EXPECT_TRUE(never.has_waiters());
  scheduler.reset();
  EXPECT_FALSE(never.has_waiters());
}

TEST(SchedulerTest, WaitListWakesInFifoOrder) {
  Scheduler s({.fifo = true});
  WaitList list(s, "turn");
  std::vector<int> order;
  auto waiter = [&](int id) -> Task<void> {
    co_await list.Wait();
    order.push_back(id);
  };
  for (int i = 0; i < 3; ++i) s.spawn(waiter(i), "w" + std::to_string(i));
  s.RunUntilQuiescent();
  EXPECT_EQ(list.waiters(), 3u);
  EXPECT_TRUE(list.WakeOne());
  list.WakeAll();
  s.RunUntilQuiescent();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_FALSE(list.WakeOne());
}

TEST(SchedulerTest, ExceptionsEscapeTheRun) {
  Scheduler s;
  auto thrower = [&]() -> Task<void> {
    co_await s.sleep(milliseconds(1));
    throw std::runtime_error("task failed");
  };
  s.spawn(thrower(), "thrower");
  EXPECT_THROW(s.run(), std::runtime_error);
}

TEST(SchedulerTest, DestroyingTheSchedulerFreesSuspendedTasks) {
  // ASan checks that frames and timers are released.
  auto s = std::make_unique<Scheduler>();
  WaitList list(*s, "forever");
  auto sleeper = [&]() -> Task<void> {
    co_await s->sleep(std::chrono::hours(1));
  };
  auto waiter = [&]() -> Task<void> { co_await list.Wait(); };
  s->spawn(sleeper(), "sleeper");
  s->spawn(waiter(), "waiter");
  s->RunFor(milliseconds(1));
  EXPECT_EQ(s->live_tasks(), 2u);
  s.reset();
  EXPECT_FALSE(list.has_waiters());
}

TEST(SchedulerTest, TraceHashIsReproducibleAndSeedDependent) {
  auto hash = [](std::uint64_t seed) {
    Scheduler s({.seed = seed, .keep_trace_text = true});
    std::vector<std::string> log;
    s.spawn(Append(s, log, "a", 5), "a");
    s.spawn(Append(s, log, "b", 5), "b");
    s.RunUntilQuiescent();
    EXPECT_FALSE(s.trace().lines().empty());
    return s.trace().hash();
  };
  EXPECT_EQ(hash(3), hash(3));
  EXPECT_NE(hash(3), hash(4));
}

TEST(SchedulerTest, TraceTextShowsDecisions) {
  Scheduler s({.seed = 1, .fifo = true, .keep_trace_text = true});
  auto sleeper = [&]() -> Task<void> { co_await s.sleep(nanoseconds(1500)); };
  s.spawn(sleeper(), "sleeper");
  s.RunUntilQuiescent();
  const std::string text = s.trace().ToString();
  EXPECT_NE(text.find("0.000000000s  spawn   task 1 sleeper"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("0.000001500s  advance"), std::string::npos) << text;
  EXPECT_NE(text.find("trace hash "), std::string::npos) << text;
}

}  // namespace
}  // namespace flowcheck::sim
