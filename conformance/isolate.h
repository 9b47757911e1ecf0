// conformance/isolate.h: running one conformance case in a child process,
// bounded in time and memory, so that no flow under test can hang, kill or
// fake-pass the certifier.
//
// RunIsolated forks. The child runs the case body, sends its serialized
// result back through a pipe and leaves with _exit: it never returns into
// the caller's code, whatever the flow does (an exception escaping the body
// is caught and reported; so are std::terminate and a flow that calls
// exit()). The parent waits for the result and watches the child:
//  - a child that shows no progress for IsolationLimits::stall_limit (no
//    flow operation invoked or completed, see NoteProgress) is killed: a
//    flow that spins without ever yielding, or hangs in a system call;
//  - a child that runs longer than total_limit is killed, progress or not;
//  - a child that closes the pipe and then spins is still bounded (the
//    parent waits for the process, not the pipe);
//  - the child and anything it starts form one process group, killed
//    together; the child dies with the parent (PR_SET_PDEATHSIG), so
//    killing the certifier leaves nothing behind;
//  - the child's address space is limited to memory_bytes (RLIMIT_AS;
//    not under AddressSanitizer/ThreadSanitizer, whose shadow memory needs
//    terabytes of address space: there the limit is reported as off).
//
// Every way a child can end becomes one sentence a person understands
// ("killed by signal 11 (Segmentation fault) while in: A read()", "called
// exit(0) in the middle of the case, while in: ...", "killed after 15 s
// without progress ..."), never a pass.
//
// Threads: call RunIsolated from a single-threaded program (fork copies only
// the calling thread). Not reentrant.
#ifndef FLOWCHECK_CONFORMANCE_ISOLATE_H_
#define FLOWCHECK_CONFORMANCE_ISOLATE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "flow/runtime.h"

namespace flowcheck::conformance {

struct IsolationLimits {
  // Kill the child when it makes no progress for this long.
  Duration stall_limit = std::chrono::seconds(15);
  // Kill the child when it runs longer than this, progress or not.
  Duration total_limit = std::chrono::minutes(10);
  // The child's address-space limit in bytes (RLIMIT_AS); 0: none.
  std::uint64_t memory_bytes = std::uint64_t{4} << 30;
};

// Thrown by a case that cannot go on for a reason outside the flow under
// test (its world broke: a driver process died or broke its protocol).
// The case's CRASH line is the message alone, not "threw ...".
class CaseAbandoned : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How an isolated (or guarded, see RunGuarded) case ended.
struct CaseRun {
  // What the body returned, if it returned.
  std::optional<std::string> result;
  // Otherwise why not, in words (never empty then).
  std::string error;
};

// Runs `body` in a child process within `limits` and returns what it
// returned, or why it did not. Never throws for anything the body does;
// `error` also reports a failure to fork or to make a pipe.
CaseRun RunIsolated(const std::function<std::string()>& body,
                    const IsolationLimits& limits);

// Runs `body` in this process, turning an exception that escapes it into
// `error` ("threw std::runtime_error: ..."). For isolate = false: a crash or
// an exit() then still takes the whole process down.
CaseRun RunGuarded(const std::function<std::string()>& body);

// For code running inside a case: `what` is in progress now ("A read()",
// "program 7"). Inside an isolated child this resets the stall clock and is
// what a crash line names; elsewhere it costs a branch. `level` 0 is the
// case-level context (which program), 1 the operation within it.
void NoteProgress(int level, std::string_view what);

// Whether notes are wanted: true inside an isolated child. Callers that
// would build a string just to note it can ask first.
bool ProgressNotesWanted();

// Whether this build can limit a child's memory (false under ASan/TSan).
bool MemoryLimitSupported();

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_ISOLATE_H_
