#pragma once
// Adadelta (Zeiler 2012), exactly as torch.optim.Adadelta (1.13): the step is scaled by the ratio
// of the RMS of past updates to the RMS of past gradients, with lr, L2 weight decay and maximize.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct AdadeltaOptions {
  double lr = 1.0;
  double rho = 0.9;
  double eps = 1e-6;
  double weight_decay = 0;
  bool maximize = false;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "coefficient that scales delta before it is applied", options::at_least(0));
    v("rho", rho, "decay rate of the running averages of g^2 and delta^2", options::closed(0, 1));
    v("eps", eps, "added inside both square roots for stability", options::at_least(0));
    v("weight_decay", weight_decay, "L2 penalty added to the gradient: g += wd*p",
      options::at_least(0));
    v("maximize", maximize, "maximize the objective instead of minimizing");
  }
};

/// torch.optim.Adadelta:
///   g = ±grad + wd*p;   E[g^2] = rho*E[g^2] + (1-rho)*g^2
///   delta = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g
///   E[dx^2] = rho*E[dx^2] + (1-rho)*delta^2;   p = p - lr*delta
template <class T>
class Adadelta : public FusedOptimizer<T, Adadelta<T>, AdadeltaOptions, 2> {
 public:
  static constexpr const char* kName = "adadelta";
  static constexpr std::array<const char*, 2> kState{"square_avg", "acc_delta"};
  using FusedOptimizer<T, Adadelta<T>, AdadeltaOptions, 2>::FusedOptimizer;

  struct Scalars {
    T sign, weight_decay, rho, one_minus_rho, eps, neg_lr;
  };
  static Scalars scalars(const AdadeltaOptions& o, std::int64_t step);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict square_avg, T* __restrict acc_delta);
};

extern template class Adadelta<float>;
extern template class Adadelta<double>;

}  // namespace descent::optim
