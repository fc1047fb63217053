#pragma once
// An optimizer's path over a filled contour plot of a 2-D test function (gnuplot): the function on
// a grid over the region the paths and minima span, coloured in 15 bands on a log scale of
// f - f_min, with contour lines at log-spaced levels, each path in its own colour (start: open
// circle, end: filled triangle), the known minima as crosses, and a legend.
#include <array>
#include <string>
#include <vector>

#include "descent/objective/objective.hpp"
#include "descent/report/gnuplot.hpp"

namespace descent::report {

struct TracePath {
  std::string label;
  std::vector<std::array<double, 2>> points;  // the start point, then the point after each step
};

/// The figure `name` (NAME.gp, NAME_grid.dat, NAME_path<k>.dat, NAME_minima.dat). UsageError when
/// f is not 2-D.
GnuplotFigure contour_figure(const objective::Function& f, const std::vector<TracePath>& paths,
                             const std::string& name, const std::string& title);

}  // namespace descent::report
