#pragma once
// RAdam (Liu et al. 2020: Adam with a rectified adaptive learning rate), exactly as
// torch.optim.RAdam (1.13): plain bias-corrected momentum while the variance of the adaptive
// learning rate is intractable (rho_t <= 5), rectified Adam after.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct RAdamOptions {
  double lr = 1e-3;
  Betas betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate", options::at_least(0));
    v("betas", betas, "decay rates (beta1, beta2) of the first and second moment averages",
      options::half_open(0, 1));
    v("eps", eps, "added to the denominator sqrt(v) for stability", options::at_least(0));
    v("weight_decay", weight_decay, "L2 penalty added to the gradient: g += wd*p",
      options::at_least(0));
  }
};

/// torch.optim.RAdam, t = step:
///   g = grad + wd*p;   m = beta1*m + (1-beta1)*g;   v = beta2*v + (1-beta2)*g^2;   m_hat =
///   m/(1-beta1^t) rho_inf = 2/(1-beta2) - 1;   rho_t = rho_inf - 2t*beta2^t/(1-beta2^t) rho_t > 5:
///   r_t = sqrt((rho_t-4)(rho_t-2)rho_inf / ((rho_inf-4)(rho_inf-2)rho_t)),
///              p = p - m_hat*lr * sqrt(1-beta2^t)/(sqrt(v) + eps) * r_t
///   else:      p = p - m_hat*lr
template <class T>
class RAdam : public FusedOptimizer<T, RAdam<T>, RAdamOptions, 2> {
 public:
  static constexpr const char* kName = "radam";
  static constexpr std::array<const char*, 2> kState{"exp_avg", "exp_avg_sq"};
  using FusedOptimizer<T, RAdam<T>, RAdamOptions, 2>::FusedOptimizer;

  struct Scalars {
    T weight_decay, beta1, one_minus_beta1, beta2, one_minus_beta2, bias_correction1, lr, eps,
        bias_correction2_sqrt, rect;
    bool rectified;
  };
  static Scalars scalars(const RAdamOptions& o, std::int64_t step);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict m, T* __restrict v);
};

extern template class RAdam<float>;
extern template class RAdam<double>;

}  // namespace descent::optim
