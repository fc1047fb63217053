#pragma once
// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"): a sign update of an
// interpolation of momentum and gradient, with decoupled weight decay. Not in torch.optim.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct LionOptions {
  double lr = 1e-4;
  Betas betas{0.9, 0.99};
  double weight_decay = 0;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate: every coordinate moves by exactly lr (before decay)",
      options::at_least(0));
    v("betas", betas, "interpolation beta1 of the update direction, decay beta2 of the momentum",
      options::half_open(0, 1));
    v("weight_decay", weight_decay, "decoupled weight decay: p *= 1 - lr*wd", options::at_least(0));
  }
};

/// Lion (Chen et al. 2023, Algorithm 2):
///   c = beta1*m + (1-beta1)*g;   p = p*(1 - lr*wd) - lr*sign(c);   m = beta2*m + (1-beta2)*g
/// with sign(0) = 0.
template <class T>
class Lion : public FusedOptimizer<T, Lion<T>, LionOptions, 1> {
 public:
  static constexpr const char* kName = "lion";
  static constexpr std::array<const char*, 1> kState{"exp_avg"};
  using FusedOptimizer<T, Lion<T>, LionOptions, 1>::FusedOptimizer;

  struct Scalars {
    T lr, decay, beta1, one_minus_beta1, beta2, one_minus_beta2;
  };
  static Scalars scalars(const LionOptions& o, std::int64_t step);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict grad,
                     T* __restrict m);
};

extern template class Lion<float>;
extern template class Lion<double>;

}  // namespace descent::optim
