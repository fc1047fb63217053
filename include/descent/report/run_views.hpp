#pragma once
// Everything a run directory shows besides its data files, written from those files at the end of
// every `descent train` run (finished, stopped early or interrupted): plots/*.svg (gnuplot, with
// their .gp and .dat; also plots/*.png when asked), TensorBoard scalar events
// (events.out.tfevents.*) and report.html.
#include <filesystem>
#include <string>
#include <vector>

namespace descent::report {

/// Writes the views of the run in `dir`. Never throws for a missing optional tool (gnuplot, the
/// chart library) or a failed view: the returned lines say what was left out and how to get it.
std::vector<std::string> write_run_views(const std::filesystem::path& dir, bool png = false);

}  // namespace descent::report
