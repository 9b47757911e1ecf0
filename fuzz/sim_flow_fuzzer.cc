// fuzz/sim_flow_fuzzer.cc: the "your flow" template, shown on the simulated
// flow. This one line is all a flow implementer writes (plus a
// flowcheck_fuzz_target in BUILD.bazel): the factory's pairs get random
// programs from the fuzzer's bytes, judged by the model checker and replayed
// for determinism exactly as in sim_vs_model_fuzzer, with the links shaped
// by the factory from each seed (sim::SwarmPlan, contract-keeping faults).
#include "conformance/sim_subject.h"
#include "fuzz/flow_fuzzer.h"

FLOWCHECK_FLOW_FUZZER(
    "sim_flow_fuzzer",
    flowcheck::conformance::SimFlowUnderTest(/*shaped=*/true));
