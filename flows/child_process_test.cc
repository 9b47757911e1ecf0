// ChildProcess: the command's stdin/stdout pipes and stderr, its status in
// words, and that killing it kills everything it started and leaves no
// file behind.
#include "flows/child_process.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

namespace flowcheck::flows {
namespace {

std::unique_ptr<ChildProcess> Start(const std::string& command) {
  auto started = ChildProcess::Start(command);
  if (auto* error = std::get_if<std::string>(&started)) {
    ADD_FAILURE() << *error;
    return nullptr;
  }
  return std::move(std::get<0>(started));
}

// Files in $TMPDIR (or /tmp) whose name starts with "flowcheck-child".
int LeftoverFiles() {
  const char* tmp = std::getenv("TMPDIR");
  DIR* dir = opendir(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
  if (dir == nullptr) return -1;
  int count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (std::string(entry->d_name).rfind("flowcheck-child", 0) == 0) ++count;
  }
  closedir(dir);
  return count;
}

TEST(ChildProcess, PipesStderrAndStatus) {
  // COMMAND runs as `exec COMMAND`: a sequence goes through its own sh.
  auto child =
      Start("sh -c 'read line; echo \"got $line\"; echo oops >&2; exit 3'");
  ASSERT_NE(child, nullptr);
  ASSERT_EQ(::write(child->stdin_fd(), "hello\n", 6), 6);
  char buffer[64] = {};
  std::string out;
  while (out.find('\n') == std::string::npos) {
    const ssize_t n = ::read(child->stdout_fd(), buffer, sizeof buffer);
    ASSERT_GT(n, 0);
    out.append(buffer, static_cast<std::size_t>(n));
  }
  EXPECT_EQ(out, "got hello\n");
  ASSERT_TRUE(child->WaitForExit(std::chrono::seconds(10)));
  EXPECT_EQ(child->Status(), "exited with status 3");
  EXPECT_EQ(child->StderrTail(), "oops\n");
  EXPECT_EQ(child->StderrTail(3), "...ps\n");
}

TEST(ChildProcess, KillTakesTheWholeGroupAndLeavesNoFile) {
  const int files_before = LeftoverFiles();
  pid_t grandchild = -1;
  {
    auto child = Start("sh -c 'sleep 300 & echo $!; wait'");
    ASSERT_NE(child, nullptr);
    char buffer[32] = {};
    const ssize_t n = ::read(child->stdout_fd(), buffer, sizeof buffer - 1);
    ASSERT_GT(n, 0);
    grandchild = static_cast<pid_t>(std::atoi(buffer));
    ASSERT_GT(grandchild, 0);
    EXPECT_FALSE(child->Exited());
    EXPECT_EQ(child->Status(), "still running");
    child->Kill();
    EXPECT_EQ(child->Status(), "killed by signal 9 (Killed)");
  }
  // The grandchild got SIGKILL with the group: gone, or a zombie until
  // whoever adopted it reaps it.
  const auto dead = [grandchild] {
    if (::kill(grandchild, 0) != 0 && errno == ESRCH) return true;
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string pid, name, state;
    stat >> pid >> name >> state;
    return state == "Z";  // killed, not reaped yet
  };
  bool gone = false;
  for (int i = 0; i < 500 && !gone; ++i) {
    gone = dead();
    if (!gone) usleep(10000);
  }
  EXPECT_TRUE(gone) << "pid " << grandchild << " survived";
  EXPECT_EQ(LeftoverFiles(), files_before);
}

TEST(ChildProcess, AMissingCommandExits127) {
  auto child = Start("no-such-command-anywhere");
  ASSERT_NE(child, nullptr);
  ASSERT_TRUE(child->WaitForExit(std::chrono::seconds(10)));
  EXPECT_EQ(child->Status(), "exited with status 127");
  EXPECT_NE(child->StderrTail().find("not found"), std::string::npos)
      << child->StderrTail();
}

}  // namespace
}  // namespace flowcheck::flows
