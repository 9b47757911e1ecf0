// tools/certify_main.h: flowcheck's command line for your own flows --
// `certify`, `replay`, `merge`, `--list`, every format and a replay line
// that works for them -- in one call from your main().
//
//   // my_certify.cc
//   #include "tools/certify_main.h"
//   int main(int argc, char** argv) {
//     return flowcheck::tools::CertifyMain(argc, argv, {MyFlow(), MyTls()});
//   }
//
//   # BUILD (load("@flowcheck//tools:copts.bzl", "flowcheck_certify_binary"))
//   flowcheck_certify_binary(name = "my_certify", srcs = ["my_certify.cc"],
//                            deps = [":my_flow"])
//
//   bazel run //my:my_certify -- certify --flow=all
//   bazel run //my:my_certify -- certify --flow=myflow --mutant=drop-byte
//   bazel run //my:my_certify -- replay $PWD/cert.json --case=1 --html=...
//
// The commands and flags are flowcheck's (`certify --help`, `replay
// --help`); --flow names your flows, and replay lines name this binary:
// "bazel run //my:my_certify -- certify --flow=myflow --seed=1 --only=..."
// under the macro (it passes its own label as the first argument,
// --replay-prefix=...), else the binary's path. --driver, --relay,
// --seeds/--shard (sweeps) and `merge` work as in flowcheck; --plan works
// for the flows that declare FlowUnderTest::under_plan (a flow over the
// simulated links, as examples/tls's tls-over-sim). Flow names must be
// letters, digits, '.', '_' and '-' (they go into replay lines and file
// names), unique and not "all"; otherwise CertifyMain says so and returns
// 2.
//
// Exit statuses are the commands' own (tools/certify_command.h,
// tools/replay_command.h); 2 for a usage error.
#ifndef FLOWCHECK_TOOLS_CERTIFY_MAIN_H_
#define FLOWCHECK_TOOLS_CERTIFY_MAIN_H_

#include <vector>

#include "conformance/subject.h"

namespace flowcheck::tools {

// Runs the command in argv[1..] on `flows` and returns its exit status (0
// after --help; 2 for a usage error, said on stderr).
int CertifyMain(int argc, char** argv,
                std::vector<conformance::FlowUnderTest> flows);

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_CERTIFY_MAIN_H_
