#pragma once
// A report page of explicit charts, for the commands that are not training runs (`descent lr-find`
// and `descent trace`): line charts of named series over one x (log axes on request, labelled
// vertical markers such as a suggested lr) and 2-D optimizer paths over a heat map of the function
// (log-spaced colour bands: a filled contour plot). report.js draws them with the same machinery as
// a run's charts: hover readout of the exact values, drag to zoom, linear/log y, show/hide a
// series. The page frame (data embedding, fallback to the static SVGs) is html_page.hpp's.
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "descent/report/chart_library.hpp"
#include "descent/report/html_page.hpp"

namespace descent::report {

struct ChartSeries {
  std::string label;
  std::vector<double> y;  // one value per x (NaN: missing)
};

struct ChartMarker {
  std::string label;
  double x = 0;
};

struct LineChart {
  std::string id;  // data-chart attribute of the drawn chart
  std::string title, x_label;
  std::vector<double> x;  // increasing
  std::vector<ChartSeries> series;
  bool log_x = false, log_y = false;  // log_y: the initial y scale (a button switches it)
  std::vector<ChartMarker> markers;   // dashed vertical lines, labelled
};

/// Values of a 2-D function on a regular grid, drawn as a heat map on a log colour scale.
struct HeatMap {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  std::size_t n = 0;      // grid points per axis
  std::vector<double> z;  // z[i * n + j] at (x0 + (x1 - x0) i/(n-1), y0 + (y1 - y0) j/(n-1)), > 0
  std::string z_label;
};

struct PathSeries {
  std::string label;
  std::vector<double> x, y;  // the start point, then the point after each step
};

struct PathChart {
  std::string id, title, x_label = "x0", y_label = "x1";
  HeatMap background;
  std::vector<PathSeries> paths;
  std::vector<std::array<double, 2>> minima;
};

struct ChartPage {
  PageBody body;                  // title, header (what was run and what came out), footer
  std::string heading;            // the charts' section heading
  std::vector<LineChart> charts;  // drawn in order, two a row on a wide window
  std::vector<PathChart> paths;   // drawn first, one a row
};

/// The page's HTML; without `library` the static plots in page.body.fallback.
std::string chart_page_html(const ChartPage& page, const std::optional<ChartLibrary>& library);

/// Writes chart_page_html() to `path` atomically, looking the chart library up. Returns false when
/// it wrote the static fallback.
bool write_chart_page(const std::filesystem::path& path, const ChartPage& page);

}  // namespace descent::report
