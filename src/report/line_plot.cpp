#include "descent/report/line_plot.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

namespace descent::report {

namespace {
const char* kSeriesColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                               "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"};

bool all_positive(const std::vector<Series>& series, bool x_axis) {
  for (const auto& s : series)
    for (double v : x_axis ? s.x : s.y)
      if (std::isfinite(v) && v <= 0) return false;
  return true;
}
}  // namespace

GnuplotFigure line_figure(const LinePlot& plot) {
  GnuplotFigure fig;
  fig.name = plot.name;
  const bool log_x = plot.log_x && all_positive(plot.series, true);
  const bool log_y = plot.log_y && all_positive(plot.series, false);
  std::string s = fmt::format(
      "# descent: {}. Restyle and redraw with: gnuplot {}.gp\n"
      "if (!exists(\"outfile\")) outfile = \"{}.svg\"\n"
      "set terminal svg size 760,560 dynamic font \"sans,12\" background \"white\"\n"
      "set output outfile\n"
      "set title {} noenhanced\nset xlabel {} noenhanced\nset ylabel {} noenhanced\n"
      "set key below noenhanced\nset grid\nset datafile missing \"NaN\"\n",
      plot.title, plot.name, plot.name, gnuplot_quote(plot.title), gnuplot_quote(plot.xlabel),
      gnuplot_quote(plot.ylabel));
  if (log_x) s += "set logscale x\nset format x \"%g\"\n";
  if (log_y) s += "set logscale y\nset format y \"%g\"\n";
  if (plot.x_range)
    s += fmt::format("set xrange [{}:{}]\n", plot.x_range->first, plot.x_range->second);
  if (plot.y_range)
    s += fmt::format("set yrange [{}:{}]\n", plot.y_range->first, plot.y_range->second);
  for (const auto& m : plot.markers)
    s += fmt::format(
        "set arrow from {0}, graph 0 to {0}, graph 1 nohead dt 2 lw 1.5 lc rgb \"#444444\"\n"
        "set label {1} at {0}, graph 0.97 rotate by 90 right offset -0.8,0 font \",10\" "
        "noenhanced\n",
        m.x, gnuplot_quote(m.label));
  s += "plot ";
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const Series& series = plot.series[k];
    const std::string file = fmt::format("{}_{}.dat", plot.name, k);
    std::string dat = "# " + series.label + ": x y\n";
    for (std::size_t i = 0; i < std::min(series.x.size(), series.y.size()); ++i)
      dat += std::isfinite(series.x[i]) && std::isfinite(series.y[i])
                 ? fmt::format("{} {}\n", series.x[i], series.y[i])
                 : std::string("NaN NaN\n");
    fig.data.emplace_back(file, std::move(dat));
    const std::size_t every = drawn_every(series.x.size());
    s += fmt::format("{}{} {}using 1:2 with {} lw 2 lc rgb \"{}\"{} title {}",
                     k ? ", \\\n     " : "", gnuplot_quote(file),
                     every > 1 ? fmt::format("every {} ", every) : "",
                     series.points ? "linespoints pt 7 ps 0.6" : "lines",
                     kSeriesColors[k % std::size(kSeriesColors)], series.dashed ? " dt 2" : "",
                     gnuplot_quote(series.label));
  }
  if (plot.series.empty()) s += "NaN notitle";
  s += "\n";
  fig.script = std::move(s);
  return fig;
}

}  // namespace descent::report
