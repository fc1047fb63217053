#pragma once
// Adam (L2 weight decay added to the gradient) and AdamW (decoupled weight decay), exactly as
// torch.optim.Adam / torch.optim.AdamW (1.13), including amsgrad and maximize.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct AdamOptions {
  double lr = 1e-3;
  Betas betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0;
  bool amsgrad = false;
  bool maximize = false;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate", options::at_least(0));
    v("betas", betas, "decay rates (beta1, beta2) of the first and second moment averages",
      options::half_open(0, 1));
    v("eps", eps, "added to the denominator sqrt(v_hat) for stability", options::at_least(0));
    v("weight_decay", weight_decay,
      "Adam: L2 penalty added to the gradient; AdamW: decoupled decay", options::at_least(0));
    v("amsgrad", amsgrad, "use the running maximum of the second moments (AMSGrad)");
    v("maximize", maximize, "maximize the objective instead of minimizing");
  }
};

/// AdamW's defaults differ from Adam's only in weight_decay (torch: 1e-2).
struct AdamWOptions : AdamOptions {
  AdamWOptions() { weight_decay = 1e-2; }
};

/// The Adam update (Kingma & Ba 2015, torch's arrangement), t = step:
///   AdamW: p = p*(1 - lr*wd);   Adam: g = g + wd*p
///   m = beta1*m + (1-beta1)*g;   v = beta2*v + (1-beta2)*g^2;   amsgrad: v_max = max(v_max, v)
///   p = p - lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)
template <class T, class Opts, bool Decoupled>
class AdamFamily : public FusedOptimizer<T, AdamFamily<T, Opts, Decoupled>, Opts, 3> {
 public:
  static constexpr const char* kName = Decoupled ? "adamw" : "adam";
  static constexpr std::array<const char*, 3> kState{"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  using FusedOptimizer<T, AdamFamily, Opts, 3>::FusedOptimizer;

  struct Scalars {
    T sign, decay, l2, beta1, one_minus_beta1, beta2, one_minus_beta2, bias_correction2_sqrt, eps,
        neg_step_size;
    bool amsgrad;
  };
  static Scalars scalars(const Opts& o, std::int64_t step);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict m, T* __restrict v, T* __restrict v_max);
  /// max_exp_avg_sq only with amsgrad.
  static bool uses_state(const Opts& o, std::size_t buffer) { return buffer != 2 || o.amsgrad; }
};

template <class T>
using Adam = AdamFamily<T, AdamOptions, false>;
template <class T>
using AdamW = AdamFamily<T, AdamWOptions, true>;

extern template class AdamFamily<float, AdamOptions, false>;
extern template class AdamFamily<double, AdamOptions, false>;
extern template class AdamFamily<float, AdamWOptions, true>;
extern template class AdamFamily<double, AdamWOptions, true>;

}  // namespace descent::optim
