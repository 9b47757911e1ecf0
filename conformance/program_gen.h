// conformance/program_gen.h: RapidCheck generators of property programs.
//
// Write sizes run from 0 bytes to 1 MiB, mostly small (70% under 64 bytes,
// 20% up to 8 KiB, 8% up to 64 KiB, 2% up to 1 MiB); writevs have 0 to 5
// parts; pauses up to 2 ms; a close somewhere (Program::Normalize adds one
// at the end if none was drawn); one or two readers per endpoint. Everything
// shrinks towards fewer, smaller operations.
#ifndef FLOWCHECK_CONFORMANCE_PROGRAM_GEN_H_
#define FLOWCHECK_CONFORMANCE_PROGRAM_GEN_H_

#include <rapidcheck.h>

#include "conformance/program.h"

namespace flowcheck::conformance {

rc::Gen<std::uint32_t> GenWriteSize();
rc::Gen<ProgramOp> GenOp();
rc::Gen<EndpointProgram> GenEndpointProgram();
rc::Gen<Program> GenProgram();

// The program GenProgram() draws from `seed` at RapidCheck size `size`
// (0..100; larger sizes give more and longer operations), outside any
// RapidCheck property: for loops over seeds in tests and tools. The same
// seed and size give the same program on every platform.
Program SampleProgram(std::uint64_t seed, int size = 100);

}  // namespace flowcheck::conformance

#endif  // FLOWCHECK_CONFORMANCE_PROGRAM_GEN_H_
