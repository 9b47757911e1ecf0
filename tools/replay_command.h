// tools/replay_command.h: `flowcheck replay`, which re-runs one case of a
// certificate and shows it: the violation, the case, the history as text,
// with --html a space-time diagram of it, with --trace the simulation's
// scheduling trace.
//
// What it re-runs:
//   flowcheck replay 'bazel run //tools:flowcheck -- certify --flow=sim ...'
//       a replay line as a certificate prints it (one argument, quoted);
//   flowcheck replay --flow=sim --seed=1 --only=programs ...
//       the same, as certify's flags;
//   flowcheck replay cert.json --case=3
//       case 3 of a JSON certificate (cases are numbered in every format,
//       conformance/report.h); says whether the same violation came back.
//
// Exit status: 0 the replayed case passed (a replay line; with --case that
// is 4), 1 it failed or crashed, 2 bad usage, an unreadable, malformed or
// foreign file, or an --html path refused up front (nothing was run), 3
// the --html page could not be written after the run (takes precedence
// over 1 and 4), 4 --case: the certificate's clause did not fail again.
#ifndef FLOWCHECK_TOOLS_REPLAY_COMMAND_H_
#define FLOWCHECK_TOOLS_REPLAY_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "tools/certify_command.h"

namespace flowcheck::tools {

// Exit status of `flowcheck replay --case` when the certificate's violation
// did not come back (a flaky case, or a flow that changed).
inline constexpr int kExitNotReproduced = 4;

// The usage text of `flowcheck replay`.
std::string_view ReplayUsage();

// Runs `flowcheck replay ARGS`: the replay to `out`, progress and errors
// to `err`. Returns one of the exit statuses above.
// `catalog` names the flows replay lines may name (tools/certify_command.h).
int RunReplay(const std::vector<std::string_view>& args, std::ostream& out,
              std::ostream& err, const FlowCatalog& catalog = BuiltinCatalog());

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_REPLAY_COMMAND_H_
