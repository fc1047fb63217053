#include "descent/report/range_test_plot.hpp"

#include <cmath>

#include <fmt/core.h>

namespace descent::report {

GnuplotFigure range_test_figure(const sched::LRRangeTest& test, const std::string& name) {
  GnuplotFigure fig;
  fig.name = name;
  auto number = [](double v) { return std::isfinite(v) ? fmt::format("{}", v) : "NaN"; };
  std::string curve = "# lr loss smoothed\n";
  for (std::size_t i = 0; i < test.lrs().size(); ++i)
    curve += fmt::format("{} {} {}\n", test.lrs()[i], number(test.losses()[i]),
                         number(test.smoothed()[i]));
  fig.data.emplace_back(name + ".dat", std::move(curve));
  std::string marks = "# lr smoothed label\n";
  if (const auto s = test.suggestion()) {
    // The minimum / 10 is marked at its lr on the curve's level at the minimum's tenth.
    const auto at = [&](std::size_t i) { return test.smoothed()[i]; };
    std::size_t tenth = 0;
    for (std::size_t i = 0; i < test.lrs().size(); ++i)
      if (std::abs(std::log(test.lrs()[i] / s->min_loss_div10)) <
          std::abs(std::log(test.lrs()[tenth] / s->min_loss_div10)))
        tenth = i;
    marks +=
        fmt::format("{} {} \"valley {:.3g}\"\n", s->valley, number(at(s->valley_index)), s->valley);
    marks += fmt::format("{} {} \"steepest {:.3g}\"\n", s->steepest, number(at(s->steepest_index)),
                         s->steepest);
    marks += fmt::format("{} {} \"min/10 {:.3g}\"\n", s->min_loss_div10, number(at(tenth)),
                         s->min_loss_div10);
  }
  fig.data.emplace_back(name + "_suggestions.dat", std::move(marks));
  const bool suggested = test.suggestion().has_value();
  fig.script = fmt::format(
      "# descent: learning-rate range test. Restyle and redraw with: gnuplot {0}.gp\n"
      "if (!exists(\"outfile\")) outfile = \"{0}.svg\"\n"
      "set terminal svg size 720,440 dynamic font \"sans,12\" background \"white\"\n"
      "set output outfile\n"
      "set title \"learning-rate range test{1}\" noenhanced\n"
      "set xlabel \"learning rate\"\nset ylabel \"loss\"\n"
      "set logscale x\nset format x \"%.0e\"\nset grid\nset key top left noenhanced\n"
      "plot {2} using 1:2 with lines lw 1 lc rgb \"#aec7e8\" title \"loss\", \\\n"
      "     \"\" using 1:3 with lines lw 2 lc rgb \"#1f77b4\" title \"smoothed\"{3}\n",
      name, test.diverged() ? " (stopped: diverged)" : "", gnuplot_quote(name + ".dat"),
      suggested ? fmt::format(", \\\n     {} using 1:2 with points pt 7 ps 1.2 lc rgb \"#d62728\" "
                              "title \"suggestions\", \\\n     \"\" using 1:2:3 with labels "
                              "left offset 1,0.6 noenhanced notitle",
                              gnuplot_quote(name + "_suggestions.dat"))
                : "");
  return fig;
}

}  // namespace descent::report
