// Tests of seed sweeps: seed ranges and shards parse and refuse what they
// should; the shards of any range cover every seed exactly once; a sweep
// merged from its shards is the sweep run in one process; a merge refuses
// overlapping seeds and mixed flows; a certificate survives JSON.
#include "conformance/sweep.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "conformance/mutants.h"
#include "conformance/report.h"
#include "conformance/sim_subject.h"

namespace flowcheck::conformance {
namespace {

TEST(SweepTest, SeedRangesParse) {
  EXPECT_EQ(std::get<SeedRange>(ParseSeedRange("7")), (SeedRange{7, 7}));
  EXPECT_EQ(std::get<SeedRange>(ParseSeedRange("1..100000")),
            (SeedRange{1, 100000}));
  EXPECT_EQ(std::get<SeedRange>(ParseSeedRange("0..18446744073709551615")),
            (SeedRange{0, UINT64_MAX}));
  for (const char* bad : {"", "..", "1..", "..5", "a..b", "5..1", "1...3", "-1",
                          "1..18446744073709551616", "1 ..2"}) {
    const auto parsed = ParseSeedRange(bad);
    ASSERT_TRUE(std::holds_alternative<std::string>(parsed)) << bad;
    EXPECT_NE(std::get<std::string>(parsed).find(bad), std::string::npos)
        << "the error quotes the input: " << std::get<std::string>(parsed);
  }
}

TEST(SweepTest, ShardsCountFromOne) {
  const Shard shard = std::get<Shard>(ParseShard("3/8"));
  EXPECT_EQ(shard.index, 2u);
  EXPECT_EQ(shard.total, 8u);
  for (const char* bad : {"", "3", "0/8", "9/8", "1/0", "/8", "3/", "a/b"}) {
    EXPECT_TRUE(std::holds_alternative<std::string>(ParseShard(bad))) << bad;
  }
}

// Every seed of `all` in exactly one of `total` shards.
void ExpectExactCover(const SeedRange& all, std::uint64_t total) {
  std::optional<std::uint64_t> next = all.first;  // the next seed expected
  std::uint64_t covered = 0;
  for (std::uint64_t index = 0; index < total; ++index) {
    const std::optional<SeedRange> slice = ShardSlice(all, {index, total});
    if (!slice) {
      EXPECT_GT(total, all.size()) << "only more shards than seeds are empty";
      continue;
    }
    ASSERT_TRUE(next.has_value()) << "a slice after the last seed";
    EXPECT_EQ(slice->first, *next) << "slice " << index << " of " << total;
    EXPECT_LE(slice->first, slice->last);
    covered += slice->size();
    next = slice->last == UINT64_MAX ? std::nullopt
                                     : std::optional(slice->last + 1);
  }
  EXPECT_EQ(covered, all.size());
  if (all.last != UINT64_MAX) {
    EXPECT_EQ(next, all.last + 1) << "the slices end at the range's end";
  }
}

TEST(SweepTest, TheShardsOfASweepCoverEverySeedExactlyOnce) {
  const std::vector<SeedRange> ranges = {{1, 1},
                                         {1, 10},
                                         {5, 1004},
                                         {1, 1000000},
                                         {0, 0},
                                         {UINT64_MAX - 5, UINT64_MAX},
                                         {0, UINT64_MAX - 1}};
  for (const SeedRange& all : ranges) {
    for (std::uint64_t total : {1, 2, 3, 7, 8, 50, 1000}) {
      SCOPED_TRACE(FormatSeedRange(all) + " in " + std::to_string(total));
      ExpectExactCover(all, total);
    }
  }
  // Parts of shards (flowcheck_sweep's parts = P, shard_count = N): each
  // seed in exactly one shard of one part.
  for (std::uint64_t size : {1, 7, 24, 100, 1001}) {
    for (std::uint64_t parts : {1, 2, 3, 20}) {
      for (std::uint64_t shards : {1, 2, 5, 50}) {
        std::vector<int> seen(size, 0);
        for (std::uint64_t p = 0; p < parts; ++p) {
          const auto part = ShardSlice({1, size}, {p, parts});
          if (!part) continue;
          for (std::uint64_t k = 0; k < shards; ++k) {
            if (auto slice = ShardSlice(*part, {k, shards})) {
              for (std::uint64_t s = slice->first; s <= slice->last; ++s) {
                ++seen[s - 1];
              }
            }
          }
        }
        for (std::uint64_t s = 0; s < size; ++s) {
          ASSERT_EQ(seen[s], 1) << "seed " << s + 1 << " of " << size << " in "
                                << parts << " parts of " << shards;
        }
      }
    }
  }
  // Brute force over small ranges: each seed counted once.
  for (std::uint64_t size = 1; size <= 40; ++size) {
    for (std::uint64_t total = 1; total <= 45; ++total) {
      std::vector<int> seen(size, 0);
      for (std::uint64_t index = 0; index < total; ++index) {
        if (auto slice = ShardSlice({100, 100 + size - 1}, {index, total})) {
          for (std::uint64_t s = slice->first; s <= slice->last; ++s) {
            ++seen[s - 100];
          }
        }
      }
      for (std::uint64_t s = 0; s < size; ++s) {
        ASSERT_EQ(seen[s], 1) << "seed " << s + 100 << " of " << size
                              << " seeds in " << total << " shards";
      }
    }
  }
}

CertifyOptions SmallOptions() {
  CertifyOptions options;
  options.programs = 3;
  options.isolate = false;
  options.only = {"programs", "C4.close-waits-for-peer"};
  return options;
}

// The JSON of a certificate without its wall-clock time.
std::string Comparable(Certificate certificate) {
  certificate.seconds = 0;
  return RenderReport(certificate, ReportFormat::kJson);
}

TEST(SweepTest, MergedShardsAreTheWholeSweep) {
  const FlowUnderTest flow = SimFlowUnderTest();
  const SeedRange all{1, 7};
  const Certificate whole = Sweep(flow, SmallOptions(), all);
  EXPECT_EQ(whole.seeds, (std::vector<SeedRange>{all}));
  EXPECT_EQ(whole.programs_run, 7 * 3);
  EXPECT_TRUE(whole.passed()) << RenderReport(whole, ReportFormat::kTable);
  std::vector<Certificate> shards;
  for (std::uint64_t index = 0; index < 3; ++index) {
    const std::optional<SeedRange> slice = ShardSlice(all, {index, 3});
    ASSERT_TRUE(slice);
    // Through JSON, as shards travel between machines.
    const auto read = CertificateFromJson(
        RenderReport(Sweep(flow, SmallOptions(), *slice), ReportFormat::kJson));
    ASSERT_TRUE(std::holds_alternative<Certificate>(read))
        << std::get<std::string>(read);
    shards.push_back(std::get<Certificate>(read));
  }
  // In any order.
  std::swap(shards[0], shards[2]);
  const auto merged = MergeCertificates(shards);
  ASSERT_TRUE(std::holds_alternative<Certificate>(merged))
      << std::get<std::string>(merged);
  EXPECT_EQ(Comparable(std::get<Certificate>(merged)), Comparable(whole));
  const std::string table =
      RenderReport(std::get<Certificate>(merged), ReportFormat::kTable);
  EXPECT_NE(table.find("seeds 1..7 (7 seeds)"), std::string::npos) << table;
}

TEST(SweepTest, WhatOnlyLeftOutStaysLeftOut) {
  CertifyOptions options = SmallOptions();
  options.only = {"C4.close-waits-for-peer"};
  const Certificate swept = Sweep(SimFlowUnderTest(), options, {1, 3});
  EXPECT_EQ(swept.result(Clause::kC4).verdict, Verdict::kPass);
  const ClauseResult& r1 = swept.result(Clause::kR1);
  EXPECT_EQ(r1.verdict, Verdict::kNotReached);
  EXPECT_TRUE(r1.left_out);
  EXPECT_EQ(r1.note, "left out of this run by --only");
}

TEST(SweepTest, AMergeRefusesASeedTwiceAndMixedFlows) {
  const FlowUnderTest flow = SimFlowUnderTest();
  const Certificate one = Sweep(flow, SmallOptions(), {1, 3});
  const Certificate two = Sweep(flow, SmallOptions(), {3, 4});
  const auto twice = MergeCertificates({one, two});
  ASSERT_TRUE(std::holds_alternative<std::string>(twice));
  EXPECT_EQ(std::get<std::string>(twice),
            "seed 3 is in certificate 1 (seeds 1..3) and in certificate 2 "
            "(seeds 3..4): a shard given twice would count twice");
  CertifyOptions options = SmallOptions();
  options.seed = 9;
  const auto mixed =
      MergeCertificates({one, Certify(SimFlowUnderTest(false), options)});
  ASSERT_TRUE(std::holds_alternative<std::string>(mixed));
  EXPECT_NE(std::get<std::string>(mixed).find("one flow"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(MergeCertificates({})));
}

TEST(SweepTest, AFailingSeedFailsTheSweepAndIsCounted) {
  const Mutant* mutant = FindMutant("close-returns-early");
  ASSERT_NE(mutant, nullptr);
  CertifyOptions options = SmallOptions();
  options.shrink = false;
  const Certificate swept =
      Sweep(Mutate(SimFlowUnderTest(), *mutant), options, {1, 4});
  EXPECT_FALSE(swept.passed());
  const ClauseResult& c4 = swept.result(Clause::kC4);
  EXPECT_EQ(c4.verdict, Verdict::kFail);
  EXPECT_GE(c4.seeds_failed, 1u);
  EXPECT_LE(c4.seeds_failed, 4u);
  EXPECT_EQ(c4.note,
            "failed in " + std::to_string(c4.seeds_failed) + " of 4 seeds");
  // Each failure's replay line names its own seed.
  ASSERT_FALSE(c4.failures.empty());
  EXPECT_NE(c4.failures[0].replay.find("--seed="), std::string::npos);
}

// What a merge keeps of capped lists (the first failures of a clause) is
// what one process running the seeds in order keeps, whatever order the
// shards are given in (a shell lists shard-10 before shard-2).
TEST(SweepTest, AMergeDoesNotDependOnTheOrderOfItsParts) {
  const Mutant* mutant = FindMutant("close-returns-early");
  ASSERT_NE(mutant, nullptr);
  const FlowUnderTest flow = Mutate(SimFlowUnderTest(), *mutant);
  CertifyOptions options = SmallOptions();
  options.shrink = false;
  const Certificate whole = Sweep(flow, options, {1, 6});
  std::vector<Certificate> shards;
  for (std::uint64_t index = 3; index-- > 0;) {  // last shard first
    shards.push_back(Sweep(flow, options, *ShardSlice({1, 6}, {index, 3})));
  }
  const auto merged = MergeCertificates(shards);
  ASSERT_TRUE(std::holds_alternative<Certificate>(merged));
  EXPECT_EQ(Comparable(std::get<Certificate>(merged)), Comparable(whole));
}

TEST(SweepTest, AnEmptyShardMergesAsNothing) {
  const FlowUnderTest flow = SimFlowUnderTest();
  const Certificate some = Sweep(flow, SmallOptions(), {1, 2});
  const std::string why = NoSeedReason("shard 4 of 4", 4, 3);
  EXPECT_EQ(why, "shard 4 of 4 was given no seed (4 shards for 3 seeds)");
  const Certificate none = NoSeedsCertificate(flow, why);
  EXPECT_EQ(SeedsText(none), "no seeds");
  const auto merged = MergeCertificates({none, some});
  ASSERT_TRUE(std::holds_alternative<Certificate>(merged));
  EXPECT_EQ(Comparable(std::get<Certificate>(merged)), Comparable(some));
}

TEST(SweepTest, ACertificateSurvivesJson) {
  const Mutant* mutant = FindMutant("drop-byte");
  ASSERT_NE(mutant, nullptr);
  CertifyOptions options;
  options.programs = 10;
  options.isolate = false;
  const Certificate original =
      Certify(Mutate(SimFlowUnderTest(), *mutant), options);
  const std::string json = RenderReport(original, ReportFormat::kJson);
  const auto read = CertificateFromJson(json);
  ASSERT_TRUE(std::holds_alternative<Certificate>(read))
      << std::get<std::string>(read);
  EXPECT_EQ(RenderReport(std::get<Certificate>(read), ReportFormat::kJson),
            json);
}

TEST(SweepTest, BrokenJsonIsRefusedWithWhereItWentWrong) {
  const std::string good = RenderReport(
      Certify(SimFlowUnderTest(), SmallOptions()), ReportFormat::kJson);
  const auto error = [](const std::string& text) {
    const auto read = CertificateFromJson(text);
    return std::holds_alternative<std::string>(read)
               ? std::get<std::string>(read)
               : std::string("(accepted)");
  };
  EXPECT_NE(error("{").find("not JSON"), std::string::npos);
  EXPECT_NE(error("[]").find("not a JSON object"), std::string::npos);
  std::string bad = good;
  bad.replace(bad.find("\"PASS\""), 6, "\"PAS\"");
  EXPECT_EQ(error(bad), "clauses[0].verdict: 'PAS' is not a verdict");
  bad = good;
  bad.replace(bad.find("flowcheck.certificate/1"), 23,
              "flowcheck.kill-matrix/1");
  EXPECT_NE(error(bad).find("schema: 'flowcheck.kill-matrix/1'"),
            std::string::npos);
  bad = good;
  bad.replace(bad.find("\"programs_run\""), 14, "\"programs_ran\"");
  EXPECT_EQ(error(bad), "programs_run: missing");
}

}  // namespace
}  // namespace flowcheck::conformance
