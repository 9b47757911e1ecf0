// flows/child_process.h: ChildProcess, a command started with /bin/sh in a
// process group of its own, with pipes to its stdin and stdout and its
// stderr kept in a file -- for driver processes and relays that a
// certification starts (docs/driver-protocol.md).
//
// Contract:
//  - Start() runs `/bin/sh -c 'exec COMMAND'` in a new process group whose
//    leader is the command; the command dies with the process that started
//    it (PR_SET_PDEATHSIG) and inherits no file descriptor but its three
//    standard ones.
//  - The destructor (and Kill()) kills the whole group with SIGKILL and
//    reaps the leader: nothing the command started outlives the
//    ChildProcess, and no zombie stays behind. Its stderr goes to a file
//    unlinked as soon as it is made, so nothing is left on disk even if
//    this process is killed.
//  - Not thread-safe; use from one thread.
#ifndef FLOWCHECK_FLOWS_CHILD_PROCESS_H_
#define FLOWCHECK_FLOWS_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace flowcheck::flows {

class ChildProcess {
 public:
  // Starts `command` in `working_directory` ("" : the current one). On
  // success the process runs with stdin and stdout connected to
  // stdin_fd() and stdout_fd() (owned by the ChildProcess, close-on-exec);
  // on failure (no pipes, fork failed) returns a sentence saying why. A
  // command that does not exist still starts: the shell then exits 127.
  static std::variant<std::unique_ptr<ChildProcess>, std::string> Start(
      const std::string& command, const std::string& working_directory = "");

  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // The write end of the child's stdin and the read end of its stdout; -1
  // once released or closed.
  int stdin_fd() const { return stdin_fd_; }
  int stdout_fd() const { return stdout_fd_; }
  // Hands the descriptor over to the caller (who closes it); -1 after.
  int ReleaseStdin();
  int ReleaseStdout();
  // Closes the child's stdin (it reads end of file).
  void CloseStdin();

  pid_t pid() const { return pid_; }

  // Whether the child has exited (reaps it if so); never blocks.
  bool Exited();
  // Waits up to `limit` for the child to exit by itself; true if it did.
  bool WaitForExit(std::chrono::milliseconds limit);
  // How the child ended, in words ("exited with status 3", "killed by
  // signal 9 (Killed)"), or "still running".
  std::string Status() const;

  // Kills the process group (SIGKILL) and reaps the leader. Idempotent.
  void Kill();

  // The last `max_bytes` of what the child wrote to stderr so far ("" if
  // nothing); a cut is marked with "...".
  std::string StderrTail(std::size_t max_bytes = 2000) const;
  // The same as lines, each starting with `indent` and ending in '\n', at
  // most `max_lines` of them (the cut marked by a line "(N lines before
  // these)"); "" if the child wrote nothing.
  std::string StderrLines(const std::string& indent,
                          std::size_t max_lines = 12) const;
  // For the end of an error sentence: "; its stderr ends:" and the lines
  // ("    | ..."), or " (it wrote nothing to stderr)".
  std::string StderrNote() const;

 private:
  ChildProcess() = default;

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;  // an unlinked file the child's stderr goes to
  std::optional<int> wait_status_;  // once reaped
};

}  // namespace flowcheck::flows

#endif  // FLOWCHECK_FLOWS_CHILD_PROCESS_H_
