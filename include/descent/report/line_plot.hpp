#pragma once
// A line chart of several series on shared axes (gnuplot): the figure of `descent compare` and
// the course's experiments. Each series is its own data file (series may have different x values
// and lengths); optional vertical markers (a learning-rate suggestion, the 2/L stability
// boundary), log axes and fixed ranges. Non-finite values are written as NaN and left out.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "descent/report/gnuplot.hpp"

namespace descent::report {

struct Series {
  std::string label;
  std::vector<double> x, y;
  bool points = false;  // draw the values as points joined by lines (short paths)
  bool dashed = false;
};

struct Marker {
  std::string label;
  double x = 0;  // a vertical line at x
};

struct LinePlot {
  std::string name;  // file stem: NAME.gp, NAME.svg, NAME_<k>.dat
  std::string title, xlabel, ylabel;
  std::vector<Series> series;
  std::vector<Marker> markers;
  bool log_x = false, log_y = false;
  std::optional<std::pair<double, double>> x_range, y_range;
};

/// The figure; a log axis is used only if every finite value on it is positive.
GnuplotFigure line_figure(const LinePlot& plot);

}  // namespace descent::report
