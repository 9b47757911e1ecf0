// fuzz/timing_main.cc: main() that times a fuzz target's inputs -- what one
// execution of LLVMFuzzerTestOneInput costs on a fixed set of inputs,
// without libFuzzer's own per-execution work, so that two builds of a
// target can be compared on the same work (fuzz/time_inputs.sh builds it).
//
//   <target> [--warmup=N] [--rounds=N] PATH...
//
// Each PATH is a file or a directory (read recursively, files in sorted
// order). Every input runs N warm-up rounds untimed (default 15: under ASan,
// until the allocator's quarantine has filled once, every allocation
// touches fresh pages and the kernel's page clearing dominates -- a fuzzer
// running for minutes never pays that), then the timed rounds (default 10).
// Prints each timed round's microseconds per input and their median.
//
// Exit status: 0 after the timed rounds; 2 for an unknown flag, a bad
// count, a missing or unreadable path, or no input at all. A finding in
// the target aborts it, as under libFuzzer.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/input_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size);

namespace {

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "timing: %s\n", message.c_str());
  std::exit(2);
}

int Count(std::string_view arg, std::string_view flag) {
  const std::string_view text = arg.substr(flag.size());
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || value > 100000) {
      Fail("bad count in '" + std::string(arg) + "' (a number 0..100000)");
    }
    value = value * 10 + (c - '0');
  }
  if (text.empty()) Fail("no count in '" + std::string(arg) + "'");
  return value;
}

}  // namespace

int main(int argc, char** argv) {
  int warmup = 15;
  int rounds = 10;
  std::vector<std::filesystem::path> files;
  std::vector<std::vector<std::uint8_t>> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--warmup=")) {
      warmup = Count(arg, "--warmup=");
    } else if (arg.starts_with("--rounds=")) {
      rounds = Count(arg, "--rounds=");
    } else if (arg.starts_with("-")) {
      Fail("unknown flag '" + std::string(arg) +
           "' (usage: TARGET [--warmup=N] [--rounds=N] PATH...)");
    } else if (!flowcheck::fuzz::CollectInputs(std::string(arg), files)) {
      Fail("cannot read '" + std::string(arg) +
           "' (no such file or directory, or not readable)");
    }
  }
  for (const std::filesystem::path& file : files) {
    inputs.emplace_back();
    if (!flowcheck::fuzz::ReadInput(file, inputs.back())) {
      Fail("cannot read '" + file.string() + "'");
    }
  }
  if (inputs.empty()) Fail("no input to time (give files or directories)");
  if (rounds < 1) Fail("--rounds must be at least 1");

  // Each input in a heap block of exactly its size, as libFuzzer passes it.
  auto run_all = [&inputs] {
    for (const std::vector<std::uint8_t>& input : inputs) {
      auto copy = std::make_unique<std::uint8_t[]>(input.size());
      std::copy(input.begin(), input.end(), copy.get());
      LLVMFuzzerTestOneInput(copy.get(), input.size());
    }
  };
  for (int round = 0; round < warmup; ++round) run_all();
  std::vector<double> per_input;
  for (int round = 0; round < rounds; ++round) {
    const auto started = std::chrono::steady_clock::now();
    run_all();
    const std::chrono::duration<double, std::micro> took =
        std::chrono::steady_clock::now() - started;
    per_input.push_back(took.count() / static_cast<double>(inputs.size()));
    std::printf("round %d: %.2f us per input\n", round + 1, per_input.back());
  }
  std::sort(per_input.begin(), per_input.end());
  std::printf(
      "%zu inputs, %d warm-up and %d timed rounds: median %.2f us "
      "per input\n",
      inputs.size(), warmup, rounds, per_input[per_input.size() / 2]);
  return 0;
}
