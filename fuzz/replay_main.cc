// fuzz/replay_main.cc: main() for fuzz targets built without libFuzzer --
// runs LLVMFuzzerTestOneInput once on every file it is given, so a target's
// checked-in corpus (seeds and past crashes) is an ordinary test.
//
//   <target> [-flag ...] PATH...
//
// Each PATH is a file or a directory (read recursively; files in sorted
// order, so runs are reproducible). Arguments starting with '-' are
// libFuzzer flags and are ignored, so a libFuzzer command line works
// unchanged. Each input is copied into a heap block of exactly its size
// (as libFuzzer does), so a read past its end is caught under ASan. If the
// target defines LLVMFuzzerInitialize (the OSS-Fuzz convention), it is
// called first.
//
// Prints each input before running it (so a crash names its input) and
// "replayed N inputs from M paths" at the end. Exit status: 0 when every
// input ran; 1 when a path is missing or unreadable, or no input was found
// at all (an empty corpus is a broken test, not a pass). A finding aborts
// inside the target and so fails the process.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/input_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc,
                                                          char*** argv);

namespace fs = std::filesystem;
using flowcheck::fuzz::CollectInputs;
using flowcheck::fuzz::ReadInput;

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);

  std::vector<fs::path> inputs;
  int paths = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.starts_with("-")) continue;  // a libFuzzer flag
    ++paths;
    if (!CollectInputs(arg, inputs)) {
      std::fprintf(stderr,
                   "replay: cannot read '%s' (no such file or "
                   "directory, or not readable)\n",
                   arg.c_str());
      return 1;
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr,
                 "replay: no inputs found; usage: %s [-flag ...] "
                 "FILE_OR_DIRECTORY...\n",
                 argc > 0 ? argv[0] : "replay");
    return 1;
  }

  std::vector<char> bytes;
  for (const fs::path& input : inputs) {
    if (!ReadInput(input, bytes)) {
      std::fprintf(stderr, "replay: cannot read '%s'\n", input.c_str());
      return 1;
    }
    std::printf("replay: %s (%zu bytes)\n", input.c_str(), bytes.size());
    std::fflush(stdout);
    // Exactly the input's size on the heap, so ASan sees any overread.
    auto copy = std::make_unique<std::uint8_t[]>(bytes.size());
    std::copy(bytes.begin(), bytes.end(), copy.get());
    LLVMFuzzerTestOneInput(copy.get(), bytes.size());
  }
  std::printf("replay: replayed %zu inputs from %d path%s\n", inputs.size(),
              paths, paths == 1 ? "" : "s");
  return 0;
}
