#pragma once
// Callbacks add behaviour to the Trainer's loop (Keras' habit). The loop calls, in order:
//   on_train_begin
//   per epoch:  on_epoch_begin
//     per batch:  on_batch_begin, (forward, backward), [on_before_step, optimizer step],
//     on_batch_end
//   on_epoch_end (the epoch's metrics are in trainer.epoch_row()), on_train_end.
// on_before_step runs once per optimizer step, after the (accumulated) gradients are complete; a
// callback returns false there to skip the step. A callback stops training with trainer.stop().
// State that a bit-identical resume needs is saved in checkpoints under the callback's name.
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace descent::train {

template <class T>
class Trainer;

template <class T>
class Callback {
 public:
  virtual ~Callback() = default;
  /// Unique name; the key of the callback's state in a checkpoint.
  virtual std::string name() const = 0;

  virtual void on_train_begin(Trainer<T>&) {}
  virtual void on_epoch_begin(Trainer<T>&) {}
  virtual void on_batch_begin(Trainer<T>&) {}
  /// Gradients are complete, the optimizer has not stepped; false skips this step.
  virtual bool on_before_step(Trainer<T>&) { return true; }
  virtual void on_batch_end(Trainer<T>&) {}
  virtual void on_epoch_end(Trainer<T>&) {}
  virtual void on_train_end(Trainer<T>&) {}

  /// JSON state for checkpoints (null: none).
  virtual nlohmann::json state() const { return nullptr; }
  virtual void load_state(const nlohmann::json&) {}
  /// Tensor state for checkpoints, by name (e.g. early stopping's best weights); loading fills the
  /// vectors from the checkpoint.
  virtual std::vector<std::pair<std::string, std::vector<T>*>> buffers() { return {}; }
};

}  // namespace descent::train
