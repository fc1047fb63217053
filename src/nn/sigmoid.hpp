#pragma once
// Stable scalar sigmoid and binary cross-entropy with logits. Internal to the sigmoid losses.
#include <algorithm>
#include <cmath>

namespace descent::nn::detail {

/// sigma(z) = 1 / (1 + e^-z), evaluated without overflow for either sign of z.
inline double sigmoid(double z) {
  if (z >= 0) return 1 / (1 + std::exp(-z));
  double e = std::exp(z);
  return e / (1 + e);
}

/// -[y log sigma(z) + (1 - y) log(1 - sigma(z))] = (1 - y) z + m + log(e^-m + e^(-z-m)), m =
/// max(-z, 0)
inline double bce_with_logits(double z, double y) {
  const double m = std::max(-z, 0.0);
  return (1 - y) * z + m + std::log(std::exp(-m) + std::exp(-z - m));
}

}  // namespace descent::nn::detail
