#include "descent/train/metric.hpp"

#include "descent/core/error.hpp"

namespace descent::train {

std::string metric_name(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return std::string(name);
  return std::string(prefix) + "_" + std::string(name);
}

template <class T>
std::size_t predicted_class(const T* row, std::size_t cols) {
  if (cols == 1) return row[0] > T(0) ? 1 : 0;
  std::size_t best = 0;
  for (std::size_t j = 1; j < cols; ++j)
    if (row[j] > row[best]) best = j;
  return best;
}

template <class T>
std::size_t class_id(const EvalBatch<T>& batch, std::size_t i, std::size_t num_classes) {
  const std::int32_t label = batch.labels[i];
  if (label < 0 || static_cast<std::size_t>(label) >= num_classes)
    throw UsageError("label " + std::to_string(label) + " is not a class id below " +
                         std::to_string(num_classes),
                     "metrics", "the model needs one output per class");
  return static_cast<std::size_t>(label);
}

template std::size_t predicted_class<float>(const float*, std::size_t);
template std::size_t predicted_class<double>(const double*, std::size_t);
template std::size_t class_id(const EvalBatch<float>&, std::size_t, std::size_t);
template std::size_t class_id(const EvalBatch<double>&, std::size_t, std::size_t);

}  // namespace descent::train
