// `descent trace`: an optimizer's path on a test function (a built-in by name, or any formula),
// computed in double or, with --dtype float, with the point and optimizer in float. Writes the path
// as CSV (step,x0,x1,...,f,grad_norm,lr; row 0 is the start point, row k the point after k steps)
// and/or a summary table with one row per optimizer. With --schedule, a learning-rate scheduler
// (sched::make JSON) is stepped after every optimizer step, as in torch; one that needs a metric
// (plateau) is fed f at the new point. --plot FILE.svg (or .png) draws the path(s) of a 2-D
// function over a filled contour plot with gnuplot (report/contour_plot.hpp), keeping the .gp and
// .dat beside it. A report page (report/trace_page.hpp: the paths over a heat map of f, f and the
// gradient norm per step, the summary table) goes to --report FILE.html, by default beside the
// --plot figure (its name with .html; a CSV or table alone comes without a page). A run that
// diverges still writes its CSV up to the last finite point, its figure and its report, then fails
// (exit 1) naming the step; with an analytic Hessian the hint is lr < 2/lambda_max at x0
// (objective/sharpness.hpp), which --summary also prints.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "descent/core/atomic_file.hpp"
#include "descent/core/spec.hpp"
#include "descent/objective/function_spec.hpp"
#include "descent/objective/sharpness.hpp"
#include "descent/objective/tracer.hpp"
#include "descent/optim/factory.hpp"
#include "descent/report/contour_plot.hpp"
#include "descent/report/trace_page.hpp"
#include "descent/sched/factory.hpp"
#include "function_args.hpp"

