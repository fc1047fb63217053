#pragma once
// MeanLoss: the loss over a pass, each batch's mean loss weighted by its rows,
// L = sum_b n_b * L_b / sum_b n_b  (= the mean per-sample loss over the data set).
#include "descent/train/metric.hpp"

namespace descent::train {

template <class T>
class MeanLoss final : public Metric<T> {
 public:
  void reset() override { sum_ = 0, count_ = 0; }
  void update(const EvalBatch<T>& batch) override {
    sum_ += batch.loss * static_cast<double>(batch.rows);
    count_ += batch.rows;
  }
  void write(MetricRow& row, std::string_view prefix) const override {
    row.set(metric_name(prefix, "loss"), value());
  }
  double value() const { return count_ ? sum_ / static_cast<double>(count_) : 0.0; }

 private:
  double sum_ = 0;
  std::size_t count_ = 0;
};

}  // namespace descent::train
