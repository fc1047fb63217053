#pragma once
// The learning-rate range test as a report page (`descent lr-find`'s HTML beside its CSV): what was
// swept (model, data, optimizer, lr range, steps, smoothing) and the suggested lrs in the header;
// the raw and smoothed loss against the lr (log x) with the suggestions (valley, steepest,
// minimum / 10) marked; the same figure from gnuplot when the chart library is missing.
#include <filesystem>
#include <string>
#include <vector>

#include "descent/report/chart_page.hpp"
#include "descent/sched/range_test.hpp"

namespace descent::report {

/// `what`: one line naming what was swept ("mlp:64 on data.csv, optimizer sgd, batch size 32");
/// `static_plots`: the SVGs shown without the chart library.
ChartPage range_test_page(const sched::LRRangeTest& test, const sched::RangeTestOptions& options,
                          const std::string& what,
                          const std::vector<std::filesystem::path>& static_plots);

}  // namespace descent::report
