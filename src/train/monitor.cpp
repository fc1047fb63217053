#include "descent/train/monitor.hpp"

#include <array>
#include <cmath>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"

namespace descent::train {

Mode parse_mode(const std::string& text, const std::string& metric, const std::string& key) {
  if (text == "min") return Mode::min;
  if (text == "max") return Mode::max;
  if (text == "auto") {
    for (const char* higher_is_better : {"accuracy", "r2", "f1", "precision", "recall"})
      if (metric.find(higher_is_better) != std::string::npos) return Mode::max;
    return Mode::min;
  }
  throw ConfigError("mode must be min, max or auto, not '" + text + "'", key);
}

Monitor::Monitor(std::string metric, Mode mode, double min_delta)
    : metric_(std::move(metric)), mode_(mode), min_delta_(min_delta) {
  if (!(min_delta >= 0)) throw ConfigError("min_delta must be >= 0", metric_);
}

double Monitor::value(const MetricRow& row, const std::string& key) const {
  if (auto v = row.get(metric_)) return *v;
  throw_unknown("no metric named '" + metric_ + "' is logged", metric_, row.names(), key, "logged");
}

bool Monitor::improves(double v) const {
  if (std::isnan(v)) return false;
  if (std::isnan(best_)) return true;
  return mode_ == Mode::min ? v < best_ - min_delta_ : v > best_ + min_delta_;
}

bool Monitor::update(double v, std::int64_t epoch) {
  if (!improves(v)) return false;
  best_ = v;
  best_epoch_ = epoch;
  return true;
}

nlohmann::json Monitor::state() const {
  return {{"best", std::isnan(best_) ? nlohmann::json() : nlohmann::json(best_)},
          {"best_epoch", best_epoch_}};
}

void Monitor::load_state(const nlohmann::json& j) {
  try {
    best_ = j.at("best").is_null() ? std::numeric_limits<double>::quiet_NaN()
                                   : j.at("best").get<double>();
    best_epoch_ = j.at("best_epoch").get<std::int64_t>();
  } catch (const nlohmann::json::exception&) {
    throw CheckpointError("missing or invalid monitor state", metric_);
  }
}

}  // namespace descent::train
