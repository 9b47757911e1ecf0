// fuzz/write_seed_corpora.cc: writes the checked-in seed corpora of the fuzz
// targets from readable cases, so every seed file says what it is.
//
//   bazel run //fuzz:write_seed_corpora [-- CORPUS_ROOT]
//
// CORPUS_ROOT defaults to fuzz/corpus in the workspace `bazel run` was
// called from. For each target it (re)writes the files named seed-*
// under CORPUS_ROOT/<target>/ and leaves every other file alone (the
// regression-* inputs of past findings, and anything a fuzzer added).
// Output is deterministic: running it twice changes nothing.
//
// Exit status 0 on success, 1 if a file cannot be written.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/program.h"
#include "flow/check.h"
#include "fuzz/flow_case.h"
#include "fuzz/fuzz_input.h"
#include "sim/fault_plan_text.h"
#include "sim/random.h"

namespace {

namespace fs = std::filesystem;
using flowcheck::conformance::EndpointProgram;
using flowcheck::conformance::ProgramOp;
using flowcheck::fuzz::FlowCase;
using flowcheck::fuzz::FuzzOutput;
using flowcheck::fuzz::PlanSource;

bool WriteFile(const fs::path& path, std::string_view bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  file.close();
  if (!file) {
    std::fprintf(stderr, "write_seed_corpora: cannot write %s\n", path.c_str());
    return false;
  }
  std::printf("wrote %s (%zu bytes)\n", path.c_str(), bytes.size());
  return true;
}

bool WriteBytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  return WriteFile(path,
                   std::string_view(reinterpret_cast<const char*>(bytes.data()),
                                    bytes.size()));
}

ProgramOp Write(std::uint32_t size) {
  return {ProgramOp::Kind::kWrite, {size}, 0};
}
ProgramOp Writev(std::vector<std::uint32_t> sizes) {
  return {ProgramOp::Kind::kWritev, std::move(sizes), 0};
}
ProgramOp Close() { return {ProgramOp::Kind::kClose, {}, 0}; }
ProgramOp Pause(std::uint32_t us) { return {ProgramOp::Kind::kPause, {}, us}; }
ProgramOp Reset() { return {ProgramOp::Kind::kReset, {}, 0}; }

EndpointProgram Endpoint(std::vector<ProgramOp> ops, int readers = 1,
                         int reads_after_eof = 0) {
  EndpointProgram endpoint;
  endpoint.ops = std::move(ops);
  endpoint.readers = readers;
  endpoint.reads_after_eof = reads_after_eof;
  return endpoint;
}

struct NamedCase {
  std::string name;
  std::string plan;  // fault-plan text (sim_vs_model_fuzzer only)
  std::uint64_t seed = 0;
  EndpointProgram a;
  EndpointProgram b;
};

