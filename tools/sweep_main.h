// tools/sweep_main.h: the main() of a seed-sweep test -- what the
// flowcheck_sweep macro (tools/copts.bzl) builds -- so that `bazel test`
// sweeps a flow over many seeds, sharded by Bazel, locally or on a remote
// execution cluster:
//
//   # BUILD (load("@flowcheck//tools:copts.bzl", "flowcheck_sweep"))
//   flowcheck_sweep(
//       name = "my_flow_sweep",
//       flow = "myproject::MyFlow()",        # a FlowUnderTest expression
//       flow_header = "myproject/my_flow.h",
//       deps = [":my_flow"],
//       seeds = "1..100000",
//       programs = 10,                       # property programs per seed
//       shard_count = 50,
//   )
//
// Under `bazel test` each shard (TEST_SHARD_INDEX of TEST_TOTAL_SHARDS)
// certifies its slice of the seeds (conformance/sweep.h: the shards cover
// every seed exactly once), prints its certificate with a replay line per
// failure, writes it as JSON to TEST_UNDECLARED_OUTPUTS_DIR for `flowcheck
// merge`, and fails if a clause failed or a case crashed. FLOWCHECK_SEEDS
// and FLOWCHECK_PROGRAMS (through --test_env) override the range and the
// programs per seed.
//
// Replay lines name the target: "bazel run //pkg:my_flow_sweep -- certify
// --flow=... --seed=S --only=...". With a command word as its first
// argument (certify, replay, merge) the binary is a CertifyMain command line
// for the one flow (tools/certify_main.h), which is what makes those lines
// work.
#ifndef FLOWCHECK_TOOLS_SWEEP_MAIN_H_
#define FLOWCHECK_TOOLS_SWEEP_MAIN_H_

#include "conformance/subject.h"

namespace flowcheck::tools {

// Sweeps `flow` as the test shard the environment says, or runs the command
// in argv (see above). Returns the exit status: 0 the shard passed, 1 a
// clause failed or a case crashed, 2 a malformed argument or environment
// variable (said on stderr: which, and what it should be), 3 the JSON part
// could not be written.
int SweepTestMain(int argc, char** argv, conformance::FlowUnderTest flow);

}  // namespace flowcheck::tools

#endif  // FLOWCHECK_TOOLS_SWEEP_MAIN_H_
