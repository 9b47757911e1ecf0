// conformance/sweep.h: seed sweeps -- one flow certified over many seeds,
// split into disjoint shards that can run anywhere (Bazel test shards, a
// remote-execution cluster, separate machines) -- and the merge of their
// certificates into one.
//
// A seed is one whole certification (Certify with CertifyOptions::seed):
// its property programs, every scenario and the observations, all drawn
// from that seed. A sweep over seeds 1..N is N certifications merged. A
// shard is a contiguous slice of the range: shard k of n gets the k-th of n
// nearly equal slices, so the shards of one sweep cover every seed exactly
// once, and merging their certificates gives the certificate of the whole
// sweep (the same counts, failures and verdicts as one process running
// every seed, save for the time taken).
//
// How a merge judges a clause: FAIL if any seed failed it (seeds_failed
// counts them), else CRASH if a case for it crashed, else PASS if any seed
// exercised it and it held, else NOT REACHED, else NOT APPLICABLE (only when
// every seed said so). Counts are summed; failures, crashes and distinct
// observations are united (the first few of each); evidence is the weakest.
#ifndef FLOWCHECK_CONFORMANCE_SWEEP_H_
#define FLOWCHECK_CONFORMANCE_SWEEP_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "conformance/certificate.h"
#include "conformance/certify.h"
#include "conformance/subject.h"

namespace flowcheck::conformance {

// "7" or "1..100000" (decimal, first <= last). Returns the range or a
// sentence saying what is wrong.
std::variant<SeedRange, std::string> ParseSeedRange(std::string_view text);

// One of `total` shards; `index` counts from 0 (as TEST_SHARD_INDEX does).
struct Shard {
  std::uint64_t index = 0;
  std::uint64_t total = 1;
};

// "3/8" is the third of eight shards (index 2): people count from 1.
// Returns the shard or a sentence saying what is wrong.
std::variant<Shard, std::string> ParseShard(std::string_view text);

// The seeds of `shard` within `all`: contiguous, and over every index the
// slices are disjoint and cover `all` exactly. nullopt when the shard gets
// no seed (more shards than seeds). Requires shard.index < shard.total.
std::optional<SeedRange> ShardSlice(const SeedRange& all, const Shard& shard);

// How a sweep is going, after each seed.
struct SweepProgress {
  std::uint64_t seeds_done = 0;
  std::uint64_t seeds_total = 0;
  std::uint64_t seeds_failed = 0;  // seeds whose certificate did not pass
  double seconds = 0;              // wall-clock time so far
};

// Certifies `flow` once per seed of `seeds` (options.seed is ignored) and
// merges the certificates. `on_seed`, if set, is called after each seed.
// Requires ValidateCertifyOptions(options) to be nullopt. Never fails: a
// seed's crash is a crash line of the result.
Certificate Sweep(
    const FlowUnderTest& flow, const CertifyOptions& options,
    const SeedRange& seeds,
    const std::function<void(const SweepProgress&)>& on_seed = nullptr);

// One certificate from `parts` (shards of one sweep, or any certificates of
// one flow over disjoint seeds). Returns it, or a sentence when the parts
// cannot be merged: none given, different flows, or a seed covered twice
// (named, so a shard run twice is caught rather than counted twice).
std::variant<Certificate, std::string> MergeCertificates(
    const std::vector<Certificate>& parts);

// Why a shard has no seed, in words: "shard 4 of 4 was given no seed (4
// shards for 3 seeds)". `shard` names it ("shard 4 of 4"); `shards` is the
// number of slices the seeds were cut into.
std::string NoSeedReason(const std::string& shard, std::uint64_t shards,
                         std::uint64_t seeds);

// The certificate of a shard that was given no seed (more shards than
// seeds): every clause NOT REACHED with `why`, no seeds. Merges count it as
// nothing.
Certificate NoSeedsCertificate(const FlowUnderTest& flow,
                               const std::string& why);

// Whether a periodic progress line is due after `progress`: at the last
// seed, and otherwise once `interval_seconds` passed since the previous
// due line, whose time `last_line` keeps (start it at 0).
bool ProgressLineDue(const SweepProgress& progress, double& last_line,
                     double interval_seconds = 10);

// A line for humans: "seeds 120/1000 (12%), 8.1 seeds/s, 0 failing, about
// 1m48s left".
std::string FormatSweepProgress(const SweepProgress& progress);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_SWEEP_H_
