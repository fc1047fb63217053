#include "descent/train/regression_metrics.hpp"

#include <cmath>

#include "descent/core/error.hpp"

namespace descent::train {

template <class T>
void RegressionMetrics<T>::reset() {
  columns_.clear();
}

template <class T>
void RegressionMetrics<T>::update(const EvalBatch<T>& batch) {
  if (batch.cols != batch.target_cols)
    throw UsageError("model has " + std::to_string(batch.cols) + " outputs but the targets " +
                         std::to_string(batch.target_cols) + " columns",
                     "metrics");
  if (columns_.empty()) columns_.resize(batch.cols);
  for (std::size_t j = 0; j < batch.cols; ++j) {
    Column& c = columns_[j];
    // This batch's own count, mean and M2, then Chan's merge:
    //   delta = mean_b - mean_a,  M2 = M2_a + M2_b + delta^2 * n_a n_b / (n_a + n_b).
    double n_b = 0, mean_b = 0, m2_b = 0;
    for (std::size_t i = 0; i < batch.rows; ++i) {
      const double y = batch.target(i, j);
      const double e = static_cast<double>(batch.output_row(i)[j]) - y;
      c.sum_sq += e * e;
      c.sum_abs += std::abs(e);
      n_b += 1;
      const double d = y - mean_b;  // Welford: mean += d/n, M2 += d*(y - mean)
      mean_b += d / n_b;
      m2_b += d * (y - mean_b);
    }
    if (n_b == 0) continue;
    const double n = c.count + n_b, delta = mean_b - c.mean;
    c.m2 += m2_b + delta * delta * c.count * n_b / n;
    c.mean += delta * n_b / n;
    c.count = n;
  }
}

template <class T>
double RegressionMetrics<T>::mse() const {
  double s = 0;
  for (const auto& c : columns_) s += c.count ? c.sum_sq / c.count : 0.0;
  return columns_.empty() ? 0.0 : scale_ * scale_ * s / static_cast<double>(columns_.size());
}

template <class T>
double RegressionMetrics<T>::mae() const {
  double s = 0;
  for (const auto& c : columns_) s += c.count ? c.sum_abs / c.count : 0.0;
  return columns_.empty() ? 0.0 : scale_ * s / static_cast<double>(columns_.size());
}

template <class T>
double RegressionMetrics<T>::r2() const {
  double s = 0;
  for (const auto& c : columns_) {
    if (c.m2 > 0)
      s += 1 - c.sum_sq / c.m2;
    else
      s += c.sum_sq == 0 ? 1.0 : 0.0;
  }
  return columns_.empty() ? 0.0 : s / static_cast<double>(columns_.size());
}

template <class T>
void RegressionMetrics<T>::write(MetricRow& row, std::string_view prefix) const {
  row.set(metric_name(prefix, "mse"), mse());
  row.set(metric_name(prefix, "mae"), mae());
  row.set(metric_name(prefix, "r2"), r2());
}

template class RegressionMetrics<float>;
template class RegressionMetrics<double>;

}  // namespace descent::train
