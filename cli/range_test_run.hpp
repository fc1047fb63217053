#pragma once
// The learning-rate range test on a configured model and data (`descent lr-find`, and the
// lr-range-test experiment of `descent compare`).
#include <filesystem>
#include <vector>

#include "descent/sched/range_test.hpp"
#include "training_setup.hpp"

namespace descent::cli {

/// Sweeps the lr over options.num_steps training steps of the model `config` describes (in its
/// dtype), non-finite steps skipped, and returns the recorded curve.
sched::LRRangeTest range_test(const RunConfig& config, const LoadedData& data,
                              const sched::RangeTestOptions& options);

/// Writes the sweep's report page to `page` (report/range_test_page.hpp; `figures`: the static
/// plots shown without the chart library) and prints where, or how to get the interactive page.
void write_range_test_report(const std::filesystem::path& page, const sched::LRRangeTest& test,
                             const sched::RangeTestOptions& options, const RunConfig& config,
                             const std::vector<std::filesystem::path>& figures);

}  // namespace descent::cli
