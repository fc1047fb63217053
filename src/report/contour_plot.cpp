#include "descent/report/contour_plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/core.h>

#include "descent/core/error.hpp"

namespace descent::report {

namespace {

struct Box {
  double x0 = std::numeric_limits<double>::infinity(), x1 = -x0, y0 = x0, y1 = -x0;
  void add(double x, double y) {
    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  }
  bool contains(double x, double y) const { return x >= x0 && x <= x1 && y >= y0 && y <= y1; }
  /// Wider by `share` of its size (at least `least`) on every side.
  Box padded(double share, double least = 1e-3) const {
    const double w = std::max(x1 - x0, least), h = std::max(y1 - y0, least);
    return {x0 - share * w, x1 + share * w, y0 - share * h, y1 + share * h};
  }
};

constexpr int kGrid = 160;  // grid points per axis
// Path colours that stand out on the plasma palette (dark purple to yellow) and on the white key.
const char* kPathColors[] = {"#e41a1c", "#1ec8ff", "#7fff00", "#ff7f00",
                             "#ff69b4", "#8b4513", "#00ced1", "#808080"};

}  // namespace

ContourGrid contour_grid(const objective::Function& f, const std::vector<TracePath>& paths, int n) {
  if (f.dimension() != 2)
    throw UsageError(fmt::format("a contour plot needs a 2-D function, not {}-D", f.dimension()),
                     "contour plot");
  Box core;
  for (const auto& p : paths)
    if (!p.points.empty()) core.add(p.points.front()[0], p.points.front()[1]);
  const auto minima = f.minima();
  for (const auto& m : minima) core.add(m.x[0], m.x[1]);
  if (!std::isfinite(core.x0)) core.add(0, 0);
  const Box limit = core.padded(1.0, 1.0);
  Box box = core;
  for (const auto& p : paths)
    for (const auto& q : p.points)
      if (std::isfinite(q[0]) && std::isfinite(q[1]) && limit.contains(q[0], q[1]))
        box.add(q[0], q[1]);
  box = box.padded(0.12);

  ContourGrid g{box.x0, box.x1, box.y0, box.y1, n, std::vector<double>(std::size_t(n) * n)};
  double grid_min = std::numeric_limits<double>::infinity(), grid_max = -grid_min;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const std::array<double, 2> x{box.x0 + (box.x1 - box.x0) * i / (n - 1),
                                    box.y0 + (box.y1 - box.y0) * j / (n - 1)};
      const double v = f.value(x);
      g.z[i * n + j] = v;
      if (std::isfinite(v)) grid_min = std::min(grid_min, v), grid_max = std::max(grid_max, v);
    }
  g.f_min = grid_min;
  for (const auto& m : minima) g.f_min = std::min(g.f_min, m.value);
  // Shifted values are at least `floor` > 0, so that a log scale holds them all.
  const double range = std::max(grid_max - g.f_min, 1e-12);
  g.floor = std::max(range * 1e-4, std::max(grid_min - g.f_min, 0.0));
  g.top = std::max(range, g.floor);
  for (auto& v : g.z) v = std::isfinite(v) ? std::max(v - g.f_min, g.floor) : g.top;
  return g;
}

