#include "sim/connection.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace flowcheck::sim {
namespace {

using std::chrono::milliseconds;

// A scheduler, a connection, and helpers to run one scenario.
class World {
 public:
  explicit World(FaultPlan plan = {}, std::uint64_t seed = 1,
                 bool obligations = false)
      : scheduler_(SchedulerOptions{.seed = seed, .keep_trace_text = true}),
        pair_(MakeConnection(scheduler_,
                             Options(std::move(plan), obligations))) {}
  ~World() { scheduler_.DestroyTasks(); }

  Scheduler& scheduler() { return scheduler_; }
  Flow& a() { return *pair_.a; }
  Flow& b() { return *pair_.b; }
  ConnectionInfo& info() { return pair_.info; }
  std::uint64_t count(std::string_view name) const {
    return scheduler_.trace().count(name);
  }

  // Spawns `task`, which stores its result in the returned slot.
  template <typename T>
  std::shared_ptr<std::optional<T>> Start(Task<T> task,
                                          std::string name = "op") {
    auto slot = std::make_shared<std::optional<T>>();
    scheduler_.spawn(Store(slot, std::move(task)), std::move(name));
    return slot;
  }
  std::shared_ptr<bool> StartClose(Flow& flow, std::string name = "close") {
    auto done = std::make_shared<bool>(false);
    scheduler_.spawn(CloseAndMark(done, flow), std::move(name));
    return done;
  }
  RunReport Run() { return scheduler_.RunUntilQuiescent(); }

  // Reads until Eof or error; returns everything read.
  std::shared_ptr<std::optional<std::string>> ReadAll(Flow& flow) {
    return Start(ReadAllTask(flow), "read-all");
  }

 private:
  static ConnectionOptions Options(FaultPlan plan, bool obligations) {
    ConnectionOptions options;
    options.plan = std::move(plan);
    options.check_caller_obligations = obligations;
    return options;
  }
  template <typename T>
  static Task<void> Store(std::shared_ptr<std::optional<T>> slot,
                          Task<T> task) {
    slot->emplace(co_await std::move(task));
  }
  static Task<void> CloseAndMark(std::shared_ptr<bool> done, Flow& flow) {
    co_await flow.close();
    *done = true;
  }
  static Task<std::string> ReadAllTask(Flow& flow) {
    std::string all;
    while (true) {
      ReadResult result = co_await flow.read();
      if (!result.is_data()) break;
      all += result.data().view();
    }
    co_return all;
  }

  Scheduler scheduler_;
  ConnectedPair pair_;
};

Buffer Bytes(std::size_t n) {
  std::string bytes(n, '\0');
  for (std::size_t i = 0; i < n; ++i)
    bytes[i] = static_cast<char>('a' + i % 26);
  return Buffer::FromString(std::move(bytes));
}

TEST(ConnectionTest, DeliversAWriteToTheOtherSide) {
  World world;
  auto write = world.Start(world.a().write(Buffer::Copy("hello")));
  auto read = world.Start(world.b().read());
  world.Run();
  ASSERT_TRUE(write->has_value());
  EXPECT_TRUE((*write)->is_ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->data().view(), "hello");
}

TEST(ConnectionTest, ReadPendsWhileNothingIsWritten) {
  World world;
  auto read = world.Start(world.b().read(), "reader");
  const RunReport report = world.Run();
  EXPECT_FALSE(read->has_value());  // R1
  EXPECT_EQ(report.outcome, RunReport::Outcome::kBlocked);
  ASSERT_EQ(report.pending.size(), 1u);
  EXPECT_EQ(report.pending[0].name, "reader");
  EXPECT_EQ(report.pending[0].waiting_on, "read on B: nothing readable");
}

TEST(ConnectionTest, HalfCloseRequestThenResponse) {
  World world;
  auto request = world.Start(world.a().write(Buffer::Copy("GET /")));
  auto a_closed = world.StartClose(world.a());
  auto got = world.ReadAll(world.b());
  world.Run();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, "GET /");  // R5: data, then Eof
  EXPECT_FALSE(*a_closed);    // C4: B has not closed
  auto response = world.Start(world.b().write(Buffer::Copy("200 OK")));
  auto answer = world.Start(world.a().read());
  world.Run();
  EXPECT_TRUE((*response)->is_ok());  // C3: B may still write
  EXPECT_EQ((*answer)->data().view(), "200 OK");
  auto b_closed = world.StartClose(world.b());
  world.Run();
  EXPECT_TRUE(*a_closed);  // C5
  EXPECT_TRUE(*b_closed);
  auto eof = world.Start(world.a().read());
  auto again = world.Start(world.b().read());
  world.Run();
  EXPECT_TRUE((*eof)->is_eof());
  EXPECT_TRUE((*again)->is_eof());  // R7
}

