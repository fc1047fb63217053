#pragma once
// The [train] section of a run: the loop, its stopping rules and its guards.
#include <cstdint>
#include <string>

#include "descent/core/options.hpp"

namespace descent::train {

struct TrainOptions {
  std::int64_t epochs = 10;
  std::int64_t batch_size = 32;
  bool shuffle = true;
  bool drop_last = false;
  std::int64_t seed = 0;
  std::int64_t threads = 0;
  std::int64_t accumulate = 1;
  std::string schedule_step = "auto";
  std::string monitor = "auto";
  std::string monitor_mode = "auto";
  std::int64_t early_stopping = 0;
  double min_delta = 0.0;
  bool restore_best = true;
  double clip_norm = 0.0;
  double clip_value = 0.0;
  std::string nonfinite = "stop";
  double grad_tol = 0.0;
  double loss_tol = 0.0;
  double param_tol = 0.0;
  std::int64_t top_k = 0;
  bool log_steps = false;
  std::string checkpoint_every = "60s";
  std::int64_t chunk_rows = 128;
  bool allreduce = false;
  std::int64_t sharpness_every = 0;
  std::int64_t diverge_steps = 10;
  double diverge_factor = 10;
  bool dead_units = true;

  template <class V>
  void visit(V&& v) {
    using options::at_least;
    v("epochs", epochs, "number of epochs", at_least(0));
    v("batch_size", batch_size, "rows per batch; 0 = all (batch gradient descent)", at_least(0));
    v("shuffle", shuffle, "reshuffle the training rows every epoch");
    v("drop_last", drop_last, "drop the last partial batch of an epoch");
    v("seed", seed, "seed of initialization, shuffling, dropout and splits", at_least(0));
    v("threads", threads, "threads (0 = OpenMP default)", at_least(0));
    v("accumulate", accumulate, "batches per optimizer step (gradient accumulation)", at_least(1));
    v("schedule_step", schedule_step,
      "step the schedule per epoch | batch; auto = after every optimizer step for schedules "
      "counted in steps (warmup, inverse_sqrt, cyclic, onecycle), else per epoch",
      options::one_of({"auto", "epoch", "batch"}));
    v("monitor", monitor,
      "metric for early stopping, plateau and best epoch; auto = val_loss (train_loss without "
      "val)");
    v("monitor_mode", monitor_mode, "min | max | auto (from the metric name)",
      options::one_of({"auto", "min", "max"}));
    v("early_stopping", early_stopping, "patience in epochs (0 = off)", at_least(0));
    v("min_delta", min_delta, "smallest change that counts as an improvement", at_least(0));
    v("restore_best", restore_best, "early stopping: restore the best epoch's weights");
    v("clip_norm", clip_norm, "clip the global gradient norm to this (0 = off)", at_least(0));
    v("clip_value", clip_value, "clip each gradient element to +-this (0 = off)", at_least(0));
    v("nonfinite", nonfinite, "on NaN/Inf loss or gradient: stop | skip the step",
      options::one_of({"stop", "skip"}));
    v("grad_tol", grad_tol, "stop when the gradient norm falls below (0 = off)", at_least(0));
    v("loss_tol", loss_tol, "stop when train_loss changes less than (0 = off)", at_least(0));
    v("param_tol", param_tol, "stop when the parameters move less than (0 = off)", at_least(0));
    v("top_k", top_k, "also log top-k accuracy (0 = off)", at_least(0));
    v("log_steps", log_steps, "write steps.csv: loss, lr, gradient norm, update ratio per step");
    v("checkpoint_every", checkpoint_every,
      "save a checkpoint every N epochs (\"5\") or at most every N seconds (\"60s\"); always at "
      "the end and on SIGINT / SIGTERM");
    v("chunk_rows", chunk_rows,
      "rows per chunk of a batch's gradient, summed in chunk order; under mpirun the chunks are "
      "shared among the processes, so any process count gives the same bits (0 = whole batch)",
      options::closed(0, 128));
    v("allreduce", allreduce,
      "under mpirun sum gradients with MPI_Allreduce: less traffic, but the bits then depend on "
      "the number of processes");
    v("sharpness_every", sharpness_every,
      "every N steps estimate the loss's sharpness lambda_max (largest Hessian eigenvalue) and "
      "log it with 2/lambda_max beside lr in steps.csv (0 = only at the start)",
      at_least(0));
    v("diverge_steps", diverge_steps,
      "warn when the (smoothed) loss rose this many steps in a row (0 = off)", at_least(0));
    v("diverge_factor", diverge_factor,
      "warn when the (smoothed) loss exceeds this times its best (0 = off)", at_least(0));
    v("dead_units", dead_units,
      "log the fraction of dead ReLU units per layer (dead_relu_k) at the end of every epoch");
  }
  /// checkpoint_every parses (train/checkpoint.hpp: CheckpointPolicy).
  void check(const std::string& where) const;
};

}  // namespace descent::train
