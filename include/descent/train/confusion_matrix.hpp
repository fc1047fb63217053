#pragma once
// ConfusionMatrix: counts C[t][p] of rows with target class t predicted as p, and from it the
// per-class precision P_c = C[c][c] / sum_t C[t][c], recall R_c = C[c][c] / sum_p C[c][p] and
// F1_c = 2 P_c R_c / (P_c + R_c) (0 when a denominator is 0, as scikit-learn's zero_division=0).
// Writes macro averages (unweighted means over classes) into the metric row.
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/train/metric.hpp"

namespace descent::train {

template <class T>
class ConfusionMatrix final : public Metric<T> {
 public:
  explicit ConfusionMatrix(std::size_t num_classes);
  void reset() override;
  void update(const EvalBatch<T>& batch) override;
  /// Writes "<prefix>_macro_precision", "<prefix>_macro_recall", "<prefix>_macro_f1".
  void write(MetricRow& row, std::string_view prefix) const override;

  std::size_t num_classes() const { return n_; }
  std::uint64_t count(std::size_t target, std::size_t predicted) const {
    return counts_[target * n_ + predicted];
  }
  double precision(std::size_t c) const;
  double recall(std::size_t c) const;
  double f1(std::size_t c) const;
  /// {"matrix": [[...]], "precision": [...], "recall": [...], "f1": [...], "support": [...]},
  /// rows of the matrix are targets, columns predictions.
  nlohmann::ordered_json to_json() const;

 private:
  std::size_t n_;
  std::vector<std::uint64_t> counts_;
};

extern template class ConfusionMatrix<float>;
extern template class ConfusionMatrix<double>;

}  // namespace descent::train
