#pragma once
// log-softmax of one row of logits, stable: log p_c = z_c - logsumexp(z),
// logsumexp(z) = max z + log sum_c e^(z_c - max z). Internal to the softmax losses.
#include <cmath>
#include <cstddef>

namespace descent::nn::detail {

template <class Row>
void log_softmax(const Row& z, std::size_t k, double* logp) {
  double max = double(z(0));
  for (std::size_t c = 1; c < k; ++c) max = std::max(max, double(z(Eigen::Index(c))));
  double sum = 0;
  for (std::size_t c = 0; c < k; ++c) sum += std::exp(double(z(Eigen::Index(c))) - max);
  const double lse = max + std::log(sum);
  for (std::size_t c = 0; c < k; ++c) logp[c] = double(z(Eigen::Index(c))) - lse;
}

}  // namespace descent::nn::detail
