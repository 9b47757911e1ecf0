// conformance/program_gen.h: RapidCheck generators of property programs,
// with swarm testing (Groce et al., "Swarm Testing", ISSTA 2012).
//
// Each program first draws which features are on (Features, each on with
// its own probability), then draws operations using only those, so rare
// combinations -- a close by another task while a 1 MiB writev is still
// pending and the peer's window is full -- occur in some programs instead of
// being averaged away in all. With every feature off a program is what the
// generator always made: writes of 0 bytes to 1 MiB, mostly small (70%
// under 64 bytes, 20% up to 8 KiB, 8% up to 64 KiB, 2% up to 1 MiB),
// writevs of 0 to 5 parts, pauses up to 2 ms, a close somewhere (Normalize
// adds one at the end if none was drawn), one or two readers per endpoint.
//
// Everything shrinks towards features off and fewer, smaller operations.
// Deterministic: the same RapidCheck seed and size give the same program on
// every platform.
#ifndef FLOWCHECK_CONFORMANCE_PROGRAM_GEN_H_
#define FLOWCHECK_CONFORMANCE_PROGRAM_GEN_H_

#include <rapidcheck.h>

#include <string>

#include "conformance/program.h"

namespace flowcheck::conformance {

// The swarm features one program has on. Each is off in the plain
// generator; see kFeatureRows in program_gen.cc for each one's probability.
struct Features {
  // A separate closer task per endpoint (its own pauses and closes), so a
  // close overlaps pending writes and reads of its own endpoint.
  bool closer_task = false;
  // Endpoints close two or three times, with writes, writevs and reads
  // after each close.
  bool double_close = false;
  // Writevs of 0 to 300 parts: runs of empty parts, empty first/last, 1-byte
  // and large parts anywhere; totals crossing 4 KiB, 64 KiB and 1 MiB.
  bool many_part_writevs = false;
  // Write sizes at powers of two and one either side (2^k - 1 .. 2^k + 1,
  // k up to 20).
  bool power_of_two_sizes = false;
  // Both endpoints write at least 256 KiB and read slowly, so both
  // windows fill while they close.
  bool backpressure = false;
  // Pauses of 0, microseconds, milliseconds and seconds (virtual time; a
  // real-time world caps them, RunLimits::real_pause_max).
  bool varied_pauses = false;
  // A reset of the connection somewhere (where the world can), after which
  // both endpoints keep writing and reading for a while.
  bool reset = false;
  // One endpoint closes early; the other holds the half-close for the
  // run's hold time (RunLimits), writing while it holds.
  bool long_half_close = false;

  // "closer_task double_close" (the features on), or "none".
  std::string ToString() const;
};

rc::Gen<Features> GenFeatures();
rc::Gen<std::uint32_t> GenWriteSize(const Features& features = {});
rc::Gen<ProgramOp> GenOp(const Features& features = {});
rc::Gen<EndpointProgram> GenEndpointProgram(const Features& features = {});
// Draws the features, then a program that uses them.
rc::Gen<Program> GenProgram();
// A program with exactly `features` on.
rc::Gen<Program> GenProgramWith(const Features& features);

// The program GenProgram() draws from `seed` at RapidCheck size `size`
// (0..100; larger sizes give more and longer operations), outside any
// RapidCheck property: for loops over seeds in tests and tools. The same
// seed and size give the same program on every platform.
Program SampleProgram(std::uint64_t seed, int size = 100);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_PROGRAM_GEN_H_
