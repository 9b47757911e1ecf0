// tools/flowcheck_main.cc: the `flowcheck` command line.
//
//   flowcheck certify [flags]       (tools/certify_command.h)
//   flowcheck replay LINE|CERT.json (tools/replay_command.h)
//   flowcheck merge CERT.json...    (tools/merge_command.h)
//   flowcheck demo [--seed=N] [--verbose]
//   flowcheck --help
//
// Exit status: 0 success, 1 the command found a problem, 2 bad usage
// (every usage error, of every command); `certify` and `replay` add 3, a
// report that could not be written, and `replay` 4, a certificate's case
// that did not fail again (tools/certify_command.h, tools/replay_command.h).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/units.h"
#include "tools/certify_command.h"
#include "tools/demo.h"
#include "tools/flags.h"
#include "tools/merge_command.h"
#include "tools/replay_command.h"

namespace {

constexpr std::string_view kUsage =
    R"(usage: flowcheck <command> [flags]

Certifies and stress-tests flows: endpoints of a reliable, ordered,
bidirectional byte stream with the MirageOS Mirage_flow contract
(docs/spec.md).

commands:
  certify   certify flows against the contract, clause by clause
            ('flowcheck certify --help' for its flags)
  replay    re-run one case of a certificate from its replay line or from
            a JSON certificate (--case=N): the history as text, with
            --html a space-time diagram, with --trace the scheduling trace
            ('flowcheck replay --help')
  merge     combine the JSON certificates of a sweep's shards
            (certify --seeds=A..B --shard=K/N) into one certificate
            ('flowcheck merge --help')
  demo      generate a legal conversation from a seed, show the history
            checker accepting it, then break it in ten ways and show the
            contract clause the checker names for each

flags of demo (a value follows '=' or comes next: --seed 7):
  --seed=N    the seed (default 1); the same seed prints the same demo
  --verbose   print the whole history, not just its start

  -h, --help  this text

exit status: 0 success, 1 a check failed, 2 bad usage; certify and
replay also use 3 (a report could not be written), replay 4 (a case did
not come back), see their --help
)";

// `command` is "" for the top level, or "demo".
int UsageError(std::string_view command, const std::string& message) {
  const std::string who =
      command.empty() ? "flowcheck" : "flowcheck " + std::string(command);
  std::cerr << who << ": " << message << "\n"
            << "Run '" << who << " --help' for usage.\n";
  return 2;
}

int Demo(const std::vector<std::string_view>& args) {
  static constexpr flowcheck::tools::FlagSpec kDemoFlags[] = {
      {"--seed", true}, {"--verbose", false}, {"--help", false}, {"-h", false}};
  const auto parsed = flowcheck::tools::ParseFlags(args, kDemoFlags);
  if (const std::string* error = std::get_if<std::string>(&parsed)) {
    return UsageError("demo", *error);
  }
  std::uint64_t seed = 1;
  bool verbose = false;
  for (const flowcheck::tools::Flag& flag :
       std::get<std::vector<flowcheck::tools::Flag>>(parsed)) {
    if (flag.name == "--help" || flag.name == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (flag.name == "--verbose") {
      verbose = true;
    } else if (flag.name == "--seed") {
      if (!flowcheck::tools::ParseWholeNumber(flag.value, UINT64_MAX, seed)) {
        return UsageError("demo",
                          "--seed takes a whole number from 0 to "
                          "18446744073709551615, not '" +
                              flag.value + "'");
      }
    }
  }
  return flowcheck::RunDemo(seed, verbose, std::cout);
}

}  // namespace

int main(int argc, char** argv) {
  // Under `bazel run`, paths on the command line (--output, --driver's
  // command) mean what they mean in the user's shell.
  if (const char* where = std::getenv("BUILD_WORKING_DIRECTORY");
      where != nullptr && *where != '\0' && ::chdir(where) != 0) {
    std::cerr << "flowcheck: cannot enter BUILD_WORKING_DIRECTORY '" << where
              << "'\n";
    return 2;
  }
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string_view command = args.front();
  args.erase(args.begin());
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << kUsage;
    return 0;
  }
  if (command == "demo") return Demo(args);
  if (command == "certify") {
    return flowcheck::tools::RunCertify(args, std::cout, std::cerr);
  }
  if (command == "replay") {
    return flowcheck::tools::RunReplay(args, std::cout, std::cerr);
  }
  if (command == "merge") {
    return flowcheck::tools::RunMerge(args, std::cout, std::cerr);
  }
  return UsageError("", "unknown command '" + std::string(command) + "'");
}
