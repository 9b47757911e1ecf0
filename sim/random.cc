#include "sim/random.h"

#include "flow/check.h"

namespace flowcheck::sim {

std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

namespace {

std::uint64_t RotateLeft(std::uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

// Natural logarithm of x in (0, 1], from +, -, *, / only: x = m * 2^e with
// m in [1, 2), ln(x) = e * ln 2 + ln(m), and ln(m) = 2 atanh((m-1)/(m+1)) by
// its series (|t| <= 1/3, 30 terms: far below double precision).
double DeterministicLog(double x) {
  int exponent = 0;
  while (x < 1.0) {
    x *= 2.0;
    --exponent;
  }
  while (x >= 2.0) {
    x /= 2.0;
    ++exponent;
  }
  const double t = (x - 1.0) / (x + 1.0);
  const double t2 = t * t;
  double term = t;
  double sum = 0.0;
  for (int k = 1; k < 60; k += 2) {
    sum += term / k;
    term *= t2;
  }
  return exponent * 0.69314718055994530942 + 2.0 * sum;
}

}  // namespace

Random::Random(std::uint64_t seed) {
  std::uint64_t mix = seed;
  for (std::uint64_t& word : state_) word = SplitMix64(mix);
}

std::uint64_t Random::Next() {
  const std::uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
  const std::uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = RotateLeft(state_[3], 45);
  return result;
}

std::uint64_t Random::Uniform(std::uint64_t bound) {
  if (bound == 0) return 0;
  // Lemire: the high word of a 64x64 product, rejecting the biased low part.
  unsigned __int128 product = static_cast<unsigned __int128>(Next()) * bound;
  std::uint64_t low = static_cast<std::uint64_t>(product);
  if (low < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (low < threshold) {
      product = static_cast<unsigned __int128>(Next()) * bound;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

std::uint64_t Random::Between(std::uint64_t low, std::uint64_t high) {
  FLOWCHECK_CHECK(low <= high, "Random::Between with low > high");
  if (high - low == UINT64_MAX) return Next();
  return low + Uniform(high - low + 1);
}

bool Random::Chance(std::uint64_t numerator, std::uint64_t denominator) {
  if (numerator == 0) return false;
  if (numerator >= denominator) return true;
  return Uniform(denominator) < numerator;
}

std::uint64_t Random::Exponential(std::uint64_t mean) {
  if (mean == 0) return 0;
  // u uniform in (0, 1]: 53 random bits, never 0.
  const double u = static_cast<double>((Next() >> 11) + 1) / 9007199254740992.0;
  const double draw = -DeterministicLog(u) * static_cast<double>(mean);
  const double cap = 64.0 * static_cast<double>(mean);
  return static_cast<std::uint64_t>(draw < cap ? draw : cap);
}

Random Random::Fork() { return Random(Next()); }

}  // namespace flowcheck::sim
