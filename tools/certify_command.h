// tools/certify_command.h: `flowcheck certify`, the command line of the
// conformance suite.
#ifndef FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_
#define FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "conformance/certify.h"
#include "conformance/report.h"
#include "conformance/subject.h"
#include "conformance/sweep.h"

namespace flowcheck::tools {

// Exit statuses of `flowcheck certify` (also in its --help and in
// docs/certify.md).
inline constexpr int kExitPassed = 0;  // every certified flow passed
inline constexpr int kExitFailed = 1;  // a clause failed or a case crashed
// Bad usage, including an --output path refused up front: nothing was
// certified.
inline constexpr int kExitUsage = 2;
// Certified, but a report could not be written (disk full, stdout closed).
// Takes precedence over kExitFailed; stderr says whether each lost report
// passed.
inline constexpr int kExitOutputError = 3;

// The flows a command line offers by name, and how its replay lines start.
struct FlowCatalog {
  std::vector<conformance::FlowUnderTest> flows;  // --flow, --list, all
  // Up to and including the command word, e.g. "bazel run
  // //tools:flowcheck -- certify"; the flags follow.
  std::string replay_prefix;
};

// flowcheck's own: the built-in flows (conformance/builtin.h), replayed
// through //tools:flowcheck. --plan applies to the flows that declare
// FlowUnderTest::under_plan (those built over the simulated flow).
const FlowCatalog& BuiltinCatalog();

// One flow to certify, as the command line asked for it.
struct PreparedFlow {
  // Named as --flow takes it (replay lines use this name).
  conformance::FlowUnderTest flow;
  // What reports call it: with the mutant, "sim+close-returns-early".
  std::string display_name;
  // The options for it, replay lines included (no progress callback).
  conformance::CertifyOptions options;
};

// What `flowcheck certify ARGS` asks for, checked.
struct CertifyRequest {
  std::vector<PreparedFlow> flows;
  conformance::ReportFormat format = conformance::ReportFormat::kTable;
  std::string output;  // "" or "-": stdout
  bool quiet = false;
  bool stats = false;
  bool kill_matrix = false;
  // --seeds: a sweep over these seeds (their --shard slice), merged.
  std::optional<conformance::SeedRange> seeds;
  conformance::Shard shard;  // --shard; {0, 1}: the whole range
};

// Parses `args` as `flowcheck certify` takes them, builds the flows (a
// driver is started once to read its hello) and checks every --output
// path. Returns the request, or an exit status when there is nothing to
// certify: kExitPassed after --help or --list (written to `out`),
// kExitUsage after a usage error (written to `err`).
std::variant<CertifyRequest, int> ParseCertifyArgs(
    const std::vector<std::string_view>& args, std::ostream& out,
    std::ostream& err, const FlowCatalog& catalog = BuiltinCatalog());

// The usage text of `flowcheck certify`.
std::string_view CertifyUsage();

// Runs `flowcheck certify ARGS`: certificates go to `out` (or to --output
// files), progress and errors to `err`. Returns one of the exit statuses
// above; on kExitUsage nothing was certified or written.
int RunCertify(const std::vector<std::string_view>& args, std::ostream& out,
               std::ostream& err,
               const FlowCatalog& catalog = BuiltinCatalog());

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_
