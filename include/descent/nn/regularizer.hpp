#pragma once
// Regularization as a loss term on chosen tensors (the course's L(W) = data loss + lambda R(W)):
//   L1           R = l1 sum |w|                 dR/dw = l1 sign(w)   (sign(0) = 0)
//   L2           R = l2 sum w^2                 dR/dw = 2 l2 w
//   elastic net  R = l1 sum |w| + l2 sum w^2    (both)
// The value is reported separately from the data loss; the gradient is added to the arena grads.
// Note the L2 term's gradient 2 l2 w equals SGD's weight_decay wd = 2 l2 (torch adds wd*w), and
// apply() rounds it as torch does, so an L2 penalty and SGD's weight decay give the same bits.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/params.hpp"

namespace descent::nn {

template <class T>
class Regularizer {
 public:
  /// l1, l2 >= 0 (ConfigError otherwise) on `tensors`.
  Regularizer(double l1, double l2, std::vector<TensorId> tensors);

  /// Tensors whose name ends in "weight": weights, not biases (torch's naming).
  static std::vector<TensorId> weights_of(const Params<T>& params);
  /// Every tensor of the arena.
  static std::vector<TensorId> all_of(const Params<T>& params);

  /// R(w), accumulated in double.
  double value(const Params<T>& params) const;
  /// Adds dR/dw to the grads of the chosen tensors and returns R(w).
  double apply(Params<T>& params) const;

  double l1() const { return l1_; }
  double l2() const { return l2_; }
  const std::vector<TensorId>& tensors() const { return tensors_; }

 private:
  double l1_, l2_;
  std::vector<TensorId> tensors_;
};

/// From {"name": "l1" | "l2", "lambda": x} or {"name": "elastic_net", "l1": a, "l2": b}, with
/// optional "apply_to": "weights" (default) | "all". Strict: unknown keys and names are
/// ConfigErrors naming "regularization.<key>".
template <class T>
Regularizer<T> make_regularizer(const Params<T>& params, const nlohmann::json& spec);

extern template class Regularizer<float>;
extern template class Regularizer<double>;

}  // namespace descent::nn
