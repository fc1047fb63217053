#include "descent/train/metric_row.hpp"

#include <cmath>
#include <limits>

#include "descent/core/error.hpp"

namespace descent::train {

void MetricRow::set(std::string_view name, double value) {
  for (auto& [n, v] : items_)
    if (n == name) {
      v = value;
      return;
    }
  items_.emplace_back(std::string(name), value);
}

std::optional<double> MetricRow::get(std::string_view name) const {
  for (const auto& [n, v] : items_)
    if (n == name) return v;
  return std::nullopt;
}

double MetricRow::at(std::string_view name) const {
  if (auto v = get(name)) return *v;
  std::string logged;
  for (const auto& n : names()) logged += (logged.empty() ? "" : ", ") + n;
  const std::string guess = closest_match(std::string(name), names());
  throw UsageError("no metric named '" + std::string(name) + "'", "metrics",
                   guess.empty() ? "logged metrics: " + logged : "did you mean '" + guess + "'?");
}

std::vector<std::string> MetricRow::names() const {
  std::vector<std::string> out;
  for (const auto& item : items_) out.push_back(item.first);
  return out;
}

nlohmann::ordered_json MetricRow::to_json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [n, v] : items_) {
    if (!std::isfinite(v))
      j[n] = nullptr;
    else if (v == std::floor(v) && std::abs(v) < 9007199254740992.0)  // integral: 3, not 3.0
      j[n] = static_cast<std::int64_t>(v);
    else
      j[n] = v;
  }
  return j;
}

MetricRow MetricRow::from_json(const nlohmann::ordered_json& j) {
  MetricRow row;
  for (const auto& [n, v] : j.items())
    row.set(n, v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>());
  return row;
}

}  // namespace descent::train