namespace {

using namespace descent;
using cli::parse_parameters;
using cli::parse_point;
using cli::print_table;
using objective::TracerOf;

struct TraceArgs {
  std::string function;
  std::vector<std::string> params;
  std::string x0;
  std::vector<std::string> optimizers;
  std::string schedule;
  std::int64_t steps = 0;
  std::string csv;
  std::string dtype = "double";
  std::string plot;
  std::string report;
  bool summary = false;
};

/// Where the report page goes: --report, else beside the --plot figure; "" for none (a CSV for
/// machines comes alone).
std::filesystem::path report_path(const TraceArgs& args) {
  if (!args.report.empty()) return args.report;
  if (!args.plot.empty()) return std::filesystem::path(args.plot).replace_extension(".html");
  return {};
}

/// Runs the tracer to `steps` steps, calling on_point at the start point and after every step;
/// steps the scheduler, if any, after every optimizer step.
template <class T>
void run(TracerOf<T>& tracer, std::int64_t steps, sched::Scheduler* scheduler,
         const std::function<void(const TracerOf<T>&)>& on_point) {
  on_point(tracer);
  while (tracer.steps() < steps) {
    tracer.step();
    if (scheduler && scheduler->needs_metric())
      scheduler->step(tracer.value());
    else if (scheduler)
      scheduler->step();
    on_point(tracer);
  }
}

std::string csv_header(std::size_t n) {
  std::string h = "step";
  for (std::size_t i = 0; i < n; ++i) h += fmt::format(",x{}", i);
  return h + ",f,grad_norm,lr\n";
}

/// Row k: the point after k steps, and the lr of step k (row 0: of the first step, `lr0`).
template <class T>
std::string csv_row(const TracerOf<T>& t, double lr0) {
  return fmt::format("{},{},{},{},{}\n", t.steps(), fmt::join(t.x(), ","), t.value(), t.grad_norm(),
                     t.steps() == 0 ? lr0 : t.lr());
}

/// Euclidean distance from x to the nearest known minimum, if the function has any.
template <class T>
std::optional<double> distance_to_minimum(const objective::Function& f, std::span<const T> x) {
  std::optional<double> best;
  for (const auto& m : f.minima()) {
    double s = 0;
    for (std::size_t i = 0; i < x.size(); ++i) s += (x[i] - m.x[i]) * (x[i] - m.x[i]);
    best = std::min(best.value_or(std::numeric_limits<double>::infinity()), std::sqrt(s));
  }
  return best;
}

/// One optimizer's run: appends its summary row, records its trace when `collect` (for the figure
/// and the report); returns its divergence, if any.
template <class T>
std::optional<NumericalError> trace_one(const TraceArgs& args, const objective::Function& f,
                                        const std::vector<double>& x0, const nlohmann::json& spec,
                                        const std::string& label, bool csv, bool collect,
                                        std::vector<std::vector<std::string>>& table,
                                        report::TraceRecord& record) {
  TracerOf<T> tracer(f, x0, spec);
  auto scheduler =
      args.schedule.empty()
          ? nullptr
          : sched::make(tracer.optimizer(), optim::parse_spec(args.schedule, "--schedule"));
  const double lr0 = tracer.optimizer().lr(0);
  std::string out = csv ? csv_header(f.dimension()) : std::string();
  auto write_csv = [&] {
    if (!csv) return;
    if (args.csv.empty() || args.csv == "-")
      fmt::print("{}", out);
    else
      write_file_atomic(args.csv, out);
  };
  try {
    run<T>(tracer, args.steps, scheduler.get(), [&](const TracerOf<T>& t) {
      if (csv) out += csv_row(t, lr0);
      if (!collect) return;
      if (f.dimension() == 2) record.path.points.push_back({double(t.x()[0]), double(t.x()[1])});
      record.f.push_back(double(t.value()));
      record.grad_norm.push_back(double(t.grad_norm()));
      record.lr.push_back(t.steps() == 0 ? lr0 : double(t.lr()));
      if (const auto d = distance_to_minimum<T>(f, t.x())) record.distance.push_back(*d);
    });
  } catch (const NumericalError& e) {
    record.path.label += " (diverged)";
    write_csv();  // the path up to the divergence, the most instructive part of it
    table.push_back({label, std::to_string(tracer.steps()), "-", "diverged", "-", "-"});
    return e;
  }
  write_csv();
  const auto distance = distance_to_minimum<T>(f, tracer.x());
  table.push_back({label, std::to_string(tracer.steps()),
                   fmt::format("({})", fmt::join(tracer.x(), ", ")),
                   fmt::format("{}", tracer.value()), fmt::format("{}", tracer.grad_norm()),
                   distance ? fmt::format("{}", *distance) : "- (no known minimum)"});
  return std::nullopt;
}

/// The paths over a filled contour plot of f, with gnuplot; says how to get it without gnuplot.
void draw_paths(const objective::Function& f, const TraceArgs& args,
                const std::vector<report::TracePath>& paths) {
  const auto gnuplot = report::find_gnuplot();
  if (gnuplot.empty()) {
    fmt::print("{}\n", report::kGnuplotHint);
    return;
  }
  const std::filesystem::path image = std::filesystem::absolute(args.plot);
  const auto figure = report::contour_figure(
      f, paths, image.stem().string(), fmt::format("{} ({} steps)", args.function, args.steps));
  report::render(image.parent_path(), figure, gnuplot,
                 image.extension() == ".png" ? report::ImageFormat::png : report::ImageFormat::svg);
  fmt::print("{}\n", args.plot);
}

/// The report page: the function, what was run, the table and the traces.
void write_report(const objective::Function& f, const TraceArgs& args,
                  const std::vector<double>& x0, const std::vector<report::TraceRecord>& records,
                  const std::vector<std::vector<std::string>>& table,
                  const std::vector<std::string>& warnings, const std::filesystem::path& page) {
  report::TraceDescription d;
  d.function = args.function;
  for (const auto& p : args.params) d.function += " " + p;
  d.what = fmt::format("{}-D, start point ({}), {} steps in {}{}", f.dimension(),
                       fmt::join(x0, ", "), args.steps, args.dtype,
                       args.schedule.empty() ? std::string() : ", schedule " + args.schedule);
  d.table = table;
  d.warnings = warnings;
  std::vector<std::filesystem::path> figures;
  if (!args.plot.empty() && std::filesystem::exists(args.plot)) figures.push_back(args.plot);
  const bool interactive =
      report::write_chart_page(page, report::trace_page(f, d, records, figures));
  fmt::print("{}{}\n", page.string(), interactive ? "" : " (static plots only)");
  if (!interactive) fmt::print("{}\n", report::kChartLibraryHint);
}

int trace(const TraceArgs& args) {
  std::optional<std::vector<double>> given_x0;
  if (!args.x0.empty()) given_x0 = parse_point(args.x0);
  auto f = objective::make_function(args.function, parse_parameters(args.params),
                                    given_x0 ? given_x0->size() : 0);
  const std::vector<double> x0 = given_x0 ? *given_x0 : f->start();
  if (x0.size() == f->dimension()) objective::check_finite_at(*f, x0, "--function");
  const bool csv = !args.csv.empty() || (!args.summary && args.plot.empty());
  if (csv && args.optimizers.size() > 1)
    throw ConfigError(
        fmt::format("{} optimizers given, a CSV trace takes one", args.optimizers.size()),
        "--optimizer", "compare several with --summary");
  if (!args.plot.empty() && f->dimension() != 2)
    throw ConfigError(
        fmt::format("draws 2-D functions, '{}' is {}-D here", args.function, f->dimension()),
        "--plot", "trace a 2-D function, or leave --plot out");
  if (const auto ext = std::filesystem::path(args.plot).extension();
      !args.plot.empty() && ext != ".svg" && ext != ".png")
    throw ConfigError("must name an .svg or .png file", "--plot", "e.g. --plot path.svg");
  if (!args.report.empty() && std::filesystem::path(args.report).extension() != ".html")
    throw ConfigError("must name an .html file", "--report", "e.g. --report trace.html");
  const std::filesystem::path page = report_path(args);
  const bool collect = !page.empty() || !args.plot.empty();
  std::vector<report::TraceRecord> records;
  std::vector<nlohmann::json> specs;
  std::vector<std::string> labels;  // the specs as given (key order kept), compact
  for (const auto& text : args.optimizers) {
    specs.push_back(optim::parse_spec(text, "--optimizer"));
    // The name is checked first: a spec without one (or not a string) is a ConfigError.
    const std::string name =
        spec_name(specs.back(), "optimizer", "--optimizer", R"({"name": "adam", "lr": 0.01})");
    labels.push_back(specs.back().size() == 1 ? name : nlohmann::ordered_json::parse(text).dump());
  }

  std::vector<std::vector<std::string>> table{
      {"optimizer", "steps", "x", "f", "grad_norm", "distance to nearest minimum"}};
  std::optional<NumericalError> divergence;
  std::vector<std::string> warnings;
  for (std::size_t r = 0; r < specs.size(); ++r) {
    records.push_back({{labels[r], {}}, {}, {}, {}, {}});
    auto diverged = args.dtype == "float" ? trace_one<float>(args, *f, x0, specs[r], labels[r], csv,
                                                             collect, table, records.back())
                                          : trace_one<double>(args, *f, x0, specs[r], labels[r],
                                                              csv, collect, table, records.back());
    if (diverged) warnings.push_back(labels[r] + ": " + diverged->what());
    if (diverged && !divergence) divergence = diverged;
    if (divergence && !args.summary) break;  // without --summary the first divergence ends it
  }
  if (args.summary) print_table(table);
  // The 2/L rule at the start point, under the table.
  if (f->has_hessian() && args.summary) {
    try {
      if (const auto lambda = objective::sharpness(*f, x0).lambda_max; lambda > 0)
        fmt::print(
            "sharpness at x0: lambda_max = {:.10g}, gradient descent is stable for lr < "
            "2/lambda_max = {:.10g}\n",
            lambda, 2 / lambda);
    } catch (const NumericalError&) {
      // no finite Hessian at x0: nothing to report
    }
  }
  if (!args.plot.empty()) {
    std::vector<report::TracePath> paths;
    for (const auto& r : records) paths.push_back(r.path);
    draw_paths(*f, args, paths);
  }
  if (!page.empty()) write_report(*f, args, x0, records, table, warnings, page);
  if (divergence) throw *divergence;
  return 0;
}

const cli::Registration trace_command{
    "trace", "Trace an optimizer's path on a test function (CSV and/or a summary table)",
    [](CLI::App& sub) {
      auto args = std::make_shared<TraceArgs>();
      sub.add_option("--function", args->function,
                     "Test function (see `descent functions`) or a formula in x, y or x1..xn, "
                     "e.g. '(1-x)^2 + 100*(y-x^2)^2'")
          ->required();
      sub.add_option("--param", args->params,
                     "Function parameter NAME=VALUE, e.g. k=100 (repeatable)");
      sub.add_option("--x0", args->x0, "Start point X,Y,... (default: the function's usual one)");
      sub.add_option(
             "--optimizer", args->optimizers,
             R"(Optimizer as JSON, e.g. '{"name":"adam","lr":0.01}' (repeatable with --summary))")
          ->required();
      sub.add_option("--schedule", args->schedule,
                     R"(Learning-rate scheduler as JSON, e.g. '{"name":"cosine","T_max":100}')");
      sub.add_option("--steps", args->steps, "Number of optimizer steps")
          ->required()
          ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 40));
      sub.add_option("--csv", args->csv,
                     "Write the path as CSV to FILE, or - for stdout (default)");
      sub.add_flag("--summary", args->summary, "Print one table row per optimizer");
      sub.add_option(
          "--plot", args->plot,
          "Draw the path(s) over a filled contour plot of the function to FILE.svg or FILE.png "
          "(gnuplot; FILE.gp and FILE_*.dat beside it)");
      sub.add_option("--report", args->report,
                     "Write the report page (paths over a heat map of f, f and gradient norm per "
                     "step) to FILE.html (default: beside --plot FILE, with .html)");
      sub.add_option("--dtype", args->dtype,
                     "Scalar type of the point and the optimizer: double (default) or float")
          ->check(CLI::IsMember({"float", "double"}));
      return [args] { return trace(*args); };
    }};

}  // namespace
