#include "descent/report/metric_plots.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>

namespace descent::report {

namespace {

/// The plot a column is drawn on (as report.js groups them): train_/val_/test_ of a metric
/// together, 2/lambda_max beside the lr, the dead fraction of every ReLU layer together.
std::string metric_of(const std::string& name) {
  if (name == "two_over_lambda_max") return "lr";
  if (name.rfind("dead_relu_", 0) == 0) return "dead_relu";
  for (const char* split : {"train_", "val_", "test_"})
    if (name.rfind(split, 0) == 0) return name.substr(std::string(split).size());
  return name;
}

bool log_by_default(const std::string& metric) {
  return metric == "loss" || metric.ends_with("_loss") || metric == "grad_norm" ||
         metric == "update_ratio";
}

// Per-step plots draw at most this many points (every k-th row); the .dat keeps every row.
constexpr std::size_t kMaxDrawnPoints = 4000;

std::vector<GnuplotFigure> figures(const Table& t, const std::string& x, const std::string& prefix,
                                   const std::string& per, bool log_metrics) {
  std::vector<GnuplotFigure> out;
  const auto* xs = t.column(x);
  if (!xs || t.rows() == 0) return out;
  std::vector<std::string> metrics;
  for (const auto& name : t.names)
    if (name != "epoch" && name != "step" &&
        std::find(metrics.begin(), metrics.end(), metric_of(name)) == metrics.end())
      metrics.push_back(metric_of(name));
  const std::size_t every =
      std::max<std::size_t>(1, (t.rows() + kMaxDrawnPoints - 1) / kMaxDrawnPoints);
  for (const auto& metric : metrics) {
    std::vector<std::size_t> cols;
    for (std::size_t j = 0; j < t.names.size(); ++j)
      if (t.names[j] != x && t.names[j] != "epoch" && t.names[j] != "step" &&
          metric_of(t.names[j]) == metric &&
          std::any_of(t.columns[j].begin(), t.columns[j].end(),
                      [](double v) { return std::isfinite(v); }))
        cols.push_back(j);
    if (cols.empty()) continue;
    bool positive = true;
    for (auto j : cols)
      for (double v : t.columns[j])
        if (std::isfinite(v) && v <= 0) positive = false;
    const bool log = log_metrics && positive && log_by_default(metric);
    GnuplotFigure fig;
    fig.name = prefix + metric;
    std::string dat = "# " + x;
    for (auto j : cols) dat += " " + t.names[j];
    dat += "\n";
    for (std::size_t i = 0; i < t.rows(); ++i) {
      dat += fmt::format("{}", (*xs)[i]);
      for (auto j : cols)
        dat += std::isfinite(t.columns[j][i]) ? fmt::format(" {}", t.columns[j][i]) : " NaN";
      dat += '\n';
    }
    fig.data.emplace_back(fig.name + ".dat", std::move(dat));
    std::string s = fmt::format(
        "# descent: {} per {}. Restyle and redraw with: gnuplot {}.gp\n"
        "if (!exists(\"outfile\")) outfile = \"{}.svg\"\n"
        "set terminal svg size 640,400 dynamic font \"sans,12\" background \"white\"\n"
        "set output outfile\n"
        "set title {} noenhanced\nset xlabel {}\nset ylabel {} noenhanced\n"
        "set key top right noenhanced\nset grid\n",
        metric, per, fig.name, fig.name, gnuplot_quote(metric + " per " + per), gnuplot_quote(per),
        gnuplot_quote(metric));
    if (log) s += "set logscale y\n";
    if (every > 1)
      s += fmt::format("# {} rows: every {}th is drawn (the .dat file has them all)\n", t.rows(),
                       every);
    const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"};
    s += "plot ";
    for (std::size_t k = 0; k < cols.size(); ++k) {
      const std::string& name = t.names[cols[k]];
      const bool few = t.rows() <= 60;
      s += fmt::format("{}{} {}using 1:{} with {} lw 2 lc rgb \"{}\"{} title {}",
                       k ? ", \\\n     " : "", k ? "\"\"" : gnuplot_quote(fig.name + ".dat"),
                       every > 1 ? fmt::format("every {} ", every) : "", k + 2,
                       few ? "linespoints pt 7 ps 0.5" : "lines", colors[k % 5],
                       name.rfind("val_", 0) == 0 ? " dt 2" : "", gnuplot_quote(name));
    }
    s += "\n";
    fig.script = std::move(s);
    out.push_back(std::move(fig));
  }
  return out;
}

}  // namespace

std::vector<GnuplotFigure> metric_figures(const RunData& run) {
  auto out = figures(run.epochs, "epoch", "", "epoch", false);
  auto steps = figures(run.steps, "step", "steps_", "step", true);
  out.insert(out.end(), std::make_move_iterator(steps.begin()),
             std::make_move_iterator(steps.end()));
  return out;
}

}  // namespace descent::report
