#include "descent/optim/rmsprop.hpp"

#include <cmath>

#include "descent/optim/update_terms.hpp"

namespace descent::optim {

template <class T>
auto RMSprop<T>::scalars(const RMSpropOptions& o, std::int64_t) -> Scalars {
  return {.sign = T(o.maximize ? -1 : 1),
          .weight_decay = T(o.weight_decay),
          .alpha = T(o.alpha),
          .one_minus_alpha = T(1 - o.alpha),
          .eps = T(o.eps),
          .momentum = T(o.momentum),
          .neg_lr = T(-o.lr),
          .centered = o.centered};
}

// Multiply-adds are rounded as torch's add_(x, alpha=a) and addcmul_ round them (fmadd.hpp).
// centered and momentum are template arguments of the loop, so each variant is one branch-free loop
// the compiler vectorizes (tested at run time inside the loop, the loop stayed scalar).
template <class T>
void RMSprop<T>::update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                        T* __restrict v, T* __restrict b, T* __restrict m) {
  auto loop = [&]<bool Centered, bool Momentum>() {
    for (std::size_t i = 0; i < n; ++i) {
      const T g = l2_decayed(s.sign * grad[i], p[i], s.weight_decay);  // g = ±grad + wd*p
      v[i] = ema_square(v[i], g, s.alpha, s.one_minus_alpha);  // v = alpha*v + (1-alpha)*g^2
      T d;
      if constexpr (Centered) {
        m[i] = ema(m[i], g, s.alpha, s.one_minus_alpha);  // m = alpha*m + (1-alpha)*g
        d = std::sqrt(fmadd(-m[i], m[i], v[i])) + s.eps;  // d = sqrt(v - m^2) + eps
      } else {
        d = std::sqrt(v[i]) + s.eps;  // d = sqrt(v) + eps
      }
      if constexpr (Momentum) {
        b[i] = b[i] * s.momentum + g / d;    // b = mu*b + g/d
        p[i] = fmadd(b[i], s.neg_lr, p[i]);  // p = p - lr*b
      } else {
        p[i] = p[i] + s.neg_lr * g / d;  // p = p - lr*g/d
      }
    }
  };
  const bool momentum = s.momentum > 0;
  if (s.centered)
    momentum ? loop.template operator()<true, true>() : loop.template operator()<true, false>();
  else
    momentum ? loop.template operator()<false, true>() : loop.template operator()<false, false>();
}

template class RMSprop<float>;
template class RMSprop<double>;

}  // namespace descent::optim
