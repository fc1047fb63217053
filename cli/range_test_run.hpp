#pragma once
// The learning-rate range test on a configured model and data (`descent lr-find`, and the
// lr-range-test experiment of `descent compare`).
#include "descent/sched/range_test.hpp"
#include "training_setup.hpp"

namespace descent::cli {

/// Sweeps the lr over options.num_steps training steps of the model `config` describes (in its
/// dtype), non-finite steps skipped, and returns the recorded curve.
sched::LRRangeTest range_test(const RunConfig& config, const LoadedData& data,
                              const sched::RangeTestOptions& options);

}  // namespace descent::cli
