#pragma once
// `descent compare` over training runs: every variant trained in-process (train_run.hpp) into its
// own run directory under the output directory, then the comparison table (final and best of the
// monitored metric, epochs to reach --target, divergence, wall time, samples/s), one overlaid
// figure of a metric and compare.html overlaying the runs.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "comparison.hpp"

namespace descent::cli {

struct TrainingComparison {
  std::filesystem::path dir;
  std::size_t jobs = 1;
  std::optional<double> target;
  std::string figure_metric = "train_loss";  // a metrics.csv column, or "steps:<steps.csv column>"
  std::string figure_name = "compare";
  std::string title = "descent compare";
};

/// Runs the variants and writes the outputs. Returns the exit code: 0, or 1 when a variant failed
/// (it is a row of the table; the others complete). A diverging run is an outcome, not a failure.
/// When every variant failed on bad input (ConfigError, DataError), rethrows the first error
/// before anything is written.
int compare_training(const TrainingComparison& comparison, std::vector<Variant> variants);

}  // namespace descent::cli
