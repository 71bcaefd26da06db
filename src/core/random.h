// Deterministic pseudo-random numbers for synthetic data: the same seed
// gives the same stream on every platform and compiler (no std::
// distributions, whose output is implementation-defined).
#ifndef RONGPING_CORE_RANDOM_H_
#define RONGPING_CORE_RANDOM_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rongping {

// splitmix64: advances `x` and returns the next output.
inline uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// FNV-1a over the bytes of a string.
inline uint64_t HashString(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

// xoshiro256** (Blackman and Vigna), seeded through splitmix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& s : s_) s = SplitMix64(x);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n); the modulo bias is below 2^-50 for small n.
  size_t Below(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

  // Uniform integer in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<size_t>(hi - lo + 1)));
  }

  bool Chance(double p) { return Uniform() < p; }

  // Standard normal, approximated by the Irwin-Hall sum of 12 uniforms (mean
  // 0, variance 1, tails cut at ±6). Additions only, so exactly reproducible.
  double Normal() {
    double s = 0;
    for (int i = 0; i < 12; ++i) s += Uniform();
    return s - 6.0;
  }

  // A cheaper bell-shaped noise with mean 0 and variance 1: the sum of four
  // uniforms, scaled (tails cut at ±3.46).
  double Noise() {
    double s = Uniform() + Uniform() + Uniform() + Uniform();
    return (s - 2.0) * 1.7320508075688772;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// e^x computed the same way everywhere (range reduction by ln 2 and a
// degree-13 Taylor polynomial, relative error below 1e-15), so that
// synthetic data does not depend on the C library. Each step is written so
// that no compiler can fuse the multiply and add.
inline double PortableExp(double x) {
  constexpr double kInvLn2 = 1.44269504088896338700e+00;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  x = std::clamp(x, -700.0, 700.0);
  const double k = std::floor(x * kInvLn2 + 0.5);
  const double hi = x - k * kLn2Hi;
  const double r = hi - k * kLn2Lo;
  double p = 1.0 / 6227020800.0;  // 1/13!
  static constexpr std::array<double, 13> kInvFact = {
      1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0, 1.0 / 40320.0,
      1.0 / 5040.0,      1.0 / 720.0,      1.0 / 120.0,     1.0 / 24.0,     1.0 / 6.0,
      1.0 / 2.0,         1.0,              1.0};
  for (double c : kInvFact) {
    const double t = p * r;
    p = t + c;
  }
  return std::ldexp(p, static_cast<int>(k));
}

}  // namespace rongping

#endif  // RONGPING_CORE_RANDOM_H_
