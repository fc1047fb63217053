#pragma once
// Checkpoints: one safetensors file (written atomically; CRC-32 of header and data checked on load)
// holding everything a bit-identical resume needs:
//   parameters and optimizer state as optim/checkpoint.hpp writes them ("param/<name>",
//             "state/<buffer>/<tensor>", metadata "optimizer", "dtype", "params", ...)
//   tensors   "<callback buffer>"    e.g. "early_stopping.best_weights"
//   metadata  "format"    "descent-checkpoint-1"
//             "trainer"   Trainer::state(): counters, history, dropout generators,
//                         scheduler and callback states
//             "run"       caller's JSON (resolved config, scaler statistics, class names)
#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "descent/train/checkpoint_policy.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

/// Conventional file name inside a run directory.
inline constexpr const char* kCheckpointFile = "checkpoint.safetensors";

template <class T>
void save_checkpoint(Trainer<T>& trainer, const std::filesystem::path& path,
                     const nlohmann::json& run = nullptr);

/// Restores params, optimizer, trainer and callbacks from `path`; returns the "run" JSON.
/// CheckpointError naming the file and the mismatch (other model, optimizer, dtype, corruption).
template <class T>
nlohmann::json load_checkpoint(Trainer<T>& trainer, const std::filesystem::path& path);

/// Only the "run" JSON of a checkpoint (to rebuild a trainer before loading it).
nlohmann::json read_checkpoint_run(const std::filesystem::path& path);

/// Saves a checkpoint at the epoch ends the policy makes due, at the last epoch and when training
/// stops; seconds() is the time spent writing them.
template <class T>
class CheckpointWriter final : public Callback<T> {
 public:
  CheckpointWriter(std::filesystem::path path, nlohmann::json run, CheckpointPolicy policy = {})
      : path_(std::move(path)), run_(std::move(run)), policy_(policy) {}
  std::string name() const override { return "checkpoint"; }
  void on_train_begin(Trainer<T>& trainer) override;
  void on_epoch_end(Trainer<T>& trainer) override;

  std::chrono::duration<double> seconds() const { return total_; }
  std::int64_t writes() const { return writes_; }

 private:
  using Clock = std::chrono::steady_clock;
  std::filesystem::path path_;
  nlohmann::json run_;
  CheckpointPolicy policy_;
  Clock::time_point last_end_{};
  std::chrono::duration<double> last_cost_{0}, total_{0};
  std::int64_t writes_ = 0;
};

extern template class CheckpointWriter<float>;
extern template class CheckpointWriter<double>;

}  // namespace descent::train
