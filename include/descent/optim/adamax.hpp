#pragma once
// Adamax (Kingma & Ba 2015, section 7.1: Adam with the infinity norm), exactly as
// torch.optim.Adamax (1.13), with L2 weight decay and maximize.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct AdamaxOptions {
  double lr = 2e-3;
  Betas betas{0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0;
  bool maximize = false;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate", options::at_least(0));
    v("betas", betas, "decay rates (beta1, beta2) of the first moment and the infinity norm",
      options::half_open(0, 1));
    v("eps", eps, "added to |g| in the infinity norm for stability", options::at_least(0));
    v("weight_decay", weight_decay, "L2 penalty added to the gradient: g += wd*p",
      options::at_least(0));
    v("maximize", maximize, "maximize the objective instead of minimizing");
  }
};

/// torch.optim.Adamax, t = step:
///   g = ±grad + wd*p;   m = beta1*m + (1-beta1)*g;   u = max(beta2*u, |g| + eps)
///   p = p - lr/(1-beta1^t) * m/u
template <class T>
class Adamax : public FusedOptimizer<T, Adamax<T>, AdamaxOptions, 2> {
 public:
  static constexpr const char* kName = "adamax";
  static constexpr std::array<const char*, 2> kState{"exp_avg", "exp_inf"};
  using FusedOptimizer<T, Adamax<T>, AdamaxOptions, 2>::FusedOptimizer;

  struct Scalars {
    T sign, weight_decay, beta1, one_minus_beta1, beta2, eps, neg_step_size;
  };
  static Scalars scalars(const AdamaxOptions& o, std::int64_t step);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict m, T* __restrict u);
};

extern template class Adamax<float>;
extern template class Adamax<double>;

}  // namespace descent::optim
