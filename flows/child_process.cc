#include "flows/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

namespace flowcheck::flows {
namespace {

std::string ErrnoText(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

std::variant<std::unique_ptr<ChildProcess>, std::string> ChildProcess::Start(
    const std::string& command, const std::string& working_directory) {
  std::unique_ptr<ChildProcess> child(new ChildProcess);
  int to_child[2];
  int from_child[2];
  if (::pipe2(to_child, O_CLOEXEC) != 0) return ErrnoText("pipe");
  if (::pipe2(from_child, O_CLOEXEC) != 0) {
    const std::string error = ErrnoText("pipe");
    ::close(to_child[0]);
    ::close(to_child[1]);
    return error;
  }
  const char* tmp = std::getenv("TMPDIR");
  std::string path =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
      "/flowcheck-child-stderr-XXXXXX";
  const int stderr_fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (stderr_fd < 0) {
    const std::string error = ErrnoText(("mkostemp " + path).c_str());
    for (int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) {
      ::close(fd);
    }
    return error;
  }
  // Unlinked at once: the child writes to it and the parent reads it
  // through descriptors, and nothing is left on disk whatever happens.
  ::unlink(path.c_str());
  const std::string script = "exec " + command;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const std::string error = ErrnoText("fork");
    for (int fd :
         {to_child[0], to_child[1], from_child[0], from_child[1], stderr_fd}) {
      ::close(fd);
    }
    return error;
  }
  if (pid == 0) {
    // The child: async-signal-safe calls only, then exec.
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent already died
    ::signal(SIGPIPE, SIG_DFL);
    if (::dup2(to_child[0], 0) < 0 || ::dup2(from_child[1], 1) < 0 ||
        ::dup2(stderr_fd, 2) < 0) {
      ::_exit(127);
    }
    ::close_range(3, ~0U, 0);
    if (!working_directory.empty() && ::chdir(working_directory.c_str()) != 0) {
      static const char kMessage[] = "flowcheck: cannot enter the directory\n";
      (void)!::write(2, kMessage, sizeof kMessage - 1);
      ::_exit(127);
    }
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Also from here, so the group exists before anyone signals it.
  ::setpgid(pid, pid);
  ::close(to_child[0]);
  ::close(from_child[1]);
  child->stderr_fd_ = stderr_fd;
  child->pid_ = pid;
  child->stdin_fd_ = to_child[1];
  child->stdout_fd_ = from_child[0];
  return child;
}

ChildProcess::~ChildProcess() {
  Kill();
  CloseFd(stdin_fd_);
  CloseFd(stdout_fd_);
  CloseFd(stderr_fd_);
}

int ChildProcess::ReleaseStdin() {
  const int fd = stdin_fd_;
  stdin_fd_ = -1;
  return fd;
}

int ChildProcess::ReleaseStdout() {
  const int fd = stdout_fd_;
  stdout_fd_ = -1;
  return fd;
}

void ChildProcess::CloseStdin() { CloseFd(stdin_fd_); }

bool ChildProcess::Exited() {
  if (wait_status_) return true;
  if (pid_ < 0) return false;
  int status = 0;
  const pid_t done = ::waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    wait_status_ = status;
    return true;
  }
  return false;
}

bool ChildProcess::WaitForExit(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!Exited()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

std::string ChildProcess::Status() const {
  if (!wait_status_) return "still running";
  const int status = *wait_status_;
  if (WIFEXITED(status)) {
    return "exited with status " + std::to_string(WEXITSTATUS(status));
  }
  if (WIFSIGNALED(status)) {
    const int signal_number = WTERMSIG(status);
    return "killed by signal " + std::to_string(signal_number) + " (" +
           strsignal(signal_number) + ")";
  }
  return "ended (wait status " + std::to_string(status) + ")";
}

void ChildProcess::Kill() {
  if (pid_ < 0) return;
  // The whole group, whether or not the leader is still there: what it
  // started must not outlive it.
  ::kill(-pid_, SIGKILL);
  if (!wait_status_) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    wait_status_ = status;
  }
}

std::string ChildProcess::StderrTail(std::size_t max_bytes) const {
  if (stderr_fd_ < 0) return "";
  struct stat info {};
  if (::fstat(stderr_fd_, &info) != 0 || info.st_size <= 0) return "";
  const auto size = static_cast<std::size_t>(info.st_size);
  const std::size_t from = size > max_bytes ? size - max_bytes : 0;
  std::string text(size - from, '\0');
  const ssize_t n =
      ::pread(stderr_fd_, text.data(), text.size(), static_cast<off_t>(from));
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return from > 0 ? "..." + text : text;
}

std::string ChildProcess::StderrLines(const std::string& indent,
                                      std::size_t max_lines) const {
  const std::string tail = StderrTail();
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < tail.size()) {
    std::size_t end = tail.find('\n', start);
    if (end == std::string::npos) end = tail.size();
    lines.push_back(tail.substr(start, end - start));
    start = end + 1;
  }
  std::string out;
  std::size_t first = 0;
  if (lines.size() > max_lines) {
    first = lines.size() - max_lines;
    out += indent + "(" + std::to_string(first) + " lines before these)\n";
  }
  for (std::size_t i = first; i < lines.size(); ++i) {
    out += indent + lines[i] + "\n";
  }
  return out;
}

std::string ChildProcess::StderrNote() const {
  std::string lines = StderrLines("    | ");
  if (lines.empty()) return " (it wrote nothing to stderr)";
  lines.pop_back();  // the last '\n'
  return "; its stderr ends:\n" + lines;
}

}  // namespace flowcheck::flows
