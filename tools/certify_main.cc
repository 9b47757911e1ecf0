#include "tools/certify_main.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <string_view>

#include "tools/certify_command.h"
#include "tools/merge_command.h"
#include "tools/replay_command.h"
#include "tools/shell_words.h"

namespace flowcheck::tools {
namespace {

constexpr std::string_view kReplayPrefixFlag = "--replay-prefix=";

// The binary as the user can run it again: its absolute path.
std::string SelfPath(const char* argv0) {
  char self[4096];
  const ssize_t size = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (size > 0) return std::string(self, static_cast<std::size_t>(size));
  return argv0;
}

}  // namespace

int CertifyMain(int argc, char** argv,
                std::vector<conformance::FlowUnderTest> flows) {
  const std::string program = SelfPath(argv[0]);
  std::vector<std::string_view> args(argv + 1, argv + argc);
  FlowCatalog catalog;
  catalog.replay_prefix = ShellQuote(program);
  if (!args.empty() && args.front().rfind(kReplayPrefixFlag, 0) == 0) {
    catalog.replay_prefix =
        std::string(args.front().substr(kReplayPrefixFlag.size()));
    args.erase(args.begin());
  }
  catalog.replay_prefix += " certify";
  std::set<std::string> names;
  for (const conformance::FlowUnderTest& flow : flows) {
    // Names go into replay lines and file names ({flow}): plain words.
    const bool plain =
        !flow.name.empty() &&
        flow.name.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyz"
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == std::string::npos;
    if (!plain || flow.name == "all" || !names.insert(flow.name).second ||
        !flow.make) {
      std::cerr << program
                << ": each flow needs a factory and a unique name of letters, "
                   "digits, '.', '_' and '-' other than 'all'; '"
                << flow.name << "' is not one\n";
      return kExitUsage;
    }
  }
  catalog.flows = std::move(flows);
  // Under `bazel run`, paths on the command line mean what they mean in the
  // user's shell.
  if (const char* where = std::getenv("BUILD_WORKING_DIRECTORY");
      where != nullptr && *where != '\0' && ::chdir(where) != 0) {
    std::cerr << program << ": cannot enter BUILD_WORKING_DIRECTORY '" << where
              << "'\n";
    return kExitUsage;
  }
  const std::string usage =
      "usage: " + program +
      " <command> [flags]\n\n"
      "Certifies these flows against the flow contract with flowcheck:\n" +
      [&catalog] {
        std::string list;
        for (const auto& flow : catalog.flows) {
          list += "  " + flow.name + "  -- " + flow.description + "\n";
        }
        return list;
      }() +
      "\ncommands:\n"
      "  certify   certify them, clause by clause ('certify --help')\n"
      "  replay    re-run one case of a certificate ('replay --help')\n"
      "  merge     combine the JSON certificates of a sweep's shards\n"
      "            ('merge --help')\n";
  if (args.empty()) {
    std::cerr << usage;
    return kExitUsage;
  }
  const std::string_view command = args.front();
  args.erase(args.begin());
  if (command == "-h" || command == "--help" || command == "help") {
    std::cout << usage;
    return kExitPassed;
  }
  if (command == "certify")
    return RunCertify(args, std::cout, std::cerr, catalog);
  if (command == "replay")
    return RunReplay(args, std::cout, std::cerr, catalog);
  if (command == "merge") return RunMerge(args, std::cout, std::cerr);
  std::cerr << program << ": unknown command '" << command
            << "'; the commands are certify, replay and merge (--help)\n";
  return kExitUsage;
}

}  // namespace flowcheck::tools
