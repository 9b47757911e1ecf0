// tools/flowcheck_main.cc: the `flowcheck` command line.
//
//   flowcheck certify [flags]       (tools/certify_command.h)
//   flowcheck demo [--seed=N] [--verbose]
//   flowcheck --help
//
// Exit status: 0 success, 1 the command found a problem, 2 bad usage.
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/units.h"
#include "tools/certify_command.h"
#include "tools/demo.h"

namespace {

constexpr std::string_view kUsage =
    R"(usage: flowcheck <command> [flags]

Certifies and stress-tests flows: endpoints of a reliable, ordered,
bidirectional byte stream with the MirageOS Mirage_flow contract
(docs/spec.md).

commands:
  certify   certify flows against the contract, clause by clause
            ('flowcheck certify --help' for its flags)
  demo      generate a legal conversation from a seed, show the history
            checker accepting it, then break it in ten ways and show the
            contract clause the checker names for each

flags of demo:
  --seed=N    the seed (default 1); the same seed prints the same demo
  --verbose   print the whole history, not just its start

  -h, --help  this text

exit status: 0 success, 1 a check failed, 2 bad usage
)";

int UsageError(const std::string& message) {
  std::cerr << "flowcheck: " << message << "\n"
            << "Run 'flowcheck --help' for usage.\n";
  return 2;
}

int Demo(const std::vector<std::string_view>& args) {
  std::uint64_t seed = 1;
  bool verbose = false;
  for (std::string_view arg : args) {
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (arg.rfind("--seed=", 0) == 0) {
      const std::optional<std::uint64_t> parsed =
          flowcheck::sim::ParseDecimal(arg.substr(7), UINT64_MAX);
      if (!parsed) {
        return UsageError(
            "--seed takes a whole number from 0 to "
            "18446744073709551615, not '" +
            std::string(arg.substr(7)) + "'");
      }
      seed = *parsed;
    } else {
      return UsageError("unknown flag '" + std::string(arg) + "' for demo");
    }
  }
  return flowcheck::RunDemo(seed, verbose, std::cout);
}

}  // namespace

int main(int argc, char** argv) {
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
  return UsageError("unknown command '" + std::string(command) + "'");
}
