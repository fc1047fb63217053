#include "descent/core/random.hpp"

#include <cmath>
#include <numbers>

namespace descent {

std::uint64_t splitmix64(std::uint64_t x) {
  // z = x + golden gamma; z = (z ^ z>>30) * c1; z = (z ^ z>>27) * c2; z ^ z>>31
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return splitmix64(splitmix64(seed) ^ stream);
}

std::uint64_t uniform_below(Rng& rng, std::uint64_t n) {
  // Rejection of the biased low zone (as OpenBSD's arc4random_uniform): draws r < 2^64 mod n are
  // redrawn, so r mod n is uniform over the remaining multiple of n values.
  // As 2^64 mod n < n, a draw r >= n is never rejected: the threshold (a division) is computed
  // only for the rare r < n.
  std::uint64_t r = rng();
  if (r < n) {
    const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n
    while (r < threshold) r = rng();
  }
  return r % n;
}

double uniform01(Rng& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

double standard_normal(Rng& rng) {
  const double u1 = 1.0 - uniform01(rng);  // (0, 1]: log(u1) is finite
  const double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace descent