std::vector<NamedCase> FlowCases() {
  return {
      {"ideal-both-ways", "", 1,
       Endpoint({Write(100), Writev({3, 0, 17}), Close()}),
       Endpoint({Write(5), Close()})},
      {"close-first-then-write", "", 2, Endpoint({Write(40), Close()}),
       Endpoint({Close(), Write(5)}, 1, 2)},
      {"one-byte-segments-no-coalescing", "split=1B coalesce=off", 3,
       Endpoint({Write(200), Close()}), Endpoint({Write(50), Close()})},
      {"tiny-window-two-readers", "window=7B split=1B..3B", 4,
       Endpoint({Write(384), Write(384), Close()}),
       Endpoint({Write(300), Close()}, 2)},
      {"latency-bandwidth-pauses",
       "latency=1ms..3ms bandwidth=100KB/s read-max=16B", 5,
       Endpoint({Write(500), Pause(2000), Writev({256, 1, 256}), Close()}),
       Endpoint({Pause(500), Write(700), Close()}, 1, 1)},
      {"exp-latency-tail-close-delay",
       "a>b:latency=exp(2ms) b>a:latency=1ms+exp(1ms) tail=10000ppm:50ms "
       "close-delay=3ms",
       6, Endpoint({Write(64), Write(64), Close()}),
       Endpoint({Write(64), Close()})},
      {"stall-and-slow-close",
       "; stall a>b at=1ms for=20ms; slow-close b>a at=0ns for=5ms", 7,
       Endpoint({Write(300), Pause(3000), Write(300), Close()}),
       Endpoint({Write(100), Close()}, 2)},
      {"reset-mid-stream", "split=1B..64B; reset a>b after=500B", 8,
       Endpoint({Write(1024), Write(1024), Close()}),
       Endpoint({Write(200), Close()})},
      {"cut-b-to-a", "; cut b>a after=100B", 9, Endpoint({Write(50), Close()}),
       Endpoint({Write(400), Write(400), Close()})},
      {"partition-and-lost-close",
       "latency=1ms; partition a>b at=2ms; lose-close b>a at=0ns", 10,
       Endpoint({Write(100), Pause(3000), Write(100), Close()}),
       Endpoint({Write(100), Close()})},
      // A reset from the program (the one fault a factory's own links
      // leave to the "your flow" template), then writes after the reader
      // saw it: what E1's mutants get wrong.
      {"program-reset-then-writes", "", 12,
       Endpoint({Write(300), Reset(), Pause(1000), Write(5), Write(6), Close()},
                1, 1),
       Endpoint({Write(40), Close()}, 1, 1)},
      {"read-and-write-errors",
       "split=1B..32B; read-error a>b p=50000ppm; write-error b>a after=300B",
       11, Endpoint({Write(600), Write(600), Close()}),
       Endpoint({Write(600), Write(600), Close()}, 2)},
  };
}

FlowCase ToFlowCase(const NamedCase& named, PlanSource source) {
  FlowCase flow_case;
  flow_case.program.seed = named.seed;
  flow_case.program.a = named.a;
  flow_case.program.b = named.b;
  if (source == PlanSource::kDecoded) {
    const flowcheck::sim::ParsedFaultPlan parsed =
        flowcheck::sim::ParseFaultPlan(named.plan);
    FLOWCHECK_CHECK(parsed.ok(), parsed.ok() ? "" : parsed.error().ToString());
    flow_case.plan = parsed.plan();
  }
  return flow_case;
}

// The fault-plan parser's seeds: the examples of docs/fault-plans.md, and
// a few texts that fail in different places.
std::vector<std::pair<std::string, std::string>> ParserTexts() {
  return {
      {"empty", ""},
      {"latency-fixed", "latency=5ms"},
      {"latency-exp-tail", "latency=1ms+exp(4ms) tail=100ppm:200ms"},
      {"per-direction", "a>b:latency=20ms b>a:latency=1ms"},
      {"split-range-no-coalesce", "split=1..1460 coalesce=off"},
      {"bandwidth-window", "bandwidth=10MiB/s window=64KiB"},
      {"stall-only", "; stall a>b at=500ms for=2s"},
      {"cut", "; cut b>a after=1000"},
      {"read-error-percent", "latency=1ms; read-error b>a p=0.1%"},
      {"corrupt", "; corrupt a>b p=1%"},
      {"everything",
       "latency=1ms..5ms tail=0.25%:1s bandwidth=1GB/s split=1B..64B "
       "coalesce=off read-max=4KB window=64KiB close-delay=250us; reset a>b "
       "after=1MiB; slow-close b>a at=0ns for=10ms; partition b>a p=1ppm"},
      {"whitespace", " \t latency=5000us \n;  reset at=1000ms  "},
      {"error-unknown-setting", "latncy=5ms"},
      {"error-fraction", "latency=1.5ms"},
      {"error-too-large", "window=18446744073709551616"},
      {"error-duplicate", "window=1KiB window=2KiB"},
      {"error-empty-fault", "; reset a>b at=1s;; cut a>b at=1s"},
      {"error-missing-for", "; stall a>b at=1s"},
      {"error-rate-not-whole-ppm", "tail=0.00005%:1ms"},
  };
}

