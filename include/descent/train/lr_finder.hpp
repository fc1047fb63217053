#pragma once
// LRFinder: drives sched::LRRangeTest from the training loop. Before every batch it sets each
// group's lr to the test's next lr; after the step it records the batch loss and stops training
// when the test is done (all steps run, or the loss diverged). The sweep is an experiment, not
// training: when training ends the weights, the optimizer's state (moments, step counts, lrs) and
// the model's state (dropout generators) are put back as they were when it began, bit for bit.
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/optim/optimizer.hpp"
#include "descent/sched/range_test.hpp"
#include "descent/train/callback.hpp"

namespace descent::train {

template <class T>
class LRFinder final : public Callback<T> {
 public:
  explicit LRFinder(sched::LRRangeTest& test) : test_(test) {}
  std::string name() const override { return "lr_finder"; }
  void on_train_begin(Trainer<T>& trainer) override;
  void on_batch_begin(Trainer<T>& trainer) override;
  void on_batch_end(Trainer<T>& trainer) override;
  void on_train_end(Trainer<T>& trainer) override;

 private:
  sched::LRRangeTest& test_;
  std::vector<T> weights_;
  optim::StateDict<T> optimizer_state_;
  nlohmann::json model_state_;
};

extern template class LRFinder<float>;
extern template class LRFinder<double>;

}  // namespace descent::train
