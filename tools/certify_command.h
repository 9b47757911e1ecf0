// tools/certify_command.h: `flowcheck certify`, the command line of the
// conformance suite.
#ifndef FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_
#define FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_

#include <ostream>
#include <string_view>
#include <vector>

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

// The usage text of `flowcheck certify`.
std::string_view CertifyUsage();

// Runs `flowcheck certify ARGS`: certificates go to `out` (or to --output
// files), progress and errors to `err`. Returns one of the exit statuses
// above; on kExitUsage nothing was certified or written.
int RunCertify(const std::vector<std::string_view>& args, std::ostream& out,
               std::ostream& err);

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_
