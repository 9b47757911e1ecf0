#include "conformance/sweep.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <utility>

#include "flow/check.h"

namespace flowcheck::conformance {
namespace {

// What a merge keeps of each list (the first few, as Certify does).
constexpr std::size_t kFailuresKept = 3;
constexpr std::size_t kCrashesKept = 20;
constexpr std::size_t kObservationsKept = 50;

std::optional<std::uint64_t> ParseUnsigned(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::uint64_t SeedCount(const std::vector<SeedRange>& seeds) {
  std::uint64_t total = 0;
  for (const SeedRange& range : seeds) total += range.size();
  return total;
}

std::string Duration(double seconds) {
  char text[32];
  const auto whole = static_cast<long long>(seconds + 0.5);
  if (whole >= 3600) {
    std::snprintf(text, sizeof text, "%lldh%02lldm", whole / 3600,
                  (whole / 60) % 60);
  } else if (whole >= 60) {
    std::snprintf(text, sizeof text, "%lldm%02llds", whole / 60, whole % 60);
  } else {
    std::snprintf(text, sizeof text, "%llds", whole);
  }
  return text;
}

// The merged verdict and note of one clause over `parts` (those with seeds).
void MergeClause(const std::vector<const ClauseResult*>& parts,
                 std::uint64_t seeds, Evidence evidence,
                 const Coverage& coverage, ClauseResult& out) {
  // The first part with each verdict (for NOT REACHED, preferring one the
  // flow did not reach over one --only left out): whose note is kept.
  std::array<const ClauseResult*, 5> first{};
  bool all_left_out = !parts.empty();
  for (const ClauseResult* part : parts) {
    out.programs += part->programs;
    out.scenarios += part->scenarios;
    out.seeds_failed += part->seeds_failed;
    for (const Counterexample& e : part->failures) {
      if (out.failures.size() < kFailuresKept) out.failures.push_back(e);
    }
    all_left_out = all_left_out && part->left_out;
    const ClauseResult*& slot = first[static_cast<int>(part->verdict)];
    if (slot == nullptr || (slot->left_out && !part->left_out)) slot = part;
  }
  const auto with = [&first](Verdict verdict) {
    return first[static_cast<int>(verdict)];
  };
  // Notes are computed from the merged numbers (or taken whole), never
  // appended to, so any order of merging gives the same certificate.
  const std::string over = " over " + std::to_string(seeds) + " seeds";
  if (with(Verdict::kFail)) {
    out.verdict = Verdict::kFail;
    out.note = "failed in " + std::to_string(out.seeds_failed) + " of " +
               std::to_string(seeds) + " seeds";
  } else if (with(Verdict::kCrash)) {
    out.verdict = Verdict::kCrash;
    out.note = with(Verdict::kCrash)->note;
  } else if (with(Verdict::kPass)) {
    out.verdict = Verdict::kPass;
    out.note = std::to_string(out.programs) + " programs, " +
               std::to_string(out.scenarios) + " scenarios" + over +
               "; evidence " + std::string(EvidenceName(evidence));
  } else if (with(Verdict::kNotReached)) {
    out.verdict = Verdict::kNotReached;
    out.left_out = all_left_out;
    if (all_left_out) {
      out.note = "left out of this run by --only";
    } else if (std::optional<std::string> unreached =
                   UnreachedReason(out.clause, coverage, out.scenarios)) {
      out.note = *unreached + over;
    } else {
      out.note = with(Verdict::kNotReached)->note;
    }
  } else if (with(Verdict::kNotApplicable)) {
    out.verdict = Verdict::kNotApplicable;
    out.note = with(Verdict::kNotApplicable)->note;
  } else {
    out.verdict = Verdict::kNotReached;
    out.note = "no seed was run";
  }
}

}  // namespace

std::variant<SeedRange, std::string> ParseSeedRange(std::string_view text) {
  const std::size_t dots = text.find("..");
  const std::string_view first_text = text.substr(0, dots);
  const std::optional<std::uint64_t> first = ParseUnsigned(first_text);
  if (!first) {
    return "'" + std::string(text) +
           "' is not a seed range: give FIRST..LAST (e.g. 1..100000) or one "
           "seed";
  }
  if (dots == std::string_view::npos) return SeedRange{*first, *first};
  const std::optional<std::uint64_t> last =
      ParseUnsigned(text.substr(dots + 2));
  if (!last) {
    return "'" + std::string(text) +
           "' is not a seed range: after '..' comes the last seed";
  }
  if (*last < *first) {
    return "'" + std::string(text) + "' is empty: the last seed comes first";
  }
  return SeedRange{*first, *last};
}

std::variant<Shard, std::string> ParseShard(std::string_view text) {
  const std::size_t slash = text.find('/');
  const std::optional<std::uint64_t> number =
      ParseUnsigned(text.substr(0, slash));
  const std::optional<std::uint64_t> total =
      slash == std::string_view::npos ? std::nullopt
                                      : ParseUnsigned(text.substr(slash + 1));
  if (!number || !total) {
    return "'" + std::string(text) +
           "' is not a shard: give K/N, the K-th of N shards (1 <= K <= N)";
  }
  if (*total == 0 || *number == 0 || *number > *total) {
    return "'" + std::string(text) +
           "' is not a shard: K/N needs 1 <= K <= N (shards count from 1)";
  }
  return Shard{*number - 1, *total};
}

std::optional<SeedRange> ShardSlice(const SeedRange& all, const Shard& shard) {
  FLOWCHECK_CHECK(shard.total > 0 && shard.index < shard.total,
                  "ShardSlice: the index must be below the total");
  // Slice k is [k * size / n, (k + 1) * size / n) of the range's offsets,
  // computed in 128 bits so that no range overflows.
  // (In 128 bits: the range of every uint64 seed has 2^64 of them.)
  const unsigned __int128 size =
      static_cast<unsigned __int128>(all.last - all.first) + 1;
  const auto begin =
      static_cast<std::uint64_t>(size * shard.index / shard.total);
  const auto end =
      static_cast<std::uint64_t>(size * (shard.index + 1) / shard.total);
  if (begin == end) return std::nullopt;
  return SeedRange{all.first + begin, all.first + end - 1};
}

std::string NoSeedReason(const std::string& shard, std::uint64_t shards,
                         std::uint64_t seeds) {
  return shard + " was given no seed (" + std::to_string(shards) +
         " shards for " + std::to_string(seeds) + " seeds)";
}

Certificate NoSeedsCertificate(const FlowUnderTest& flow,
                               const std::string& why) {
  Certificate c;
  c.flow = flow.name;
  c.description = flow.description;
  c.evidence = Evidence::kNone;
  for (Clause clause : kAllClauses) {
    ClauseResult r;
    r.clause = clause;
    r.verdict = Verdict::kNotReached;
    r.note = why;
    c.clauses.push_back(std::move(r));
  }
  return c;
}

std::variant<Certificate, std::string> MergeCertificates(
    const std::vector<Certificate>& given) {
  if (given.empty()) return std::string("no certificates to merge");
  // In seed order (parts without seeds last), whatever order they came in:
  // what a merge keeps of capped lists (failures, crashes, observations)
  // is then what one process running every seed in order keeps. Errors
  // still number certificates as given.
  std::vector<std::size_t> order(given.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(
      order.begin(), order.end(), [&given](std::size_t x, std::size_t y) {
        const auto first = [&given](std::size_t i) {
          return given[i].seeds.empty() ? UINT64_MAX
                                        : given[i].seeds.front().first;
        };
        return first(x) < first(y);
      });
  std::vector<Certificate> parts;
  parts.reserve(given.size());
  for (std::size_t i : order) parts.push_back(given[i]);
  const auto number = [&order](std::size_t sorted) {
    return std::to_string(order[sorted] + 1);
  };
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].flow != parts[0].flow) {
      return "certificate " + number(i) + " is of flow '" + parts[i].flow +
             "', certificate " + number(0) + " of '" + parts[0].flow +
             "': a merge combines certificates of one flow";
    }
  }
  // Every seed at most once.
  std::vector<std::pair<SeedRange, std::size_t>> ranges;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    for (const SeedRange& range : parts[i].seeds) ranges.push_back({range, i});
  }
  std::sort(ranges.begin(), ranges.end(), [](const auto& x, const auto& y) {
    return x.first.first < y.first.first;
  });
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first.first <= ranges[i - 1].first.last) {
      return "seed " + std::to_string(ranges[i].first.first) +
             " is in certificate " + number(ranges[i - 1].second) + " (seeds " +
             FormatSeedRange(ranges[i - 1].first) + ") and in certificate " +
             number(ranges[i].second) + " (seeds " +
             FormatSeedRange(ranges[i].first) +
             "): a shard given twice would count twice";
    }
  }
  Certificate merged;
  merged.flow = parts[0].flow;
  merged.description = parts[0].description;
  for (const auto& [range, part] : ranges) {
    if (!merged.seeds.empty() && merged.seeds.back().last != UINT64_MAX &&
        merged.seeds.back().last + 1 == range.first) {
      merged.seeds.back().last = range.last;
    } else {
      merged.seeds.push_back(range);
    }
  }
  merged.seed = merged.seeds.empty() ? parts[0].seed : merged.seeds[0].first;
  std::optional<Evidence> evidence;
  std::vector<const Certificate*> with_seeds;
  for (const Certificate& part : parts) {
    merged.seconds += part.seconds;
    if (part.seeds.empty()) continue;
    with_seeds.push_back(&part);
    evidence = evidence ? Weaker(*evidence, part.evidence) : part.evidence;
    merged.programs_run += part.programs_run;
    merged.scenarios_run += part.scenarios_run;
    merged.programs_cut_off += part.programs_cut_off;
    merged.coverage.Add(part.coverage);
    for (const Crash& crash : part.crashes) {
      if (merged.crashes.size() < kCrashesKept) merged.crashes.push_back(crash);
    }
    for (const Observation& o : part.observations) {
      const bool seen =
          std::any_of(merged.observations.begin(), merged.observations.end(),
                      [&o](const Observation& m) {
                        return m.name == o.name && m.result == o.result;
                      });
      if (!seen && merged.observations.size() < kObservationsKept) {
        merged.observations.push_back(o);
      }
    }
  }
  merged.evidence = evidence.value_or(Evidence::kNone);
  if (with_seeds.empty()) {
    merged.clauses = parts[0].clauses;
    return merged;
  }
  const std::uint64_t seeds = SeedCount(merged.seeds);
  for (std::size_t i = 0; i < std::size(kAllClauses); ++i) {
    std::vector<const ClauseResult*> clause_parts;
    for (const Certificate* part : with_seeds) {
      if (part->clauses.size() != std::size(kAllClauses)) {
        return std::string("a certificate without one result per clause");
      }
      clause_parts.push_back(&part->clauses[i]);
    }
    ClauseResult result;
    result.clause = kAllClauses[i];
    MergeClause(clause_parts, seeds, merged.evidence, merged.coverage, result);
    merged.clauses.push_back(std::move(result));
  }
  return merged;
}

