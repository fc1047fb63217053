#include "descent/train/confusion_matrix.hpp"

#include <algorithm>

#include "descent/core/error.hpp"

namespace descent::train {

namespace {
double ratio(std::uint64_t num, std::uint64_t den) {
  return den ? static_cast<double>(num) / static_cast<double>(den) : 0.0;
}
}  // namespace

template <class T>
ConfusionMatrix<T>::ConfusionMatrix(std::size_t num_classes)
    : n_(num_classes), counts_(num_classes * num_classes, 0) {
  if (num_classes < 2) throw ConfigError("a confusion matrix needs at least 2 classes", "metrics");
}

template <class T>
void ConfusionMatrix<T>::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
}

template <class T>
void ConfusionMatrix<T>::update(const EvalBatch<T>& batch) {
  for (std::size_t i = 0; i < batch.rows; ++i) {
    const std::size_t p = predicted_class(batch.output_row(i), batch.cols);
    ++counts_[class_id(batch, i, n_) * n_ + p];
  }
}

template <class T>
double ConfusionMatrix<T>::precision(std::size_t c) const {
  std::uint64_t predicted = 0;
  for (std::size_t t = 0; t < n_; ++t) predicted += count(t, c);
  return ratio(count(c, c), predicted);
}

template <class T>
double ConfusionMatrix<T>::recall(std::size_t c) const {
  std::uint64_t actual = 0;
  for (std::size_t p = 0; p < n_; ++p) actual += count(c, p);
  return ratio(count(c, c), actual);
}

template <class T>
double ConfusionMatrix<T>::f1(std::size_t c) const {
  const double p = precision(c), r = recall(c);
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

template <class T>
void ConfusionMatrix<T>::write(MetricRow& row, std::string_view prefix) const {
  double p = 0, r = 0, f = 0;
  for (std::size_t c = 0; c < n_; ++c) p += precision(c), r += recall(c), f += f1(c);
  const double n = static_cast<double>(n_);
  row.set(metric_name(prefix, "macro_precision"), p / n);
  row.set(metric_name(prefix, "macro_recall"), r / n);
  row.set(metric_name(prefix, "macro_f1"), f / n);
}

template <class T>
nlohmann::ordered_json ConfusionMatrix<T>::to_json() const {
  nlohmann::ordered_json j;
  auto& matrix = j["matrix"] = nlohmann::ordered_json::array();
  auto support = nlohmann::ordered_json::array();
  for (std::size_t t = 0; t < n_; ++t) {
    auto row = nlohmann::ordered_json::array();
    std::uint64_t total = 0;
    for (std::size_t p = 0; p < n_; ++p) row.push_back(count(t, p)), total += count(t, p);
    matrix.push_back(std::move(row));
    support.push_back(total);
  }
  for (const char* key : {"precision", "recall", "f1"}) {
    auto values = nlohmann::ordered_json::array();
    for (std::size_t c = 0; c < n_; ++c)
      values.push_back(key[0] == 'p' ? precision(c) : key[0] == 'r' ? recall(c) : f1(c));
    j[key] = std::move(values);
  }
  j["support"] = std::move(support);
  return j;
}

template class ConfusionMatrix<float>;
template class ConfusionMatrix<double>;

}  // namespace descent::train
