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

/// f - f_min on a regular grid over the region the paths and minima span (the start points and
/// minima, and the paths' points within 3x that region, so that a diverging path does not shrink
/// the function to a dot; 12% margin). Values are at least `floor` > 0 (so a log scale holds them);
/// a non-finite f is stored as `top`.
struct ContourGrid {
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  int n = 0;                  // grid points per axis
  std::vector<double> z;      // z[i * n + j] at (x0 + (x1 - x0) i/(n-1), y0 + (y1 - y0) j/(n-1))
  double f_min = 0;           // from the known minima, or the grid's smallest value
  double floor = 0, top = 0;  // the smallest and largest values of z
};

/// UsageError when f is not 2-D.
ContourGrid contour_grid(const objective::Function& f, const std::vector<TracePath>& paths,
                         int n = 160);

/// The figure `name` (NAME.gp, NAME_grid.dat, NAME_path<k>.dat, NAME_minima.dat). UsageError when
/// f is not 2-D.
GnuplotFigure contour_figure(const objective::Function& f, const std::vector<TracePath>& paths,
                             const std::string& name, const std::string& title);

}  // namespace descent::report
