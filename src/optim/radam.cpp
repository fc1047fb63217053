#include "descent/optim/radam.hpp"

#include <cmath>

#include "descent/optim/update_terms.hpp"

namespace descent::optim {

template <class T>
auto RAdam<T>::scalars(const RAdamOptions& o, std::int64_t step) -> Scalars {
  const double t = double(step);
  const double beta1 = o.betas[0], beta2 = o.betas[1];
  const double bias_correction1 = 1 - std::pow(beta1, t);
  const double bias_correction2 = 1 - std::pow(beta2, t);
  // length of the approximated SMA:
  //   rho_inf = 2/(1-beta2) - 1,   rho_t = rho_inf - 2t*beta2^t/(1-beta2^t)
  const double rho_inf = 2 / (1 - beta2) - 1;
  const double rho_t = rho_inf - 2 * t * std::pow(beta2, t) / bias_correction2;
  const bool rectified = rho_t > 5.;
  // variance rectification r_t = sqrt((rho_t-4)(rho_t-2)rho_inf / ((rho_inf-4)(rho_inf-2)rho_t))
  const double rect =
      rectified
          ? std::sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
          : 0.;
  return {.weight_decay = T(o.weight_decay),
          .beta1 = T(beta1),
          .one_minus_beta1 = T(1 - beta1),
          .beta2 = T(beta2),
          .one_minus_beta2 = T(1 - beta2),
          .bias_correction1 = T(bias_correction1),
          .lr = T(o.lr),
          .eps = T(o.eps),
          .bias_correction2_sqrt = T(std::sqrt(bias_correction2)),
          .rect = T(rect),
          .rectified = rectified};
}

// Multiply-adds are rounded as torch's add_(x, alpha=a) and addcmul_ round them (fmadd.hpp).
// Whether the step is rectified is a template argument of the loop, so each variant is one
// branch-free loop the compiler vectorizes (tested at run time inside the loop, it stayed scalar).
template <class T>
void RAdam<T>::update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                      T* __restrict m, T* __restrict v) {
  auto loop = [&]<bool Rectified>() {
    for (std::size_t i = 0; i < n; ++i) {
      const T g = l2_decayed(grad[i], p[i], s.weight_decay);   // g = grad + wd*p
      m[i] = ema(m[i], g, s.beta1, s.one_minus_beta1);         // m = beta1*m + (1-beta1)*g
      v[i] = ema_square(v[i], g, s.beta2, s.one_minus_beta2);  // v = beta2*v + (1-beta2)*g^2
      const T m_hat = m[i] / s.bias_correction1;               // m_hat = m/(1-beta1^t)
      if constexpr (Rectified) {
        // adaptive lr l_t = sqrt(1-beta2^t)/(sqrt(v) + eps), as torch: reciprocal, then times
        const T adaptive_lr = T(1) / (std::sqrt(v[i]) + s.eps) * s.bias_correction2_sqrt;
        p[i] = p[i] - m_hat * s.lr * adaptive_lr * s.rect;  // p = p - m_hat*lr*l_t*r_t
      } else {
        p[i] = p[i] - m_hat * s.lr;  // p = p - m_hat*lr
      }
    }
  };
  if (s.rectified)
    loop.template operator()<true>();
  else
    loop.template operator()<false>();
}

template class RAdam<float>;
template class RAdam<double>;

}  // namespace descent::optim
