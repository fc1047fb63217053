#pragma once
// Weight initialization, as torch.nn.init, seeded (descent's generator, so the numbers differ from
// torch's but the distributions are the same).
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "descent/core/random.hpp"
#include "descent/nn/linear.hpp"

namespace descent::nn {

enum class InitScheme {
  TorchDefault,   // torch.nn.Linear.reset_parameters: kaiming_uniform(a = sqrt 5), bias U(+-1/sqrt
                  // fan_in)
  XavierUniform,  // Glorot & Bengio 2010
  XavierNormal,
  KaimingUniform,  // He et al. 2015, mode fan_in
  KaimingNormal,
  Zeros,
};

/// "default" (torch), "xavier_uniform" | "glorot_uniform", "xavier_normal" | "glorot_normal",
/// "kaiming_uniform" | "he_uniform", "kaiming_normal" | "he_normal", "zeros". ConfigError with a
/// "did you mean" otherwise.
InitScheme parse_init_scheme(std::string_view name);
std::string to_string(InitScheme scheme);

/// torch.nn.init.calculate_gain: linear/sigmoid 1, tanh 5/3, relu sqrt 2,
/// leaky_relu sqrt(2 / (1 + s^2)); "gelu" (not in torch) gets relu's sqrt 2.
double calculate_gain(std::string_view nonlinearity, double negative_slope = 0.01);

namespace init {
/// w ~ U(lo, hi)
template <class T>
void uniform(std::span<T> w, double lo, double hi, Rng& rng);
/// w ~ N(mean, std^2)
template <class T>
void normal(std::span<T> w, double mean, double std, Rng& rng);
/// w ~ U(-a, a),  a = gain * sqrt(6 / (fan_in + fan_out))
template <class T>
void xavier_uniform(std::span<T> w, std::size_t fan_in, std::size_t fan_out, double gain, Rng& rng);
/// w ~ N(0, s^2),  s = gain * sqrt(2 / (fan_in + fan_out))
template <class T>
void xavier_normal(std::span<T> w, std::size_t fan_in, std::size_t fan_out, double gain, Rng& rng);
/// w ~ U(-b, b),  b = gain * sqrt(3 / fan_in)
template <class T>
void kaiming_uniform(std::span<T> w, std::size_t fan_in, double gain, Rng& rng);
/// w ~ N(0, s^2),  s = gain / sqrt(fan_in)
template <class T>
void kaiming_normal(std::span<T> w, std::size_t fan_in, double gain, Rng& rng);
}  // namespace init

/// Initializes a Linear layer's weight (fan_in = in_features, fan_out = out_features) with
/// `scheme` and `gain` (ignored by TorchDefault and Zeros); its bias is U(+-1/sqrt fan_in) for
/// TorchDefault and zero otherwise.
template <class T>
void initialize(Linear<T>& layer, InitScheme scheme, double gain, Rng& rng);

}  // namespace descent::nn
