#pragma once
// RMSprop (Hinton's lecture 6e; centered form of Graves 2013), exactly as torch.optim.RMSprop
// (1.13), with momentum, L2 weight decay and maximize.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
  bool maximize = false;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate", options::at_least(0));
    v("alpha", alpha, "smoothing constant of the average of g^2", options::at_least(0));
    v("eps", eps, "added to the denominator sqrt(v) for stability", options::at_least(0));
    v("weight_decay", weight_decay, "L2 penalty added to the gradient: g += wd*p",
      options::at_least(0));
    v("momentum", momentum, "momentum factor of the scaled step", options::at_least(0));
    v("centered", centered, "divide by the variance estimate v - m^2 instead of v");
    v("maximize", maximize, "maximize the objective instead of minimizing");
  }
};

/// torch.optim.RMSprop:
///   g = ±grad + wd*p;   v = alpha*v + (1-alpha)*g^2
///   centered: m = alpha*m + (1-alpha)*g,  d = sqrt(v - m^2) + eps;  else d = sqrt(v) + eps
///   momentum > 0: b = mu*b + g/d,  p = p - lr*b;   else p = p - lr*g/d
template <class T>
class RMSprop : public FusedOptimizer<T, RMSprop<T>, RMSpropOptions, 3> {
 public:
  static constexpr const char* kName = "rmsprop";
  static constexpr std::array<const char*, 3> kState{"square_avg", "momentum_buffer", "grad_avg"};
  using FusedOptimizer<T, RMSprop<T>, RMSpropOptions, 3>::FusedOptimizer;

  struct Scalars {
    T sign, weight_decay, alpha, one_minus_alpha, eps, momentum, neg_lr;
    bool centered;
  };
  static Scalars scalars(const RMSpropOptions& o, std::int64_t step);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict v, T* __restrict b, T* __restrict m);
  /// momentum_buffer only with momentum > 0, grad_avg only when centered.
  static bool uses_state(const RMSpropOptions& o, std::size_t buffer) {
    return buffer == 0 || (buffer == 1 ? o.momentum > 0 : o.centered);
  }
};

extern template class RMSprop<float>;
extern template class RMSprop<double>;

}  // namespace descent::optim
