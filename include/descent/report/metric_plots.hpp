#pragma once
// The static curves of a run as gnuplot figures: one per metric per epoch (train_ and val_ of a
// metric on one plot: plots/loss.svg, plots/accuracy.svg, ...) and, with steps.csv, one per
// per-step metric (plots/steps_loss.svg, ...; log y for loss, gradient norm and update ratio);
// with predictions.csv (regression), plots/predicted_vs_actual.svg.
#include <vector>

#include "descent/report/gnuplot.hpp"
#include "descent/report/run_data.hpp"

namespace descent::report {

std::vector<GnuplotFigure> metric_figures(const RunData& run);

}  // namespace descent::report
