// conformance/driver_subject.h: certifying a flow written in any language,
// through a driver process that speaks the driver protocol
// (docs/driver-protocol.md): `flowcheck certify --driver='python3 d.py'`.
//
// Per Subject (one test case, or one property program) flowcheck starts the
// driver command in a process group of its own, reads its hello, and sends
// `start`; the Subject's endpoints A and B are DriverFlows that send each
// read, write, writev and close as a request and complete when the driver
// answers -- so operations overlap exactly as they do in process. When the
// Subject is destroyed flowcheck sends `end`, closes the driver's stdin,
// and kills the whole process group: nothing the driver started outlives
// the case.
//
// A driver that breaks -- exits, crashes, writes a line that is not the
// protocol, a line longer than the limit, answers an op it was never sent or
// answers one twice, or does not answer its hello, start or end in time --
// breaks the world, not the flow: pending operations fail at once so the
// run ends, and Subject::world_failure names what happened, quoting the
// offending line and the tail of the driver's stderr; the case becomes a
// CRASH line. A driver that simply never answers an operation looks like a
// flow whose operation hangs, and is judged as one (the pending operations
// are listed as "driver op 7 (A read): no answer yet"). A failing case's
// counterexample shows what the driver wrote to stderr.
//
// Real time: the runtime is an AsioRuntime; evidence is bounded.
#ifndef FLOWCHECK_CONFORMANCE_DRIVER_SUBJECT_H_
#define FLOWCHECK_CONFORMANCE_DRIVER_SUBJECT_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <variant>

#include "conformance/subject.h"
#include "flow/runtime.h"

namespace flowcheck::conformance {

struct DriverOptions {
  // A shell command line (run as `/bin/sh -c 'exec COMMAND'`).
  std::string command;
  // Where it runs ("": the current directory).
  std::string working_directory;
  // How long the driver may take to say hello and to acknowledge a start
  // or an end.
  Duration reply_timeout = std::chrono::seconds(10);
  // The longest line the driver may write (a Data answer of 1 MiB is
  // about 1.4 MB of base64).
  std::size_t max_line_bytes = std::size_t{16} << 20;
};

// Starts the driver once to read its hello (its name, description and
// capabilities) and returns the FlowUnderTest that certifies it, named after
// the driver. On failure -- the command cannot start, exits, or does not
// say a valid hello within reply_timeout -- returns a sentence saying what
// went wrong, with the driver's stderr.
std::variant<FlowUnderTest, std::string> DriverFlowUnderTest(
    const DriverOptions& options);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_DRIVER_SUBJECT_H_
