#include "descent/train/lr_finder.hpp"

#include <algorithm>

#include "descent/train/trainer.hpp"

namespace descent::train {

template <class T>
void LRFinder<T>::on_train_begin(Trainer<T>& trainer) {
  const auto w = trainer.params().values();
  weights_.assign(w.begin(), w.end());
  optimizer_state_ = trainer.optimizer().state_dict();
  model_state_ = trainer.model().state();
}

template <class T>
void LRFinder<T>::on_train_end(Trainer<T>& trainer) {
  std::copy(weights_.begin(), weights_.end(), trainer.params().values().begin());
  trainer.optimizer().load_state_dict(optimizer_state_);
  trainer.model().load_state(model_state_);
  trainer.optimizer().zero_grad();
}

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
