#include "descent/core/random.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

#include "descent/core/error.hpp"

namespace descent {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return splitmix64(splitmix64(seed) ^ splitmix64(stream + 0x632be59bd9b4e019ULL));
}

double uniform01(Rng& rng) {
  return static_cast<double>(rng() >> 11) * 0x1.0p-53;
}

double standard_normal(Rng& rng) {
  double u1 = 1.0 - uniform01(rng);  // (0, 1]: log(u1) is finite
  double u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::string rng_state(const Rng& rng) {
  std::ostringstream out;
  out << rng;
  return out.str();
}

void set_rng_state(Rng& rng, const std::string& state, const std::string& where) {
  std::istringstream in(state);
  Rng restored;
  in >> restored;
  if (in.fail())
    throw CheckpointError("malformed random generator state", where,
                          "the checkpoint is corrupt or from another program");
  rng = restored;
}

}  // namespace descent
