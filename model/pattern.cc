// model/pattern.cc: the bytes programs write (GeneratedByte, PatternByte,
// PatternBytes, declared in model/history_gen.h). A file of its own so that
// fuzz builds can leave it without coverage instrumentation (.bazelrc's
// build:fuzz regex): every run writes these bytes the same way, and with
// coverage each byte paid for a traced comparison -- the largest share of
// sim_flow_fuzzer's comparison tracing.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "model/history_gen.h"

namespace flowcheck {

char GeneratedByte(Side side, std::uint64_t offset) {
  // Block k of 256 bytes steps by the odd number 7 + 2k (mod 256): within a
  // block every byte value once, and the step from a block's last byte to
  // the next block's first is that block's step again. So each pair of
  // neighbours (x, x + step) occurs once per step, and the 128 odd steps
  // make 32768 bytes in which no pair of neighbours repeats.
  const std::uint64_t position = offset % kGeneratedUniquePairsBytes;
  const std::uint64_t step = 7 + 2 * (position / 256);
  return static_cast<char>(
      (1 + 128 * static_cast<std::uint64_t>(side) + (position % 256) * step) %
      256);
}

char PatternByte(std::uint64_t seed, Side side, std::uint64_t offset) {
  const std::uint64_t block = offset / kGeneratedUniquePairsBytes;
  return static_cast<char>(
      static_cast<unsigned char>(GeneratedByte(side, offset)) + block * 97 +
      seed % 97);
}

namespace {

// Within a run of 256 pattern bytes the step s (odd) is fixed, so byte k is
// v + k*s (mod 256) for the run's first byte v. With j = v / s (mod 256;
// odd numbers are invertible), that is (j + k)*s: a run is a copy of
// Multiples(s) from index j. Copying replaced a loop that paid a
// sanitizer check per byte in fuzz builds (a twentieth of a flow fuzzer's
// time).
const unsigned char* Multiples(std::uint8_t step) {
  // m * s (mod 256) for m in [0, 512), for each odd s: 64 KiB, made once.
  static const auto* const tables = [] {
    auto* t = new unsigned char[128][512];
    for (unsigned s = 1; s < 256; s += 2) {
      for (unsigned m = 0; m < 512; ++m) {
        t[s >> 1][m] = static_cast<unsigned char>(m * s);
      }
    }
    return t;
  }();
  return tables[step >> 1];
}

// x with x * s == 1 (mod 256), for odd s (Newton's iteration doubles the
// correct low bits: 3, 6, 12).
std::uint8_t Inverse(std::uint8_t s) {
  std::uint32_t x = s;
  x *= 2 - s * x;
  x *= 2 - s * x;
  x *= 2 - s * x;
  return static_cast<std::uint8_t>(x);
}

}  // namespace

std::string PatternBytes(std::uint64_t seed, Side side, std::uint64_t offset,
                         std::size_t size) {
  // PatternByte a run of 256 at a time: within a run the step is fixed
  // (Multiples above). The property programs write megabytes; one division
  // per byte was most of their time.
  std::string bytes(size, '\0');
  std::size_t i = 0;
  while (i < size) {
    const std::uint64_t position = offset + i;
    const std::uint64_t in_period = position % kGeneratedUniquePairsBytes;
    const auto step = static_cast<std::uint8_t>(7 + 2 * (in_period / 256));
    const auto shift = static_cast<std::uint8_t>(
        position / kGeneratedUniquePairsBytes * 97 + seed % 97);
    const auto value = static_cast<std::uint8_t>(
        static_cast<unsigned char>(GeneratedByte(side, position)) + shift);
    const std::size_t run =
        std::min<std::uint64_t>(size - i, 256 - in_period % 256);
    const auto first = static_cast<std::uint8_t>(value * Inverse(step));
    std::memcpy(bytes.data() + i, Multiples(step) + first, run);
    i += run;
  }
  return bytes;
}

}  // namespace flowcheck
