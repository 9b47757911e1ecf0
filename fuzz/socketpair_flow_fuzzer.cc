// fuzz/socketpair_flow_fuzzer.cc: the "your flow" template on a real
// transport -- the Asio StreamFlow over a Unix socketpair (flows/), in real
// time under a watchdog. Real time is not deterministic, so this target
// checks the contract on each input but cannot demand identical replays;
// see docs/fuzzing.md.
#include "conformance/builtin.h"
#include "fuzz/flow_fuzzer.h"

FLOWCHECK_FLOW_FUZZER("socketpair_flow_fuzzer",
                      flowcheck::conformance::BuiltinFlow("socketpair"));
