#include "descent/optim/adadelta.hpp"

#include <cmath>

#include "descent/optim/update_terms.hpp"

#include <fmt/format.h>

namespace descent::optim {

template <class T>
auto Adadelta<T>::scalars(const AdadeltaOptions& o, std::int64_t) -> Scalars {
  return {.sign = T(o.maximize ? -1 : 1),
          .weight_decay = T(o.weight_decay),
          .rho = T(o.rho),
          .one_minus_rho = T(1 - o.rho),
          .eps = T(o.eps),
          .neg_lr = T(-o.lr)};
}

// Multiply-adds are rounded as torch's add_(x, alpha=a) and addcmul_ round them (fmadd.hpp).
template <class T>
void Adadelta<T>::update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                         T* __restrict square_avg, T* __restrict acc_delta) {
  for (std::size_t i = 0; i < n; ++i) {
    const T g = l2_decayed(s.sign * grad[i], p[i], s.weight_decay);  // g = ±grad + wd*p
    // E[g^2] = rho*E[g^2] + (1-rho)*g^2
    square_avg[i] = ema_square(square_avg[i], g, s.rho, s.one_minus_rho);
    // delta = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g
    const T delta = std::sqrt(acc_delta[i] + s.eps) / std::sqrt(square_avg[i] + s.eps) * g;
    // E[dx^2] = rho*E[dx^2] + (1-rho)*delta^2
    acc_delta[i] = ema_square(acc_delta[i], delta, s.rho, s.one_minus_rho);
    p[i] = fmadd(delta, s.neg_lr, p[i]);  // p = p - lr*delta
  }
}

template class Adadelta<float>;
template class Adadelta<double>;

}  // namespace descent::optim
