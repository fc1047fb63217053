#include "descent/optim/adam.hpp"

#include <cmath>

#include "descent/optim/update_terms.hpp"

namespace descent::optim {

template <class T, class Opts, bool Decoupled>
auto AdamFamily<T, Opts, Decoupled>::scalars(const Opts& o, std::int64_t step) -> Scalars {
  const double t = double(step);
  const double bias_correction1 = 1 - std::pow(o.betas[0], t);
  const double bias_correction2 = 1 - std::pow(o.betas[1], t);
  const double step_size = o.lr / bias_correction1;
  return {.sign = T(o.maximize ? -1 : 1),
          .decay = T(Decoupled ? 1 - o.lr * o.weight_decay : 1),
          .l2 = T(Decoupled ? 0 : o.weight_decay),
          .beta1 = T(o.betas[0]),
          .one_minus_beta1 = T(1 - o.betas[0]),
          .beta2 = T(o.betas[1]),
          .one_minus_beta2 = T(1 - o.betas[1]),
          .bias_correction2_sqrt = T(std::sqrt(bias_correction2)),
          .eps = T(o.eps),
          .neg_step_size = T(-step_size),
          .amsgrad = o.amsgrad};
}

// Multiply-adds are rounded as torch's add_(x, alpha=a) and addcmul_ round them (fmadd.hpp); the
// final p + (-step_size*m)/denom is torch's addcdiv_, which rounds each operation. amsgrad is a
// template argument of the loop, so each variant is one branch-free loop the compiler vectorizes.
template <class T, class Opts, bool Decoupled>
void AdamFamily<T, Opts, Decoupled>::update(const Scalars& s, std::size_t n, T* __restrict p,
                                            const T* __restrict grad, T* __restrict m,
                                            T* __restrict v, T* __restrict v_max) {
  auto loop = [&]<bool AmsGrad>() {
    for (std::size_t i = 0; i < n; ++i) {
      T g = s.sign * grad[i];
      T p_i = p[i];
      if constexpr (Decoupled)
        p_i = p_i * s.decay;  // p = p*(1 - lr*wd)
      else
        g = l2_decayed(g, p_i, s.l2);                          // g = g + wd*p
      m[i] = ema(m[i], g, s.beta1, s.one_minus_beta1);         // m = beta1*m + (1-beta1)*g
      v[i] = ema_square(v[i], g, s.beta2, s.one_minus_beta2);  // v = beta2*v + (1-beta2)*g^2
      T second = v[i];
      if constexpr (AmsGrad) second = v_max[i] = std::max(v_max[i], v[i]);
      // denom = sqrt(v_hat) + eps, with v_hat = v/(1-beta2^t) taken as sqrt(v)/sqrt(1-beta2^t)
      const T denom = std::sqrt(second) / s.bias_correction2_sqrt + s.eps;
      // p = p - lr * m_hat / denom, with m_hat = m/(1-beta1^t) folded into neg_step_size
      p[i] = p_i + s.neg_step_size * m[i] / denom;
    }
  };
  if (s.amsgrad)
    loop.template operator()<true>();
  else
    loop.template operator()<false>();
}

template class AdamFamily<float, AdamOptions, false>;
template class AdamFamily<double, AdamOptions, false>;
template class AdamFamily<float, AdamWOptions, true>;
template class AdamFamily<double, AdamWOptions, true>;

}  // namespace descent::optim
