#include "descent/train/probe_batch.hpp"

#include <algorithm>

namespace descent::train {

template <class T>
ProbeBatch<T> ProbeBatch<T>::from(const data::Dataset& data, std::size_t rows) {
  const auto n = static_cast<Eigen::Index>(std::min(rows, data.rows()));
  ProbeBatch b;
  b.x = data.x.topRows(n).template cast<T>();
  b.target.resize(n, 1);
  for (Eigen::Index i = 0; i < n; ++i)
    b.target(i, 0) = data.labels.empty() ? static_cast<T>(data.y(i))
                                         : static_cast<T>(data.labels[static_cast<std::size_t>(i)]);
  return b;
}

template struct ProbeBatch<float>;
template struct ProbeBatch<double>;

}  // namespace descent::train
