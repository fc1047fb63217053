// `descent schedule JSON --lr LR --steps N [--optimizer JSON] [--csv FILE|-]`: the learning rate a
// scheduler gives each optimizer step, as CSV. Row t is the lr of the optimizer's t-th step
// (torch: param_groups[g]["lr"] before optimizer.step(), scheduler.step() after it); a column per
// group when the optimizer has several, and the momentum (or beta1) when the scheduler cycles it.
// --dtype float builds a float optimizer: its lr is a double all the same (torch's param_groups
// hold Python floats), so the schedule is the same.
#include <functional>
#include <optional>
#include <string_view>

#include <fmt/core.h>
#include <fmt/format.h>

#include "command.hpp"
#include "descent/core/atomic_file.hpp"
#include "descent/core/error.hpp"
#include "descent/optim/factory.hpp"
#include "descent/sched/factory.hpp"

namespace {

/// The most rows `descent schedule` lists (about 30 bytes each).
constexpr std::int64_t kMaxSteps = 10'000'000;

struct ScheduleArgs {
  std::string scheduler;
  std::optional<double> lr;
  std::int64_t steps = 0;
  std::string optimizer = "sgd";
  std::string csv = "-";
  std::string dtype = "double";
  bool list = false;
};

void list_schedulers() {
  for (const auto& info : descent::sched::registry()) {
    fmt::print("{:<22} {}\n", info.name, info.summary);
    std::string keys;
    for (const auto& k : info.keys) keys += (keys.empty() ? "" : ", ") + k;
    fmt::print("{:<22} options: {}\n", "", keys);
  }
}

/// Rows are written as they are computed (to stdout, or streamed to --csv's temporary file), so
/// memory stays flat however many steps are asked for.
template <class T>
void schedule_csv(const ScheduleArgs& a, const nlohmann::json& opt_spec, std::size_t num_groups,
                  const std::function<void(std::string_view)>& emit) {
  using namespace descent;
  Params<T> params;
  for (std::size_t g = 0; g < num_groups; ++g) params.add(fmt::format("group{}", g), {1}, g);
  params.allocate();
  auto optimizer = optim::make<T>(params, opt_spec);
  sched::ParamGroups groups(*optimizer);
  auto scheduler = sched::make(groups, a.scheduler);
  if (scheduler->needs_metric())
    throw ConfigError(fmt::format("'{}' is driven by a metric, not by the step", scheduler->name()),
                      "scheduler.name", "use it in training, where the validation loss feeds it");
  const auto momentum = scheduler->cycled_momentum();

  auto column = [&](const char* what, std::size_t g) {
    return num_groups == 1 ? std::string(what) : fmt::format("{}_{}", what, g);
  };
  std::string out = "step";
  for (std::size_t g = 0; g < num_groups; ++g) out += "," + column("lr", g);
  if (momentum)
    for (std::size_t g = 0; g < num_groups; ++g) out += "," + column("momentum", g);
  out += "\n";
  emit(out);
  for (std::int64_t t = 0; t < a.steps; ++t) {
    if (t > 0) scheduler->step();
    out = fmt::format("{}", t);
    for (std::size_t g = 0; g < num_groups; ++g) out += fmt::format(",{}", groups.lr(g));
    if (momentum)
      for (std::size_t g = 0; g < num_groups; ++g)
        out += fmt::format(",{}", groups.momentum(g, *momentum));
    out += "\n";
    emit(out);
  }
}

int run(const ScheduleArgs& a) {
  using namespace descent;
  if (a.list) {
    list_schedulers();
    return 0;
  }
  if (a.scheduler.empty())
    throw UsageError(
        "missing the scheduler JSON", "schedule",
        R"(e.g. descent schedule '{"name": "cosine", "T_max": 100}' --lr 0.1 --steps 100)");
  if (a.steps < 1 || a.steps > kMaxSteps)
    throw ConfigError(fmt::format("expected 1 <= --steps <= {}, got {}", kMaxSteps, a.steps),
                      "--steps", "a schedule longer than that is better sampled than listed");

  nlohmann::json opt_spec = optim::parse_spec(a.optimizer, "--optimizer");
  if (a.lr) opt_spec["lr"] = *a.lr;
  const std::size_t num_groups =
      opt_spec.contains("groups") && opt_spec["groups"].is_array() && !opt_spec["groups"].empty()
          ? opt_spec["groups"].size()
          : 1;
  std::optional<AtomicFileWriter> file;  // opened by the first row: after every check
  const std::function<void(std::string_view)> emit = [&](std::string_view text) {
    if (a.csv == "-") return fmt::print("{}", text);
    if (!file) file.emplace(a.csv);
    file->write(text);
  };
  if (a.dtype == "float")
    schedule_csv<float>(a, opt_spec, num_groups, emit);
  else
    schedule_csv<double>(a, opt_spec, num_groups, emit);
  if (file) file->commit();
  return 0;
}

const descent::cli::Registration schedule_command{
    "schedule", "Print the learning rate a scheduler gives each step, as CSV", [](CLI::App& sub) {
      auto a = std::make_shared<ScheduleArgs>();
      sub.add_option(
          "scheduler", a->scheduler,
          R"(Scheduler as JSON, e.g. '{"name": "onecycle", "max_lr": 0.1, "total_steps": 100}')");
      sub.add_option("--lr", a->lr, "Initial learning rate of the optimizer");
      sub.add_option("--steps", a->steps, "Number of optimizer steps (rows), at most 10000000");
      sub.add_option("--optimizer", a->optimizer, "Optimizer as JSON or a name (default sgd)");
      sub.add_option("--csv", a->csv, "Output file, or - for stdout (default)");
      sub.add_flag("--list", a->list, "List the schedulers and their options");
      sub.add_option("--dtype", a->dtype, "Scalar type of the optimizer: double (default) or float")
          ->check(CLI::IsMember({"float", "double"}));
      return [a] { return run(*a); };
    }};

}  // namespace
