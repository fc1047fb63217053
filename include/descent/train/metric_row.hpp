#pragma once
// MetricRow: named scalars in the order they were first set (one row of metrics.csv, or the `final`
// and `best` objects of summary.json). Names follow "<split>_<metric>": train_loss, val_accuracy,
// lr.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace descent::train {

class MetricRow {
 public:
  /// Sets a value, replacing an earlier one of the same name (its column keeps its place).
  void set(std::string_view name, double value);
  std::optional<double> get(std::string_view name) const;
  /// The value of `name`; UsageError naming it and the logged names when absent.
  double at(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }
  const std::vector<std::pair<std::string, double>>& items() const { return items_; }
  bool empty() const { return items_.empty(); }
  std::vector<std::string> names() const;

  /// {"name": value, ...} in column order; non-finite values become null.
  nlohmann::ordered_json to_json() const;
  static MetricRow from_json(const nlohmann::ordered_json& j);

  bool operator==(const MetricRow&) const = default;

 private:
  std::vector<std::pair<std::string, double>> items_;
};

}  // namespace descent::train
