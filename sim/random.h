// sim/random.h: Random, the simulation's own seeded PRNG and distributions.
//
// xoshiro256** seeded through splitmix64, with bounded integers by Lemire's
// multiply-and-reject method and every other distribution built from them
// using integer arithmetic (or IEEE double operations that are exactly
// rounded: +, -, *, /), so a seed yields the same numbers with any compiler,
// standard library or platform. No std:: distribution is used anywhere in
// sim/: their output differs between standard libraries.
//
// SplitMix64 is exposed too: it is the one fixed mixing function tests,
// fuzzers and tools use when they need a plain stream of 64-bit words from
// a seed (choice sequences, arbitrary input bytes), so no copy of it drifts.
//
// Value type; copying a Random forks the stream. Not thread-safe.
#ifndef FLOWCHECK_SIM_RANDOM_H_
#define FLOWCHECK_SIM_RANDOM_H_

#include <cstdint>

namespace flowcheck::sim {

// SplitMix64()
//
// Steele, Lea and Flood's SplitMix64: advances `state` by the golden-ratio
// increment and returns the mixed new state. Successive calls on one state
// give a stream of well-mixed 64-bit words, the same from the same starting
// state with every compiler and on every platform. Never fails. Random seeds
// its xoshiro256** state with it. Changing it changes every recorded seed,
// fuzz corpus and golden value; sim/random_test.cc pins it.
std::uint64_t SplitMix64(std::uint64_t& state);

class Random {
 public:
  explicit Random(std::uint64_t seed);

  // 64 uniformly distributed bits.
  std::uint64_t Next();

  // Uniform in [0, bound). Returns 0 when bound is 0.
  std::uint64_t Uniform(std::uint64_t bound);

  // Uniform in [low, high] (inclusive). Requires low <= high.
  std::uint64_t Between(std::uint64_t low, std::uint64_t high);

  // True with probability numerator / denominator (exact; false when the
  // numerator is 0, true when it is >= denominator).
  bool Chance(std::uint64_t numerator, std::uint64_t denominator);

  // An exponentially distributed integer with the given mean (rounded down),
  // capped at 64 times the mean so one draw cannot stall a run forever.
  std::uint64_t Exponential(std::uint64_t mean);

  // An independent stream derived from this one (for giving each simulated
  // link its own numbers, so adding draws in one place does not shift
  // another's).
  Random Fork();

 private:
  std::uint64_t state_[4];
};

}  // namespace flowcheck::sim

#endif  // FLOWCHECK_SIM_RANDOM_H_