TEST(ConnectionTest, WriteAfterCloseIsClosed) {
  World world;
  world.StartClose(world.a());
  world.Run();
  auto write = world.Start(world.a().write(Buffer::Copy("late")));
  world.Run();
  EXPECT_TRUE((*write)->is_closed());  // W2
}

TEST(ConnectionTest, ZeroLengthWritesNeverCauseAnEmptyRead) {
  World world;
  auto empty = world.Start(world.a().write(Buffer()));
  auto parts =
      world.Start(world.a().writev({Buffer(), Buffer::Copy("x"), Buffer()}));
  auto read = world.Start(world.b().read());
  world.Run();
  EXPECT_TRUE((*empty)->is_ok());
  EXPECT_TRUE((*parts)->is_ok());
  EXPECT_EQ((*read)->data().view(), "x");
}

TEST(ConnectionTest, LatencyDelaysArrivalInVirtualTime) {
  FaultPlan plan;
  plan.a_to_b.latency_ns_min = 5'000'000;
  World world(plan);
  world.Start(world.a().write(Buffer::Copy("x")));
  std::optional<Duration> arrived;
  auto reader = [&]() -> Task<void> {
    co_await world.b().read();
    arrived = world.scheduler().now();
  };
  world.scheduler().spawn(reader(), "reader");
  world.Run();
  EXPECT_EQ(arrived, milliseconds(5));
}

TEST(ConnectionTest, BandwidthSerializesBytes) {
  FaultPlan plan;
  plan.a_to_b.bandwidth_bytes_per_second = 1000;
  World world(plan);
  auto got = world.ReadAll(world.b());
  auto writer = [&]() -> Task<void> {
    co_await world.a().write(Bytes(100));
    co_await world.a().close();
  };
  world.scheduler().spawn(writer(), "writer");
  world.StartClose(world.b());
  world.Run();
  EXPECT_EQ((*got)->size(), 100u);
  EXPECT_GE(world.scheduler().now(), milliseconds(100));
}

TEST(ConnectionTest, SplittingIsZeroCopyAndReadsAreNeverEmpty) {
  FaultPlan plan;
  plan.a_to_b.segment_bytes_min = 1;
  plan.a_to_b.segment_bytes_max = 3;
  plan.a_to_b.coalesce = false;
  World world(plan);
  const Buffer written = Bytes(50);
  world.Start(world.a().write(written));
  std::vector<Buffer> reads;
  auto reader = [&]() -> Task<void> {
    std::size_t total = 0;
    while (total < 50) {
      ReadResult result = co_await world.b().read();
      reads.push_back(result.data());
      total += result.data().size();
    }
  };
  world.scheduler().spawn(reader(), "reader");
  world.Run();
  EXPECT_GE(reads.size(), 17u);
  std::string all;
  for (const Buffer& read : reads) {
    EXPECT_GE(read.size(), 1u);
    EXPECT_LE(read.size(), 3u);
    EXPECT_TRUE(read.SharesStorageWith(written));  // no byte copied
    all += read.view();
  }
  EXPECT_EQ(all, written.view());
  EXPECT_GT(world.count("sim.split-segments"), 0u);
}

TEST(ConnectionTest, CoalescesArrivedWritesIntoOneRead) {
  World world;
  world.Start(world.a().write(Buffer::Copy("ab")));
  world.Start(world.a().write(Buffer::Copy("cd")));
  world.Run();  // both arrive before anyone reads
  auto read = world.Start(world.b().read());
  world.Run();
  EXPECT_EQ((*read)->data().view(), "abcd");
  EXPECT_EQ(world.count("sim.copied-reads"), 1u);
}

TEST(ConnectionTest, ReadBytesMaxBoundsEachRead) {
  FaultPlan plan;
  plan.a_to_b.read_bytes_max = 4;
  World world(plan);
  world.Start(world.a().write(Buffer::Copy("0123456789")));
  world.Run();
  auto first = world.Start(world.b().read());
  world.Run();
  EXPECT_EQ((*first)->data().view(), "0123");
}

TEST(ConnectionTest, WindowMakesWritesWaitForTheReader) {
  FaultPlan plan;
  plan.a_to_b.window_bytes = 10;
  World world(plan);
  auto write = world.Start(world.a().write(Bytes(100)), "writer");
  RunReport report = world.Run();
  EXPECT_FALSE(write->has_value());  // backpressure: nobody reads
  ASSERT_EQ(report.pending.size(), 1u);
  EXPECT_EQ(report.pending[0].waiting_on,
            "write on A: send window full, peer not reading");
  auto got = world.ReadAll(world.b());
  world.StartClose(world.a());
  world.StartClose(world.b());
  world.Run();
  EXPECT_TRUE((*write)->is_ok());
  EXPECT_EQ((*got)->size(), 100u);
  EXPECT_GT(world.count("sim.window-waits"), 5u);
}

