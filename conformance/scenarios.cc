#include "conformance/scenarios.h"

#include <memory>
#include <utility>

namespace flowcheck::conformance {
namespace {

using Kind = ProgramOp::Kind;

ProgramOp Write(std::uint32_t size) { return {Kind::kWrite, {size}, 0}; }
ProgramOp Writev(std::vector<std::uint32_t> sizes) {
  return {Kind::kWritev, std::move(sizes), 0};
}
ProgramOp Close() { return {Kind::kClose, {}, 0}; }
ProgramOp Pause(std::uint32_t us) { return {Kind::kPause, {}, us}; }
// Holds the half-close for the run's hold time (seconds in real time,
// minutes of virtual time), writing `bytes` after each quarter.
ProgramOp Hold(std::uint32_t bytes) { return {Kind::kHold, {bytes}, 0}; }

// A scenario that is just a program.
std::function<Execution(Subject&, std::uint64_t, const RunLimits&)> ProgramCase(
    Program program) {
  return
      [program](Subject& subject, std::uint64_t seed, const RunLimits& limit) {
        Program seeded = program;
        seeded.seed = seed;
        return RunProgram(subject, seeded, limit);
      };
}

// Reads until `count` bytes arrived (or Eof / an error).
Task<void> ReadBytes(Flow& flow, std::uint64_t count) {
  std::uint64_t got = 0;
  while (got < count) {
    ReadResult result = co_await flow.read();
    if (!result.is_data()) co_return;
    got += result.data().size();
  }
}

Task<void> ReadToEnd(Flow& flow) {
  // (Not `while ((co_await flow.read()).is_data())`: GCC 12 emits a trap
  // for co_await in a loop condition.)
  while (true) {
    ReadResult result = co_await flow.read();
    if (!result.is_data()) co_return;
  }
}

// W1 without a close: A writes three times; B reads until it has them all.
Execution DeliveredWithoutClose(Subject& subject, std::uint64_t seed,
                                const RunLimits& limit) {
  return RunRecorded(
      subject,
      [seed](Runtime& runtime, Flow& a, Flow& b, Subject&) {
        auto writer = [](std::uint64_t s, Flow& flow) -> Task<void> {
          std::uint64_t offset = 0;
          for (int i = 0; i < 3; ++i) {
            co_await flow.write(PatternBuffer(s, Side::kA, offset, 1000));
          }
        };
        runtime.spawn(writer(seed, a), "A-writer");
        runtime.spawn(ReadBytes(b, 3000), "B-reader");
      },
      limit);
}

// R1: B reads; nobody writes or closes. The read must stay pending.
Execution ReadPends(Subject& subject, std::uint64_t, const RunLimits& limit) {
  return RunRecorded(
      subject,
      [](Runtime& runtime, Flow&, Flow& b, Subject&) {
        runtime.spawn(ReadToEnd(b), "B-reader");
      },
      limit);
}

// X1: 1,000 round trips of one byte each, then both close.
Execution PingPong(Subject& subject, std::uint64_t seed,
                   const RunLimits& limit) {
  return RunRecorded(
      subject,
      [seed](Runtime& runtime, Flow& a, Flow& b, Subject&) {
        auto pinger = [](std::uint64_t s, Flow& flow) -> Task<void> {
          std::uint64_t offset = 0;
          for (int i = 0; i < 1000; ++i) {
            if (!(co_await flow.write(PatternBuffer(s, Side::kA, offset, 1)))
                     .is_ok()) {
              co_return;
            }
            if (!(co_await flow.read()).is_data()) co_return;
          }
          co_await flow.close();
          co_await ReadToEnd(flow);
        };
        auto ponger = [](std::uint64_t s, Flow& flow) -> Task<void> {
          std::uint64_t offset = 0;
          while (true) {
            ReadResult result = co_await flow.read();
            if (!result.is_data()) break;
            for (std::size_t i = 0; i < result.data().size(); ++i) {
              if (!(co_await flow.write(PatternBuffer(s, Side::kB, offset, 1)))
                       .is_ok()) {
                co_return;
              }
            }
          }
          co_await flow.close();
        };
        runtime.spawn(pinger(seed, a), "A-ping");
        runtime.spawn(ponger(seed, b), "B-pong");
      },
      limit);
}

// E1: a reset in the middle of a transfer; everything pending must fail.
Execution ResetMidTransfer(Subject& subject, std::uint64_t seed,
                           const RunLimits& limit) {
  return RunRecorded(
      subject,
      [seed](Runtime& runtime, Flow& a, Flow& b, Subject& world) {
        auto writer = [](std::uint64_t s, Flow& flow,
                         Subject& w) -> Task<void> {
          std::uint64_t offset = 0;
          // After the first failed write, three more: a broken connection
          // stays broken (E1), so they must fail too.
          int after_failure = -1;
          for (int i = 0; i < 20 && after_failure < 3; ++i) {
            if (i == 5) w.inject_reset();
            const bool ok =
                (co_await flow.write(PatternBuffer(s, Side::kA, offset, 4096)))
                    .is_ok();
            if (after_failure >= 0 || !ok) ++after_failure;
          }
          // No close: after the reset, nothing may pass for one (R6).
        };
        auto closer = [](Flow& flow) -> Task<void> {
          co_await ReadToEnd(flow);
          co_await flow.close();
        };
        runtime.spawn(writer(seed, a, world), "A-writer");
        runtime.spawn(closer(b), "B-reader-then-close");
        runtime.spawn(ReadToEnd(a), "A-reader");
      },
      limit);
}

Program Make(EndpointProgram a, EndpointProgram b) {
  Program program;
  program.a = std::move(a);
  program.b = std::move(b);
  return program;
}

std::vector<Scenario> Build() {
  std::vector<Scenario> all;
  auto add =
      [&all](std::string id, std::string story, std::vector<Clause> clauses,
             std::function<Execution(Subject&, std::uint64_t, const RunLimits&)>
                 run,
             bool needs_reset = false,
             Duration limit = std::chrono::seconds(10)) {
        all.push_back(Scenario{std::move(id), std::move(story),
                               std::move(clauses), needs_reset, limit,
                               std::move(run)});
      };
  add("R1.read-pends",
      "B reads while nobody writes or closes: the read stays pending",
      {Clause::kR1}, ReadPends, false, std::chrono::milliseconds(300));
  add("R2.zero-length-writes",
      "A writes 0 bytes, writevs of empty buffers, 5 bytes, 0 bytes: B never "
      "reads an "
      "empty Data",
      {Clause::kR2},
      ProgramCase(Make(
          {{Write(0), Writev({0, 0}), Write(5), Write(0), Writev({}), Close()}},
          {{Close()}})));
  {
    EndpointProgram a;
    for (int i = 0; i < 50; ++i) {
      a.ops.push_back(Write(1 + i * 37 % 200));
      if (i % 5 == 0) a.ops.push_back(Pause(200));
    }
    add("R3.fresh-buffers",
        "A writes 50 small messages; every buffer B read keeps its bytes to "
        "the end",
        {Clause::kR3}, ProgramCase(Make(a, {{Close()}, 2})));
  }
  {
    EndpointProgram a;
    for (std::uint32_t size :
         {1u, 65536u, 3u, 100000u, 7u, 262144u, 0u, 500000u, 13u, 1048576u}) {
      a.ops.push_back(Write(size));
    }
    add("R4.integrity-2MiB",
        "A writes 2 MiB in uneven pieces; B reads exactly those bytes in order",
        {Clause::kR4}, ProgramCase(Make(a, {{Close()}})));
  }
  add("R5.drain-before-eof",
      "A writes 4 MiB and closes at once; B reads all 4 MiB, and only then Eof",
      {Clause::kR5, Clause::kC1},
      ProgramCase(Make({{Write(1 << 20), Write(1 << 20), Write(1 << 20),
                         Write(1 << 20), Close()}},
                       {{Pause(20000), Close()}})));
  {
    // B is not reading when A closes: every byte is still in flight (in
    // the link or B's buffer) at the close, so an Eof that jumps the queue
    // shows even where the drain above outpaces the writer.
    EndpointProgram slow_reader{{Pause(200000), Close()}};
    slow_reader.read_pause_us = 50000;
    add("R5.eof-after-buffered-bytes",
        "A writes 100, 1 and 1000 bytes and closes while B is not reading; "
        "B then reads slowly: all 1101 bytes, and only then Eof",
        {Clause::kR5, Clause::kC1},
        ProgramCase(Make({{Write(100), Write(1), Write(1000), Close()}},
                         std::move(slow_reader))));
  }
  add("R6.eof-only-after-close",
      "A writes, pauses, writes, pauses, then closes; B sees Eof only after "
      "the close",
      {Clause::kR6},
      ProgramCase(
          Make({{Write(10), Pause(20000), Write(10), Pause(20000), Close()}},
               {{Close()}})));
  add("R7.eof-sticky", "after Eof, B reads three more times: Eof each time",
      {Clause::kR7},
      ProgramCase(Make({{Write(10), Close()}}, {{Close()}, 1, 3})));
  add("W1.delivered-without-close",
      "A writes 3 x 1000 bytes and never closes; B reads all 3000 bytes",
      {Clause::kW1}, DeliveredWithoutClose, false, std::chrono::seconds(5));
  add("W2.write-after-close",
      "A closes, then writes and writevs: each returns Closed", {Clause::kW2},
      ProgramCase(
          Make({{Close(), Write(10), Writev({1, 2}), Write(0)}}, {{Close()}})));
  {
    std::vector<std::uint32_t> parts;
    for (std::uint32_t i = 0; i < 100; ++i)
      parts.push_back(i % 3 == 1 ? 0 : i % 7 + 1);
    add("W3.writev-many-parts",
        "A writevs 100 small and empty buffers, an empty list, and one empty "
        "buffer",
        {Clause::kW3},
        ProgramCase(Make({{Writev(parts), Writev({}), Writev({0}),
                           Writev({4096, 1}), Close()}},
                         {{Close()}})));
  }
  add("W4.written-buffers-untouched",
      "A writes 20 buffers; none of them changes after it was handed over",
      {Clause::kW4},
      ProgramCase(Make({{Write(100), Write(2000), Writev({10, 20, 30}),
                         Write(65536), Close()}},
                       {{Close()}})));
  add("C1.close-flushes",
      "A writes 1 MiB in 256 KiB pieces and closes at once: all of it arrives",
      {Clause::kC1},
      ProgramCase(Make({{Write(262144), Write(262144), Write(262144),
                         Write(262144), Close()}},
                       {{Close()}})));
  add("C2.eof-after-close-and-drain",
      "A writes 10 bytes and closes; B reads them, then Eof", {Clause::kC2},
      ProgramCase(Make({{Write(10), Close()}}, {{Pause(10000), Close()}})));
  add("C3.half-close-request-response",
      "A sends a request and closes; B holds the half-close for seconds "
      "(minutes of virtual time), writing as it goes, then answers; A reads "
      "it all (a relay that tears the connection down after a close fails "
      "here)",
      {Clause::kC3},
      ProgramCase(Make({{Write(100), Close()}},
                       {{Hold(100), Write(1000), Writev({10, 10}), Close()}})));
  add("C4.close-waits-for-peer",
      "A closes; B stays idle for seconds (the hold time), then closes: A's "
      "close returns only after B's",
      {Clause::kC4}, ProgramCase(Make({{Close()}}, {{Hold(0), Close()}})));
  add("C5.both-closes-return",
      "both sides write and close at the same time: both closes return, reads "
      "see Eof",
      {Clause::kC5},
      ProgramCase(
          Make({{Write(100), Close()}, 2}, {{Write(100), Close()}, 2})));
  {
    EndpointProgram side;
    for (int i = 0; i < 16; ++i) side.ops.push_back(Write(65536));
    side.ops.push_back(Close());
    add("X1.full-duplex-bulk",
        "A and B each write 1 MiB at the same time while both read",
        {Clause::kX1}, ProgramCase(Make(side, side)));
  }
  add("X1.ping-pong", "1,000 round trips of one byte, then both close",
      {Clause::kX1}, PingPong, false, std::chrono::seconds(20));
  add("E1.reset-mid-transfer",
      "the connection is reset after A's 5th write, and A writes on past the "
      "first failure: every pending and later operation fails with a "
      "described error, none hangs, no fake Eof, no Ok once it failed",
      {Clause::kE1, Clause::kR6}, ResetMidTransfer, /*needs_reset=*/true);
  return all;
}

}  // namespace

const std::vector<Scenario>& AllScenarios() {
  static const std::vector<Scenario>* all = new std::vector<Scenario>(Build());
  return *all;
}

const Scenario* FindScenario(const std::string& id) {
  for (const Scenario& scenario : AllScenarios()) {
    if (scenario.id == id) return &scenario;
  }
  return nullptr;
}

}  // namespace flowcheck::conformance
