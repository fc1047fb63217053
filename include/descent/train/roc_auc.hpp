#pragma once
// ROC AUC of a binary classifier: the probability that a random positive row scores above a random
// negative one, from the Mann-Whitney U statistic over the ranks of the scores (ties share their
// mean rank):  AUC = (R_pos - n_pos (n_pos + 1) / 2) / (n_pos n_neg),  R_pos = sum of positive
// ranks. The score is the logit z of a single-output model, or z_1 - z_0 of a two-output one (both
// monotonic in P(class 1)). Written as "<prefix>_roc_auc"; NaN when a class is absent.
#include <cstdint>
#include <utility>
#include <vector>

#include "descent/train/metric.hpp"

namespace descent::train {

template <class T>
class RocAuc final : public Metric<T> {
 public:
  void reset() override { scored_.clear(); }
  void update(const EvalBatch<T>& batch) override;
  void write(MetricRow& row, std::string_view prefix) const override {
    row.set(metric_name(prefix, "roc_auc"), value());
  }
  double value() const;

 private:
  std::vector<std::pair<double, bool>> scored_;  // (score, is positive) per row
};

extern template class RocAuc<float>;
extern template class RocAuc<double>;

}  // namespace descent::train
