#include "descent/train/accuracy.hpp"

namespace descent::train {

template <class T>
void Accuracy<T>::update(const EvalBatch<T>& batch) {
  const std::size_t classes = batch.cols == 1 ? 2 : batch.cols;
  for (std::size_t i = 0; i < batch.rows; ++i)
    correct_ += predicted_class(batch.output_row(i), batch.cols) == class_id(batch, i, classes);
  count_ += batch.rows;
}

template class Accuracy<float>;
template class Accuracy<double>;

}  // namespace descent::train
