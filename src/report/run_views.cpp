#include "descent/report/run_views.hpp"

#include <chrono>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/report/gnuplot.hpp"
#include "descent/report/html_report.hpp"
#include "descent/report/metric_plots.hpp"
#include "descent/report/run_data.hpp"
#include "descent/report/tensorboard.hpp"

namespace descent::report {

std::vector<std::string> write_run_views(const std::filesystem::path& dir, bool png) {
  std::vector<std::string> notes;
  RunData run;
  try {
    run = load_run(dir);
  } catch (const Error& e) {
    notes.push_back(std::string("no report: ") + e.what());
    return notes;
  }
  // Plots first: report.html inlines them when the chart library is missing.
  try {
    if (const auto gnuplot = find_gnuplot(); gnuplot.empty()) {
      notes.emplace_back(kGnuplotHint);
    } else {
      const std::vector<ImageFormat> formats =
          png ? std::vector{ImageFormat::svg, ImageFormat::png} : std::vector{ImageFormat::svg};
      const auto failures = render(dir / "plots", metric_figures(run), gnuplot, formats);
      if (!failures.empty()) throw failures.front().error;
    }
  } catch (const Error& e) {
    notes.push_back(std::string("plots incomplete: ") + e.what());
  }
  try {
    const double now =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    write_tensorboard_events(run, now);
  } catch (const Error& e) {
    notes.push_back(std::string("no TensorBoard events: ") + e.what());
  }
  try {
    if (!write_report(dir / "report.html", {run}))
      notes.push_back(fmt::format("report.html shows static plots only: {}", kChartLibraryHint));
  } catch (const Error& e) {
    notes.push_back(std::string("no report.html: ") + e.what());
  }
  return notes;
}

}  // namespace descent::report
