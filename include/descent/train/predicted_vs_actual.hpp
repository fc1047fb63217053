#pragma once
// PredictedVsActual: the (actual, predicted) pairs of a regression evaluation, for the report's
// scatter plot. Keeps the first `capacity` rows in data order (first output column, the model's
// units: the caller converts with y = std * v + mean). It writes no metric columns: MSE, MAE and
// R^2 are the regression metrics' job.
#include <cstddef>
#include <vector>

#include "descent/train/metric.hpp"

namespace descent::train {

template <class T>
class PredictedVsActual final : public Metric<T> {
 public:
  explicit PredictedVsActual(std::size_t capacity = 100000) : capacity_(capacity) {}
  void reset() override {
    actual_.clear();
    predicted_.clear();
    rows_ = 0;
  }
  void update(const EvalBatch<T>& batch) override {
    for (std::size_t i = 0; i < batch.rows && actual_.size() < capacity_; ++i) {
      actual_.push_back(static_cast<double>(batch.target(i)));
      predicted_.push_back(static_cast<double>(batch.output_row(i)[0]));
    }
    rows_ += batch.rows;
  }
  void write(MetricRow&, std::string_view) const override {}

  /// Rows evaluated (kept: actual().size(), at most the capacity).
  std::size_t rows() const { return rows_; }
  const std::vector<double>& actual() const { return actual_; }
  const std::vector<double>& predicted() const { return predicted_; }

 private:
  std::size_t capacity_;
  std::size_t rows_ = 0;
  std::vector<double> actual_, predicted_;
};

}  // namespace descent::train
