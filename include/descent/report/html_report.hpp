#pragma once
// report.html: one self-contained page (no network access) showing one run, or several overlaid.
// The page holds the run data as JSON, the inlined chart library (chart_library.hpp) and the
// report's own script (src/report/assets/report.js), which draws per-epoch charts (train and val of
// a metric on one chart) and per-step charts (steps.csv), with TensorBoard's debiased EMA
// smoothing, linear/log y, hover readout, zoom and show/hide. The header (what was trained, final /
// best / test metrics, warnings), the confusion matrix heat map with per-class precision / recall /
// F1 and the resolved configuration are plain HTML. Without the chart library the page shows the
// static plots (plots/*.svg) and says how to get the interactive charts.
// The body gets data-charts-announced (charts the page will draw) and, once every chart has drawn,
// data-charts-drawn; a script error sets data-js-error (the browser test reads these).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "descent/report/chart_library.hpp"
#include "descent/report/run_data.hpp"

namespace descent::report {

/// The page for one run (runs.size() == 1) or an overlay of several. `library` nullopt: static
/// fallback (the SVGs found in each run's plots/ folder are inlined).
std::string report_html(const std::vector<RunData>& runs,
                        const std::optional<ChartLibrary>& library);

/// Legend names for overlaid runs: the config keys whose values differ between the runs
/// ("train.batch_size=1, optimizer.lr=0.1"), output.dir excluded; the directory names when no
/// key differs.
std::vector<std::string> run_labels(const std::vector<RunData>& runs);

/// Writes report_html() to `path` atomically, looking the chart library up (find_chart_library).
/// Returns false when it wrote the static fallback.
bool write_report(const std::filesystem::path& path, const std::vector<RunData>& runs);

}  // namespace descent::report
