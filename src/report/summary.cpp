#include "descent/report/summary.hpp"

#include <cmath>

namespace descent::report {

std::size_t best_epoch(const std::vector<train::MetricRow>& history, const std::string& monitor,
                       train::Mode mode) {
  std::size_t best = history.size();
  double best_value = 0;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const auto v = history[i].get(monitor);
    if (!v || !std::isfinite(*v)) continue;
    if (best == history.size() || (mode == train::Mode::min ? *v < best_value : *v > best_value))
      best = i, best_value = *v;
  }
  return best == history.size() ? history.size() : best + 1;
}

nlohmann::ordered_json summary_json(const RunOutcome& o) {
  nlohmann::ordered_json j;
  train::MetricRow final_row = o.history.empty() ? train::MetricRow() : o.history.back();
  for (const auto& [name, value] : o.test.items()) final_row.set(name, value);
  const std::size_t best = best_epoch(o.history, o.monitor, o.mode);
  j["final"] = final_row.to_json();
  j["best"] = best ? o.history[best - 1].to_json() : nlohmann::ordered_json::object();
  j["monitor"] = o.monitor;
  j["mode"] = o.mode == train::Mode::min ? "min" : "max";
  j["epochs_run"] = o.history.size();
  j["best_epoch"] = best;
  j["stopped_early"] = o.stopped_early;
  j["stop_reason"] = o.stop_reason;
  j["steps"] = o.steps;
  j["skipped_steps"] = o.skipped_steps;
  j["wall_seconds"] = o.wall_seconds;
  j["samples_per_second"] = o.wall_seconds > 0 ? o.samples_trained / o.wall_seconds : 0.0;
  j["validation_seconds"] = o.validation_seconds;
  j["io_seconds"] = o.io_seconds;
  j["checkpoints"] = o.checkpoints;
  j["task"] = o.task;
  if (!o.classes.empty()) j["classes"] = o.classes;
  if (!o.confusion_matrix.is_null()) j["confusion_matrix"] = o.confusion_matrix;
  if (!o.predictions.is_null()) j["predictions"] = o.predictions;
  if (!o.notices.empty()) {
    j["notices"] = nlohmann::ordered_json::array();
    for (const auto& n : o.notices)
      j["notices"].push_back({{"step", n.step}, {"warning", n.warning}, {"message", n.message}});
  }
  if (!o.error.empty()) {
    j["failed"] = true;
    j["error"] = o.error;
    j["failed_step"] = o.failed_step;
    j["last_finite"] = {
        {"step", o.last_finite_step},
        {"loss", std::isfinite(o.last_finite_loss) ? nlohmann::ordered_json(o.last_finite_loss)
                                                   : nlohmann::ordered_json()}};
  }
  return j;
}

}  // namespace descent::report
