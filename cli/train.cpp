// `descent train [CONFIG.toml] [flags] [--set key=value ...]`: trains a model on CSV / IDX /
// Fashion-MNIST / synthetic data and leaves a run directory (config.toml, metrics.csv, steps.csv,
// summary.json, checkpoint.safetensors, model.safetensors). `--resume DIR` continues a run from its
// checkpoint bit-identically. SIGINT / SIGTERM end the run at the end of the running epoch with
// every output written, exit code 130 / 143 (interrupt.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <tuple>

#include <fmt/core.h>

#include "command.hpp"
#include "descent/core/atomic_file.hpp"
#include "descent/core/communicator.hpp"
#include "descent/core/error.hpp"
#include "descent/core/parallel.hpp"
#include "descent/core/safetensors.hpp"
#include "descent/report/metrics_log.hpp"
#include "descent/report/run_directory.hpp"
#include "descent/report/run_views.hpp"
#include "descent/report/summary.hpp"
#include "descent/train/checkpoint.hpp"
#include "descent/train/convergence.hpp"
#include "descent/train/divergence_monitor.hpp"
#include "descent/train/early_stopping.hpp"
#include "descent/train/gradient_clipping.hpp"
#include "descent/train/model_file.hpp"
#include "descent/train/nonfinite_guard.hpp"
#include "descent/train/plateau_driver.hpp"
#include "descent/train/predicted_vs_actual.hpp"
#include "descent/train/probe_batch.hpp"
#include "descent/train/sharpness.hpp"
#include "descent/train/start_checks.hpp"
#include "descent/train/step_logger.hpp"
#include "interrupt.hpp"
#include "progress.hpp"
#include "train_run.hpp"
#include "training_setup.hpp"

namespace {
using namespace descent;

/// Rows of the training split the diagnostics (sharpness, dead units, initial loss) look at.
constexpr std::size_t kProbeRows = 256;

/// Keeps metrics.csv (and steps.csv) up to date after every epoch by appending the new rows, so an
/// interrupted run keeps them; finish() syncs them once at the end.
template <class T>
class MetricsWriter final : public train::Callback<T> {
 public:
  MetricsWriter(const report::RunDirectory& dir, bool steps) : metrics_(dir.file("metrics.csv")) {
    if (steps) steps_.emplace(dir.file("steps.csv"));
  }
  std::string name() const override { return "metrics_writer"; }
  void on_epoch_end(train::Trainer<T>& trainer) override {
    metrics_.update(trainer.history());
    if (steps_) steps_->update(trainer.step_log());
  }
  void finish(train::Trainer<T>& trainer) {
    metrics_.finish(trainer.history());
    if (steps_) steps_->finish(trainer.step_log());
  }
  /// Time spent writing.
  std::chrono::duration<double> seconds() const {
    return metrics_.seconds() + (steps_ ? steps_->seconds() : std::chrono::duration<double>(0));
  }

