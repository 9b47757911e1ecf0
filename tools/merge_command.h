// tools/merge_command.h: `flowcheck merge`, which combines the JSON
// certificates of one flow over disjoint seeds -- the shards of a sweep
// (`certify --seeds=A..B --shard=K/N`, or the parts a flowcheck_sweep test
// writes) -- into one certificate (conformance/sweep.h says how verdicts
// combine).
//
// Exit statuses: 0 the merged certificate passes, 1 it fails, 2 bad usage
// or an input that cannot be merged (unreadable, not a certificate, another
// flow, a seed twice: nothing is written), 3 the report could not be
// written.
#ifndef FLOWCHECK_TOOLS_MERGE_COMMAND_H_
#define FLOWCHECK_TOOLS_MERGE_COMMAND_H_

#include <ostream>
#include <string_view>
#include <vector>

namespace flowcheck::tools {

// Runs `flowcheck merge ARGS`: the report goes to `out` (or --output),
// errors to `err`. Returns an exit status above.
int RunMerge(const std::vector<std::string_view>& args, std::ostream& out,
             std::ostream& err);

// Its usage text.
std::string_view MergeUsage();

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_MERGE_COMMAND_H_
