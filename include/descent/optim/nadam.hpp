#pragma once
// NAdam (Dozat 2016: Adam with Nesterov momentum and a momentum schedule), exactly as
// torch.optim.NAdam (1.13) -- its code, which differs from its documentation in mu_product.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct NAdamOptions {
  double lr = 2e-3;
  Betas betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum_decay = 4e-3;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate", options::at_least(0));
    v("betas", betas, "decay rates (beta1, beta2) of the first and second moment averages",
      options::half_open(0, 1));
    v("eps", eps, "added to the denominator sqrt(v_hat) for stability", options::at_least(0));
    v("weight_decay", weight_decay, "L2 penalty added to the gradient: g += wd*p",
      options::at_least(0));
    v("momentum_decay", momentum_decay,
      "psi of the momentum schedule mu_t = beta1*(1 - 0.96^(t*psi)/2)", options::at_least(0));
  }
};

/// Product of the momentum schedule so far, carried from step to step (per group).
struct NAdamGroupState {
  double mu_product = 1;

  template <class V>
  void visit(V&& v) {
    v("mu_product", mu_product, "product of mu_1 ... mu_t (float32 in torch 1.13)");
  }
};

/// torch.optim.NAdam (1.13 code), t = step:
///   mu_t = beta1*(1 - 0.5*0.96^(t*psi));   P_t = P_{t-1}*mu_t;   P' = P_t*mu_t*mu_{t+1}
///   (the docs have P' = P_t*mu_{t+1}; torch 1.13 multiplies by mu_t twice, and keeps P in float32)
///   g = grad + wd*p;   m = beta1*m + (1-beta1)*g;   v = beta2*v + (1-beta2)*g^2
///   d = sqrt(v/(1-beta2^t)) + eps;   p = p - lr*(1-mu_t)/(1-P_t) * g/d - lr*mu_{t+1}/(1-P') * m/d
template <class T>
class NAdam : public FusedOptimizer<T, NAdam<T>, NAdamOptions, 2, NAdamGroupState> {
 public:
  static constexpr const char* kName = "nadam";
  static constexpr std::array<const char*, 2> kState{"exp_avg", "exp_avg_sq"};
  using FusedOptimizer<T, NAdam<T>, NAdamOptions, 2, NAdamGroupState>::FusedOptimizer;

  struct Scalars {
    T weight_decay, beta1, one_minus_beta1, beta2, one_minus_beta2, bias_correction2, eps,
        grad_coef, exp_avg_coef;
  };
  static Scalars scalars(const NAdamOptions& o, std::int64_t step, NAdamGroupState& state);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict m, T* __restrict v);
};

extern template class NAdam<float>;
extern template class NAdam<double>;

}  // namespace descent::optim
