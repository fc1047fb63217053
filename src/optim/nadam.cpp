#include "descent/optim/nadam.hpp"

#include <cmath>

#include "descent/optim/update_terms.hpp"

namespace descent::optim {

template <class T>
auto NAdam<T>::scalars(const NAdamOptions& o, std::int64_t step, NAdamGroupState& state)
    -> Scalars {
  const double t = double(step);
  const double beta1 = o.betas[0], beta2 = o.betas[1];
  const double bias_correction2 = 1 - std::pow(beta2, t);
  // mu_t = beta1*(1 - 0.5*0.96^(t*psi)), and mu_{t+1}
  const double mu = beta1 * (1. - 0.5 * std::pow(0.96, t * o.momentum_decay));
  const double mu_next = beta1 * (1. - 0.5 * std::pow(0.96, (t + 1) * o.momentum_decay));
  // torch 1.13 holds mu_product in a float32 tensor (torch.tensor(1.)), so every product rounds
  // to float: P_t = P_{t-1}*mu_t;  P' = P_t*mu_t*mu_{t+1}
  const float mu_product = float(state.mu_product) * float(mu);
  const float mu_product_next = mu_product * float(mu) * float(mu_next);
  state.mu_product = mu_product;
  return {.weight_decay = T(o.weight_decay),
          .beta1 = T(beta1),
          .one_minus_beta1 = T(1 - beta1),
          .beta2 = T(beta2),
          .one_minus_beta2 = T(1 - beta2),
          .bias_correction2 = T(bias_correction2),
          .eps = T(o.eps),
          .grad_coef = T(-o.lr * (1. - mu) / (1. - double(mu_product))),
          .exp_avg_coef = T(-o.lr * mu_next / (1. - double(mu_product_next)))};
}

// Multiply-adds are rounded as torch's add_(x, alpha=a) and addcmul_ round them (fmadd.hpp).
template <class T>
void NAdam<T>::update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                      T* __restrict m, T* __restrict v) {
  for (std::size_t i = 0; i < n; ++i) {
    const T g = l2_decayed(grad[i], p[i], s.weight_decay);     // g = grad + wd*p
    m[i] = ema(m[i], g, s.beta1, s.one_minus_beta1);           // m = beta1*m + (1-beta1)*g
    v[i] = ema_square(v[i], g, s.beta2, s.one_minus_beta2);    // v = beta2*v + (1-beta2)*g^2
    const T d = std::sqrt(v[i] / s.bias_correction2) + s.eps;  // d = sqrt(v/(1-beta2^t)) + eps
    // p = p - lr*(1-mu_t)/(1-P_t) * g/d - lr*mu_{t+1}/(1-P') * m/d
    const T p_grad_step = p[i] + s.grad_coef * g / d;
    p[i] = p_grad_step + s.exp_avg_coef * m[i] / d;
  }
}

template class NAdam<float>;
template class NAdam<double>;

}  // namespace descent::optim
