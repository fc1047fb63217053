#pragma once
// Adagrad (Duchi, Hazan & Singer 2011), exactly as torch.optim.Adagrad (1.13): per-coordinate
// learning rates from the running sum of squared gradients, with lr_decay and L2 weight decay.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
  bool maximize = false;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate", options::at_least(0));
    v("lr_decay", lr_decay, "learning rate decay: lr_t = lr / (1 + (t-1)*lr_decay)",
      options::at_least(0));
    v("weight_decay", weight_decay, "L2 penalty added to the gradient: g += wd*p",
      options::at_least(0));
    v("initial_accumulator_value", initial_accumulator_value, "starting value of the sum of g^2",
      options::at_least(0));
    v("eps", eps, "added to the denominator sqrt(sum) for stability", options::at_least(0));
    v("maximize", maximize, "maximize the objective instead of minimizing");
  }
};

/// torch.optim.Adagrad, t = step:
///   g = ±grad + wd*p;   lr_t = lr / (1 + (t-1)*lr_decay)
///   G = G + g^2;   p = p - lr_t * g / (sqrt(G) + eps)
template <class T>
class Adagrad : public FusedOptimizer<T, Adagrad<T>, AdagradOptions, 1> {
 public:
  static constexpr const char* kName = "adagrad";
  static constexpr std::array<const char*, 1> kState{"sum"};
  using FusedOptimizer<T, Adagrad<T>, AdagradOptions, 1>::FusedOptimizer;

  struct Scalars {
    T sign, weight_decay, neg_lr_t, eps;
  };
  static Scalars scalars(const AdagradOptions& o, std::int64_t step);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict sum);
  static T initial_state(const AdagradOptions& o, std::size_t) {
    return T(o.initial_accumulator_value);
  }
};

extern template class Adagrad<float>;
extern template class Adagrad<double>;

}  // namespace descent::optim
