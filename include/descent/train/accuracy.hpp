#pragma once
// Accuracy: the fraction of rows whose predicted class (argmax of the outputs) equals the target,
// acc = (1/N) * sum_i [argmax_j z_ij == y_i].
#include "descent/train/metric.hpp"

namespace descent::train {

template <class T>
class Accuracy final : public Metric<T> {
 public:
  void reset() override { correct_ = 0, count_ = 0; }
  void update(const EvalBatch<T>& batch) override;
  void write(MetricRow& row, std::string_view prefix) const override {
    row.set(metric_name(prefix, "accuracy"), value());
  }
  double value() const {
    return count_ ? static_cast<double>(correct_) / static_cast<double>(count_) : 0.0;
  }

 private:
  std::size_t correct_ = 0, count_ = 0;
};

extern template class Accuracy<float>;
extern template class Accuracy<double>;

}  // namespace descent::train
