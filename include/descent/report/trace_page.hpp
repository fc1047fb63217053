#pragma once
// An optimizer trace as a report page (`descent trace`'s HTML): the function, start point and
// steps, and a row per optimizer (final x, f, gradient norm, distance to the nearest minimum) in
// the header; for a 2-D function the paths over a heat map of f - f_min (log colour bands: a filled
// contour plot, the same region as contour_plot.hpp's), and per step f - f_min (f when no minimum
// is known), the gradient norm, the distance to the nearest minimum and the lr (when it changes),
// log y. The paths' gnuplot figure is shown when the chart library is missing.
#include <filesystem>
#include <string>
#include <vector>

#include "descent/objective/objective.hpp"
#include "descent/report/chart_page.hpp"
#include "descent/report/contour_plot.hpp"

namespace descent::report {

/// One optimizer's trace; row k is the point after k steps (row 0: the start point).
struct TraceRecord {
  TracePath path;  // its label names the optimizer; the points are empty for a function not 2-D
  std::vector<double> f, grad_norm, lr, distance;  // distance: empty when no minimum is known
};

struct TraceDescription {
  std::string function;  // as given (a name or a formula), with its parameters
  std::string what;      // one line: start point, steps, dtype, schedule
  std::vector<std::vector<std::string>> table;  // header row, then a row per optimizer
  std::vector<std::string> warnings;            // e.g. a diverged optimizer
};

ChartPage trace_page(const objective::Function& f, const TraceDescription& description,
                     const std::vector<TraceRecord>& records,
                     const std::vector<std::filesystem::path>& static_plots);

}  // namespace descent::report
