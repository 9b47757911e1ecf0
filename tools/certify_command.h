// tools/certify_command.h: `flowcheck certify`, the command line of the
// conformance suite.
#ifndef FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_
#define FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_

#include <ostream>
#include <string_view>
#include <vector>

namespace flowcheck::tools {

// The usage text of `flowcheck certify`.
std::string_view CertifyUsage();

// Runs `flowcheck certify ARGS`: certificates go to `out` (or to --output
// files), progress and errors to `err`. Returns 0 if every certified flow
// passed, 1 if any failed, 2 for bad usage (nothing is written then).
int RunCertify(const std::vector<std::string_view>& args, std::ostream& out,
               std::ostream& err);

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_CERTIFY_COMMAND_H_
