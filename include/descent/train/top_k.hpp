#pragma once
// Top-k accuracy: the fraction of rows whose target class is among the k largest outputs. A class
// tied with the k-th largest counts as inside only if fewer than k outputs are strictly larger
// (the target's rank r = #{j : z_j > z_y} must satisfy r < k).
#include "descent/train/metric.hpp"

namespace descent::train {

template <class T>
class TopKAccuracy final : public Metric<T> {
 public:
  explicit TopKAccuracy(std::size_t k);
  void reset() override { correct_ = 0, count_ = 0; }
  void update(const EvalBatch<T>& batch) override;
  /// Writes "<prefix>_top<k>_accuracy".
  void write(MetricRow& row, std::string_view prefix) const override;
  double value() const {
    return count_ ? static_cast<double>(correct_) / static_cast<double>(count_) : 0.0;
  }

 private:
  std::size_t k_;
  std::size_t correct_ = 0, count_ = 0;
};

extern template class TopKAccuracy<float>;
extern template class TopKAccuracy<double>;

}  // namespace descent::train