 private:
  report::MetricsLog metrics_;
  std::optional<report::MetricsLog> steps_;
};

/// The model file's card: everything `descent predict` / `evaluate` need beside the weights.
train::ModelCard model_card(const RunConfig& config, const cli::LoadedData& data,
                            std::size_t outputs) {
  train::ModelCard card;
  card.spec = cli::model_spec(config);
  card.dtype = config.model.dtype;
  card.inputs = data.train.features();
  card.outputs = outputs;
  card.task = data.task;
  card.loss = cli::loss_spec(config, data);
  card.feature_names = data.train.feature_names;
  card.target = data.train.target_name;
  card.classes = data.classes;
  card.scaler = data.scaler;
  card.target_mean = data.target_mean;
  card.target_std = data.target_std;
  return card;
}

template <class T>
std::vector<std::string> layer_descriptions(const nn::Sequential<T>& net) {
  std::vector<std::string> layers;
  for (std::size_t i = 0; i < net.size(); ++i) layers.push_back(net[i].describe());
  return layers;
}

/// Under mpirun every rank trains; only rank 0 (`writer`) writes the run directory and prints.
template <class T>
int run(const RunConfig& config, const cli::LoadedData& data, const std::string& resume,
        const cli::TrainRunOptions& run_options) {
  auto parts = cli::build_parts<T>(config, data);
  const auto options = cli::trainer_options(config, data);
  train::Trainer<T> trainer(*parts.model->net, parts.model->params, *parts.loss, *parts.optimizer,
                            parts.scheduler.get(), options);
  LocalCommunicator alone;
  Communicator& comm = run_options.comm ? *run_options.comm : alone;
  trainer.set_communicator(comm);
  // On several threads, a batch's chunks run two at a time, on the model and on this replica.
  std::optional<cli::RunParts<T>> replica;
  if (num_threads() > 1 && comm.size() == 1 && train::rank_independent(*parts.model->net)) {
    replica.emplace(cli::build_model_parts<T>(config, data));
    trainer.set_replica(*replica->model->net, replica->model->params, *replica->loss);
  }
  const bool writer = comm.rank() == 0;
  if (parts.regularizer) trainer.set_regularizer(*parts.regularizer);
  const std::string monitor = cli::monitor_metric(config, data);
  const std::string mode_text = config.train.monitor_mode;
  const train::Mode mode = train::parse_mode(mode_text, monitor, "train.monitor_mode");
  const report::RunDirectory dir(config.output.dir);

  nlohmann::json run_info = {
      {"task", data::to_string(data.task)},
      {"classes", data.classes},
      {"features", data.train.features()},
      {"feature_names", data.train.feature_names},
      {"scaler", data.scaler ? data.scaler->to_json() : nlohmann::json()},
      // predictions in the data's units: y = std * output + mean
      {"target_scaler", data.task == data::Task::regression
                            ? nlohmann::json{{"mean", data.target_mean}, {"std", data.target_std}}
                            : nlohmann::json()},
      {"model", config.model.spec}};
  // First, so that the epoch it stops is the one the checkpoint writer saves.
  trainer.add_callback(std::make_unique<cli::StopOnSignal<T>>());
  const auto probe = train::ProbeBatch<T>::from(data.train, kProbeRows);
  auto sharpness_logger =
      std::make_unique<train::SharpnessLogger<T>>(probe, config.train.sharpness_every);
  auto* sharpness = sharpness_logger.get();
  trainer.add_callback(std::make_unique<train::NonFiniteGuard<T>>(
      train::parse_nonfinite_policy(config.train.nonfinite), sharpness));
  if (config.train.log_steps) trainer.add_callback(std::make_unique<train::StepLogger<T>>());
  trainer.add_callback(std::move(sharpness_logger));  // after the StepLogger: adds to its rows
  const auto style = cli::parse_progress(config.output.progress);
  auto* divergence = static_cast<train::DivergenceMonitor<T>*>(
      &trainer.add_callback(std::make_unique<train::DivergenceMonitor<T>>(
          train::DivergenceOptions{config.train.diverge_steps, config.train.diverge_factor},
          sharpness, [style](const train::DivergenceWarning& w) {
            if (style == cli::ProgressStyle::bar) fmt::print(stderr, "\r\033[K");
            fmt::print("warning: {}\n", w.message);
            std::fflush(stdout);
          })));
  if (config.train.dead_units && train::has_relu(*parts.model->net))
    trainer.add_callback(std::make_unique<train::DeadUnits<T>>(probe));
  if (config.train.clip_norm > 0 || config.train.clip_value > 0)
    trainer.add_callback(std::make_unique<train::GradientClipping<T>>(
        train::ClippingOptions{config.train.clip_norm, config.train.clip_value}));
  if (parts.scheduler && parts.scheduler->needs_metric())
    trainer.add_callback(std::make_unique<train::PlateauDriver<T>>(monitor));
  if (config.train.grad_tol > 0 || config.train.loss_tol > 0 || config.train.param_tol > 0)
    trainer.add_callback(std::make_unique<train::Convergence<T>>(train::ConvergenceOptions{
        config.train.grad_tol, config.train.loss_tol, config.train.param_tol, "train_loss"}));
  train::EarlyStopping<T>* early = nullptr;
  if (const auto patience = config.train.early_stopping; patience > 0)
    early = static_cast<train::EarlyStopping<T>*>(
        &trainer.add_callback(std::make_unique<train::EarlyStopping<T>>(train::EarlyStoppingOptions{
            monitor, mode_text, patience, config.train.min_delta, config.train.restore_best})));
  const bool steps_csv = config.train.log_steps || config.train.sharpness_every > 0;
  MetricsWriter<T>* metrics_writer = nullptr;
  train::CheckpointWriter<T>* checkpoint_writer = nullptr;
  if (writer) {
    metrics_writer = static_cast<MetricsWriter<T>*>(
        &trainer.add_callback(std::make_unique<MetricsWriter<T>>(dir, steps_csv)));
    checkpoint_writer = static_cast<train::CheckpointWriter<T>*>(
        &trainer.add_callback(std::make_unique<train::CheckpointWriter<T>>(
            dir.file(train::kCheckpointFile), run_info,
            train::CheckpointPolicy::parse(config.train.checkpoint_every,
                                           "train.checkpoint_every"))));
    trainer.add_callback(std::make_unique<cli::Progress<T>>(style));
  }

  if (const std::string init = config.model.init_from; !init.empty() && resume.empty()) {
    // Warm start: the weights of an earlier model, a fresh optimizer and schedule.
    train::load_weights(SafetensorsFile::read(train::model_path(init)), parts.model->params);
    fmt::print("starting from the weights of {}\n", init);
  }
  if (!resume.empty()) {
    train::load_checkpoint(trainer, std::filesystem::path(resume) / train::kCheckpointFile);
    fmt::print("resuming {} after epoch {} (step {})\n", resume, trainer.progress().epoch,
               trainer.progress().step);
  }
  // A loss that does not fit the data (mse on class ids, ...) fails on the first rows: found here,
  // before the first byte of output, it leaves no config.toml behind.
  const std::vector<std::size_t> first_rows = {0, std::min<std::size_t>(1, data.train.rows() - 1)};
  try {
    if (data.train.rows()) trainer.evaluate(data::select_rows(data.train, first_rows), "preflight");
  } catch (const DataError& e) {
    throw ConfigError(e.reason(), "model.loss",
                      fmt::format("the loss does not fit this {} target; --loss auto chooses one "
                                  "that does",
                                  data::to_string(data.task)));
  }
  if (writer) {
    remove_stale_temp_files(dir.root());  // left by a kill -9 of an earlier run of this directory
    dir.write_config(config.to_toml());
  }
  // Checks of the starting point, reported once (not on --resume: the run was checked when it
  // started).
  std::vector<report::Notice> notices;
  if (resume.empty()) {
    for (auto& f : train::start_checks(trainer, probe))
      notices.push_back({0, f.warning, std::move(f.message)});
    if (const auto r = sharpness->estimate_now(trainer); r && r->lambda_max > 0) {
      // The 2/L rule is exact for plain gradient descent; momentum and adaptive steps move it.
      const auto group = trainer.optimizer().group_options(0);
      const bool plain_sgd =
          config.optimizer.value("name", "") == "sgd" && group.value("momentum", 0.0) == 0.0;
      const double lr = trainer.optimizer().lr(0);
      const bool above = plain_sgd && lr > r->stable_lr();
      notices.push_back(
          {0, above,
           fmt::format("sharpness at the start: lambda_max = {:.4g}, gradient descent is stable "
                       "for lr < 2/lambda_max = {:.3g} (lr is {:.3g}{})",
                       r->lambda_max, r->stable_lr(), lr,
                       above ? ": above it, expect the loss to diverge" : "")});
    }
    for (const auto& n : notices)
      fmt::print("{}: {}\n", n.warning ? "warning" : "check", n.message);
  }

  const cli::SignalGuard signals;  // until every output is written
  const auto start = std::chrono::steady_clock::now();
  const std::size_t samples_before = trainer.progress().samples;
  std::exception_ptr failure;  // a NumericalError ends the run, after every output is written
  std::string failure_text;
  try {
    trainer.fit(data.train, data.val.rows() ? &data.val : nullptr);
  } catch (const NumericalError& e) {
    failure = std::current_exception();
    failure_text = e.what();
  }
  const auto& progress = trainer.progress();
  // A guard fails before the step (bad loss or gradient) or after it (bad weights).
  const std::int64_t failed_step = progress.stepped ? progress.step : progress.step + 1;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  // wall_seconds is the training's: the writes of metrics and checkpoints count as io_seconds.
  const double io =
      writer ? (metrics_writer->seconds() + checkpoint_writer->seconds()).count() : 0.0;
  const double wall = std::max(0.0, elapsed.count() - io);

  report::RunOutcome outcome;
  outcome.history = trainer.history();
  std::optional<train::ConfusionMatrix<T>> confusion;
  if (!data.classes.empty()) confusion.emplace(std::max<std::size_t>(2, data.classes.size()));
  train::PredictedVsActual<T> pairs;  // regression: the scatter of the report
  train::Metric<T>* observer = confusion ? static_cast<train::Metric<T>*>(&*confusion) : &pairs;
  if (failure) {
    observer = nullptr;  // no evaluation of non-finite weights
  } else if (data.test.rows())
    outcome.test = trainer.evaluate(data.test, "test", observer);
  else if (data.val.rows())
    trainer.evaluate(data.val, "val", observer);
  outcome.monitor = monitor;
  outcome.mode = mode;
  outcome.stopped_early = trainer.progress().stop || failure;
  outcome.stop_reason = failure ? "failed: " + failure_text : trainer.progress().stop_reason;
  outcome.steps = trainer.progress().step;
  outcome.skipped_steps = trainer.progress().skipped_steps;
  outcome.wall_seconds = wall;
  // Progress::validation_seconds is not checkpointed: after --resume it counts this run's passes.
  outcome.validation_seconds = trainer.progress().validation_seconds;
  outcome.io_seconds = io;
  outcome.checkpoints = writer ? checkpoint_writer->writes() : 0;
  outcome.samples_trained = static_cast<double>(trainer.progress().samples - samples_before);
  outcome.task = std::string(data::to_string(data.task));
  outcome.classes = data.classes;
  const char* split = data.test.rows() ? "test" : "val";
  if (observer && confusion && (data.test.rows() || data.val.rows())) {
    outcome.confusion_matrix = confusion->to_json();
    outcome.confusion_matrix["split"] = split;
  }
  if (!writer) {
    if (failure) std::rethrow_exception(failure);
    return 0;
  }
  outcome.notices = notices;
  for (const auto& w : divergence->warnings()) outcome.notices.push_back({w.step, true, w.message});
  if (failure) {
    outcome.error = failure_text;
    outcome.failed_step = failed_step;
    std::tie(outcome.last_finite_step, outcome.last_finite_loss) = divergence->last_finite();
    if (outcome.last_finite_step == 0) outcome.last_finite_loss = NAN;
  }
  if (observer && !confusion && pairs.rows()) {
    // In the data's units: y = std * v + mean.
    auto units = [&](std::vector<double> v) {
      for (double& x : v) x = data.target_std * x + data.target_mean;
      return v;
    };
    dir.write_predictions(units(pairs.actual()), units(pairs.predicted()));
    outcome.predictions = {{"split", split},
                           {"rows", pairs.rows()},
                           {"kept", pairs.actual().size()},
                           {"file", "predictions.csv"}};
  }
  metrics_writer->finish(trainer);
  dir.write_json("summary.json", report::summary_json(outcome));
  if (!failure)
    train::save_model(dir.file(train::kModelFile),
                      model_card(config, data, parts.model->net->output_dim(data.train.features())),
                      parts.model->params, layer_descriptions(*parts.model->net));
  if (run_options.views)
    for (const auto& note : report::write_run_views(dir.root(), config.output.png))
      fmt::print("{}\n", note);
  if (failure) std::rethrow_exception(failure);
  if (run_options.quiet) return 0;
  if (comm.size() > 1) {
    const auto steps = std::max<std::int64_t>(1, trainer.progress().step);
    fmt::print("{} processes; communication {:.3f}s of {:.1f}s ({:.3f} ms per step)\n", comm.size(),
               comm.seconds(), wall, 1e3 * comm.seconds() / double(steps));
  }

  if (!outcome.stop_reason.empty()) fmt::print("{}\n", outcome.stop_reason);
  std::string result;
  for (const auto& [name, value] : outcome.test.items())
    result += fmt::format("  {} {:.6g}", name, value);
  std::string weights;
  if (early && config.train.restore_best && !outcome.history.empty())
    weights = fmt::format("weights of epoch {}", early->monitor().best_epoch());
  if (!result.empty())
    fmt::print("test:{}{}\n", result, weights.empty() ? "" : "  (" + weights + ")");
  else if (!weights.empty())
    fmt::print("{}\n", weights);
  fmt::print("outputs in {}/ ({:.1f}s)\n", dir.root().string(), elapsed.count());
  if (const int signal = cli::SignalGuard::received()) {
    fmt::print("continue with: descent train --resume {}\n", dir.root().string());
    return cli::SignalGuard::exit_code(signal);
  }
  return 0;
}

/// Settings a resumed run may change: how long it runs and how it reports. Everything else would
/// make the continued run a different one than its config.toml and checkpoint describe.
const std::vector<std::string> kResumable = {"train.epochs", "train.threads", "output.progress",
                                             "train.checkpoint_every", "output.png"};

/// The keys (schema keys and the optimizer / schedule / regularization tables) whose values differ.
std::vector<std::string> changed_keys(const RunConfig& a, const RunConfig& b) {
  std::vector<std::string> changed;
  const auto ja = a.to_json(), jb = b.to_json();
  for (const auto& [section, values] : ja.items())
    for (const auto* t : {&values, &jb[section]})
      for (const auto& [key, value] : t->items())
        if (!values.contains(key) || !jb[section].contains(key) ||
            values[key] != jb[section][key]) {
          const std::string name = section + "." + key;
          if (std::find(changed.begin(), changed.end(), name) == changed.end())
            changed.push_back(name);
        }
  return changed;
}

/// Whether `dir` holds the outputs of an earlier run.
bool is_run_directory(const std::filesystem::path& dir) {
  for (const char* f : {"config.toml", "summary.json", train::kCheckpointFile, train::kModelFile})
    if (std::filesystem::exists(dir / f)) return true;
  return false;
}

/// An existing run directory is never overwritten silently: an explicit --out is refused unless
/// --force; the default output.dir moves on to the first free "<dir>-2", "<dir>-3", ...
void choose_output_dir(RunConfig& config, bool force) {
  const std::filesystem::path dir = config.output.dir;
  if (force || !is_run_directory(dir)) return;
  if (dir != RunConfig().output.dir)
    throw ConfigError("holds an earlier run (" + dir.string() + ")", "output.dir",
                      "choose another --out, add --force to overwrite it, or continue it with "
                      "--resume " +
                          dir.string());
  std::filesystem::path fresh;
  for (int n = 2; is_run_directory(fresh = dir.string() + "-" + std::to_string(n)); ++n) {
  }
  fmt::print("{} holds an earlier run; writing to {} (--out DIR chooses, --force overwrites)\n",
             dir.string(), fresh.string());
  config.set("output.dir", fresh.string(), "output.dir");
}

const cli::Registration train_command{
    "train",
    "Train a model on CSV / IDX / Fashion-MNIST / synthetic data (defaults: model mlp:64, "
    "optimizer adam lr 0.001, batch size 32, 10 epochs; --model linear for linear / logistic "
    "regression)",
    [](CLI::App& sub) {
      struct Args {
        std::string config_file, resume;
        bool force = false;
        cli::ConfigFlags flags;
      };
      auto args = std::make_shared<Args>();
      sub.add_option("config", args->config_file,
                     "TOML config (sections data, model, optimizer, "
                     "schedule, train, output)");
      sub.add_option("--resume", args->resume,
                     "continue the run in DIR from its checkpoint (may change only --epochs, "
                     "--threads, --progress, --png and train.checkpoint_every)");
      sub.add_flag("--force", args->force, "overwrite the run directory --out names");
      args->flags.declare(sub, true);
      return [args]() {
        // Under mpirun: this process's rank; only rank 0 prints (errors still reach stderr).
        const auto comm = make_communicator();
        if (comm->rank() != 0 && !std::freopen("/dev/null", "w", stdout))
          throw std::runtime_error("cannot silence the standard output of rank " +
                                   std::to_string(comm->rank()));
        RunConfig config;
        std::optional<RunConfig> resumed;
        if (!args->resume.empty()) {
          const std::filesystem::path dir(args->resume);
          if (!std::filesystem::is_regular_file(dir / train::kCheckpointFile))
            throw CheckpointError("no checkpoint in the run directory",
                                  (dir / train::kCheckpointFile).string(),
                                  "resume from a directory written by descent train");
          config.merge_file(dir / "config.toml");
          config.set("output.dir", args->resume, "--resume");
          resumed = config;
        }
        if (!args->config_file.empty()) config.merge_file(args->config_file);
        args->flags.apply(config);
        if (resumed) {
          // config.toml records the settings in effect, so a resumed run takes no others.
          for (const auto& key : changed_keys(*resumed, config))
            if (std::find(kResumable.begin(), kResumable.end(), key) == kResumable.end())
              throw ConfigError(
                  "cannot change on --resume: the run continues with the settings it was "
                  "started with",
                  key,
                  "a resumed run may change only train.epochs, train.threads, "
                  "train.checkpoint_every, output.progress and output.png; to train on with other "
                  "settings "
                  "start a new run with "
                  "--init-from " +
                      args->resume + "/model.safetensors");
        } else {
          if (std::string(config.output.dir).empty())
            throw ConfigError("must name a directory", "output.dir", "e.g. --out runs/mine");
          if (comm->rank() == 0) choose_output_dir(config, args->force);
        }
        return cli::train_config(config, args->resume, {.comm = comm.get()});
      };
    }};
}  // namespace

namespace descent::cli {

int train_config(RunConfig& config, const std::string& resume, const TrainRunOptions& options) {
  set_num_threads(static_cast<int>(config.train.threads));
  const auto data = load_data(config);  // before any output is written
  monitor_metric(config, data);         // an unknown metric is an error, always
  complete_schedule(config, data);
  const std::string dtype = config.model.dtype;
  if (dtype == "float") return run<float>(config, data, resume, options);
  if (dtype == "double") return run<double>(config, data, resume, options);
  throw ConfigError("must be float or double, not '" + dtype + "'", "model.dtype");
}

}  // namespace descent::cli
