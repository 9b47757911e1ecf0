// RunIsolated against everything a broken case can do: each ends as one
// sentence in `error`, never as a result, within its bounds, and no process
// is left behind.
#include "conformance/isolate.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowcheck::conformance {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

IsolationLimits Short() {
  IsolationLimits limits;
  limits.stall_limit = milliseconds(500);
  limits.total_limit = seconds(20);
  limits.memory_bytes = std::uint64_t{512} << 20;
  return limits;
}

// Whether this process has no child left (alive or unreaped).
bool NoChildLeft() {
  errno = 0;
  return waitpid(-1, nullptr, WNOHANG) < 0 && errno == ECHILD;
}

void Spin() {
  volatile std::uint64_t x = 0;
  while (true) x = x + 1;
}

TEST(IsolateTest, AResultComesBack) {
  const CaseRun run = RunIsolated([] { return std::string("hello"); }, Short());
  ASSERT_TRUE(run.result.has_value()) << run.error;
  EXPECT_EQ(*run.result, "hello");
  EXPECT_TRUE(NoChildLeft());
}

TEST(IsolateTest, ASegfaultIsNamedWithWhereItWas) {
  const CaseRun run = RunIsolated(
      [] {
        NoteProgress(0, "scenario R4.integrity");
        NoteProgress(1, "A read()");
        raise(SIGSEGV);
        return std::string("unreachable");
      },
      Short());
  EXPECT_FALSE(run.result.has_value());
  EXPECT_NE(run.error.find("killed by signal 11"), std::string::npos)
      << run.error;
  EXPECT_NE(run.error.find("while in: scenario R4.integrity: A read()"),
            std::string::npos)
      << run.error;
  EXPECT_TRUE(NoChildLeft());
}

TEST(IsolateTest, AnAbortIsNamed) {
  const CaseRun run =
      RunIsolated([]() -> std::string { std::abort(); }, Short());
  EXPECT_NE(run.error.find("signal 6"), std::string::npos) << run.error;
}

TEST(IsolateTest, AnExceptionIsNamedWithItsTypeAndWhat) {
  const CaseRun run = RunIsolated(
      []() -> std::string { throw std::runtime_error("the flow broke"); },
      Short());
  EXPECT_EQ(run.error.rfind("threw std::runtime_error: the flow broke", 0), 0u)
      << run.error;
  EXPECT_TRUE(NoChildLeft());
}

TEST(IsolateTest, AnExitIsACrashNeverAPass) {
  const CaseRun run = RunIsolated(
      []() -> std::string {
        NoteProgress(1, "B write(10 bytes)");
        std::exit(0);
      },
      Short());
  EXPECT_FALSE(run.result.has_value());
  EXPECT_NE(run.error.find("called exit(0) in the middle of the case"),
            std::string::npos)
      << run.error;
  EXPECT_NE(run.error.find("B write(10 bytes)"), std::string::npos)
      << run.error;
}

TEST(IsolateTest, AQuickExitIsACrashToo) {
  const CaseRun run = RunIsolated([]() -> std::string { _exit(0); }, Short());
  EXPECT_FALSE(run.result.has_value());
  EXPECT_NE(run.error.find("exited with status 0 without sending a result"),
            std::string::npos)
      << run.error;
}

TEST(IsolateTest, ASpinWithoutProgressIsKilled) {
  const auto start = std::chrono::steady_clock::now();
  const CaseRun run = RunIsolated(
      []() -> std::string {
        NoteProgress(1, "A read()");
        Spin();
        return "";
      },
      Short());
  EXPECT_NE(run.error.find("without progress"), std::string::npos) << run.error;
  EXPECT_NE(run.error.find("A read()"), std::string::npos) << run.error;
  // A generous watchdog only: the bound is 0.5 s of no progress.
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(15));
  EXPECT_TRUE(NoChildLeft());
}

TEST(IsolateTest, ClosingTheResultPipeThenSpinningIsStillBounded) {
  const CaseRun run = RunIsolated(
      []() -> std::string {
        for (int fd = 3; fd < 1024; ++fd) close(fd);
        Spin();
        return "";
      },
      Short());
  EXPECT_NE(run.error.find("without progress"), std::string::npos) << run.error;
  EXPECT_TRUE(NoChildLeft());
}

TEST(IsolateTest, ProgressKeepsAChildAliveUntilTheTotalLimit) {
  IsolationLimits limits = Short();
  limits.total_limit = seconds(2);
  const CaseRun run = RunIsolated(
      []() -> std::string {
        for (std::uint64_t i = 0;; ++i) {
          NoteProgress(1, "A write(1 bytes)");
          usleep(1000);
        }
      },
      limits);
  EXPECT_NE(run.error.find("did not finish within 2.0 s"), std::string::npos)
      << run.error;
}

TEST(IsolateTest, ALeakIsStoppedByTheMemoryLimit) {
  if (!MemoryLimitSupported()) GTEST_SKIP() << "no RLIMIT_AS under sanitizers";
  const CaseRun run = RunIsolated(
      []() -> std::string {
        std::vector<std::vector<char>> leak;
        while (true) {
          leak.emplace_back(std::size_t{16} << 20, 'x');
          NoteProgress(1, "A write(16 MiB)");
        }
      },
      Short());
  EXPECT_NE(run.error.find("threw std::bad_alloc"), std::string::npos)
      << run.error;
  EXPECT_NE(run.error.find("memory limit is 512 MiB"), std::string::npos)
      << run.error;
}

TEST(IsolateTest, GrandchildrenDieWithTheCase) {
  const CaseRun run = RunIsolated(
      []() -> std::string {
        if (fork() == 0) Spin();  // a flow that starts a helper process
        Spin();
        return "";
      },
      Short());
  EXPECT_NE(run.error.find("without progress"), std::string::npos);
  EXPECT_TRUE(NoChildLeft());
}

TEST(IsolateTest, GuardedCatchesExceptionsInProcess) {
  const CaseRun run =
      RunGuarded([]() -> std::string { throw std::logic_error("bad state"); });
  EXPECT_EQ(run.error, "threw std::logic_error: bad state");
  EXPECT_EQ(RunGuarded([] { return std::string("ok"); }).result, "ok");
}

}  // namespace
}  // namespace flowcheck::conformance
