#pragma once
// What the kinds of `descent compare` share: the variants of a base configuration, running them on
// -j worker threads, and the comparison table (printed, and written as compare.csv / compare.json
// with numbers in shortest round-trip form) and figures in the output directory.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/config/run_config.hpp"
#include "descent/report/gnuplot.hpp"
#include "variant_grid.hpp"

namespace descent::cli {

/// One variant: its label (the varied values) and the base configuration with them applied.
struct Variant {
  std::string label;
  RunConfig config;
};

/// The base configuration with each assignment of the grid applied (ConfigError for an unknown
/// key, with "did you mean", or a bad value: checked before anything runs). `optimizer`,
/// `schedule` and `regularization` take a whole spec (JSON or a name).
std::vector<Variant> make_variants(const RunConfig& base, const std::vector<Assignment>& grid);

/// Runs task(i) for i in [0, n) on min(jobs, n) threads; each task catches its own errors.
void run_jobs(std::size_t n, std::size_t jobs, const std::function<void(std::size_t)>& task);

/// A table column: its header, and whether its cells are numbers (written to JSON as numbers).
struct Column {
  std::string name;
  bool numeric = false;
};

/// A comparison table: printed as aligned columns, written to DIR/compare.csv and
/// DIR/compare.json ({"kind", "columns", "rows": [{column: value}]}, plus `extra` keys).
struct ComparisonTable {
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;  // "" = no value
  void print() const;
  void write(const std::filesystem::path& dir, const std::string& kind,
             const nlohmann::ordered_json& extra = nlohmann::ordered_json::object()) const;
};

/// Number cells: shortest round-trip text; "" for nullopt.
std::string cell(double value);
std::string cell(std::optional<double> value);

/// Draws the figures into DIR/plots (gnuplot); returns the lines to print (the SVG paths, or how
/// to get plots without gnuplot, or what went wrong).
std::vector<std::string> draw(const std::filesystem::path& dir,
                              const std::vector<report::GnuplotFigure>& figures);

}  // namespace descent::cli
