#include "descent/train/regression_metrics.hpp"

#include <cmath>

#include "descent/core/error.hpp"

namespace descent::train {

template <class T>
void RegressionMetrics<T>::reset() {
  columns_.clear();
}

namespace {
// Out of line: its strings' temporaries made every update() reserve ~280 bytes of stack and save
// six registers, which a batch of one row paid each step.
[[noreturn, gnu::cold, gnu::noinline]] void throw_column_mismatch(std::size_t outputs,
                                                                  std::size_t targets) {
  throw UsageError("model has " + std::to_string(outputs) + " outputs but the targets " +
                       std::to_string(targets) + " columns",
                   "metrics");
}
}  // namespace

template <class T>
void RegressionMetrics<T>::update(const EvalBatch<T>& batch) {
  if (batch.cols != batch.target_cols) throw_column_mismatch(batch.cols, batch.target_cols);
  if (columns_.empty()) columns_.resize(batch.cols);
  if (batch.rows == 0) return;
  for (std::size_t j = 0; j < batch.cols; ++j) {
    Column& c = columns_[j];
    if (c.count == 0) c.shift = batch.target(0, j);
    for (std::size_t i = 0; i < batch.rows; ++i) {
      const double y = batch.target(i, j);
      const double e = static_cast<double>(batch.output_row(i)[j]) - y;
      c.sum_sq += e * e;
      c.sum_abs += std::abs(e);
      const double z = y - c.shift;
      c.sum_shifted += z;
      c.sum_shifted_sq += z * z;
    }
    c.count += static_cast<double>(batch.rows);
  }
}

template <class T>
double RegressionMetrics<T>::Column::total_sum_of_squares() const {
  return count ? sum_shifted_sq - sum_shifted * sum_shifted / count : 0.0;
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
    if (const double ss_tot = c.total_sum_of_squares(); ss_tot > 0)
      s += 1 - c.sum_sq / ss_tot;
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
