#include "descent/nn/init.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"

namespace descent::nn {

namespace {
struct SchemeName {
  const char* name;
  InitScheme scheme;
};
constexpr SchemeName kSchemes[] = {
    {"default", InitScheme::TorchDefault},         {"xavier_uniform", InitScheme::XavierUniform},
    {"glorot_uniform", InitScheme::XavierUniform}, {"xavier_normal", InitScheme::XavierNormal},
    {"glorot_normal", InitScheme::XavierNormal},   {"kaiming_uniform", InitScheme::KaimingUniform},
    {"he_uniform", InitScheme::KaimingUniform},    {"kaiming_normal", InitScheme::KaimingNormal},
    {"he_normal", InitScheme::KaimingNormal},      {"zeros", InitScheme::Zeros},
};
}  // namespace

InitScheme parse_init_scheme(std::string_view name) {
  std::vector<std::string> names;
  for (const auto& s : kSchemes) {
    if (name == s.name) return s.scheme;
    names.emplace_back(s.name);
  }
  throw_unknown(fmt::format("unknown init scheme '{}'", name), std::string(name), names,
                "model.init");
}

std::string to_string(InitScheme scheme) {
  for (const auto& s : kSchemes)
    if (s.scheme == scheme) return s.name;
  return "?";
}

double calculate_gain(std::string_view nonlinearity, double negative_slope) {
  if (nonlinearity == "linear" || nonlinearity == "identity" || nonlinearity == "sigmoid") return 1;
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu" || nonlinearity == "gelu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") return std::sqrt(2.0 / (1 + negative_slope * negative_slope));
  throw ConfigError(fmt::format("no gain known for nonlinearity '{}'", nonlinearity), "model.init",
                    "use linear, sigmoid, tanh, relu, leaky_relu or gelu");
}

namespace init {

template <class T>
void uniform(std::span<T> w, double lo, double hi, Rng& rng) {
  for (T& v : w) v = static_cast<T>(lo + (hi - lo) * uniform01(rng));
}

template <class T>
void normal(std::span<T> w, double mean, double std, Rng& rng) {
  for (T& v : w) v = static_cast<T>(mean + std * standard_normal(rng));
}

template <class T>
void xavier_uniform(std::span<T> w, std::size_t fan_in, std::size_t fan_out, double gain,
                    Rng& rng) {
  double a = gain * std::sqrt(6.0 / double(fan_in + fan_out));
  uniform(w, -a, a, rng);
}

template <class T>
void xavier_normal(std::span<T> w, std::size_t fan_in, std::size_t fan_out, double gain, Rng& rng) {
  normal(w, 0.0, gain * std::sqrt(2.0 / double(fan_in + fan_out)), rng);
}

template <class T>
void kaiming_uniform(std::span<T> w, std::size_t fan_in, double gain, Rng& rng) {
  double b = gain * std::sqrt(3.0 / double(fan_in));
  uniform(w, -b, b, rng);
}

template <class T>
void kaiming_normal(std::span<T> w, std::size_t fan_in, double gain, Rng& rng) {
  normal(w, 0.0, gain / std::sqrt(double(fan_in)), rng);
}

#define DESCENT_INIT_INSTANTIATE(T)                                                   \
  template void uniform(std::span<T>, double, double, Rng&);                          \
  template void normal(std::span<T>, double, double, Rng&);                           \
  template void xavier_uniform(std::span<T>, std::size_t, std::size_t, double, Rng&); \
  template void xavier_normal(std::span<T>, std::size_t, std::size_t, double, Rng&);  \
  template void kaiming_uniform(std::span<T>, std::size_t, double, Rng&);             \
  template void kaiming_normal(std::span<T>, std::size_t, double, Rng&);
DESCENT_INIT_INSTANTIATE(float)
DESCENT_INIT_INSTANTIATE(double)
#undef DESCENT_INIT_INSTANTIATE

}  // namespace init

template <class T>
void initialize(Linear<T>& layer, InitScheme scheme, double gain, Rng& rng) {
  auto w = layer.weight();
  std::span<T> ws(w.data(), static_cast<std::size_t>(w.size()));
  const std::size_t fan_in = layer.in_features(), fan_out = layer.out_features();
  switch (scheme) {
    case InitScheme::TorchDefault:
      // kaiming_uniform(a = sqrt 5): gain = sqrt(2 / (1 + 5)), bound = gain sqrt(3 / fan_in) =
      // 1/sqrt(fan_in)
      init::kaiming_uniform(ws, fan_in, std::sqrt(1.0 / 3.0), rng);
      break;
    case InitScheme::XavierUniform:
      init::xavier_uniform(ws, fan_in, fan_out, gain, rng);
      break;
    case InitScheme::XavierNormal:
      init::xavier_normal(ws, fan_in, fan_out, gain, rng);
      break;
    case InitScheme::KaimingUniform:
      init::kaiming_uniform(ws, fan_in, gain, rng);
      break;
    case InitScheme::KaimingNormal:
      init::kaiming_normal(ws, fan_in, gain, rng);
      break;
    case InitScheme::Zeros:
      w.setZero();
      break;
  }
  if (!layer.has_bias()) return;
  auto b = layer.bias();
  if (scheme == InitScheme::TorchDefault) {
    double bound = 1 / std::sqrt(double(fan_in));  // U(-1/sqrt(fan_in), 1/sqrt(fan_in))
    init::uniform(std::span<T>(b.data(), static_cast<std::size_t>(b.size())), -bound, bound, rng);
  } else {
    b.setZero();
  }
}

template void initialize(Linear<float>&, InitScheme, double, Rng&);
template void initialize(Linear<double>&, InitScheme, double, Rng&);

}  // namespace descent::nn
