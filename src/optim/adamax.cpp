#include "descent/optim/adamax.hpp"

#include <algorithm>
#include <cmath>

#include "descent/optim/update_terms.hpp"

namespace descent::optim {

template <class T>
auto Adamax<T>::scalars(const AdamaxOptions& o, std::int64_t step) -> Scalars {
  const double bias_correction = 1 - std::pow(o.betas[0], double(step));
  return {.sign = T(o.maximize ? -1 : 1),
          .weight_decay = T(o.weight_decay),
          .beta1 = T(o.betas[0]),
          .one_minus_beta1 = T(1 - o.betas[0]),
          .beta2 = T(o.betas[1]),
          .eps = T(o.eps),
          .neg_step_size = T(-(o.lr / bias_correction))};
}

// Multiply-adds are rounded as torch's add_(x, alpha=a) and addcmul_ round them (fmadd.hpp).
template <class T>
void Adamax<T>::update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                       T* __restrict m, T* __restrict u) {
  for (std::size_t i = 0; i < n; ++i) {
    const T g = l2_decayed(s.sign * grad[i], p[i], s.weight_decay);  // g = ±grad + wd*p
    m[i] = ema(m[i], g, s.beta1, s.one_minus_beta1);                 // m = beta1*m + (1-beta1)*g
    u[i] = std::max(u[i] * s.beta2, std::abs(g) + s.eps);            // u = max(beta2*u, |g| + eps)
    p[i] = p[i] + s.neg_step_size * m[i] / u[i];                     // p = p - lr/(1-beta1^t) * m/u
  }
}

template class Adamax<float>;
template class Adamax<double>;

}  // namespace descent::optim
