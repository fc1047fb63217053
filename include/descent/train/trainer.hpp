#pragma once
// Trainer: the training loop. Per epoch it reshuffles the training rows (data::BatchIterator:
// the order of epoch e is a function of (seed, e), so a resumed run needs no generator state), runs
// the batches (forward, loss, backward; gradients accumulated over `accumulate` batches, each
// batch's dL/dOutput scaled by 1/k so the step sees the mean over the k batches), steps the
// optimizer and the scheduler (per batch or per epoch), evaluates the validation split and logs one
// MetricRow per epoch: epoch, train_loss and train metrics (from the training batches, in training
// mode), val_*, lr, skipped_steps. Callbacks (callback.hpp) add early stopping, clipping, guards,
// logging. With a regularizer (set_regularizer) the objective is L(W) = data loss + R(W): before
// every optimizer step dR/dw is added to the accumulated gradients, ahead of the callbacks that
// clip or check them; train_loss stays the data loss and train_reg_loss is the penalty R(W) at
// each step's weights, averaged over the epoch's rows as train_loss is.
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/communicator.hpp"
#include "descent/core/params.hpp"
#include "descent/data/batch_iterator.hpp"
#include "descent/data/dataset.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/regularizer.hpp"
#include "descent/nn/sequential.hpp"
#include "descent/optim/optimizer.hpp"
#include "descent/sched/scheduler.hpp"
#include "descent/train/callback.hpp"
#include "descent/train/confusion_matrix.hpp"
#include "descent/train/data_parallel.hpp"
#include "descent/train/metric.hpp"
#include "descent/train/metric_row.hpp"

namespace descent::train {

enum class SchedulerStep { epoch, batch };

struct TrainerOptions {
  std::int64_t epochs = 10;
  std::size_t batch_size = 32;  // 0 = the whole split (batch gradient descent)
  bool shuffle = true;
  bool drop_last = false;      // drop the last partial batch
  std::uint64_t seed = 0;      // batch shuffling
  std::size_t accumulate = 1;  // batches per optimizer step
  SchedulerStep scheduler_step = SchedulerStep::epoch;
  std::size_t num_classes = 0;  // 0 = regression
  double target_scale = 1;      // regression targets divided by this: mse/mae in the data's units
  std::size_t top_k = 0;        // also log top-k accuracy when > 0
  std::size_t eval_batch_size = 1024;
  /// Rows per chunk of a batch's gradient (data_parallel.hpp): the batch is split among the ranks
  /// of the communicator by these chunks; 0 = one chunk per batch. At most 128 (data_parallel.hpp).
  std::size_t chunk_rows = 128;
  bool allreduce = false;  // sum gradients over ranks with MPI_Allreduce (bits depend on ranks)
};

/// Where the loop is; callbacks read it through Trainer::progress().
struct Progress {
  std::int64_t epoch = 0;  // epochs completed (the running epoch is epoch + 1)
  std::int64_t step = 0;   // optimizer steps taken
  std::size_t batch = 0;   // batch index within the epoch
  std::size_t batches_per_epoch = 0;
  std::size_t batch_rows = 0;
  double batch_loss = std::numeric_limits<double>::quiet_NaN();
  /// Mean of batch_loss over the batches of the last optimizer step (its `accumulate` batches):
  /// the loss whose gradient the step followed.
  double step_loss = std::numeric_limits<double>::quiet_NaN();
  double reg_loss = std::numeric_limits<double>::quiet_NaN();  // R(W) at the last step's weights
  std::int64_t skipped_steps = 0;
  std::size_t samples = 0;        // rows processed by training batches over the run
  double validation_seconds = 0;  // wall time of fit's validation passes over the run
  bool stepped = false;           // whether the current batch ended with an optimizer step
  bool stop = false;
  std::string stop_reason;
};

template <class T>
class Trainer {
 public:
  /// The references must outlive the trainer; `scheduler` may be null. A scheduler that needs a
  /// metric (plateau) is stepped by the ReduceLROnPlateau callback, not by the loop.
  Trainer(nn::Sequential<T>& model, Params<T>& params, const nn::Loss<T>& loss,
          optim::Optimizer<T>& optimizer, sched::Scheduler* scheduler, TrainerOptions options);

