#include "descent/report/metrics_csv.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace descent::report {

std::vector<std::string> metrics_columns(const std::vector<train::MetricRow>& rows) {
  std::vector<std::string> columns;
  for (const auto& row : rows)
    for (const auto& [name, value] : row.items())
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  return columns;
}

std::string metrics_csv_line(const train::MetricRow& row, const std::vector<std::string>& columns) {
  std::string out;
  for (std::size_t j = 0; j < columns.size(); ++j) {
    if (j) out += ',';
    if (auto v = row.get(columns[j])) out += fmt::format("{}", *v);
  }
  out += '\n';
  return out;
}

std::string metrics_csv(const std::vector<train::MetricRow>& rows) {
  const auto columns = metrics_columns(rows);
  std::string out;
  for (std::size_t j = 0; j < columns.size(); ++j) out += (j ? "," : "") + columns[j];
  out += '\n';
  for (const auto& row : rows) out += metrics_csv_line(row, columns);
  return out;
}

}  // namespace descent::report
