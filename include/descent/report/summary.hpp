#pragma once
// summary.json: what a run achieved, for people and scripts.
//   {"final": {every metric of the last epoch, plus test_* when a test split was evaluated},
//    "best":  {every metric of the best epoch by the monitored metric},
//    "monitor", "mode", "epochs_run", "best_epoch", "stopped_early", "stop_reason",
//    "steps", "skipped_steps", "wall_seconds", "samples_per_second" (both of the training alone),
//    "validation_seconds" (the per-epoch validation passes: part of wall_seconds), "io_seconds"
//    (writing metrics and checkpoints during training), "checkpoints" (written),
//    "task", "classes": [...], "confusion_matrix": {...} (classification),
//    "predictions": {"split", "rows", "kept", "file"} (regression: predictions.csv),
//    "notices": [{"step", "warning", "message"}] (start-of-training checks at step 0, divergence
//    warnings), and for a run that failed: "failed": true, "error", "failed_step" and
//    "last_finite": {"step", "loss"} (the last step whose loss was finite)}
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/train/metric_row.hpp"
#include "descent/train/monitor.hpp"

namespace descent::report {

/// Something a run reports once: a start-of-training check (step 0) or a divergence warning.
struct Notice {
  std::int64_t step = 0;
  bool warning = true;  // false: information
  std::string message;
};

struct RunOutcome {
  std::vector<train::MetricRow> history;  // one row per epoch
  train::MetricRow test;                  // test_* metrics (empty without a test split)
  std::string monitor = "val_loss";
  train::Mode mode = train::Mode::min;
  bool stopped_early = false;
  std::string stop_reason;
  std::int64_t steps = 0;
  std::int64_t skipped_steps = 0;
  double wall_seconds = 0;        // training, without io_seconds
  double validation_seconds = 0;  // the validation passes: part of wall_seconds
  double io_seconds = 0;
  std::int64_t checkpoints = 0;
  double samples_trained = 0;  // rows processed by training batches over the run
  std::string task;
  std::vector<std::string> classes;
  nlohmann::ordered_json confusion_matrix;  // null when absent
  /// Regression: {"split", "rows", "kept", "file": "predictions.csv"}; null when absent.
  nlohmann::ordered_json predictions;
  std::vector<Notice> notices;
  std::string error;             // why the run failed (empty: it did not)
  std::int64_t failed_step = 0;  // the step it failed at
  std::int64_t last_finite_step = 0;
  double last_finite_loss = std::numeric_limits<double>::quiet_NaN();
};

/// The epoch (1-based, index + 1) with the best monitored value; the last epoch when the metric is
/// absent or never finite.
std::size_t best_epoch(const std::vector<train::MetricRow>& history, const std::string& monitor,
                       train::Mode mode);

nlohmann::ordered_json summary_json(const RunOutcome& outcome);

}  // namespace descent::report