TEST(ConnectionTest, FullDuplexBulkTransferWithSmallWindows) {
  FaultPlan plan;
  plan.a_to_b.window_bytes = plan.b_to_a.window_bytes = 64;
  plan.a_to_b.segment_bytes_min = plan.b_to_a.segment_bytes_min = 1;
  plan.a_to_b.segment_bytes_max = plan.b_to_a.segment_bytes_max = 32;
  World world(plan, 7);
  auto send = [&](Flow& flow) -> Task<void> {
    for (int i = 0; i < 20; ++i) co_await flow.write(Bytes(1000));
    co_await flow.close();
  };
  world.scheduler().spawn(send(world.a()), "a-send");
  world.scheduler().spawn(send(world.b()), "b-send");
  auto at_b = world.ReadAll(world.b());
  auto at_a = world.ReadAll(world.a());
  const RunReport report = world.Run();
  EXPECT_EQ(report.outcome, RunReport::Outcome::kAllDone) << report.ToString();
  EXPECT_EQ((*at_b)->size(), 20000u);  // X1
  EXPECT_EQ((*at_a)->size(), 20000u);
}

TEST(ConnectionTest, CloseWaitsForWritesInProgress) {
  FaultPlan plan;
  plan.a_to_b.window_bytes = 4;
  World world(plan);
  world.Start(world.a().write(Bytes(20)));
  world.StartClose(world.a());
  auto got = world.ReadAll(world.b());
  world.Run();
  EXPECT_EQ((*got)->size(), 20u);  // C1: all 20 bytes before Eof
}

TEST(ConnectionTest, AnInvalidPlanRunsClampedAndTheTraceSaysWhy) {
  FaultPlan plan;
  plan.a_to_b.latency_shape = LatencyShape::kUniform;
  plan.a_to_b.latency_ns_min = 3'000'000;
  plan.a_to_b.latency_ns_max = 1'000'000;  // below min: clamped to min
  ASSERT_TRUE(ValidateFaultPlan(plan).has_value());
  World world(plan);
  world.Start(world.a().write(Buffer::Copy("x")));
  auto read = world.Start(world.b().read());
  world.Run();
  ASSERT_TRUE((*read)->is_data());
  EXPECT_EQ(world.scheduler().now(), milliseconds(3));
  EXPECT_NE(world.scheduler().trace().ToString().find(
                "plan clamped: a>b: uniform latency with latency_ns_min "
                "3000000 above latency_ns_max 1000000"),
            std::string::npos);
}

// ---- Faults: each shows its effect and is counted in the trace. ----

FaultRule Rule(FaultKind kind, FaultTrigger trigger,
               Direction direction = Direction::kAtoB,
               std::int64_t duration_ns = 0) {
  FaultRule rule;
  rule.kind = kind;
  rule.direction = direction;
  rule.trigger = trigger;
  rule.duration_ns = duration_ns;
  return rule;
}
FaultTrigger At(std::int64_t ns) {
  return {.type = FaultTrigger::Type::kAtTime, .at_ns = ns};
}
FaultTrigger After(std::uint64_t bytes) {
  return {.type = FaultTrigger::Type::kAfterBytes, .after_bytes = bytes};
}
FaultTrigger Always() {
  return {.type = FaultTrigger::Type::kProbability, .per_million = 1000000};
}

TEST(ConnectionFaultTest, ResetFailsPendingOperationsOnBothSides) {
  FaultPlan plan;
  plan.faults.push_back(Rule(FaultKind::kReset, At(1'000'000)));
  World world(plan);
  auto read_b = world.Start(world.b().read());
  auto read_a = world.Start(world.a().read());
  world.Run();
  ASSERT_TRUE(read_b->has_value());
  EXPECT_EQ((*read_b)->error().code(), ErrorCode::kConnectionReset);
  EXPECT_NE((*read_b)->error().description().find("reset a>b"),
            std::string::npos);
  EXPECT_TRUE((*read_a)->is_error());
  auto write = world.Start(world.a().write(Buffer::Copy("x")));
  world.Run();
  EXPECT_EQ((*write)->error().code(), ErrorCode::kConnectionReset);
  EXPECT_EQ(world.count("fault.reset"), 1u);
  ASSERT_EQ(world.info().faults_fired().size(), 2u);
  EXPECT_TRUE(world.info().faults_fired()[0].effects.may_fail);
}

