// Certify against flows that break the certifier's process (segfault,
// abort, throw, spin, leak, exit(0), closing the result pipe then spinning):
// every case is isolated and bounded, each crash is a line in words naming
// the case and where it was, the clauses it targets say CRASH, the rest of
// the suite still runs, nothing passes, and no process is left behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <string>

#include "conformance/broken_flows.h"
#include "conformance/certify.h"
#include "conformance/isolate.h"
#include "conformance/report.h"
#include "conformance/sim_subject.h"

namespace flowcheck::conformance {
namespace {

bool NoChildLeft() {
  errno = 0;
  return waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD;
}

// What the crash line of each breakage must say.
std::string Expected(Breakage breakage) {
  switch (breakage) {
    case Breakage::kSegfault:
      return "killed by signal 11";
    case Breakage::kAbort:
      return "killed by signal 6";
    case Breakage::kThrow:
      return "threw std::runtime_error: the broken flow's read() threw";
    case Breakage::kSpin:
    case Breakage::kClosePipeThenSpin:
      return "without progress";
    case Breakage::kLeak:
      return "bad_alloc";
    case Breakage::kExit0:
      return "called exit(0) in the middle of the case";
  }
  return "?";
}

bool Spins(Breakage breakage) {
  return breakage == Breakage::kSpin ||
         breakage == Breakage::kClosePipeThenSpin;
}

class CertifyBrokenTest : public ::testing::TestWithParam<Breakage> {};

TEST_P(CertifyBrokenTest, EveryCaseCrashesInWordsAndNothingPasses) {
  const Breakage breakage = GetParam();
  if (breakage == Breakage::kLeak && !MemoryLimitSupported()) {
    GTEST_SKIP() << "no memory limit under sanitizers: a leak would take the "
                    "machine";
  }
  CertifyOptions options;
  options.programs = 3;
  options.shrink = false;
  options.watchdog = std::chrono::seconds(1);
  options.stall_grace = std::chrono::seconds(1);
  options.case_memory_bytes = std::uint64_t{1} << 30;
  options.only = {"programs", "R4.integrity-2MiB",
                  "C2.eof-after-close-and-drain"};
  // Spinning cases cost the stall limit each: observations only for the
  // others.
  if (!Spins(breakage)) options.only.push_back("observations");
  const Certificate certificate =
      Certify(Break(SimFlowUnderTest(/*shaped=*/false), breakage), options);
  const std::string table = RenderReport(certificate, ReportFormat::kTable);

  EXPECT_FALSE(certificate.passed()) << table;
  // The programs and the scenarios crashed (cases that read fewer than
  // three times -- some observations; C2 for a leak that needs two
  // leaking reads -- do not reach the breakage).
  ASSERT_GE(certificate.crashes.size(), 2u) << table;
  EXPECT_EQ(certificate.crashes[0].source, "programs (seed 1)");
  EXPECT_EQ(certificate.crashes[1].source, "R4.integrity-2MiB");
  for (const Crash& crash : certificate.crashes) {
    EXPECT_NE(crash.what.find(Expected(breakage)), std::string::npos)
        << crash.source << ": " << crash.what;
    // Where it was: the case and the operation.
    EXPECT_NE(crash.what.find("while in: "), std::string::npos) << crash.what;
    EXPECT_NE(crash.what.find("read()"), std::string::npos) << crash.what;
    EXPECT_FALSE(crash.replay.empty());
  }
  EXPECT_EQ(certificate.result(Clause::kR4).verdict, Verdict::kCrash) << table;
  if (breakage != Breakage::kLeak) {
    EXPECT_EQ(certificate.result(Clause::kC2).verdict, Verdict::kCrash)
        << table;
  }
  EXPECT_NE(table.find("CRASH"), std::string::npos);
  EXPECT_NE(table.find("RESULT: FAIL"), std::string::npos) << table;
  EXPECT_TRUE(NoChildLeft());
}

std::string BreakageTestName(const ::testing::TestParamInfo<Breakage>& info) {
  std::string name(BreakageName(info.param));
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllBreakages, CertifyBrokenTest,
                         ::testing::ValuesIn(AllBreakages()), BreakageTestName);

TEST(CertifyBrokenTest, WithoutIsolationAnExceptionIsStillACrashLine) {
  CertifyOptions options;
  options.isolate = false;
  options.only = {"R4.integrity-2MiB"};
  const Certificate certificate = Certify(
      Break(SimFlowUnderTest(/*shaped=*/false), Breakage::kThrow), options);
  ASSERT_EQ(certificate.crashes.size(), 1u);
  EXPECT_EQ(certificate.crashes[0].what,
            "threw std::runtime_error: the broken flow's read() threw");
  EXPECT_EQ(certificate.result(Clause::kR4).verdict, Verdict::kCrash);
}

}  // namespace
}  // namespace flowcheck::conformance
