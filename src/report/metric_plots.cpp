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
  const std::size_t every = drawn_every(t.rows());
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
    std::string s =
        fmt::format("# descent: {} per {}. Restyle and redraw with: gnuplot {}.gp\n", metric, per,
                    fig.name) +
        gnuplot_output(fig.name, 640, 400) +
        fmt::format(
            "set title {} noenhanced\nset xlabel {}\nset ylabel {} noenhanced\n"
            "set key top right noenhanced\nset grid\n",
            gnuplot_quote(metric + " per " + per), gnuplot_quote(per), gnuplot_quote(metric));
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

/// Regression: predicted against actual, one point per row, with the line predicted = actual.
std::vector<GnuplotFigure> predicted_vs_actual(const RunData& run) {
  const auto* actual = run.predictions.column("actual");
  const auto* predicted = run.predictions.column("predicted");
  if (!actual || !predicted || actual->empty()) return {};
  GnuplotFigure fig;
  fig.name = "predicted_vs_actual";
  std::string dat = "# actual predicted\n";
  double lo = INFINITY, hi = -INFINITY;
  for (std::size_t i = 0; i < actual->size(); ++i) {
    dat += fmt::format("{} {}\n", (*actual)[i], (*predicted)[i]);
    for (double v : {(*actual)[i], (*predicted)[i]})
      if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (!(lo <= hi)) return {};
  fig.data.emplace_back(fig.name + ".dat", std::move(dat));
  const std::string split = run.summary.is_object() && run.summary.contains("predictions")
                                ? run.summary["predictions"].value("split", std::string("test"))
                                : std::string("test");
  fig.script =
      fmt::format(
          "# descent: predicted vs actual ({} split). Restyle and redraw with: gnuplot {}.gp\n",
          split, fig.name) +
      gnuplot_output(fig.name, 480, 480) +
      fmt::format(
          "set title {}\nset xlabel \"actual\"\nset ylabel \"predicted\"\n"
          "set size square\nset grid\nset key top left\nset xrange [{}:{}]\nset yrange [{}:{}]\n"
          "plot {} using 1:2 with points pt 7 ps 0.4 lc rgb \"#1f77b4\" title \"rows\", \\\n"
          "     x with lines lw 1 lc rgb \"#7f7f7f\" dt 2 title \"predicted = actual\"\n",
          gnuplot_quote("predicted vs actual (" + split + " split)"), lo, hi, lo, hi,
          gnuplot_quote(fig.name + ".dat"));
  return {std::move(fig)};
}

}  // namespace

std::vector<GnuplotFigure> metric_figures(const RunData& run) {
  auto out = figures(run.epochs, "epoch", "", "epoch", false);
  auto append = [&out](std::vector<GnuplotFigure> more) {
    out.insert(out.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
  };
  append(figures(run.steps, "step", "steps_", "step", true));
  append(predicted_vs_actual(run));
  return out;
}

}  // namespace descent::report
