#pragma once
// StepLogger: per optimizer step, logs into trainer.step_log() a row
//   epoch, step, loss, (reg_loss,) lr, grad_norm = ||g||_2, update_ratio = ||W_t - W_{t-1}||_2 /
//   ||W_{t-1}||_2
// (the update/parameter ratio; ~1e-3 is the usual healthy order of magnitude), and adds the epoch's
// means of grad_norm and update_ratio to the epoch row. Put it before clipping to log the norm of
// the raw gradient.
#include <vector>

#include "descent/train/callback.hpp"

namespace descent::train {

template <class T>
class StepLogger final : public Callback<T> {
 public:
  std::string name() const override { return "step_logger"; }
  void on_epoch_begin(Trainer<T>& trainer) override;
  bool on_before_step(Trainer<T>& trainer) override;
  void on_batch_end(Trainer<T>& trainer) override;
  void on_epoch_end(Trainer<T>& trainer) override;

 private:
  std::vector<T> before_;
  double grad_norm_ = 0, lr_ = 0;
  double sum_grad_norm_ = 0, sum_ratio_ = 0;
  std::size_t steps_ = 0;
};

extern template class StepLogger<float>;
extern template class StepLogger<double>;

}  // namespace descent::train
