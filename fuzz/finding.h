// fuzz/finding.h: how a flowcheck fuzz target reports what it found.
//
// A finding is a broken property (a contract violation, a round trip that
// does not hold, a non-deterministic replay). ReportFinding prints a report
// a human can act on -- what broke, the decoded input, how to replay -- to
// stderr and aborts, which is how a libFuzzer target signals a crash: the
// fuzzer then saves the input as crash-<sha1>, and the replay driver
// (fuzz/replay_main.cc) fails the test that replays it.
//
// Any thread; it ends the process.
#ifndef FLOWCHECK_FUZZ_FINDING_H_
#define FLOWCHECK_FUZZ_FINDING_H_

#include <string_view>

namespace flowcheck::fuzz {

// Prints "flowcheck fuzz finding in <target>: <what>", then `details` and a
// replay line for //fuzz:<target>, to stderr, and aborts.
[[noreturn]] void ReportFinding(std::string_view target, std::string_view what,
                                std::string_view details);

}  // namespace flowcheck::fuzz

#endif  // FLOWCHECK_FUZZ_FINDING_H_
