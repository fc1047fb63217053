#pragma once
// Checks of a model before its first step, each reported once:
//   - the initial loss of a classifier trained with cross-entropy against ln(C): an output that
//     starts near uniform over C classes gives -ln(1/C) = ln(C); a value far off (below half or
//     above twice) points at a broken initialization or unscaled inputs;
//   - symmetric units: a hidden Linear layer whose units all start with the same weights and bias
//     (zero or constant init) gets the same gradient for every unit, so they stay identical and
//     the layer learns like one unit.
// (A constant target or a single class is refused earlier, when the data is loaded.)
// DeadUnits logs, at the end of every epoch, the fraction of each ReLU layer's units that output 0
// for every row of a probe batch ("dead" units: no gradient flows through them) as dead_relu_<k>,
// k = 1, 2, ... the ReLU layers in order.
#include <string>
#include <vector>

#include "descent/train/callback.hpp"
#include "descent/train/probe_batch.hpp"

namespace descent::train {

struct StartFinding {
  bool warning = false;  // false: information
  std::string message;
};

template <class T>
std::vector<StartFinding> start_checks(Trainer<T>& trainer, const ProbeBatch<T>& batch);

/// Per ReLU layer of `model`, the fraction of its units that are 0 on every row of `batch`
/// (evaluation mode).
template <class T>
std::vector<double> dead_relu_fractions(nn::Sequential<T>& model, const ProbeBatch<T>& batch);

/// Whether the model has a ReLU layer.
template <class T>
bool has_relu(const nn::Sequential<T>& model);

template <class T>
class DeadUnits final : public Callback<T> {
 public:
  explicit DeadUnits(ProbeBatch<T> batch) : batch_(std::move(batch)) {}
  std::string name() const override { return "dead_units"; }
  void on_epoch_end(Trainer<T>& trainer) override;

 private:
  ProbeBatch<T> batch_;
};

extern template class DeadUnits<float>;
extern template class DeadUnits<double>;

}  // namespace descent::train
