// `descent report RUN_DIR... [--out FILE]`: report.html for runs written by descent train. One run:
// its report (default RUN_DIR/report.html, as train writes it). Several: one page overlaying them,
// legend named by the config keys that differ (default compare.html). Every run is read before
// anything is written, so bad input (not a run directory, a torn metrics line, no epoch) is one
// error line, exit 2, and no file.
#include <fmt/core.h>

#include "command.hpp"
#include "descent/core/error.hpp"
#include "descent/report/chart_library.hpp"
#include "descent/report/html_report.hpp"
#include "descent/report/run_data.hpp"

namespace {

using namespace descent;

struct ReportArgs {
  std::vector<std::string> runs;
  std::string out;
};

int report_runs(const ReportArgs& args) {
  std::vector<report::RunData> runs;
  for (const auto& dir : args.runs) runs.push_back(report::load_run(dir));
  const std::filesystem::path out = !args.out.empty()  ? std::filesystem::path(args.out)
                                    : runs.size() == 1 ? runs.front().dir / "report.html"
                                                       : std::filesystem::path("compare.html");
  if (std::filesystem::is_directory(out))
    throw ConfigError("is a directory", out.string(), "give --out a file name, e.g. compare.html");
  const bool interactive = report::write_report(out, runs);
  fmt::print("{}\n", out.string());
  if (!interactive) fmt::print("static plots only: {}\n", report::kChartLibraryHint);
  return 0;
}

const cli::Registration report_command{
    "report", "Write report.html for one run, or one page overlaying several runs",
    [](CLI::App& sub) {
      auto args = std::make_shared<ReportArgs>();
      sub.add_option("runs", args->runs, "Run directories written by descent train")->required();
      sub.add_option("--out", args->out,
                     "Output file (default: RUN_DIR/report.html for one run, compare.html for "
                     "several)");
      return [args] { return report_runs(*args); };
    }};

}  // namespace
