#include "descent/train/roc_auc.hpp"

#include <algorithm>
#include <limits>

namespace descent::train {

template <class T>
void RocAuc<T>::update(const EvalBatch<T>& batch) {
  for (std::size_t i = 0; i < batch.rows; ++i) {
    const T* z = batch.output_row(i);
    const double score = batch.cols == 1 ? double(z[0]) : double(z[1]) - double(z[0]);
    scored_.emplace_back(score, class_id(batch, i, 2) == 1);
  }
}

template <class T>
double RocAuc<T>::value() const {
  auto sorted = scored_;
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  double rank_sum = 0;  // sum of the (1-based, tie-averaged) ranks of the positive rows
  std::size_t positives = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j < sorted.size() && sorted[j].first == sorted[i].first) ++j;
    const double mean_rank = (double(i + 1) + double(j)) / 2;  // ranks i+1 .. j share their mean
    for (std::size_t k = i; k < j; ++k)
      if (sorted[k].second) rank_sum += mean_rank, ++positives;
    i = j;
  }
  const double p = double(positives), n = double(sorted.size() - positives);
  if (p == 0 || n == 0) return std::numeric_limits<double>::quiet_NaN();
  return (rank_sum - p * (p + 1) / 2) / (p * n);
}

template class RocAuc<float>;
template class RocAuc<double>;

}  // namespace descent::train