// `count` choice bytes for the history checker from a seed (the one
// SplitMix64, sim/random.h: the checked-in corpora depend on its stream).
std::vector<std::uint8_t> Choices(std::uint64_t seed, std::size_t count) {
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < count; ++i) {
    bytes.push_back(
        static_cast<std::uint8_t>(flowcheck::sim::SplitMix64(seed)));
  }
  return bytes;
}

// The arbitrary-history mode's encoding (history_checker_fuzzer.cc,
// BuildArbitraryHistory): one event at a time.
class HistoryWriter {
 public:
  HistoryWriter() { out_.PutInt(0, 0, 2); }  // mode 0: arbitrary
  void Events(int count) { out_.PutInt(count, 0, 96); }
  void Head(std::int64_t time, int side, int type) {
    out_.PutInt<std::int64_t>(time, 0, 1 << 20);
    out_.PutBool(side == 1);
    out_.PutInt(type, 0, 4);
  }
  void InvokeWrite(std::int64_t time, int side, const std::string& bytes) {
    Head(time, side, 0);
    out_.PutInt(1, 0, 3);  // OpKind::kWrite
    out_.PutBytes(bytes, 24);
    out_.PutBool(false);  // no task name
  }
  void InvokeRead(std::int64_t time, int side) {
    Head(time, side, 0);
    out_.PutInt(0, 0, 3);  // OpKind::kRead
    out_.PutBool(true);    // task "t1"
  }
  void InvokeClose(std::int64_t time, int side) {
    Head(time, side, 0);
    out_.PutInt(3, 0, 3);  // OpKind::kClose
    out_.PutBool(false);
  }
  // Completes the `index`-th of `pending` pending operations.
  void CompleteHead(std::int64_t time, std::size_t index, std::size_t pending) {
    Head(time, 0, 1);
    out_.PutInt<std::size_t>(index, 0, pending - 1);
  }
  void ReadData(const std::string& bytes) {
    out_.PutInt(0, 0, 2);
    out_.PutBytes(bytes, 24);
  }
  void ReadEof() { out_.PutInt(1, 0, 2); }
  void WriteOk() { out_.PutInt(0, 0, 2); }
  void Fault(std::int64_t time, int side, bool may_fail, bool broken) {
    Head(time, side, 2);
    for (bool flag : {may_fail, false, false, false, broken}) {
      out_.PutBool(flag);
    }
  }
  void End(int how) { out_.PutInt(how, 0, 2); }  // 0 quiescent, 1 cut off
  const std::vector<std::uint8_t>& bytes() const { return out_.bytes(); }

 private:
  FuzzOutput out_;
};

