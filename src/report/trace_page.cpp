#include "descent/report/trace_page.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/core.h>

namespace descent::report {

namespace {

// Heat map grid points per axis: 120^2 values keep the page small (~0.2 MB) and look smooth.
constexpr int kHeatGrid = 120;

/// A chart of one quantity per step, a series per optimizer (shorter runs padded with NaN).
LineChart per_step(const std::string& id, const std::string& title,
                   const std::vector<TraceRecord>& records,
                   std::vector<double> TraceRecord::*values) {
  std::size_t rows = 0;
  for (const auto& r : records) rows = std::max(rows, (r.*values).size());
  LineChart c;
  c.id = id;
  c.title = title;
  c.x_label = "step";
  c.log_y = true;
  for (std::size_t k = 0; k < rows; ++k) c.x.push_back(static_cast<double>(k));
  for (const auto& r : records) {
    std::vector<double> y = r.*values;
    y.resize(rows, std::numeric_limits<double>::quiet_NaN());
    c.series.push_back({r.path.label, std::move(y)});
  }
  return c;
}

}  // namespace

ChartPage trace_page(const objective::Function& f, const TraceDescription& description,
                     const std::vector<TraceRecord>& records,
                     const std::vector<std::filesystem::path>& static_plots) {
  ChartPage page;
  page.body.title = "descent trace: " + description.function;
  page.body.header = "<h1>descent trace: <code>" + html_escape(description.function) +
                     "</code></h1>\n<p class=\"what\">" + html_escape(description.what) + "</p>\n" +
                     html_table(description.table) + warning_box(description.warnings);
  page.heading = "Optimizer paths";
  const auto minima = f.minima();
  if (f.dimension() == 2) {
    std::vector<TracePath> paths;
    for (const auto& r : records) paths.push_back(r.path);
    const ContourGrid grid = contour_grid(f, paths, kHeatGrid);
    PathChart chart;
    chart.id = "paths";
    chart.title = "paths over f - f_min (log colour scale)";
    chart.background = {grid.x0,
                        grid.x1,
                        grid.y0,
                        grid.y1,
                        static_cast<std::size_t>(grid.n),
                        grid.z,
                        fmt::format("f - f_min (f_min = {})", grid.f_min)};
    for (const auto& p : paths) {
      PathSeries s{p.label, {}, {}};
      for (const auto& q : p.points) s.x.push_back(q[0]), s.y.push_back(q[1]);
      chart.paths.push_back(std::move(s));
    }
    for (const auto& m : minima) chart.minima.push_back({m.x[0], m.x[1]});
    page.paths.push_back(std::move(chart));
  }
  // f - f_min on a log axis (f itself when no minimum is known: log y only where it is positive).
  double f_min = std::numeric_limits<double>::infinity();
  for (const auto& m : minima) f_min = std::min(f_min, m.value);
  std::vector<TraceRecord> shifted = records;
  if (std::isfinite(f_min))
    for (auto& r : shifted)
      for (auto& v : r.f) v -= f_min;
  page.charts.push_back(per_step("f",
                                 std::isfinite(f_min)
                                     ? fmt::format("f - f_min per step (f_min = {})", f_min)
                                     : std::string("f per step"),
                                 shifted, &TraceRecord::f));
  page.charts.push_back(
      per_step("grad_norm", "gradient norm per step", records, &TraceRecord::grad_norm));
  if (!minima.empty())
    page.charts.push_back(per_step("distance", "distance to the nearest minimum per step", records,
                                   &TraceRecord::distance));
  const bool lr_changes = std::any_of(records.begin(), records.end(), [](const TraceRecord& r) {
    return std::any_of(r.lr.begin(), r.lr.end(), [&](double v) { return v != r.lr.front(); });
  });
  if (lr_changes) {
    page.charts.push_back(per_step("lr", "learning rate per step", records, &TraceRecord::lr));
    page.charts.back().log_y = false;
  }
  page.body.fallback = static_figures(static_plots);
  return page;
}

}  // namespace descent::report