TEST(ConnectionFaultTest, InjectedResetFiresAtOnce) {
  World world;
  auto read = world.Start(world.b().read());
  world.Run();
  FaultRule reset;
  reset.kind = FaultKind::kReset;
  world.info().InjectFault(reset);
  world.Run();
  EXPECT_EQ((*read)->error().code(), ErrorCode::kConnectionReset);
  EXPECT_EQ(world.count("fault.reset"), 1u);
}

TEST(ConnectionFaultTest, ReadErrorFailsTheReader) {
  FaultPlan plan;
  plan.faults.push_back(Rule(FaultKind::kReadError, After(3)));
  World world(plan);
  world.Start(world.a().write(Buffer::Copy("abcdef")));
  auto read = world.Start(world.b().read());
  world.Run();
  EXPECT_EQ((*read)->error().code(), ErrorCode::kIo);
  EXPECT_EQ(world.count("fault.read-error"), 1u);
}

TEST(ConnectionFaultTest, WriteErrorFailsLaterWritesAndThePeerAfterTheDrain) {
  FaultPlan plan;
  plan.faults.push_back(Rule(FaultKind::kWriteError, After(4)));
  World world(plan);
  auto first = world.Start(world.a().write(Buffer::Copy("abcd")));
  world.Run();
  auto second = world.Start(world.a().write(Buffer::Copy("efgh")));
  auto got = world.Start(world.b().read());
  auto next = world.Start(world.b().read());
  world.Run();
  EXPECT_TRUE((*first)->is_ok());
  EXPECT_EQ((*second)->error().code(), ErrorCode::kIo);
  EXPECT_EQ((*got)->data().view(), "abcd");
  EXPECT_EQ((*next)->error().code(), ErrorCode::kBrokenPipe);
  EXPECT_EQ(world.count("fault.write-error"), 1u);
}

TEST(ConnectionFaultTest, StallHoldsDeliveriesThenReleasesThem) {
  FaultPlan plan;
  plan.faults.push_back(
      Rule(FaultKind::kStall, At(0), Direction::kAtoB, 50'000'000));
  World world(plan);
  world.Start(world.a().write(Buffer::Copy("late")));
  std::optional<Duration> arrived;
  auto reader = [&]() -> Task<void> {
    co_await world.b().read();
    arrived = world.scheduler().now();
  };
  world.scheduler().spawn(reader(), "reader");
  world.Run();
  EXPECT_EQ(arrived, milliseconds(50));
  EXPECT_EQ(world.count("fault.stall"), 1u);
}

TEST(ConnectionFaultTest, PartitionLosesEverythingAfterIt) {
  FaultPlan plan;
  plan.faults.push_back(Rule(FaultKind::kPartition, After(2)));
  World world(plan);
  world.Start(world.a().write(Buffer::Copy("abcdef")));
  world.StartClose(world.a());
  auto got = world.ReadAll(world.b());
  world.Run();
  EXPECT_FALSE(got->has_value());  // "ab" read, then waits forever
  EXPECT_EQ(world.count("fault.partition"), 1u);
  EXPECT_GT(world.count("sim.bytes-lost-to-partition"), 0u);
}

TEST(ConnectionFaultTest, LostCloseMeansNoEof) {
  FaultPlan plan;
  plan.faults.push_back(Rule(FaultKind::kLoseClose, At(0)));
  World world(plan);
  world.Start(world.a().write(Buffer::Copy("ab")));
  world.StartClose(world.a());
  auto got = world.ReadAll(world.b());
  world.Run();
  EXPECT_FALSE(got->has_value());
  EXPECT_EQ(world.count("fault.lose-close"), 1u);
}

TEST(ConnectionFaultTest, SlowCloseDelaysEof) {
  FaultPlan plan;
  plan.faults.push_back(
      Rule(FaultKind::kSlowClose, At(0), Direction::kAtoB, 80'000'000));
  World world(plan);
  world.StartClose(world.a());
  std::optional<Duration> eof_at;
  auto reader = [&]() -> Task<void> {
    ReadResult result = co_await world.b().read();
    if (result.is_eof()) eof_at = world.scheduler().now();
  };
  world.scheduler().spawn(reader(), "reader");
  world.Run();
  EXPECT_EQ(eof_at, milliseconds(80));
}

