#pragma once
// gradcheck for a model's hand-derived backward pass: the gradient of
//   L(theta) = loss(net(X; theta), target) [+ R(theta)]
// from forward + backward (+ the regularizer's apply) against central differences of L, tensor by
// tensor, on a fixed batch, in double (objective::gradcheck per coordinate: relative error
// |a-n| / max(|a|,|n|), step h_i = cbrt(eps) * max(1, |theta_i|)). Layers with randomness (Dropout)
// replay the same mask in every evaluation (their state is restored before each forward).
#include <cstddef>
#include <string>
#include <vector>

#include "descent/nn/loss.hpp"
#include "descent/nn/regularizer.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/objective/gradcheck.hpp"

namespace descent::nn {

struct ModelGradcheckOptions {
  objective::GradcheckOptions check;  // step, floor, how many worst coordinates to keep
  /// At most this many coordinates per tensor, evenly spaced (all of a smaller tensor).
  std::size_t coordinates_per_tensor = 64;
};

/// One checked coordinate: tensor name, index inside the tensor, and its comparison.
struct ModelCoordinateError {
  std::string tensor;
  std::size_t index;
  objective::CoordinateError error;
};

struct TensorGradcheck {
  std::string name;
  std::size_t size = 0, checked = 0;
  double max_error = 0;
};

struct ModelGradcheck {
  std::vector<TensorGradcheck> tensors;     // arena order
  std::vector<ModelCoordinateError> worst;  // largest error first, across tensors
  double max_error = 0;
  double loss = 0;  // L at the checked point
  bool ok(double tolerance) const { return max_error <= tolerance; }
};

/// Checks net's backward pass (and the regularizer's gradient, if given) at the current
/// parameters. Restores every parameter exactly; leaves the analytic gradient in params.grads().
ModelGradcheck gradcheck_model(Sequential<double>& net, Params<double>& params,
                               const Loss<double>& loss, ConstRef<double> x,
                               ConstRef<double> target, const Regularizer<double>* regularizer,
                               const ModelGradcheckOptions& options = {});

}  // namespace descent::nn