Certificate Sweep(const FlowUnderTest& flow, const CertifyOptions& options,
                  const SeedRange& seeds,
                  const std::function<void(const SweepProgress&)>& on_seed) {
  const auto started = std::chrono::steady_clock::now();
  std::optional<Certificate> total;
  SweepProgress progress;
  progress.seeds_total = seeds.size();
  for (std::uint64_t seed = seeds.first;; ++seed) {
    CertifyOptions one = options;
    one.seed = seed;
    Certificate certificate = Certify(flow, one);
    progress.seeds_failed += certificate.passed() ? 0 : 1;
    if (total) {
      auto merged =
          MergeCertificates({std::move(*total), std::move(certificate)});
      // Two certificates of one flow over different seeds always merge.
      FLOWCHECK_CHECK(std::holds_alternative<Certificate>(merged),
                      "Sweep: a seed's certificate did not merge");
      total = std::get<Certificate>(std::move(merged));
    } else {
      total = std::move(certificate);
    }
    ++progress.seeds_done;
    progress.seconds = std::chrono::duration<double>(
                           std::chrono::steady_clock::now() - started)
                           .count();
    if (on_seed) on_seed(progress);
    if (seed == seeds.last) break;
  }
  total->seconds = progress.seconds;
  return std::move(*total);
}

