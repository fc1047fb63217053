// `descent gradcheck`: analytic gradients against central differences, coordinate by coordinate,
// with the relative error |a-n| / max(|a|,|n|) and the step h_i = cbrt(eps) * max(1, |x_i|).
//   descent gradcheck --function NAME|FORMULA [--x0=X,Y] [--param k=V]   a test function or formula
//   descent gradcheck --data FILE --model SPEC --loss NAME [--rows N]    a model's backward pass
// Prints the worst coordinates and the verdict; exit 1 when the worst error is above --tol.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "descent/core/parallel.hpp"
#include "descent/nn/gradcheck.hpp"
#include "descent/objective/formula.hpp"
#include "descent/objective/function_spec.hpp"
#include "descent/objective/gradcheck.hpp"
#include "function_args.hpp"
#include "training_setup.hpp"

namespace {

using namespace descent;
using cli::parse_parameters;
using cli::parse_point;
using cli::print_table;

struct GradcheckArgs {
  std::string function;
  std::vector<std::string> params;
  std::string x0;
  std::string config_file;
  double tol = 1e-5;
  std::size_t worst = 5;
  std::size_t rows = 8;
  std::size_t coordinates = 64;
  cli::ConfigFlags flags;
};

std::string step_rule() {
  return fmt::format("h_i = cbrt(eps) * max(1, |x_i|), cbrt(eps) = {}",
                     std::cbrt(std::numeric_limits<double>::epsilon()));
}

/// The verdict line; NumericalError (exit 1) above the tolerance.
int verdict(double max_error, double tol, const std::string& worst) {
  if (max_error <= tol) {
    fmt::print("ok: max relative error {:.3g} <= tol {}\n", max_error, tol);
    return 0;
  }
  throw NumericalError(
      fmt::format("max relative error {:.3g} > tol {} at {}", max_error, tol, worst), "gradcheck",
      "the analytic gradient disagrees with finite differences");
}

int check_function(const GradcheckArgs& a) {
  std::optional<std::vector<double>> given;
  if (!a.x0.empty()) given = parse_point(a.x0);
  auto f =
      objective::make_function(a.function, parse_parameters(a.params), given ? given->size() : 0);
  const std::vector<double> x = given ? *given : f->start();
  if (x.size() != f->dimension())
    throw ConfigError(
        fmt::format("the point has {} coordinates, the function has {}", x.size(), f->dimension()),
        "--x0", fmt::format("give {} comma-separated numbers", f->dimension()));
  objective::check_finite_at(*f, x, "--function");
  const objective::GradcheckReport report =
      objective::gradcheck(*f, x, {.step = 0, .floor = 1e-6, .worst = a.worst});
  std::vector<std::string> names;
  if (!objective::is_builtin(a.function))
    names = objective::Formula::parse(a.function, x.size()).variable_names();
  auto name = [&](std::size_t i) { return i < names.size() ? names[i] : fmt::format("x{}", i); };

  fmt::print("gradcheck of {} at ({}), central differences with {}\n", a.function,
             fmt::join(x, ", "), step_rule());
  std::vector<std::vector<std::string>> table{
      {"coordinate", "x", "analytic", "numeric", "rel_error", "h"}};
  for (const auto& e : report.worst)
    table.push_back({name(e.index), fmt::format("{}", x[e.index]), fmt::format("{}", e.analytic),
                     fmt::format("{}", e.numeric), fmt::format("{:.3g}", e.error),
                     fmt::format("{:.3g}", e.step)});
  print_table(table);
  const std::string worst = report.worst.empty() ? "-" : name(report.worst.front().index);
  return verdict(report.max_error, a.tol, worst);
}

/// The target of `rows` rows for a loss: class ids [n, 1], or values shaped like the output
/// (the regression target; for a per-output loss such as BCE one-hot classes, or the class id
/// 0/1 itself when the model has one logit).
nn::Matrix<double> target_for(const cli::LoadedData& data, const nn::Loss<double>& loss,
                              std::size_t rows, std::size_t outputs) {
  const data::Dataset& d = data.train;
  const auto n = static_cast<Eigen::Index>(rows);
  if (loss.target_kind() == nn::TargetKind::ClassIndex) {
    if (d.labels.empty())
      throw ConfigError(
          fmt::format("loss '{}' needs class labels, the data is a regression", loss.name()),
          "model.loss", "use mse, mae or huber, or classification data");
    nn::Matrix<double> t(n, 1);
    for (Eigen::Index i = 0; i < n; ++i) t(i, 0) = d.labels[static_cast<std::size_t>(i)];
    return t;
  }
  if (d.labels.empty() || outputs == 1) {
    nn::Matrix<double> t(n, 1);
    for (Eigen::Index i = 0; i < n; ++i)
      t(i, 0) = d.labels.empty() ? d.y[i] : d.labels[static_cast<std::size_t>(i)];
    return t;
  }
  nn::Matrix<double> t = nn::Matrix<double>::Zero(n, static_cast<Eigen::Index>(outputs));
  for (Eigen::Index i = 0; i < n; ++i) t(i, d.labels[static_cast<std::size_t>(i)]) = 1;
  return t;
}

int check_model(const GradcheckArgs& a) {
  RunConfig config;
  if (!a.config_file.empty()) config.merge_file(a.config_file);
  a.flags.apply(config);
  set_num_threads(static_cast<int>(config.train.threads));
  const auto data = cli::load_data(config);
  // Always in double (model.dtype is not read): float's rounding would swamp the differences.
  auto parts = cli::build_parts<double>(config, data, /*with_schedule=*/false);
  const std::size_t rows = std::min(a.rows, data.train.rows());
  if (rows == 0) throw ConfigError("no training rows to check on", "--rows");
  const nn::Matrix<double> x = data.train.x.topRows(static_cast<Eigen::Index>(rows)).cast<double>();
  const nn::Matrix<double> target =
      target_for(data, *parts.loss, rows, cli::model_outputs(config, data));
  nn::ModelGradcheckOptions options;
  options.check.worst = a.worst;
  options.coordinates_per_tensor = a.coordinates;
  const nn::ModelGradcheck result =
      nn::gradcheck_model(*parts.model->net, parts.model->params, *parts.loss, x, target,
                          parts.regularizer ? &*parts.regularizer : nullptr, options);

  fmt::print("gradcheck of {} with loss {} on {} rows (loss {}), central differences with {}\n",
             config.model.spec, parts.loss->name(), rows, result.loss, step_rule());
  std::vector<std::vector<std::string>> tensors{{"tensor", "size", "checked", "max_rel_error"}};
  for (const auto& t : result.tensors)
    tensors.push_back({t.name, std::to_string(t.size), std::to_string(t.checked),
                       fmt::format("{:.3g}", t.max_error)});
  print_table(tensors);
  std::vector<std::vector<std::string>> worst{
      {"coordinate", "analytic", "numeric", "rel_error", "h"}};
  for (const auto& w : result.worst)
    worst.push_back({fmt::format("{}[{}]", w.tensor, w.index), fmt::format("{}", w.error.analytic),
                     fmt::format("{}", w.error.numeric), fmt::format("{:.3g}", w.error.error),
                     fmt::format("{:.3g}", w.error.step)});
  fmt::print("worst coordinates:\n");
  print_table(worst);
  const std::string where =
      result.worst.empty() ? "-"
                           : fmt::format("{}[{}]", result.worst[0].tensor, result.worst[0].index);
  return verdict(result.max_error, a.tol, where);
}

const cli::Registration gradcheck_command{
    "gradcheck",
    "Check analytic gradients (a function, a formula or a model's backward pass) against finite "
    "differences",
    [](CLI::App& sub) {
      auto a = std::make_shared<GradcheckArgs>();
      sub.add_option("--function", a->function,
                     "Test function (see `descent functions`) or a formula in x, y or x1..xn");
      sub.add_option("--param", a->params, "Function parameter NAME=VALUE (repeatable)");
      sub.add_option("--x0", a->x0, "Point X,Y,... (default: the function's start point)");
      sub.add_option("--tol", a->tol, "Largest relative error accepted")->capture_default_str();
      sub.add_option("--worst", a->worst, "How many of the worst coordinates to list")
          ->capture_default_str();
      sub.add_option("--rows", a->rows, "Model: training rows of the batch checked")
          ->capture_default_str()
          ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
      sub.add_option("--coordinates", a->coordinates,
                     "Model: at most this many coordinates per tensor, evenly spaced")
          ->capture_default_str()
          ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
      sub.add_option("config", a->config_file, "Model: TOML config (as for descent train)");
      a->flags.declare(sub, false);
      CLI::App* app = &sub;
      return [a, app]() {
        const bool model = !a->config_file.empty() || app->count("--data") > 0;
        if (!a->function.empty() && model)
          throw ConfigError("give either --function or a model (--data ...), not both",
                            "gradcheck");
        if (a->function.empty() && !model)
          throw ConfigError(
              "nothing to check", "gradcheck",
              "give --function NAME|FORMULA, or --data FILE --model SPEC --loss NAME");
        if (!a->function.empty()) return check_function(*a);
        return check_model(*a);
      };
    }};

}  // namespace