GnuplotFigure contour_figure(const objective::Function& f, const std::vector<TracePath>& paths,
                             const std::string& name, const std::string& title) {
  const ContourGrid g = contour_grid(f, paths, kGrid);
  const auto minima = f.minima();
  const Box box{g.x0, g.x1, g.y0, g.y1};
  const double floor = g.floor, range = g.top;
  GnuplotFigure fig;
  fig.name = name;
  std::string grid = "# x0 x1 f-f_min (f_min = " + fmt::format("{}", g.f_min) + ")\n";
  for (int i = 0; i < kGrid; ++i) {
    for (int j = 0; j < kGrid; ++j)
      grid += fmt::format("{} {} {}\n", box.x0 + (box.x1 - box.x0) * i / (kGrid - 1),
                          box.y0 + (box.y1 - box.y0) * j / (kGrid - 1), g.z[i * kGrid + j]);
    grid += '\n';
  }
  fig.data.emplace_back(name + "_grid.dat", std::move(grid));
  // Contour levels: 14 log-spaced values between the floor and the largest value on the grid.
  std::string levels;
  const double lo = std::log10(floor), hi = std::log10(std::max(range, floor * 10));
  for (int k = 1; k <= 14; ++k)
    levels += fmt::format("{}{:.4g}", k > 1 ? "," : "", std::pow(10.0, lo + (hi - lo) * k / 15.0));

  const std::string grid_file = gnuplot_quote(name + "_grid.dat");
  std::string s = fmt::format(
      "# descent: optimizer paths over a filled contour plot of f - f_min (log scale).\n"
      "# Restyle and redraw with: gnuplot {0}.gp\n"
      "{10}"
      "set title {1} noenhanced\n"
      "set xlabel \"x0\" offset 0,0.5\nset ylabel \"x1\"\n"
      "set xrange [{2}:{3}]\nset yrange [{4}:{5}]\n"
      "# contour lines at log-spaced levels, traced once into a datablock\n"
      "set contour base\nunset surface\nset cntrparam levels discrete {8}\n"
      "set table $contours\nsplot {9} using 1:2:3 with lines notitle\nunset table\n"
      "unset contour\n"
      "set logscale cb\nset cbrange [{6}:{7}]\nset format cb \"10^{{%L}}\"\n"
      "set cblabel \"f - f_min\" noenhanced\n"
      "set palette defined (0 \"#0d0887\", 1 \"#6a00a8\", 2 \"#b12a90\", 3 \"#e16462\", "
      "4 \"#fca636\", 5 \"#f0f921\")\n"
      "set palette maxcolors 15\n"
      "set key below box noenhanced\n"
      "set datafile missing \"NaN\"\n"
      "plot {9} using 1:2:3 with image notitle, \\\n"
      "     $contours using 1:2 with lines lc rgb \"#ffffff\" lw 0.5 notitle",
      name, gnuplot_quote(title), box.x0, box.x1, box.y0, box.y1, floor,
      std::max(range, floor * 10), levels, grid_file, gnuplot_output(name, 760, 620));
  for (std::size_t k = 0; k < paths.size(); ++k) {
    const std::string file = fmt::format("{}_path{}.dat", name, k);
    std::string dat = "# " + paths[k].label + ": x0 x1 (start point, then after each step)\n";
    for (const auto& q : paths[k].points)
      dat += std::isfinite(q[0]) && std::isfinite(q[1]) ? fmt::format("{} {}\n", q[0], q[1])
                                                        : std::string("NaN NaN\n");
    fig.data.emplace_back(file, std::move(dat));
    const char* color = kPathColors[k % std::size(kPathColors)];
    const std::size_t last = paths[k].points.empty() ? 0 : paths[k].points.size() - 1;
    // Earlier paths drawn wider, so that a later one on the same track leaves them visible.
    s += fmt::format(
        ", \\\n     {0} using 1:2 with lines lw {1} lc rgb \"{2}\" title {3}, \\\n"
        "     {0} every ::0::0 using 1:2 with points pt 6 ps 1.6 lw 2 lc rgb \"{2}\" notitle, \\\n"
        "     {0} every ::{4}::{4} using 1:2 with points pt 9 ps 1.6 lc rgb \"{2}\" notitle",
        gnuplot_quote(file), std::max(1.0, 3.0 - 0.5 * static_cast<double>(k)), color,
        gnuplot_quote(paths[k].label), last);
  }
  if (!minima.empty()) {
    std::string dat = "# known minima: x0 x1 f\n";
    for (const auto& m : minima) dat += fmt::format("{} {} {}\n", m.x[0], m.x[1], m.value);
    fig.data.emplace_back(name + "_minima.dat", std::move(dat));
    // A white cross with a black one inside: visible on dark and light bands and in the key.
    s += fmt::format(
        ", \\\n     {0} using 1:2 with points pt 2 ps 2.2 lw 4 lc rgb \"#ffffff\" notitle, \\\n"
        "     {0} using 1:2 with points pt 2 ps 2.2 lw 1.5 lc rgb \"#000000\" title \"minimum\"",
        gnuplot_quote(name + "_minima.dat"));
  }
  // Legend entries for the markers (NaN draws nothing, so only their keys show).
  s += ", \\\n     NaN with points pt 6 ps 1.6 lw 2 lc rgb \"black\" title \"start\", \\\n"
       "     NaN with points pt 9 ps 1.6 lc rgb \"black\" title \"end\"\n";
  fig.script = std::move(s);
  return fig;
}

}  // namespace descent::report
