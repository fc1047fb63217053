#pragma once
// What a run directory holds, read back for reports: metrics.csv (required, at least one epoch),
// steps.csv, predictions.csv, summary.json and config.toml (each optional, so a run of an older
// descent or an interrupted one still reports what it has). Bad input is a DataError naming the
// file and line.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace descent::report {

/// A numeric CSV table, column by column; an empty cell is NaN.
struct Table {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;

  std::size_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  /// The column called `name`, or nullptr.
  const std::vector<double>* column(const std::string& name) const;
};

/// Parses a CSV written by metrics_csv(); `where` names the file in errors. A row with a different
/// number of cells than the header (a torn last line) or a cell that is not a number is an error.
Table parse_table(std::string_view text, const std::string& where);

struct RunData {
  std::filesystem::path dir;
  std::string name;                           // the directory's name
  Table epochs;                               // metrics.csv
  Table steps;                                // steps.csv (empty without step logging)
  Table predictions;                          // predictions.csv: actual, predicted (regression)
  nlohmann::ordered_json summary;             // summary.json, null when absent
  std::string config_toml;                    // config.toml, empty when absent
  std::map<std::string, std::string> config;  // "section.key" -> value as written in TOML
};

/// Reads a run directory; DataError when it is not one (no metrics.csv), when a file is torn or
/// malformed, or when the run has no epoch yet and no summary.json (a run that ended in its first
/// epoch, e.g. failed, has no epochs: `epochs` is then an empty table).
RunData load_run(const std::filesystem::path& dir);

}  // namespace descent::report
