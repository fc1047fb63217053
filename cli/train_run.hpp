#pragma once
// The core of `descent train`, callable in-process (descent compare runs its variants through it):
// loads the data a resolved config names, trains, and writes the run directory.
#include <string>

#include "descent/config/run_config.hpp"
#include "descent/core/communicator.hpp"

namespace descent::cli {

struct TrainRunOptions {
  bool quiet = false;  // no closing lines (test metrics, "outputs in DIR")
  bool views = true;   // write plots/*.svg, TensorBoard events and report.html into the run dir
  /// The processes of an mpirun (rank 0 writes the run directory); null: this process alone.
  Communicator* comm = nullptr;
};

/// Trains the run `config` describes (output.dir chosen; `resume` a run directory or empty) on the
/// calling thread, with config.train.threads OpenMP threads. Returns the exit code (0, or 130/143
/// after a signal); throws NumericalError when the run diverged, after its outputs are written,
/// and ConfigError / DataError for bad input before any output.
int train_config(RunConfig& config, const std::string& resume, const TrainRunOptions& options);

}  // namespace descent::cli