bool ProgressLineDue(const SweepProgress& progress, double& last_line,
                     double interval_seconds) {
  if (progress.seeds_done != progress.seeds_total &&
      progress.seconds - last_line < interval_seconds) {
    return false;
  }
  last_line = progress.seconds;
  return true;
}

std::string FormatSweepProgress(const SweepProgress& p) {
  char rate[32] = "";
  if (p.seconds > 0) {
    std::snprintf(rate, sizeof rate, "%.1f seeds/s",
                  static_cast<double>(p.seeds_done) / p.seconds);
  }
  const double percent = p.seeds_total == 0
                             ? 100.0
                             : 100.0 * static_cast<double>(p.seeds_done) /
                                   static_cast<double>(p.seeds_total);
  char share[16];
  std::snprintf(share, sizeof share, "%.0f%%", percent);
  std::string line = "seeds " + std::to_string(p.seeds_done) + "/" +
                     std::to_string(p.seeds_total) + " (" + share + ")";
  if (rate[0] != '\0') line += ", " + std::string(rate);
  line += ", " + std::to_string(p.seeds_failed) + " failing";
  if (p.seeds_done > 0 && p.seeds_done < p.seeds_total) {
    const double left = p.seconds / static_cast<double>(p.seeds_done) *
                        static_cast<double>(p.seeds_total - p.seeds_done);
    line += ", about " + Duration(left) + " left";
  }
  return line;
}

}  // namespace flowcheck::conformance
