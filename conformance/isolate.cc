#include "conformance/isolate.h"

#include <cxxabi.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <typeinfo>

#include "flow/sanitizers.h"

namespace flowcheck::conformance {
namespace {

// What a child shares with its parent: a page mapped before the fork.
struct SharedState {
  std::atomic<std::uint64_t> progress{0};
  std::atomic<int> exit_called{0};
  char context[160] = {};
  char doing[256] = {};
  char note[512] = {};  // std::terminate's reason, set just before abort
};

// Set in the child only.
SharedState* g_shared = nullptr;

void CopyText(char* to, std::size_t size, std::string_view text) {
  const std::size_t n = std::min(size - 1, text.size());
  std::memcpy(to, text.data(), n);
  to[n] = '\0';
}

std::string Demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> text(
      abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && text ? std::string(text.get()) : std::string(name);
}

// "threw std::runtime_error: boom", for the exception being handled.
std::string DescribeCurrentException() {
  const std::type_info* type = abi::__cxa_current_exception_type();
  const std::string name = type ? Demangle(type->name()) : "an exception";
  std::string out = "threw " + name;
  try {
    throw;
  } catch (const CaseAbandoned& e) {
    return e.what();
  } catch (const std::exception& e) {
    out += std::string(": ") + e.what();
  } catch (...) {
  }
  return out;
}

void OnExitInChild() {
  if (g_shared != nullptr) g_shared->exit_called.store(1);
}

void OnTerminateInChild() {
  std::string why = "std::terminate was called";
  if (std::current_exception()) {
    why +=
        " (an exception escaped where none may: " + DescribeCurrentException() +
        ")";
  }
  if (g_shared != nullptr) {
    CopyText(g_shared->note, sizeof g_shared->note, why);
  }
  std::abort();
}

std::string SignalText(int signal_number) {
  return "killed by signal " + std::to_string(signal_number) + " (" +
         strsignal(signal_number) + ")";
}

std::string Seconds(Duration duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s",
                std::chrono::duration<double>(duration).count());
  return text;
}

// " while in: program 7: A read()", from what the child last noted.
std::string Where(const SharedState& shared) {
  std::string context(shared.context,
                      strnlen(shared.context, sizeof shared.context));
  std::string doing(shared.doing, strnlen(shared.doing, sizeof shared.doing));
  if (context.empty() && doing.empty()) return "";
  std::string out = ", while in: " + context;
  if (!doing.empty()) out += (context.empty() ? "" : ": ") + doing;
  return out;
}

[[noreturn]] void RunChild(const std::function<std::string()>& body,
                           const IsolationLimits& limits, int out_fd,
                           pid_t parent) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(70);  // the parent is already gone
#ifndef FLOWCHECK_SANITIZED_MEMORY
  if (limits.memory_bytes > 0) {
    const rlimit limit{limits.memory_bytes, limits.memory_bytes};
    setrlimit(RLIMIT_AS, &limit);
  }
#else
  (void)limits;
#endif
#ifdef FLOWCHECK_SANITIZED_MEMORY
  // ASan/TSan turn a fatal signal into a report and exit(1), which would
  // read as "exited with status 1": let the signal kill the child, as in
  // other builds, so the crash line names it. (Their reports of memory
  // errors, which are not signals, still print.)
  for (int fatal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL}) signal(fatal, SIG_DFL);
#endif
  std::atexit(OnExitInChild);
  std::set_terminate(OnTerminateInChild);
  std::string frame;
  try {
    frame = "R" + body();
  } catch (const std::bad_alloc&) {
    frame = "E" + DescribeCurrentException();
    if (limits.memory_bytes > 0 && MemoryLimitSupported()) {
      frame += " (the case's memory limit is " +
               std::to_string(limits.memory_bytes >> 20) + " MiB)";
    }
  } catch (...) {
    frame = "E" + DescribeCurrentException();
  }
  std::size_t written = 0;
  while (written < frame.size()) {
    const ssize_t n =
        write(out_fd, frame.data() + written, frame.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) _exit(71);
    written += static_cast<std::size_t>(n);
  }
  close(out_fd);
  // Never return into the caller's code; flush what the case printed.
  std::fflush(nullptr);
  _exit(0);
}

}  // namespace

bool MemoryLimitSupported() {
#ifdef FLOWCHECK_SANITIZED_MEMORY
  return false;
#else
  return true;
#endif
}

bool ProgressNotesWanted() { return g_shared != nullptr; }

void NoteProgress(int level, std::string_view what) {
  SharedState* shared = g_shared;
  if (shared == nullptr) return;
  if (level == 0) {
    CopyText(shared->context, sizeof shared->context, what);
    shared->doing[0] = '\0';
  } else {
    CopyText(shared->doing, sizeof shared->doing, what);
  }
  shared->progress.fetch_add(1, std::memory_order_relaxed);
}

