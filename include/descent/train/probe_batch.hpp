#pragma once
// ProbeBatch: a fixed set of training rows (the first `rows` of the split) in the model's scalar
// type, with targets shaped as the loss expects them (class ids or values, [rows, 1]). Diagnostics
// that look at the loss surface or the activations (sharpness, dead units, the initial loss)
// evaluate it in evaluation mode, so every look sees the same function of the weights.
#include <cstddef>

#include "descent/data/dataset.hpp"
#include "descent/nn/layer.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/sequential.hpp"

namespace descent::train {

template <class T>
struct ProbeBatch {
  nn::Matrix<T> x, target;

  /// The first min(rows, data.rows()) rows of data.
  static ProbeBatch from(const data::Dataset& data, std::size_t rows);
  std::size_t rows() const { return static_cast<std::size_t>(x.rows()); }
};

/// The model in evaluation mode while it lives (restored to the mode it had).
template <class T>
class EvalMode {
 public:
  explicit EvalMode(nn::Sequential<T>& model) : model_(model), was_training_(model.training()) {
    model_.eval();
  }
  ~EvalMode() { model_.set_training(was_training_); }
  EvalMode(const EvalMode&) = delete;
  EvalMode& operator=(const EvalMode&) = delete;

 private:
  nn::Sequential<T>& model_;
  bool was_training_;
};

extern template struct ProbeBatch<float>;
extern template struct ProbeBatch<double>;

}  // namespace descent::train
