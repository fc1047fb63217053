#pragma once
// Regression errors over a pass, per output column j then averaged uniformly over columns:
//   MSE = (1/N) sum_i (yhat_i - y_i)^2,   MAE = (1/N) sum_i |yhat_i - y_i|,
//   R^2 = 1 - SS_res / SS_tot with SS_res = sum_i (y_i - yhat_i)^2, SS_tot = sum_i (y_i - ybar)^2.
// SS_tot is accumulated in one pass on shifted data (Chan, Golub & LeVeque 1983): with K the
// pass's first target, S1 = sum (y - K), S2 = sum (y - K)^2, then SS_tot = S2 - S1^2 / N. Its
// relative error is about eps (ybar - K)^2 / var(y), small since K is one of the targets (a plain
// sum of y^2 loses everything to cancellation when |ybar| >> sd(y)); and a row costs two adds,
// where a running mean (Welford, Chan's merge) costs divisions in a chain from row to row. A
// constant target (SS_tot = 0) gives R^2 = 1 if SS_res = 0, else 0 (scikit-learn's convention).
// When the targets were standardized for training (y' = (y - mu) / s), `target_scale` = s reports
// the errors in the data's units: MSE = s^2 MSE', MAE = s MAE' (R^2 is unchanged by an affine map
// of y and yhat).
#include <vector>

#include "descent/train/metric.hpp"

namespace descent::train {

template <class T>
class RegressionMetrics final : public Metric<T> {
 public:
  explicit RegressionMetrics(double target_scale = 1) : scale_(target_scale) {}
  void reset() override;
  void update(const EvalBatch<T>& batch) override;
  /// Writes "<prefix>_mse", "<prefix>_mae", "<prefix>_r2".
  void write(MetricRow& row, std::string_view prefix) const override;
  double mse() const;
  double mae() const;
  double r2() const;

 private:
  struct Column {
    double sum_sq = 0, sum_abs = 0;  // sum (yhat - y)^2, sum |yhat - y|
    double count = 0;
    double shift = 0, sum_shifted = 0, sum_shifted_sq = 0;  // K, S1, S2 of the targets
    /// SS_tot = sum (y - ybar)^2 = S2 - S1^2 / N.
    double total_sum_of_squares() const;
  };
  std::vector<Column> columns_;
  double scale_;
};

extern template class RegressionMetrics<float>;
extern template class RegressionMetrics<double>;

}  // namespace descent::train
