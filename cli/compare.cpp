// `descent compare`: runs variants of one configuration side by side and compares them.
//   descent compare [CONFIG.toml] [train flags] --vary KEY=V1,V2,... [--vary ...] [-j N]
//   descent compare --function F [--function G] [--x0 X,Y ...] [--optimizer SPEC] --vary ...
//   descent compare --experiment NAME [flags that override its settings]    (--list: the names)
// Every combination of the varied values is one variant (a grid; more than 1,000 need --yes).
// Training variants each get a run directory under --out; test-function variants a path CSV. The
// comparison table is printed and written as compare.csv / compare.json, with one figure
// (plots/NAME.svg) and, for training, compare.html overlaying the runs. A variant that fails is a
// row of the table while the others complete, and the exit code is then 1.
#include <fmt/core.h>

#include "command.hpp"
#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/report/line_plot.hpp"
#include "experiments.hpp"
#include "function_args.hpp"
#include "path_comparison.hpp"
#include "range_test_run.hpp"
#include "training_comparison.hpp"

namespace {

using namespace descent;
using namespace descent::cli;

constexpr std::size_t kMaxVariantsUnasked = 1000;

struct CompareArgs {
  std::string config_file, experiment;
  std::vector<std::string> vary, functions, params, starts;
  bool list = false, yes = false, force = false;
  std::size_t jobs = 1;
  std::optional<double> target;
  std::int64_t steps = 0;
  double tol = 1e-6;
  ConfigFlags flags;
};

int list_experiments() {
  std::vector<std::vector<std::string>> rows{{"experiment", "reproduces", "shows"}};
  for (const auto& e : experiments()) rows.push_back({e.name, e.course, e.shows});
  print_table(rows);
  return 0;
}

/// The output directory: --out, else runs/compare[/NAME]. An earlier comparison in it is kept
/// unless --force. Created when the first output is written.
std::filesystem::path output_dir(const RunConfig& config, const CompareArgs& args) {
  std::filesystem::path dir = config.output.dir;
  if (dir == RunConfig().output.dir)
    dir = args.experiment.empty() ? "runs/compare" : "runs/compare/" + args.experiment;
  if (!args.force && std::filesystem::exists(dir / "compare.json"))
    throw ConfigError("holds an earlier comparison (" + dir.string() + ")", "--out",
                      "choose another --out, or add --force to overwrite it");
  return dir;
}

/// The lr-range-test experiment: one sweep on the experiment's model and data, its table (the
/// suggestions), the curve with the suggestions marked and its page (lr_find.html, as lr-find's).
int range_test_experiment(const RunConfig& config, const std::filesystem::path& dir,
                          const std::string& name) {
  const auto data = load_data(config);
  sched::RangeTestOptions options;
  // The course sweeps from 1e-6 up. 400 steps and beta 0.9 (an average over ~10 steps) keep the
  // smoothed curve close to the raw one on this small problem, whose loss falls within ~100 steps.
  options.start_lr = 1e-6;
  options.num_steps = 400;
  options.smoothing = 0.9;
  const auto test = range_test(config, data, options);
  std::filesystem::create_directories(dir);
  std::string csv = "step,lr,loss,smoothed\n";
  for (std::size_t i = 0; i < test.losses().size(); ++i)
    csv += fmt::format("{},{},{},{}\n", i, test.lrs()[i], test.losses()[i], test.smoothed()[i]);
  write_file_atomic(dir / "lr_find.csv", csv);
  const auto s = test.suggestion();
  ComparisonTable table;
  table.columns = {{"steps", true},
                   {"lr from", true},
                   {"lr reached", true},
                   {"diverged", false},
                   {"suggested lr (steepest)", true},
                   {"lr at min loss / 10", true}};
  table.rows.push_back({cell(static_cast<double>(test.losses().size())), cell(options.start_lr),
                        cell(test.lrs().empty() ? std::nan("") : test.lrs().back()),
                        test.diverged() ? "yes" : "no", s ? cell(s->steepest) : "",
                        s ? cell(s->min_loss_div10) : ""});
  table.print();
  table.write(dir, "range_test");
  report::LinePlot plot;
  plot.name = name;
  plot.title = "learning-rate range test";
  plot.xlabel = "learning rate";
  plot.ylabel = "training loss";
  plot.log_x = plot.log_y = true;
  plot.series.push_back({"loss", test.lrs(), test.losses(), false, false});
  plot.series.push_back({"smoothed", test.lrs(), test.smoothed(), false, true});
  if (s) {
    plot.markers.push_back({fmt::format("steepest {:.3g}", s->steepest), s->steepest});
    plot.markers.push_back({fmt::format("min/10 {:.3g}", s->min_loss_div10), s->min_loss_div10});
  }
  for (const auto& line : draw(dir, {report::line_figure(plot)})) fmt::print("{}\n", line);
  fmt::print("curve: {}\n", (dir / "lr_find.csv").string());
  const auto svg = dir / "plots" / (name + ".svg");
  write_range_test_report(
      dir / "lr_find.html", test, options, config,
      std::filesystem::exists(svg) ? std::vector{svg} : std::vector<std::filesystem::path>{});
  return 0;
}

int compare(const CompareArgs& args) {
  if (args.list) return list_experiments();
  const Experiment* experiment =
      args.experiment.empty() ? nullptr : &find_experiment(args.experiment);
  if (!experiment && args.vary.empty() && args.functions.empty())
    throw ConfigError("nothing to compare", "--vary",
                      "vary a key (--vary optimizer.lr=0.01,0.1), or run an experiment "
                      "(descent compare --list)");
  // Defaults < the experiment's settings < the config file < flags < --vary.
  RunConfig base;
  if (experiment)
    for (const auto& kv : experiment->base) base.set(kv);
  if (!args.config_file.empty()) base.merge_file(args.config_file);
  args.flags.apply(base);

  std::vector<Variation> variations;
  for (const auto& text : args.vary) variations.push_back(parse_variation(text));
  if (experiment)
    for (const auto& text : experiment->vary) {
      auto v = parse_variation(text);
      bool overridden = false;
      for (const auto& given : variations) overridden = overridden || given.key == v.key;
      if (!overridden) variations.insert(variations.begin(), v);
    }
  const std::size_t size = grid_size(variations);
  if (size > kMaxVariantsUnasked && !args.yes)
    throw ConfigError(fmt::format("{} variants: more than {} runs", size, kMaxVariantsUnasked),
                      "--vary", "add --yes to run them all, or vary fewer values");

  const bool paths =
      !args.functions.empty() || (experiment && experiment->kind == ExperimentKind::paths);
  if (paths)
    for (const auto& v : variations)
      if (v.key != "optimizer" && v.key.rfind("optimizer.", 0) != 0)
        throw ConfigError("'" + v.key + "' does not apply to optimizer paths", "--vary",
                          "on a test function vary the optimizer: --vary optimizer=sgd,adam or "
                          "--vary optimizer.lr=0.01,0.1");
  auto variants = make_variants(base, grid(variations));  // every value checked before any run
  if (experiment)
    fmt::print("{}: reproduces {}\n  expect: {}\n\n", experiment->name, experiment->course,
               experiment->shows);
  const auto dir = output_dir(base, args);

  if (experiment && experiment->kind == ExperimentKind::range_test)
    return range_test_experiment(base, dir, experiment->name);
  if (paths) {
    PathComparison c;
    c.dir = dir;
    c.jobs = args.jobs;
    c.tol = args.tol;
    c.title = experiment ? experiment->name : "paths";
    c.steps = args.steps > 0 ? args.steps : experiment ? experiment->steps : 100;
    if (!args.functions.empty()) {
      for (const auto& f : args.functions) c.functions.push_back({f, args.params});
    } else {
      c.functions = experiment->functions;
    }
    c.starts = !args.starts.empty() ? args.starts
               : experiment         ? experiment->starts
                                    : std::vector<std::string>{};
    // An experiment's optimizers are a variation of the whole table, unless --vary names it.
    if (experiment && !experiment->optimizers.empty()) {
      bool overridden = false;
      for (const auto& v : variations) overridden = overridden || v.key == "optimizer";
      if (!overridden) {
        Variation opt{"optimizer", experiment->optimizers};
        variations.insert(variations.begin(), opt);
        variants = make_variants(base, grid(variations));
      }
    }
    return compare_paths(c, variants);
  }
  TrainingComparison c;
  c.dir = dir;
  c.jobs = args.jobs;
  c.target = args.target ? args.target : experiment ? experiment->target : std::nullopt;
  if (experiment && !experiment->figure_metric.empty()) c.figure_metric = experiment->figure_metric;
  c.figure_name = experiment ? experiment->name : "compare";
  c.title = experiment ? experiment->name + ": " + experiment->course : "descent compare";
  return compare_training(c, std::move(variants));
}

const Registration compare_command{
    "compare",
    "Run variants of a configuration side by side (--vary KEY=V1,V2), optimizer paths on test "
    "functions, or the course's experiments (--experiment NAME, --list): a table and a figure",
    [](CLI::App& sub) {
      auto args = std::make_shared<CompareArgs>();
      sub.add_option("config", args->config_file, "TOML config of the base run (as for train)");
      sub.add_option("--vary", args->vary,
                     "KEY=V1,V2,...: a config key and its values (repeatable; every combination "
                     "runs), e.g. optimizer.lr=0.01,0.1 or optimizer={\"name\":\"sgd\"},adam");
      sub.add_option("--experiment", args->experiment, "run one of the course's experiments");
      sub.add_flag("--list", args->list, "list the experiments");
      sub.add_option("-j,--jobs", args->jobs, "variants run at once (threads split between them)")
          ->check(CLI::Range(std::size_t{1}, std::size_t{256}));
      sub.add_option("--reach", args->target,
                     "report the epochs until the monitored metric reaches this value (--target "
                     "names the data column)");
      sub.add_flag("--yes", args->yes, "run a grid of more than 1000 variants");
      sub.add_flag("--force", args->force, "overwrite an earlier comparison in --out");
      sub.add_option("--function", args->functions,
                     "compare optimizer paths on this test function (repeatable; see descent "
                     "functions)");
      sub.add_option("--param", args->params, "function parameter NAME=VALUE (repeatable)");
      sub.add_option("--x0", args->starts, "start point X,Y of the paths (repeatable)");
      sub.add_option("--steps", args->steps, "optimizer steps of each path (default 100)")
          ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 30));
      sub.add_option("--tol", args->tol,
                     "a path has converged within this distance of a known minimum (or gradient "
                     "norm, for functions without one)")
          ->capture_default_str();
      args->flags.declare(sub, true);
      return [args] { return compare(*args); };
    }};

}  // namespace
