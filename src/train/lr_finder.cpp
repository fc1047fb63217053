#include "descent/train/lr_finder.hpp"

#include "descent/train/trainer.hpp"

namespace descent::train {

template <class T>
void LRFinder<T>::on_batch_begin(Trainer<T>& trainer) {
  if (test_.done()) return;
  const double lr = test_.lr();
  for (std::size_t g = 0; g < trainer.optimizer().num_groups(); ++g)
    trainer.optimizer().set_lr(g, lr);
}

template <class T>
void LRFinder<T>::on_batch_end(Trainer<T>& trainer) {
  if (!trainer.progress().stepped || test_.done()) return;
  if (!test_.record(trainer.progress().batch_loss))
    trainer.stop(test_.diverged() ? "the loss diverged" : "the sweep is complete");
}

template class LRFinder<float>;
template class LRFinder<double>;

}  // namespace descent::train