TEST(ConnectionFaultTest, CutEndsTheDirectionAfterNBytes) {
  FaultPlan plan;
  plan.faults.push_back(Rule(FaultKind::kCut, After(5)));
  World world(plan);
  auto write = world.Start(world.a().write(Buffer::Copy("0123456789")));
  auto got = world.ReadAll(world.b());
  world.Run();
  EXPECT_EQ(**got, "01234");
  EXPECT_EQ((*write)->error().code(), ErrorCode::kBrokenPipe);
  EXPECT_EQ(world.count("fault.cut"), 1u);
}

// Each kind tells the endpoints its row in kFaultKinds gives effects, with
// those effects (by role: reader or writer of the rule's direction), and
// only them; a kind that relaxes nothing tells the reader, with nothing.
TEST(ConnectionFaultTest, FiredFaultsCarryTheEffectsOfTheirRow) {
  for (const FaultKindInfo& info : kFaultKinds) {
    SCOPED_TRACE(std::string(info.name));
    World world;
    FaultRule rule = Rule(info.kind, At(0), Direction::kBtoA,
                          info.needs_duration ? 1'000'000 : 0);
    world.info().InjectFault(rule);
    if (info.breaks_contract) {
      // Armed: it acts on the next segment.
      world.Start(world.b().write(Bytes(10)));
      world.ReadAll(world.a());
      world.Run();
    }
    EXPECT_EQ(world.count("fault." + std::string(info.name)), 1u);
    std::vector<std::pair<Endpoint, FaultEffects>> told;
    for (const FaultFired& fired : world.info().faults_fired()) {
      EXPECT_EQ(fired.kind, info.kind);
      told.emplace_back(fired.endpoint, fired.effects);
    }
    std::vector<std::pair<Endpoint, FaultEffects>> expected;
    if (info.on_reader.relaxes_anything()) {
      expected.emplace_back(Endpoint::kA, info.on_reader);  // reads b>a
    }
    if (info.on_writer.relaxes_anything()) {
      expected.emplace_back(Endpoint::kB, info.on_writer);  // writes b>a
    }
    if (expected.empty()) expected.emplace_back(Endpoint::kA, FaultEffects{});
    std::sort(told.begin(), told.end(),
              [](const auto& x, const auto& y) { return x.first < y.first; });
    EXPECT_EQ(told, expected);
  }
}

TEST(ConnectionFaultTest, ProbabilityTriggersDrawPerSegment) {
  FaultPlan plan;
  plan.a_to_b.segment_bytes_min = plan.a_to_b.segment_bytes_max = 2;
  plan.faults.push_back(Rule(FaultKind::kDuplicate, Always()));
  World world(plan);
  world.Start(world.a().write(Buffer::Copy("abcdef")));
  world.StartClose(world.a());
  auto got = world.ReadAll(world.b());
  world.Run();
  EXPECT_EQ(**got, "ababcdcdefef");
  EXPECT_EQ(world.count("fault.duplicate"), 3u);
}

TEST(ConnectionTest, CallerThatMutatesAWrittenBufferIsReported) {
  FaultPlan plan;
  plan.a_to_b.latency_ns_min = 1'000'000;
  World world(plan, 1, /*obligations=*/true);
  auto storage = std::make_shared<std::string>("hello");
  auto writer = [&]() -> Task<void> {
    co_await world.a().write(Buffer::Copy("first"));
    co_await world.a().write(Buffer::Adopt(storage, 0, 5));
    (*storage)[0] = 'J';  // breaks the caller's obligation
  };
  world.scheduler().spawn(writer(), "careless-writer");
  world.Run();
  ASSERT_EQ(world.info().obligation_violations().size(), 1u);
  const ObligationViolation& violation =
      world.info().obligation_violations()[0];
  EXPECT_EQ(violation.write_number, 2u);
  EXPECT_NE(violation.description.find("A's write number 2"), std::string::npos)
      << violation.description;
}

// ---- Determinism. (Random programs judged by the model checker, and
// thousands of seeds replayed, are in conformance/sim_subject_test.cc.) ----

TEST(ConnectionDeterminism, OneProgramManyInterleavings) {
  // The same plan and program shape, different scheduling seeds: the order
  // of events differs (not only the data).
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    World world(FaultPlan{}, seed);
    auto writer = [&](Flow& flow) -> Task<void> {
      for (int i = 0; i < 5; ++i) co_await flow.write(Buffer::Copy("x"));
      co_await flow.close();
    };
    world.scheduler().spawn(writer(world.a()), "a");
    world.scheduler().spawn(writer(world.b()), "b");
    world.ReadAll(world.a());
    world.ReadAll(world.b());
    world.Run();
    hashes.insert(world.scheduler().trace().hash());
  }
  EXPECT_GT(hashes.size(), 20u);
}

}  // namespace
}  // namespace flowcheck::sim
