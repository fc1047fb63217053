#pragma once
// ReduceLROnPlateau driver: at the end of every epoch feeds the monitored metric (e.g. val_loss) to
// the trainer's scheduler when it is one that needs a metric (sched's "plateau"); the scheduler
// itself holds the plateau state (best, bad epochs, cooldown) and is saved with the trainer.
#include "descent/train/callback.hpp"

namespace descent::train {

template <class T>
class PlateauDriver final : public Callback<T> {
 public:
  explicit PlateauDriver(std::string monitor) : monitor_(std::move(monitor)) {}
  std::string name() const override { return "plateau"; }
  void on_train_begin(Trainer<T>& trainer) override;
  void on_epoch_end(Trainer<T>& trainer) override;

 private:
  std::string monitor_;
};

extern template class PlateauDriver<float>;
extern template class PlateauDriver<double>;

}  // namespace descent::train
