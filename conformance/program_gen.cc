#include "conformance/program_gen.h"

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

namespace flowcheck::conformance {
namespace {

using Kind = ProgramOp::Kind;

// On with probability 1/`one_in`; shrinks to off.
rc::Gen<bool> OneIn(int one_in) {
  return rc::gen::weightedElement<bool>({{one_in - 1, false}, {1, true}});
}

ProgramOp Close(ProgramOp::Actor actor = ProgramOp::Actor::kWriter) {
  ProgramOp op{Kind::kClose, {}, 0};
  op.actor = actor;
  return op;
}

ProgramOp Pause(std::uint32_t us, ProgramOp::Actor actor) {
  ProgramOp op{Kind::kPause, {}, us};
  op.actor = actor;
  return op;
}

// 2^k - 1, 2^k or 2^k + 1 for k in 0..20.
rc::Gen<std::uint32_t> GenPowerOfTwoSize() {
  // Full size: the operation lists scale sizes down, which would keep k
  // small.
  return rc::gen::resize(
      100,
      rc::gen::map(
          rc::gen::pair(rc::gen::inRange(0, 21), rc::gen::inRange(-1, 2)),
          [](std::pair<int, int> power) {
            const std::int64_t size =
                (std::int64_t{1} << power.first) + power.second;
            return static_cast<std::uint32_t>(std::max<std::int64_t>(0, size));
          }));
}

rc::Gen<std::uint32_t> GenPauseUs(const Features& features) {
  if (!features.varied_pauses) return rc::gen::inRange<std::uint32_t>(0, 2001);
  return rc::gen::weightedOneOf<std::uint32_t>({
      {1, rc::gen::just<std::uint32_t>(0)},
      {2, rc::gen::inRange<std::uint32_t>(1, 1000)},
      {2, rc::gen::inRange<std::uint32_t>(1000, 1000000)},
      {1, rc::gen::map(rc::gen::inRange<std::uint32_t>(1, 11),
                       [](std::uint32_t s) { return s * 1000000; })},
  });
}

// A part of a many-part writev: mostly empty or tiny, some large.
rc::Gen<std::uint32_t> GenPartSize() {
  return rc::gen::weightedOneOf<std::uint32_t>({
      {4, rc::gen::just<std::uint32_t>(0)},
      {3, rc::gen::just<std::uint32_t>(1)},
      {3, rc::gen::inRange<std::uint32_t>(2, 65)},
      {1, rc::gen::inRange<std::uint32_t>(4096, 65537)},
  });
}

rc::Gen<std::vector<std::uint32_t>> GenWritevParts(const Features& features) {
  auto few = rc::gen::mapcat(
      rc::gen::inRange<std::size_t>(0, 6), [features](std::size_t n) {
        return rc::gen::container<std::vector<std::uint32_t>>(
            n, GenWriteSize(features));
      });
  if (!features.many_part_writevs) return few;
  // 0..300 parts, mostly empty or 1 byte: runs of empties anywhere.
  auto many =
      rc::gen::mapcat(rc::gen::inRange<std::size_t>(0, 301), [](std::size_t n) {
        return rc::gen::container<std::vector<std::uint32_t>>(n, GenPartSize());
      });
  // A few parts of 128..512 KiB among empties: totals around 1 MiB.
  auto huge =
      rc::gen::mapcat(rc::gen::inRange<std::size_t>(4, 9), [](std::size_t n) {
        return rc::gen::container<std::vector<std::uint32_t>>(
            n, rc::gen::weightedOneOf<std::uint32_t>({
                   {1, rc::gen::just<std::uint32_t>(0)},
                   {1, rc::gen::just<std::uint32_t>(1)},
                   {3, rc::gen::inRange<std::uint32_t>(128 << 10,
                                                       (512 << 10) + 1)},
               }));
      });
  // Full size (see GenPowerOfTwoSize) for the part counts and sizes.
  return rc::gen::weightedOneOf<std::vector<std::uint32_t>>(
      {{2, few},
       {3, rc::gen::resize(100, many)},
       {2, rc::gen::resize(100, huge)}});
}

// The closer task's operations: a pause and a close (twice with
// double_close), or none.
rc::Gen<std::vector<ProgramOp>> GenCloserOps(const Features& features) {
  if (!features.closer_task) {
    return rc::gen::just(std::vector<ProgramOp>());
  }
  const bool twice = features.double_close;
  return rc::gen::map(
      rc::gen::pair(GenPauseUs(features), GenPauseUs(features)),
      [twice](std::pair<std::uint32_t, std::uint32_t> pauses) {
        const auto actor = ProgramOp::Actor::kCloser;
        std::vector<ProgramOp> ops = {Pause(pauses.first, actor), Close(actor)};
        if (twice) {
          ops.push_back(Pause(pauses.second, actor));
          ops.push_back(Close(actor));
        }
        return ops;
      });
}

// What the generator draws per endpoint beyond GenEndpointProgram.
struct Extras {
  std::vector<ProgramOp> closer_ops;
  std::uint32_t big_write = 0;  // backpressure: written first
  std::uint32_t hold_bytes = 0;
};

rc::Gen<Extras> GenExtras(const Features& features) {
  return rc::gen::build<Extras>(
      rc::gen::set(&Extras::closer_ops, GenCloserOps(features)),
      rc::gen::set(&Extras::big_write, features.backpressure
                                           ? rc::gen::inRange<std::uint32_t>(
                                                 256 << 10, (1 << 20) + 1)
                                           : rc::gen::just<std::uint32_t>(0)),
      rc::gen::set(&Extras::hold_bytes,
                   rc::gen::inRange<std::uint32_t>(1, 513)));
}

struct FeatureRow {
  bool Features::*field;
  const char* name;
  int one_in;  // on in 1 of this many programs
};

// One row per feature: its name and how often it is on.
constexpr FeatureRow kFeatureRows[] = {
    {&Features::closer_task, "closer_task", 2},
    {&Features::double_close, "double_close", 3},
    {&Features::many_part_writevs, "many_part_writevs", 3},
    {&Features::power_of_two_sizes, "power_of_two_sizes", 3},
    {&Features::backpressure, "backpressure", 4},
    {&Features::varied_pauses, "varied_pauses", 3},
    {&Features::reset, "reset", 4},
    {&Features::long_half_close, "long_half_close", 6},
};

}  // namespace

std::string Features::ToString() const {
  std::string out;
  for (const FeatureRow& row : kFeatureRows) {
    if (!(this->*row.field)) continue;
    if (!out.empty()) out += ' ';
    out += row.name;
  }
  return out.empty() ? "none" : out;
}

rc::Gen<Features> GenFeatures() {
  auto on = [](bool Features::*field) {
    for (const FeatureRow& row : kFeatureRows) {
      if (row.field == field) return rc::gen::set(field, OneIn(row.one_in));
    }
    return rc::gen::set(field, rc::gen::just(false));
  };
  return rc::gen::build<Features>(
      on(&Features::closer_task), on(&Features::double_close),
      on(&Features::many_part_writevs), on(&Features::power_of_two_sizes),
      on(&Features::backpressure), on(&Features::varied_pauses),
      on(&Features::reset), on(&Features::long_half_close));
}

rc::Gen<std::uint32_t> GenWriteSize(const Features& features) {
  auto plain = rc::gen::weightedOneOf<std::uint32_t>({
      {70, rc::gen::inRange<std::uint32_t>(0, 64)},
      {20, rc::gen::inRange<std::uint32_t>(64, 8193)},
      {8, rc::gen::inRange<std::uint32_t>(8193, 65537)},
      {2, rc::gen::inRange<std::uint32_t>(65537, (1u << 20) + 1)},
  });
  if (!features.power_of_two_sizes) return plain;
  return rc::gen::weightedOneOf<std::uint32_t>(
      {{1, plain}, {1, GenPowerOfTwoSize()}});
}

rc::Gen<ProgramOp> GenOp(const Features& features) {
  auto write = rc::gen::map(GenWriteSize(features), [](std::uint32_t size) {
    return ProgramOp{Kind::kWrite, {size}, 0};
  });
  auto writev = rc::gen::map(
      GenWritevParts(features), [](std::vector<std::uint32_t> sizes) {
        return ProgramOp{Kind::kWritev, std::move(sizes), 0};
      });
  auto pause = rc::gen::map(GenPauseUs(features), [](std::uint32_t us) {
    return ProgramOp{Kind::kPause, {}, us};
  });
  const std::size_t writevs = features.many_part_writevs ? 6 : 4;
  const std::size_t pauses = features.varied_pauses ? 4 : 2;
  const std::size_t closes = features.double_close ? 3 : 1;
  if (!features.reset) {
    return rc::gen::weightedOneOf<ProgramOp>(
        {{10, write},
         {writevs, writev},
         {pauses, pause},
         {closes, rc::gen::just(Close())}});
  }
  return rc::gen::weightedOneOf<ProgramOp>(
      {{10, write},
       {writevs, writev},
       {pauses, pause},
       {closes, rc::gen::just(Close())},
       {3, rc::gen::just(ProgramOp{Kind::kReset, {}, 0})}});
}

rc::Gen<EndpointProgram> GenEndpointProgram(const Features& features) {
  return rc::gen::build<EndpointProgram>(
      rc::gen::set(
          &EndpointProgram::ops,
          rc::gen::scale(0.12, rc::gen::container<std::vector<ProgramOp>>(
                                   GenOp(features)))),
      rc::gen::set(&EndpointProgram::readers,
                   rc::gen::weightedOneOf<int>(
                       {{3, rc::gen::just(1)}, {1, rc::gen::just(2)}})),
      rc::gen::set(&EndpointProgram::reads_after_eof, rc::gen::inRange(0, 3)),
      rc::gen::set(&EndpointProgram::reads_after_error,
                   features.reset ? rc::gen::inRange(1, 6) : rc::gen::just(0)),
      rc::gen::set(&EndpointProgram::read_pause_us,
                   features.backpressure
                       ? rc::gen::inRange<std::uint32_t>(100, 3001)
                       : rc::gen::just<std::uint32_t>(0)));
}

rc::Gen<Program> GenProgramWith(const Features& drawn) {
  Features features = drawn;
  // Both windows full "while either side closes": a close by a task that
  // is not blocked in the big write.
  if (features.backpressure) features.closer_task = true;
  return rc::gen::map(
      rc::gen::tuple(rc::gen::arbitrary<std::uint64_t>(),
                     GenEndpointProgram(features), GenEndpointProgram(features),
                     GenExtras(features), GenExtras(features),
                     rc::gen::arbitrary<bool>()),
      [features](std::tuple<std::uint64_t, EndpointProgram, EndpointProgram,
                            Extras, Extras, bool>
                     drawn_parts) {
        auto& [seed, a, b, extras_a, extras_b, b_holds] = drawn_parts;
        Program program;
        program.seed = seed;
        program.a = std::move(a);
        program.b = std::move(b);
        for (Side side : {Side::kA, Side::kB}) {
          EndpointProgram& endpoint = side == Side::kA ? program.a : program.b;
          const Extras& extras = side == Side::kA ? extras_a : extras_b;
          if (extras.big_write > 0) {
            endpoint.ops.insert(endpoint.ops.begin(),
                                ProgramOp{Kind::kWrite, {extras.big_write}, 0});
          }
          if (features.long_half_close) {
            const bool holds = (side == Side::kB) == b_holds;
            if (holds) {
              // No close before the hold: it holds a half-close, not a
              // full one.
              std::erase_if(endpoint.ops, [](const ProgramOp& op) {
                return op.kind == Kind::kClose;
              });
              endpoint.ops.push_back(
                  ProgramOp{Kind::kHold, {extras.hold_bytes}, 0});
              endpoint.ops.push_back(Close());
            } else {
              endpoint.ops.insert(
                  endpoint.ops.begin() +
                      std::min<std::size_t>(1, endpoint.ops.size()),
                  Close());
            }
          }
          endpoint.ops.insert(endpoint.ops.end(), extras.closer_ops.begin(),
                              extras.closer_ops.end());
        }
        return program;
      });
}

rc::Gen<Program> GenProgram() {
  return rc::gen::mapcat(GenFeatures(), GenProgramWith);
}

Program SampleProgram(std::uint64_t seed, int size) {
  return GenProgram()(rc::Random(seed), size).value();
}

}  // namespace flowcheck::conformance
