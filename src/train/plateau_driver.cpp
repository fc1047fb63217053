#include "descent/train/plateau_driver.hpp"

#include "descent/core/error.hpp"
#include "descent/train/monitor.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

template <class T>
void PlateauDriver<T>::on_train_begin(Trainer<T>& trainer) {
  if (!trainer.scheduler() || !trainer.scheduler()->needs_metric())
    throw UsageError("the plateau driver needs a scheduler stepped with a metric", "trainer",
                     "use the schedule {\"name\": \"plateau\", ...}");
}

template <class T>
void PlateauDriver<T>::on_epoch_end(Trainer<T>& trainer) {
  const Monitor monitor(monitor_, Mode::min, 0);
  trainer.scheduler()->step(monitor.value(trainer.epoch_row(), "train.monitor"));
}

template class PlateauDriver<float>;
template class PlateauDriver<double>;

}  // namespace descent::train
