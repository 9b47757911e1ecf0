// fuzz/input_files.h: reading a fuzz target's inputs from files and
// directories, for the drivers that run a target without libFuzzer
// (fuzz/replay_main.cc, fuzz/timing_main.cc).
//
// CollectInputs lists the files a path names (itself, or every regular file
// under a directory, recursively, in sorted order so runs are
// reproducible); ReadInput reads one. Both return false -- never throw --
// when a path is missing or unreadable; the caller says which, in words.
#ifndef FLOWCHECK_FUZZ_INPUT_FILES_H_
#define FLOWCHECK_FUZZ_INPUT_FILES_H_

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

namespace flowcheck::fuzz {

// Appends the files under `path` (itself, if a file), sorted, to `inputs`.
// False if it is missing or unreadable (`inputs` then unchanged).
inline bool CollectInputs(const std::filesystem::path& path,
                          std::vector<std::filesystem::path>& inputs) {
  namespace fs = std::filesystem;
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

// Replaces `bytes` with the contents of `path`; false if it cannot be read.
template <typename Byte>
bool ReadInput(const std::filesystem::path& path, std::vector<Byte>& bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  bytes.assign(std::istreambuf_iterator<char>(file),
               std::istreambuf_iterator<char>());
  return !file.bad();
}

}  // namespace flowcheck::fuzz

#endif  // FLOWCHECK_FUZZ_INPUT_FILES_H_