CaseRun RunGuarded(const std::function<std::string()>& body) {
  CaseRun run;
  try {
    run.result = body();
  } catch (...) {
    run.error = DescribeCurrentException();
  }
  return run;
}

CaseRun RunIsolated(const std::function<std::string()>& body,
                    const IsolationLimits& limits) {
  CaseRun run;
  void* page = mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) {
    run.error =
        std::string("cannot isolate the case: mmap: ") + strerror(errno);
    return run;
  }
  SharedState* shared = new (page) SharedState();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    run.error =
        std::string("cannot isolate the case: pipe: ") + strerror(errno);
    munmap(page, sizeof(SharedState));
    return run;
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) {
    run.error =
        std::string("cannot isolate the case: fork: ") + strerror(errno);
    close(fds[0]);
    close(fds[1]);
    munmap(page, sizeof(SharedState));
    return run;
  }
  if (child == 0) {
    close(fds[0]);
    g_shared = shared;
    RunChild(body, limits, fds[1], parent);
  }
  close(fds[1]);
  setpgid(child, child);  // also done by the child; whichever runs first

  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  Clock::time_point last_progress = start;
  std::uint64_t progress_seen = 0;
  std::string text;
  bool pipe_open = true;
  unsigned idle_sleep_us = 50;
  int status = 0;
  bool reaped = false;
  std::string killed_because;
  while (true) {
    if (pipe_open) {
      pollfd watch{fds[0], POLLIN, 0};
      const int ready = poll(&watch, 1, 100);
      if (ready > 0) {
        char chunk[65536];
        const ssize_t n = read(fds[0], chunk, sizeof chunk);
        if (n > 0) {
          text.append(chunk, static_cast<std::size_t>(n));
        } else if (n == 0 || errno != EINTR) {
          pipe_open = false;
        }
      }
    } else {
      // The child closed its pipe and is about to exit: look again soon,
      // backing off to 20 ms (a fixed 20 ms here cost a sweep a third of
      // its time: most children exit within microseconds of closing).
      usleep(idle_sleep_us);
      idle_sleep_us = std::min(idle_sleep_us * 2, 20000u);
    }
    const pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) {
      reaped = true;
      break;
    }
    const Clock::time_point now = Clock::now();
    const std::uint64_t progress = shared->progress.load();
    if (progress != progress_seen) {
      progress_seen = progress;
      last_progress = now;
    }
    if (now - last_progress > limits.stall_limit) {
      killed_because = "killed after " + Seconds(now - last_progress) +
                       " without progress (no flow operation invoked or "
                       "completed: a flow that never yields, or hangs)";
    } else if (now - start > limits.total_limit) {
      killed_because = "did not finish within " + Seconds(limits.total_limit) +
                       " and was killed";
    }
    if (!killed_because.empty()) {
      kill(-child, SIGKILL);
      kill(child, SIGKILL);
      break;
    }
  }
  if (!reaped) {
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
  }
  // Whatever the child started dies with it.
  kill(-child, SIGKILL);
  // What is left in the pipe (the writer is gone, unless a grandchild
  // holds it: then give up after a moment).
  while (pipe_open) {
    pollfd watch{fds[0], POLLIN, 0};
    if (poll(&watch, 1, 1000) <= 0) break;
    char chunk[65536];
    const ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n > 0) {
      text.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);

  const std::string where = Where(*shared);
  const std::string note(shared->note,
                         strnlen(shared->note, sizeof shared->note));
  const bool exit_called = shared->exit_called.load() != 0;
  shared->~SharedState();
  munmap(page, sizeof(SharedState));

  if (!killed_because.empty()) {
    run.error = killed_because + where;
  } else if (WIFSIGNALED(status)) {
    run.error = SignalText(WTERMSIG(status)) + where;
    if (!note.empty()) run.error += " (" + note + ")";
  } else if (!text.empty() && text[0] == 'R' && WIFEXITED(status) &&
             WEXITSTATUS(status) == 0) {
    run.result = text.substr(1);
  } else if (!text.empty() && text[0] == 'E') {
    run.error = text.substr(1) + where;
  } else if (exit_called && WIFEXITED(status)) {
    run.error = "called exit(" + std::to_string(WEXITSTATUS(status)) +
                ") in the middle of the case" + where;
  } else if (WIFEXITED(status)) {
    run.error = "exited with status " + std::to_string(WEXITSTATUS(status)) +
                " without sending a result (_exit or quick_exit in the flow?)" +
                where;
  } else {
    run.error = "ended without sending a result" + where;
  }
  return run;
}

}  // namespace flowcheck::conformance
