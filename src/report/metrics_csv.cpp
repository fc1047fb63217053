#include "descent/report/metrics_csv.hpp"

#include <algorithm>

#include <fmt/core.h>

namespace descent::report {

std::string metrics_csv(const std::vector<train::MetricRow>& rows) {
  std::vector<std::string> columns;
  for (const auto& row : rows)
    for (const auto& [name, value] : row.items())
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
  std::string out;
  for (std::size_t j = 0; j < columns.size(); ++j) out += (j ? "," : "") + columns[j];
  out += '\n';
  for (const auto& row : rows) {
    for (std::size_t j = 0; j < columns.size(); ++j) {
      if (j) out += ',';
      if (auto v = row.get(columns[j])) out += fmt::format("{}", *v);
    }
    out += '\n';
  }
  return out;
}

}  // namespace descent::report
