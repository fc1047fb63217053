#pragma once
// Portable seeded randomness (data generation, shuffling, weight init, dropout). The standard
// distributions (std::normal_distribution, std::uniform_int_distribution, std::shuffle) are
// implementation-defined, so the same seed could give different data on another standard library;
// these are fixed algorithms on top of std::mt19937_64, whose output sequence the standard does
// define.
#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <utility>

namespace descent {

using Rng = std::mt19937_64;

/// SplitMix64 finalizer (Steele, Lea, Flood 2014): a bijective mix of 64 bits.
std::uint64_t splitmix64(std::uint64_t x);

/// Seed of an independent stream `stream` derived from `seed` (e.g. the shuffle of epoch e).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

/// Uniform integer in [0, n), unbiased (rejection of the 2^64 mod n lowest draws). n > 0.
std::uint64_t uniform_below(Rng& rng, std::uint64_t n);

/// Uniform double in [0, 1) with 53 random bits: u = (r >> 11) * 2^-53.
double uniform01(Rng& rng);

/// Standard normal by the Box-Muller transform: z = sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1].
double standard_normal(Rng& rng);

/// Fisher-Yates shuffle (Durstenfeld): for i = n-1..1 swap a[i] with a[uniform_below(i + 1)].
template <class T>
void shuffle(std::span<T> a, Rng& rng) {
  for (std::size_t i = a.size(); i > 1; --i) {
    std::size_t j = static_cast<std::size_t>(uniform_below(rng, i));
    std::swap(a[i - 1], a[j]);
  }
}

}  // namespace descent
