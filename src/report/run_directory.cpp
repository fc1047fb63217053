#include "descent/report/run_directory.hpp"

#include "descent/core/atomic_file.hpp"
#include "descent/report/metrics_csv.hpp"

namespace descent::report {

void RunDirectory::write_config(std::string_view toml) const {
  write_file_atomic(file("config.toml"), toml);
}

void RunDirectory::write_predictions(const std::vector<double>& actual,
                                     const std::vector<double>& predicted) const {
  std::vector<train::MetricRow> rows(actual.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    rows[i].set("actual", actual[i]);
    rows[i].set("predicted", predicted[i]);
  }
  write_file_atomic(file("predictions.csv"), metrics_csv(rows));
}

void RunDirectory::write_json(std::string_view name, const nlohmann::ordered_json& json) const {
  write_file_atomic(file(name), json.dump(2) + "\n");
}

}  // namespace descent::report
