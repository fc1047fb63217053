#pragma once
// Monitor: tracks the best value of one logged metric ("val_loss", "val_accuracy", ...) and decides
// whether a new value improves on it: mode min: v < best - min_delta; mode max: v > best +
// min_delta (Keras' EarlyStopping rule). "auto" picks max for accuracy/r2/f1/precision/recall, min
// otherwise.
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "descent/train/metric_row.hpp"

namespace descent::train {

enum class Mode { min, max };

/// Parses "min" | "max" | "auto" (resolved from the metric's name); ConfigError otherwise.
Mode parse_mode(const std::string& text, const std::string& metric, const std::string& key);

class Monitor {
 public:
  Monitor(std::string metric, Mode mode, double min_delta);

  const std::string& metric() const { return metric_; }
  Mode mode() const { return mode_; }
  /// The monitored value in `row`; ConfigError naming the metric and the logged ones if absent.
  double value(const MetricRow& row, const std::string& key) const;
  /// Whether v improves on the best so far (always true for the first value).
  bool improves(double v) const;
  /// Records v as seen at `epoch`; returns whether it improved (and became the best).
  bool update(double v, std::int64_t epoch);

  double best() const { return best_; }
  std::int64_t best_epoch() const { return best_epoch_; }

  nlohmann::json state() const;
  void load_state(const nlohmann::json& j);

 private:
  std::string metric_;
  Mode mode_;
  double min_delta_;
  double best_ = std::numeric_limits<double>::quiet_NaN();
  std::int64_t best_epoch_ = 0;
};

}  // namespace descent::train
