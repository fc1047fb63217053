// `descent lr-find [CONFIG.toml] [data/model flags]`: the learning-rate range test (Smith 2017) on
// the configured model and data: sweeps the lr exponentially over --steps training steps, prints
// the suggested lrs (valley, steepest, minimum / 10) and writes the curve (step, lr, loss,
// smoothed) as CSV, with gnuplot as a figure with the suggestions marked (--plot, default the
// CSV's name with .svg; its .gp and .dat beside it), and as an interactive report page (--report,
// default the CSV's name with .html; report/range_test_page.hpp).
#include <fmt/core.h>

#include "command.hpp"
#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/report/range_test_page.hpp"
#include "descent/report/range_test_plot.hpp"
#include "descent/train/lr_finder.hpp"
#include "descent/train/nonfinite_guard.hpp"
#include "range_test_run.hpp"
#include "training_setup.hpp"

namespace descent::cli {
namespace {

template <class T>
void sweep(const RunConfig& config, const LoadedData& data, sched::LRRangeTest& test,
           std::int64_t num_steps) {
  auto parts = build_parts<T>(config, data, /*with_schedule=*/false);
  auto options = trainer_options(config, data);
  train::Trainer<T> trainer(*parts.model->net, parts.model->params, *parts.loss, *parts.optimizer,
                            nullptr, options);
  if (parts.regularizer) trainer.set_regularizer(*parts.regularizer);
  trainer.add_callback(std::make_unique<train::NonFiniteGuard<T>>(train::NonFinitePolicy::skip));
  trainer.add_callback(std::make_unique<train::LRFinder<T>>(test));
  // Enough epochs for the sweep; the finder stops the loop when it is done.
  const std::size_t rows = data.train.rows();
  const std::size_t batch = options.batch_size ? std::min(options.batch_size, rows) : rows;
  const auto per_epoch =
      static_cast<std::int64_t>(options.drop_last ? rows / batch : (rows + batch - 1) / batch);
  trainer.options().epochs = (num_steps + per_epoch - 1) / std::max<std::int64_t>(per_epoch, 1) + 1;
  trainer.fit(data.train);
}
}  // namespace

sched::LRRangeTest range_test(const RunConfig& config, const LoadedData& data,
                              const sched::RangeTestOptions& options) {
  sched::LRRangeTest test(options);
  const std::string dtype = config.model.dtype;
  if (dtype == "float")
    sweep<float>(config, data, test, options.num_steps);
  else if (dtype == "double")
    sweep<double>(config, data, test, options.num_steps);
  else
    throw ConfigError("must be float or double, not '" + dtype + "'", "model.dtype");
  return test;
}

void write_range_test_report(const std::filesystem::path& page, const sched::LRRangeTest& test,
                             const sched::RangeTestOptions& options, const RunConfig& config,
                             const std::vector<std::filesystem::path>& figures) {
  const std::string what =
      fmt::format("{} on {}, optimizer {}, batch size {}", config.model.spec,
                  config.data.path.empty() ? std::string("?") : config.data.path,
                  config.optimizer.value("name", std::string("?")), config.train.batch_size);
  const bool interactive =
      report::write_chart_page(page, report::range_test_page(test, options, what, figures));
  fmt::print("report: {}{}\n", page.string(), interactive ? "" : " (static plots only)");
  if (!interactive) fmt::print("{}\n", report::kChartLibraryHint);
}

}  // namespace descent::cli

