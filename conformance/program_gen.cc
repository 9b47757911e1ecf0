#include "conformance/program_gen.h"

#include <utility>
#include <vector>

namespace flowcheck::conformance {

rc::Gen<std::uint32_t> GenWriteSize() {
  return rc::gen::weightedOneOf<std::uint32_t>({
      {70, rc::gen::inRange<std::uint32_t>(0, 64)},
      {20, rc::gen::inRange<std::uint32_t>(64, 8193)},
      {8, rc::gen::inRange<std::uint32_t>(8193, 65537)},
      {2, rc::gen::inRange<std::uint32_t>(65537, (1u << 20) + 1)},
  });
}

rc::Gen<ProgramOp> GenOp() {
  return rc::gen::weightedOneOf<ProgramOp>({
      {10, rc::gen::map(GenWriteSize(),
                        [](std::uint32_t size) {
                          return ProgramOp{ProgramOp::Kind::kWrite, {size}, 0};
                        })},
      {4, rc::gen::map(
              rc::gen::scale(5, rc::gen::container<std::vector<std::uint32_t>>(
                                    GenWriteSize())),
              [](std::vector<std::uint32_t> sizes) {
                return ProgramOp{ProgramOp::Kind::kWritev, std::move(sizes), 0};
              })},
      {2, rc::gen::map(rc::gen::inRange<std::uint32_t>(0, 2001),
                       [](std::uint32_t us) {
                         return ProgramOp{ProgramOp::Kind::kPause, {}, us};
                       })},
      {1, rc::gen::just(ProgramOp{ProgramOp::Kind::kClose, {}, 0})},
  });
}

rc::Gen<EndpointProgram> GenEndpointProgram() {
  return rc::gen::build<EndpointProgram>(
      rc::gen::set(
          &EndpointProgram::ops,
          rc::gen::scale(0.12,
                         rc::gen::container<std::vector<ProgramOp>>(GenOp()))),
      rc::gen::set(&EndpointProgram::readers,
                   rc::gen::weightedOneOf<int>(
                       {{3, rc::gen::just(1)}, {1, rc::gen::just(2)}})),
      rc::gen::set(&EndpointProgram::reads_after_eof, rc::gen::inRange(0, 3)));
}

rc::Gen<Program> GenProgram() {
  return rc::gen::build<Program>(
      rc::gen::set(&Program::seed, rc::gen::arbitrary<std::uint64_t>()),
      rc::gen::set(&Program::a, GenEndpointProgram()),
      rc::gen::set(&Program::b, GenEndpointProgram()));
}

Program SampleProgram(std::uint64_t seed, int size) {
  return GenProgram()(rc::Random(seed), size).value();
}

}  // namespace flowcheck::conformance
