#pragma once
// Portable seeded randomness: std::mt19937_64 (whose output sequence the standard defines) with
// fixed algorithms for the distributions, so a seed gives the same numbers on every standard
// library (std::normal_distribution and friends are implementation-defined).
#include <cstdint>
#include <random>
#include <string>

namespace descent {

using Rng = std::mt19937_64;

/// SplitMix64 finalizer (Steele, Lea, Flood 2014): a bijective mix of 64 bits.
std::uint64_t splitmix64(std::uint64_t x);

/// Seed of an independent stream `stream` derived from `seed`.
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream);

/// Uniform double in [0, 1) with 53 random bits: u = (r >> 11) * 2^-53.
double uniform01(Rng& rng);

/// Standard normal by the Box-Muller transform: z = sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1].
double standard_normal(Rng& rng);

/// The generator's full state as text (the standard's stream format), and back. A malformed
/// state is a CheckpointError naming `where`.
std::string rng_state(const Rng& rng);
void set_rng_state(Rng& rng, const std::string& state, const std::string& where);

}  // namespace descent
