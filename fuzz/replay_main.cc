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
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc,
                                                          char*** argv);

namespace {

namespace fs = std::filesystem;

// The files under `path` (itself, if a file), sorted; false if it is
// missing or unreadable.
bool CollectInputs(const fs::path& path, std::vector<fs::path>& inputs) {
  std::error_code error;
  if (fs::is_regular_file(path, error)) {
    inputs.push_back(path);
    return true;
  }
  if (!fs::is_directory(path, error)) return false;
  std::vector<fs::path> found;
  for (fs::recursive_directory_iterator it(path, error), end;
       !error && it != end; it.increment(error)) {
    if (it->is_regular_file(error)) found.push_back(it->path());
  }
  if (error) return false;
  std::sort(found.begin(), found.end());
  inputs.insert(inputs.end(), found.begin(), found.end());
  return true;
}

bool ReadFile(const fs::path& path, std::vector<char>& bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  bytes.assign(std::istreambuf_iterator<char>(file),
               std::istreambuf_iterator<char>());
  return !file.bad();
}

}  // namespace

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
    if (!ReadFile(input, bytes)) {
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
