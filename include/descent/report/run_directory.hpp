#pragma once
// The run directory a training run leaves behind (every file written atomically):
//   config.toml          the resolved configuration (every key, defaults included)
//   metrics.csv          one row per epoch, appended as the run goes (metrics_log.hpp)
//   steps.csv            one row per optimizer step, when step logging is on (metrics_log.hpp)
//   summary.json         final and best metrics, counters, timing, classes (summary.hpp)
//   predictions.csv      regression: actual,predicted (data units) of the test split, else val
//   checkpoint.safetensors  (train/checkpoint.hpp)
//   model.safetensors    the trained parameters, by tensor name
//   plots/*.svg (.gp, .dat), events.out.tfevents.*, report.html   written from the files above at
//                        the end of the run (run_views.hpp)
#include <filesystem>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace descent::report {

class RunDirectory {
 public:
  explicit RunDirectory(std::filesystem::path root) : root_(std::move(root)) {}

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path file(std::string_view name) const { return root_ / name; }

  void write_config(std::string_view toml) const;
  /// predictions.csv: one row per (actual, predicted) pair, columns "actual,predicted".
  void write_predictions(const std::vector<double>& actual,
                         const std::vector<double>& predicted) const;
  /// Pretty-printed JSON (numbers in shortest round-trip form).
  void write_json(std::string_view name, const nlohmann::ordered_json& json) const;

 private:
  std::filesystem::path root_;
};

}  // namespace descent::report
