#pragma once
// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay, exactly as
// torch.optim.SGD (1.13), and the textbook momentum form of the CS231n notes.
#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct SGDOptions {
  double lr = 1e-3;  // torch requires lr; descent defaults to 1e-3
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
  bool maximize = false;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate", options::at_least(0));
    v("momentum", momentum, "momentum factor mu", options::at_least(0));
    v("dampening", dampening, "dampening tau of the momentum: b = mu*b + (1-tau)*g");
    v("weight_decay", weight_decay, "L2 penalty added to the gradient: g += wd*p",
      options::at_least(0));
    v("nesterov", nesterov, "Nesterov momentum (torch's form: g + mu*b)");
    v("maximize", maximize, "maximize the objective instead of minimizing");
  }
  /// torch: Nesterov momentum requires a momentum and zero dampening.
  void check(const std::string& where) const;
};

/// Whether a group's momentum buffer holds a value: torch keeps momentum_buffer = None until the
/// first step with momentum != 0, which copies the gradient into it (also when momentum is switched
/// on mid-run, e.g. by a scheduler cycling it).
struct SGDGroupState {
  bool momentum_buffer_initialized = false;

  template <class V>
  void visit(V&& v) {
    v("momentum_buffer_initialized", momentum_buffer_initialized,
      "a step with momentum != 0 has filled the momentum buffer (torch: momentum_buffer is not "
      "None)");
  }
};

/// torch.optim.SGD:
///   g = ±grad + wd*p;  b = g on the first step with momentum (buffer absent),
///   else b = mu*b + (1-tau)*g;  d = nesterov ? g + mu*b : b;  p = p - lr*d
template <class T>
class SGD : public FusedOptimizer<T, SGD<T>, SGDOptions, 1, SGDGroupState> {
 public:
  static constexpr const char* kName = "sgd";
  static constexpr std::array<const char*, 1> kState{"momentum_buffer"};
  using FusedOptimizer<T, SGD<T>, SGDOptions, 1, SGDGroupState>::FusedOptimizer;

  struct Scalars {
    T neg_lr, momentum, one_minus_dampening, weight_decay, sign;
    bool nesterov, first_step;
  };
  static Scalars scalars(const SGDOptions& o, std::int64_t step, SGDGroupState& state);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict g,
                     T* __restrict buf);
  /// momentum_buffer only with momentum != 0.
  static bool uses_state(const SGDOptions& o, std::size_t) { return o.momentum != 0; }
};

struct MomentumOptions {
  double lr = 1e-3;
  double momentum = 0.9;

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "learning rate", options::at_least(0));
    v("momentum", momentum, "momentum factor mu (friction)", options::at_least(0));
  }
};

/// Momentum in the form of the CS231n notes (velocity carries the learning rate):
///   v = mu*v - lr*g;  p = p + v
/// Same path as torch's SGD momentum with constant lr, but a changed lr acts on new gradients only.
template <class T>
class ClassicMomentum : public FusedOptimizer<T, ClassicMomentum<T>, MomentumOptions, 1> {
 public:
  static constexpr const char* kName = "momentum";
  static constexpr std::array<const char*, 1> kState{"velocity"};
  using FusedOptimizer<T, ClassicMomentum<T>, MomentumOptions, 1>::FusedOptimizer;

  struct Scalars {
    T lr, momentum;
  };
  static Scalars scalars(const MomentumOptions& o, std::int64_t step);
  static void update(const Scalars& s, std::size_t n, T* __restrict p, const T* __restrict g,
                     T* __restrict v);
};

extern template class SGD<float>;
extern template class SGD<double>;
extern template class ClassicMomentum<float>;
extern template class ClassicMomentum<double>;

}  // namespace descent::optim
