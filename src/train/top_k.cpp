#include "descent/train/top_k.hpp"

#include "descent/core/error.hpp"

namespace descent::train {

template <class T>
TopKAccuracy<T>::TopKAccuracy(std::size_t k) : k_(k) {
  if (k == 0) throw ConfigError("top-k accuracy needs k >= 1", "metrics.top_k");
}

template <class T>
void TopKAccuracy<T>::update(const EvalBatch<T>& batch) {
  for (std::size_t i = 0; i < batch.rows; ++i) {
    const T* z = batch.output_row(i);
    const std::size_t y = class_id(batch, i, batch.cols);
    std::size_t rank = 0;
    for (std::size_t j = 0; j < batch.cols; ++j) rank += z[j] > z[y];
    correct_ += rank < k_;
  }
  count_ += batch.rows;
}

template <class T>
void TopKAccuracy<T>::write(MetricRow& row, std::string_view prefix) const {
  row.set(metric_name(prefix, "top" + std::to_string(k_) + "_accuracy"), value());
}

template class TopKAccuracy<float>;
template class TopKAccuracy<double>;

}  // namespace descent::train
