#include "tools/sweep_main.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "conformance/report.h"
#include "conformance/sweep.h"
#include "tools/certify_command.h"
#include "tools/certify_main.h"
#include "tools/flags.h"
#include "tools/output_file.h"

namespace flowcheck::tools {
namespace {

constexpr std::string_view kReplayPrefixFlag = "--replay-prefix=";

int Malformed(const std::string& what) {
  std::cerr << "flowcheck sweep: " << what << "\n";
  return kExitUsage;
}

// The environment variable `name`, or "" when unset.
std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

}  // namespace

int SweepTestMain(int argc, char** argv, conformance::FlowUnderTest flow) {
  // argv: [--replay-prefix=...] [--sweep-... (the rule's)] [COMMAND ...].
  int next = 1;
  std::string replay_prefix = "flowcheck";
  if (next < argc &&
      std::string_view(argv[next]).rfind(kReplayPrefixFlag, 0) == 0) {
    replay_prefix = std::string(
        std::string_view(argv[next]).substr(kReplayPrefixFlag.size()));
    ++next;
  }
  const int prefix_end = next;
  std::vector<std::string_view> args;
  while (next < argc &&
         std::string_view(argv[next]).rfind("--sweep-", 0) == 0) {
    args.emplace_back(argv[next++]);
  }
  if (next < argc) {
    // A command (`bazel run :NAME -- certify ...`, as replay lines say):
    // the flow's command line, without the rule's sweep arguments.
    std::vector<char*> command(argv, argv + prefix_end);
    command.insert(command.end(), argv + next, argv + argc);
    return CertifyMain(static_cast<int>(command.size()), command.data(),
                       {std::move(flow)});
  }

  std::string seeds_text = "1..100";
  std::string programs_text = "10";
  std::string part_text = "1/1";
  for (std::string_view arg : args) {
    if (arg.rfind("--sweep-part=", 0) == 0) {
      part_text = std::string(arg.substr(13));
    } else if (arg.rfind("--sweep-seeds=", 0) == 0) {
      seeds_text = std::string(arg.substr(14));
    } else if (arg.rfind("--sweep-programs=", 0) == 0) {
      programs_text = std::string(arg.substr(17));
    } else {
      return Malformed("unknown argument '" + std::string(arg) +
                       "' (a sweep test takes --sweep-seeds=A..B and "
                       "--sweep-programs=N from its BUILD rule)");
    }
  }
  if (std::string env = Env("FLOWCHECK_SEEDS"); !env.empty()) seeds_text = env;
  if (std::string env = Env("FLOWCHECK_PROGRAMS"); !env.empty()) {
    programs_text = env;
  }
  auto seeds = conformance::ParseSeedRange(seeds_text);
  if (auto* error = std::get_if<std::string>(&seeds)) {
    return Malformed("the seeds (FLOWCHECK_SEEDS or the rule's seeds): " +
                     *error);
  }
  auto part = conformance::ParseShard(part_text);
  if (auto* error = std::get_if<std::string>(&part)) {
    return Malformed("--sweep-part: " + *error);
  }
  std::uint64_t programs = 0;
  if (!ParseWholeNumber(programs_text, 1000000, programs) || programs == 0) {
    return Malformed(
        "the programs per seed (FLOWCHECK_PROGRAMS or the rule's programs) "
        "must be a whole number from 1 to 1000000, not '" +
        programs_text + "'");
  }
  conformance::Shard shard;
  const std::string total_text = Env("TEST_TOTAL_SHARDS");
  const std::string index_text = Env("TEST_SHARD_INDEX");
  if (!total_text.empty()) {
    if (!ParseWholeNumber(total_text, 1000000, shard.total) ||
        shard.total == 0 ||
        !ParseWholeNumber(index_text, shard.total - 1, shard.index)) {
      return Malformed("TEST_TOTAL_SHARDS='" + total_text +
                       "' and TEST_SHARD_INDEX='" + index_text +
                       "' are not a shard (an index below the total)");
    }
  }
  // Tell Bazel this test knows about sharding.
  if (std::string status = Env("TEST_SHARD_STATUS_FILE"); !status.empty()) {
    std::ofstream(status, std::ios::app).flush();
  }

  // The part's slice of the rule's seeds, then this shard's slice of that:
  // over every part and shard, each seed exactly once.
  const conformance::SeedRange rule_seeds =
      std::get<conformance::SeedRange>(seeds);
  const conformance::Shard the_part = std::get<conformance::Shard>(part);
  const std::optional<conformance::SeedRange> part_seeds =
      conformance::ShardSlice(rule_seeds, the_part);
  const std::string part_name =
      the_part.total > 1 ? "-part-" + std::to_string(the_part.index + 1) +
                               "-of-" + std::to_string(the_part.total)
                         : std::string();
  const std::string shard_text =
      std::to_string(shard.index + 1) + " of " + std::to_string(shard.total) +
      (the_part.total > 1 ? " of part " + std::to_string(the_part.index + 1) +
                                " of " + std::to_string(the_part.total)
                          : std::string());
  conformance::CertifyOptions options;
  options.programs = static_cast<int>(programs);
  options.replay_prefix = replay_prefix + " certify";
  const conformance::SeedRange all = part_seeds.value_or(rule_seeds);
  const std::optional<conformance::SeedRange> slice =
      part_seeds ? conformance::ShardSlice(all, shard) : std::nullopt;
  conformance::Certificate certificate;
  if (!slice) {
    const std::string why = conformance::NoSeedReason(
        "shard " + shard_text, shard.total * the_part.total, rule_seeds.size());
    std::cerr << why << "\n";
    certificate = conformance::NoSeedsCertificate(flow, why);
  } else {
    std::cerr << "sweeping '" << flow.name << "' over seeds "
              << conformance::FormatSeedRange(*slice) << " (shard "
              << shard_text << " over seeds "
              << conformance::FormatSeedRange(all) << "), " << programs
              << " programs per seed\n";
    double last_line = 0;
    certificate = conformance::Sweep(
        flow, options, *slice,
        [&last_line](const conformance::SweepProgress& progress) {
          if (conformance::ProgressLineDue(progress, last_line)) {
            std::cerr << conformance::FormatSweepProgress(progress) << "\n";
          }
        });
  }
  std::cout << conformance::RenderReport(certificate,
                                         conformance::ReportFormat::kTable);
  std::cout.flush();
  if (std::string dir = Env("TEST_UNDECLARED_OUTPUTS_DIR"); !dir.empty()) {
    const std::string path = dir + "/sweep-" + flow.name + part_name +
                             "-shard-" + std::to_string(shard.index + 1) +
                             "-of-" + std::to_string(shard.total) + ".json";
    if (auto error = WriteFileAtomically(
            path, conformance::RenderReport(
                      certificate, conformance::ReportFormat::kJson))) {
      std::cerr << "flowcheck sweep: " << *error << "\n";
      return kExitOutputError;
    }
    // Where Bazel puts it for the user (the path above is the sandbox's).
    std::string target = Env("TEST_TARGET");  // "//pkg:name"
    if (target.rfind("//", 0) == 0) target = target.substr(2);
    std::replace(target.begin(), target.end(), ':', '/');
    std::cerr << "this shard's certificate: " << path.substr(dir.size() + 1)
              << ", in bazel-testlogs/" << target
              << (shard.total > 1
                      ? "/shard_" + std::to_string(shard.index + 1) + "_of_" +
                            std::to_string(shard.total)
                      : std::string())
              << "/test.outputs/outputs.zip; 'flowcheck merge' combines the "
                 "shards' (docs/scale.md)\n";
  }
  return certificate.passed() ? kExitPassed : kExitFailed;
}

}  // namespace flowcheck::tools