std::vector<std::pair<std::string, std::vector<std::uint8_t>>> HistorySeeds() {
  std::vector<std::pair<std::string, std::vector<std::uint8_t>>> seeds;
  {
    // A writes "abc" and closes; B reads it, then Eof; both closes return.
    HistoryWriter h;
    h.Events(10);
    h.InvokeWrite(1, 0, "abc");  // #0
    h.InvokeRead(2, 1);          // #1
    h.CompleteHead(3, 0, 2);     // #0 -> Ok
    h.WriteOk();
    h.CompleteHead(4, 0, 1);  // #1 -> Data "abc"
    h.ReadData("abc");
    h.InvokeClose(5, 0);      // #2
    h.InvokeRead(6, 1);       // #3
    h.CompleteHead(7, 1, 2);  // #3 -> Eof
    h.ReadEof();
    h.InvokeClose(8, 1);       // #4
    h.CompleteHead(9, 0, 2);   // #2 returns
    h.CompleteHead(10, 0, 1);  // #4 returns
    h.End(0);
    seeds.emplace_back("arbitrary-legal-exchange", h.bytes());
  }
  {
    // B reads Data that A never wrote, then a reset; A's read stays pending.
    HistoryWriter h;
    h.Events(5);
    h.InvokeRead(1, 1);       // #0
    h.CompleteHead(2, 0, 1);  // #0 -> Data "zz" (R4)
    h.ReadData("zz");
    h.InvokeRead(3, 0);         // #1
    h.Fault(4, 0, true, true);  // reset
    h.InvokeWrite(5, 0, "");    // #2, pending
    h.End(0);
    seeds.emplace_back("arbitrary-bad-read-and-reset", h.bytes());
  }
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    std::vector<std::uint8_t> bytes = {0};
    for (std::uint8_t byte : Choices(seed, 160)) bytes.push_back(byte);
    seeds.emplace_back("arbitrary-random-" + std::to_string(seed), bytes);
  }
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    std::vector<std::uint8_t> bytes = {
        1, static_cast<std::uint8_t>(40 * seed)};  // mode, steps
    for (std::uint8_t byte : Choices(100 + seed, 200)) bytes.push_back(byte);
    seeds.emplace_back("legal-" + std::to_string(seed), bytes);
  }
  // Mutated: mode 2, steps, mutation index, two 2-byte places, choices.
  for (std::uint8_t mutation = 0; mutation < 10; ++mutation) {
    std::vector<std::uint8_t> bytes = {2, 150, mutation, 7, 0, 3, 0};
    for (std::uint8_t byte : Choices(200 + mutation, 200)) {
      bytes.push_back(byte);
    }
    seeds.emplace_back("mutated-" + std::to_string(mutation), bytes);
  }
  return seeds;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path root;
  if (argc > 1) {
    root = argv[1];
  } else if (const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    root = fs::path(workspace) / "fuzz" / "corpus";
  } else {
    std::fprintf(stderr,
                 "usage: bazel run //fuzz:write_seed_corpora [-- "
                 "CORPUS_ROOT]\n");
    return 1;
  }
  bool ok = true;
  const auto directory = [&root](std::string_view target) {
    const fs::path path = root / target;
    fs::create_directories(path);
    return path;
  };

  const fs::path sim_vs_model = directory("sim_vs_model_fuzzer");
  const fs::path sim_flow = directory("sim_flow_fuzzer");
  ok &= WriteFile(sim_vs_model / "seed-empty", "");
  for (const NamedCase& named : FlowCases()) {
    ok &= WriteBytes(
        sim_vs_model / ("seed-" + named.name),
        flowcheck::fuzz::EncodeFlowCase(ToFlowCase(named, PlanSource::kDecoded),
                                        PlanSource::kDecoded));
    if (named.plan.empty()) {
      ok &= WriteBytes(
          sim_flow / ("seed-" + named.name),
          flowcheck::fuzz::EncodeFlowCase(
              ToFlowCase(named, PlanSource::kFactory), PlanSource::kFactory));
    }
  }
  // The factory shapes the links from the seed: the same programs on a few
  // more seeds give a few more shapes.
  for (const NamedCase& named : FlowCases()) {
    if (named.plan.empty()) continue;
    ok &= WriteBytes(
        sim_flow / ("seed-" + named.name + "-program"),
        flowcheck::fuzz::EncodeFlowCase(ToFlowCase(named, PlanSource::kFactory),
                                        PlanSource::kFactory));
  }

  const fs::path parser = directory("fault_plan_parser_fuzzer");
  for (const auto& [name, text] : ParserTexts()) {
    ok &= WriteFile(parser / ("seed-" + name), text);
  }

  const fs::path checker = directory("history_checker_fuzzer");
  for (const auto& [name, bytes] : HistorySeeds()) {
    ok &= WriteBytes(checker / ("seed-" + name), bytes);
  }
  return ok ? 0 : 1;
}