  Callback<T>& add_callback(std::unique_ptr<Callback<T>> callback);
  /// Adds regularizer's penalty to the objective (see the top of this file).
  void set_regularizer(nn::Regularizer<T> regularizer) { regularizer_ = std::move(regularizer); }
  /// The regularizer, or null.
  const nn::Regularizer<T>* regularizer() const { return regularizer_ ? &*regularizer_ : nullptr; }

  /// Data-parallel training: every rank of `comm` (which must outlive the trainer) runs the same
  /// loop on the same data; each batch is shared among them (data_parallel.hpp). The default is
  /// one process.
  void set_communicator(Communicator& comm) {
    if (comm.size() > 1) require_rank_independent(model_);
    parallel_.set_communicator(comm);
  }
  Communicator& communicator() const { return parallel_.communicator(); }
  /// A second model of the same spec and its own loss (both outliving the trainer): in one process
  /// on several threads, a batch's chunks (chunk_rows) then run two at a time, with the same bits
  /// (data_parallel.hpp). Throws UsageError for a model with dropout or another parameter layout.
  void set_replica(nn::Sequential<T>& model, Params<T>& params, const nn::Loss<T>& loss);

  /// Trains until options().epochs epochs are complete (counting those of a restored checkpoint)
  /// or a callback stops. Returns the history (one row per epoch).
  const std::vector<MetricRow>& fit(const data::Dataset& train, const data::Dataset* val = nullptr);

  /// Loss and metrics of a split in evaluation mode, named "<prefix>_loss", ...; feeds `observer`
  /// (a ConfusionMatrix, a PredictedVsActual) with every batch when given.
  MetricRow evaluate(const data::Dataset& data, const std::string& prefix,
                     Metric<T>* observer = nullptr);

  /// Ends training after the current batch (or epoch), recording why.
  void stop(std::string reason);

  const Progress& progress() const { return progress_; }
  const TrainerOptions& options() const { return options_; }
  TrainerOptions& options() { return options_; }
  /// The row of the epoch just completed (history().back()); in on_epoch_end callbacks may add to
  /// it.
  MetricRow& epoch_row() { return history_.back(); }
  const std::vector<MetricRow>& history() const { return history_; }
  /// Per-step rows (filled by the StepLogger callback when enabled).
  std::vector<MetricRow>& step_log() { return step_log_; }

  nn::Sequential<T>& model() { return model_; }
  Params<T>& params() { return params_; }
  const nn::Loss<T>& loss() const { return loss_; }
  optim::Optimizer<T>& optimizer() { return optimizer_; }
  sched::Scheduler* scheduler() { return scheduler_; }
  const std::vector<std::unique_ptr<Callback<T>>>& callbacks() const { return callbacks_; }

  /// Everything but the tensors a resume needs: counters, history, model (dropout) state,
  /// scheduler and callback states. The checkpoint layer adds the tensors.
  nlohmann::json state() const;
  void load_state(const nlohmann::json& state);

 private:
  void run_epoch(data::BatchIterator& batches);
  /// Regularizer, callbacks, the step (through closure when the optimizer needs one), scheduler.
  void optimizer_step(const optim::Closure* closure);
  /// Points x at the batch's features (a copy converted to T unless T is float) and fills
  /// batch_target_ as the loss expects it: class ids or values, [rows, 1].
  nn::ConstRef<T> inputs(const Eigen::Ref<const data::Matrix>& x);
  void set_targets(std::span<const std::int32_t> labels, std::span<const float> y);

  nn::Sequential<T>& model_;
  Params<T>& params_;
  const nn::Loss<T>& loss_;
  optim::Optimizer<T>& optimizer_;
  sched::Scheduler* scheduler_;
  TrainerOptions options_;
  std::vector<std::unique_ptr<Callback<T>>> callbacks_;
  std::optional<nn::Regularizer<T>> regularizer_;

  Progress progress_;
  DataParallel<T> parallel_;
  nn::Matrix<T> batch_x_, batch_target_;
  MetricRow row_;
  std::vector<MetricRow> history_;
  std::vector<MetricRow> step_log_;
};

extern template class Trainer<float>;
extern template class Trainer<double>;

}  // namespace descent::train
