#pragma once
// Metrics accumulate over the batches of an evaluation pass and write named values into a MetricRow
// ("<prefix>_accuracy", "<prefix>_r2", ...). Each concept is one file: mean_loss, accuracy, top_k,
// confusion_matrix (per-class precision/recall/F1), regression_metrics (MSE/MAE/R^2).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "descent/train/metric_row.hpp"

namespace descent::train {

/// One evaluated batch: the model's outputs (rows x cols, row-major; logits for classification),
/// the targets (regression: rows x target_cols values; classification: one class id per row in
/// `labels`) and the batch's mean loss.
template <class T>
struct EvalBatch {
  std::span<const T> outputs;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::span<const T> targets;
  std::span<const std::int32_t> labels;
  std::size_t target_cols = 1;
  double loss = 0;

  const T* output_row(std::size_t i) const { return outputs.data() + i * cols; }
  T target(std::size_t i, std::size_t j = 0) const { return targets[i * target_cols + j]; }
};

template <class T>
class Metric {
 public:
  virtual ~Metric() = default;
  virtual void reset() = 0;
  virtual void update(const EvalBatch<T>& batch) = 0;
  /// Adds this metric's values to `row`, each named "<prefix>_<name>" ("<name>" if prefix is
  /// empty).
  virtual void write(MetricRow& row, std::string_view prefix) const = 0;
};

template <class T>
using MetricList = std::vector<std::unique_ptr<Metric<T>>>;

/// "<prefix>_<name>", or "<name>" when prefix is empty.
std::string metric_name(std::string_view prefix, std::string_view name);

/// Predicted class of one output row: argmax over cols (first maximum), or for a single output
/// column (binary classification with a logit) 1 if the logit is > 0, else 0.
template <class T>
std::size_t predicted_class(const T* row, std::size_t cols);

/// Class id of row i, checked to lie in [0, num_classes); UsageError otherwise.
template <class T>
std::size_t class_id(const EvalBatch<T>& batch, std::size_t i, std::size_t num_classes);

}  // namespace descent::train