namespace {
using namespace descent;

struct LrFindArgs {
  std::string config_file, csv = "lr_find.csv", plot, report;
  sched::RangeTestOptions test;
  cli::ConfigFlags flags;
};

int run(const RunConfig& config, const cli::LoadedData& data, const LrFindArgs& args) {
  const sched::LRRangeTest test = cli::range_test(config, data, args.test);
  std::string csv = "step,lr,loss,smoothed\n";
  for (std::size_t i = 0; i < test.losses().size(); ++i)
    csv += fmt::format("{},{},{},{}\n", i, test.lrs()[i], test.losses()[i], test.smoothed()[i]);
  write_file_atomic(args.csv, csv);
  fmt::print("lr range test: {} steps from {} to {}{}\n", test.losses().size(), args.test.start_lr,
             args.test.end_lr, test.diverged() ? " (stopped: the loss diverged)" : "");
  if (const auto s = test.suggestion()) {
    fmt::print(
        "suggested lr: {:.3g} (valley: about halfway down the longest descent, fastai's "
        "default)\n",
        s->valley);
    fmt::print(
        "alternatives: {:.3g} (steepest descent of the smoothed loss), {:.3g} (lr at the "
        "minimum loss / 10)\n",
        s->steepest, s->min_loss_div10);
  } else {
    fmt::print("no suggestion: too few finite losses; widen the range or add steps\n");
  }
  fmt::print("curve: {}\n", args.csv);
  const std::filesystem::path shown =
      args.plot.empty() ? std::filesystem::path(args.csv).replace_extension(".svg")
                        : std::filesystem::path(args.plot);
  const std::filesystem::path svg = std::filesystem::absolute(shown);
  std::vector<std::filesystem::path> figures;
  if (const auto gnuplot = report::find_gnuplot(); gnuplot.empty()) {
    fmt::print("{}\n", report::kGnuplotHint);
  } else {
    report::render(svg.parent_path(), report::range_test_figure(test, svg.stem().string()),
                   gnuplot);
    figures.push_back(svg);
    fmt::print("figure: {}\n", shown.string());
  }
  const std::filesystem::path page =
      args.report.empty() ? std::filesystem::path(args.csv).replace_extension(".html")
                          : std::filesystem::path(args.report);
  cli::write_range_test_report(page, test, args.test, config, figures);
  return 0;
}

const cli::Registration lr_find_command{
    "lr-find", "Learning-rate range test: sweep the lr, suggest one, write the curve",
    [](CLI::App& sub) {
      auto args = std::make_shared<LrFindArgs>();
      sub.add_option("config", args->config_file, "TOML config (as for descent train)");
      sub.add_option("--start-lr", args->test.start_lr, "first lr of the sweep")
          ->capture_default_str();
      sub.add_option("--end-lr", args->test.end_lr, "last lr of the sweep")->capture_default_str();
      sub.add_option("--steps", args->test.num_steps, "training steps of the sweep")
          ->capture_default_str();
      sub.add_option("--mode", args->test.mode, "exp | linear sweep")->capture_default_str();
      sub.add_option("--smoothing", args->test.smoothing,
                     "beta of the smoothed loss's moving average, in [0, 1) (0 = raw loss)")
          ->capture_default_str();
      sub.add_option("--diverge-factor", args->test.diverge_factor,
                     "stop when the smoothed or raw loss exceeds this times the best smoothed loss")
          ->capture_default_str();
      sub.add_option("--csv", args->csv, "where to write the curve")->capture_default_str();
      sub.add_option("--plot", args->plot,
                     "the curve figure FILE.svg (gnuplot; default: the CSV's name with .svg)");
      sub.add_option("--report", args->report,
                     "the report page FILE.html (default: the CSV's name with .html)");
      args->flags.declare(sub, false);
      return [args]() {
        RunConfig config;
        if (!args->config_file.empty()) config.merge_file(args->config_file);
        args->flags.apply(config);
        if (!args->plot.empty() && std::filesystem::path(args->plot).extension() != ".svg")
          throw ConfigError("must name an .svg file", "--plot", "e.g. --plot lr_find.svg");
        if (!args->report.empty() && std::filesystem::path(args->report).extension() != ".html")
          throw ConfigError("must name an .html file", "--report", "e.g. --report lr_find.html");
        set_num_threads(static_cast<int>(config.train.threads));
        const auto data = cli::load_data(config);
        return run(config, data, *args);
      };
    }};
}  // namespace
