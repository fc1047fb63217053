#pragma once
// The charting library inlined into report.html: uPlot (npm `uplot`, MIT), installed by
// scripts/deps.sh into .deps/npm/ of the source tree (never committed). Looked up at run time in
//   1. $DESCENT_UPLOT_DIR (a folder holding uPlot.iife.min.js and uPlot.min.css),
//   2. .deps/npm/node_modules/uplot/dist in the folders above the running executable,
//   3. /usr/local/share/descent/uplot and /usr/share/descent/uplot.
// Chosen over Debian's libjs-chart.js by measurement (bench/report_open.sh, README).
#include <optional>
#include <string>

namespace descent::report {

struct ChartLibrary {
  std::string script;  // uPlot.iife.min.js
  std::string style;   // uPlot.min.css
};

/// The library, or nullopt when it is not installed.
std::optional<ChartLibrary> find_chart_library();

/// One line telling how to install the library.
inline constexpr const char* kChartLibraryHint =
    "interactive charts need uPlot: run scripts/deps.sh (npm install uplot) or set "
    "DESCENT_UPLOT_DIR to a folder with uPlot.iife.min.js and uPlot.min.css";

}  // namespace descent::report
