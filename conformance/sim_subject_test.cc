// The simulated flow judged by the model checker on random programs, through
// the one program runner (conformance/program.h): the ideal and the shaped
// connection keep every clause, network faults stay within what they allow,
// contract-breaking faults are caught, and every seed replays exactly.
//
// Seed counts are sized for an unoptimized build under ASan on 2 cores;
// sweep further with the fuzzers (fuzz/) or `flowcheck certify --programs`.
#include "conformance/sim_subject.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>

#include "conformance/program.h"
#include "conformance/program_gen.h"
#include "model/clause.h"
#include "sim/fault_plan.h"
#include "sim/random.h"

namespace flowcheck::conformance {
namespace {

Execution RunSample(std::uint64_t seed, const sim::FaultPlan& plan) {
  Subject subject = MakeSimSubject(seed, plan);
  return RunProgram(subject, SampleProgram(seed));
}

std::string Explain(std::uint64_t seed, const Execution& execution) {
  return "seed " + std::to_string(seed) + "\n" +
         SampleProgram(seed).ToString() + execution.Explain() +
         "run: " + execution.run.ToString() + "\n";
}

// Whether a fault of `kind` fired in the run (its description starts with
// the kind's keyword, after the side).
bool Fired(const Execution& execution, sim::FaultKind kind) {
  for (const std::string& fault : execution.faults) {
    if (fault.find(": " + std::string(sim::FaultKindName(kind))) !=
        std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(SimSubjectModelCheck, IdealConnectionPassesOnThousandsOfPrograms) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    const Execution execution = RunSample(seed, sim::FaultPlan{});
    ASSERT_TRUE(execution.ok()) << Explain(seed, execution);
    ASSERT_TRUE(execution.run.all_done()) << Explain(seed, execution);
  }
}

TEST(SimSubjectModelCheck, ShapedLinksKeepTheContract) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    sim::Random random(seed);
    const sim::FaultPlan plan =
        sim::SwarmPlan(random, /*contract_keeping_only=*/true);
    const Execution execution = RunSample(seed, plan);
    ASSERT_TRUE(execution.ok()) << Explain(seed, execution);
    ASSERT_TRUE(execution.run.all_done()) << Explain(seed, execution);
  }
}

TEST(SimSubjectModelCheck, NetworkFaultsStayWithinWhatTheyAllow) {
  std::set<std::string> kinds_fired;
  for (std::uint64_t seed = 1; seed <= 600; ++seed) {
    sim::Random random(seed * 7919);
    const sim::FaultPlan plan =
        sim::SwarmPlan(random, /*contract_keeping_only=*/false);
    const Execution execution = RunSample(seed, plan);
    ASSERT_TRUE(execution.ok()) << Explain(seed, execution);
    ASSERT_TRUE(execution.run.exact) << Explain(seed, execution);
    for (const sim::FaultRule& rule : plan.faults) {
      if (Fired(execution, rule.kind)) {
        kinds_fired.insert(std::string(sim::FaultKindName(rule.kind)));
      }
    }
  }
  // Swarm mode reaches every network fault.
  for (const char* kind : {"reset", "read-error", "write-error", "stall",
                           "partition", "lose-close", "slow-close", "cut"}) {
    EXPECT_TRUE(kinds_fired.count(kind)) << kind << " never fired";
  }
}

// Contract-breaking faults: the model checker must catch each one, on the
// clauses it breaks, in most runs where it fired.
void ExpectCaught(sim::FaultKind kind, std::initializer_list<Clause> clauses) {
  sim::FaultPlan plan;
  plan.a_to_b.segment_bytes_min = 1;
  plan.a_to_b.segment_bytes_max = 200;
  sim::FaultRule rule;
  rule.kind = kind;
  rule.trigger.type = sim::FaultTrigger::Type::kAfterBytes;
  rule.trigger.after_bytes = 1000;
  plan.faults.push_back(rule);
  int caught = 0;
  int fired = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const Execution execution = RunSample(seed, plan);
    if (!Fired(execution, kind)) continue;
    ++fired;
    bool this_caught = false;
    for (Clause clause : clauses) {
      this_caught |= execution.verdict.Violates(clause);
    }
    caught += this_caught;
  }
  EXPECT_GE(fired, 10) << sim::FaultKindName(kind) << " rarely fired";
  EXPECT_GE(caught, fired * 8 / 10) << sim::FaultKindName(kind);
}

TEST(SimSubjectModelCheck, ContractBreakingFaultsAreCaughtByTheChecker) {
  ExpectCaught(sim::FaultKind::kCorrupt, {Clause::kR4, Clause::kW3});
  ExpectCaught(sim::FaultKind::kDuplicate, {Clause::kR4, Clause::kW3});
  ExpectCaught(sim::FaultKind::kReorder, {Clause::kR4, Clause::kW3});
  ExpectCaught(sim::FaultKind::kTruncate,
               {Clause::kR4, Clause::kW3, Clause::kR5, Clause::kW1, Clause::kC1,
                Clause::kX1});
}

TEST(SimSubjectDeterminism, ManySeedsReplayIdentically) {
  std::set<std::uint64_t> hashes;
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    sim::Random random(seed);
    const sim::FaultPlan plan = sim::SwarmPlan(random, false);
    const Execution first = RunSample(seed, plan);
    const Execution second = RunSample(seed, plan);
    ASSERT_TRUE(first.run.trace_hash.has_value());
    ASSERT_EQ(first.run.trace_hash, second.run.trace_hash)
        << "seed " << seed << " did not replay";
    ASSERT_EQ(first.history.ToString(), second.history.ToString())
        << "seed " << seed;
    hashes.insert(*first.run.trace_hash);
  }
  EXPECT_GT(hashes.size(), 145u);  // different seeds, different runs
}

TEST(SimSubjectTest, DeclaresAndProvidesAReset) {
  const FlowUnderTest flow = SimFlowUnderTest();
  EXPECT_TRUE(flow.capabilities.inject_reset);
  Subject subject = flow.make(7);
  EXPECT_TRUE(subject.inject_reset);
  EXPECT_TRUE(subject.runtime->is_simulated());
}

}  // namespace
}  // namespace flowcheck::conformance
