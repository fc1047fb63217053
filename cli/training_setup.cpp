#include "training_setup.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/core.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/memory_budget.hpp"
#include "descent/core/spec.hpp"
#include "descent/data/align.hpp"
#include "descent/data/csv_reader.hpp"
#include "descent/data/fashion_mnist.hpp"
#include "descent/data/idx_reader.hpp"
#include "descent/data/split.hpp"
#include "descent/data/synthetic.hpp"
#include "descent/optim/factory.hpp"
#include "descent/sched/factory.hpp"
#include "model_data.hpp"

namespace descent::cli {

namespace {
// flag -> config key, for flags shared by train and lr-find.
const std::vector<std::pair<std::string, std::string>> kDataModelFlags = {
    {"--data", "data.path"},
    {"--target", "data.target"},
    {"--task", "data.task"},
    {"--ignore", "data.ignore"},
    {"--delimiter", "data.delimiter"},
    {"--test-data", "data.test"},
    {"--val-split", "data.val_split"},
    {"--test-split", "data.test_split"},
    {"--scale", "data.scale"},
    {"--scale-target", "data.scale_target"},
    {"--samples", "data.samples"},
    {"--model", "model.spec"},
    {"--activation", "model.activation"},
    {"--dropout", "model.dropout"},
    {"--init", "model.init"},
    {"--loss", "model.loss"},
    {"--dtype", "model.dtype"},
    {"--init-from", "model.init_from"},
    {"--no-decay", "model.no_decay"},
    {"--batch-size", "train.batch_size"},
    {"--seed", "train.seed"},
    {"--threads", "train.threads"},
};
const std::vector<std::pair<std::string, std::string>> kTrainingFlags = {
    {"--epochs", "train.epochs"},
    {"--early-stopping", "train.early_stopping"},
    {"--monitor", "train.monitor"},
    {"--clip-norm", "train.clip_norm"},
    {"--clip-value", "train.clip_value"},
    {"--accumulate", "train.accumulate"},
    {"--nonfinite", "train.nonfinite"},
    {"--drop-last", "train.drop_last"},
    {"--restore-best", "train.restore_best"},
    {"--log-steps", "train.log_steps"},
    {"--chunk-rows", "train.chunk_rows"},
    {"--allreduce", "train.allreduce"},
    {"--sharpness-every", "train.sharpness_every"},
    {"--out", "output.dir"},
    {"--progress", "output.progress"},
    {"--png", "output.png"},
};

std::string help_of(const std::string& key) {
  const auto info = RunConfig::key_info(key);
  return info ? info->doc + " [" + key + " = " + info->fallback + "]" : key;
}

}  // namespace

/// An IDX directory: {train,t10k}-{images-idx3,labels-idx1}-ubyte, gzipped or not.
std::filesystem::path idx_file(const std::filesystem::path& dir, const std::string& name) {
  for (const char* ext : {".gz", ""})
    if (auto p = dir / (name + ext); std::filesystem::is_regular_file(p)) return p;
  throw DataError("no " + name + "[.gz] in the IDX directory", dir.string(),
                  "an IDX directory holds train-images-idx3-ubyte, train-labels-idx1-ubyte "
                  "(and optionally t10k-*) files, gzipped or not");
}

void ConfigFlags::add(CLI::App& app, const std::string& flag, const std::string& key) {
  auto f = std::make_unique<Flag>();
  f->key = key;
  f->option = app.add_option(flag, f->value, help_of(key));
  // A boolean flag alone means true (--log-steps); a value still sets it (--log-steps=false).
  const auto info = RunConfig::key_info(key);
  f->boolean = info && info->boolean;
  if (f->boolean) f->option->expected(0, 1)->default_str("true");
  flags_.push_back(std::move(f));
}

void ConfigFlags::declare(CLI::App& app, bool with_training) {
  for (const auto& [flag, key] : kDataModelFlags) add(app, flag, key);
  optimizer_option_ =
      app.add_option("--optimizer", optimizer_,
                     "optimizer as JSON or a name, e.g. sgd or "
                     "'{\"name\":\"sgd\",\"lr\":0.1,\"momentum\":0.9}' (descent optimizers "
                     "lists them) [optimizer = {name = \"adam\", lr = 0.001}]");
  add(app, "--lr", "optimizer.lr");
  regularization_option_ =
      app.add_option("--regularization", regularization_,
                     "penalty added to the loss, as JSON, e.g. '{\"name\":\"elastic_net\",\"l1\":"
                     "1e-4,\"l2\":1e-3}' (apply_to: weights | all) [regularization]");
  l1_option_ = app.add_option("--l1", l1_, "L1 penalty l1 sum|w| on the weights [regularization]");
  l2_option_ = app.add_option("--l2", l2_, "L2 penalty l2 sum w^2 on the weights [regularization]");
  if (with_training) {
    for (const auto& [flag, key] : kTrainingFlags) add(app, flag, key);
    schedule_option_ = app.add_option("--schedule", schedule_,
                                      "schedule as JSON or a name, e.g. "
                                      "'{\"name\":\"cosine\",\"T_max\":10}' [schedule]");
    app.add_flag("--no-shuffle", no_shuffle_,
                 "keep the rows in file order [train.shuffle = false]");
  }
  app.add_option("--set", sets_, "set any config key: --set train.epochs=20 (repeatable)");
}

void ConfigFlags::apply(RunConfig& config) const {
  if (optimizer_option_ && optimizer_option_->count())
    config.set_table("optimizer", optim::parse_spec(optimizer_, "--optimizer"));
  if (schedule_option_ && schedule_option_->count())
    config.set_table("schedule",
                     parse_spec(schedule_, "--schedule", R"({"name": "cosine", "T_max": 10})"));
  if (regularization_option_->count())
    config.set_table("regularization", parse_spec(regularization_, "--regularization",
                                                  R"({"name": "l2", "lambda": 1e-4})"));
  if (l1_option_->count() || l2_option_->count()) {
    if (regularization_option_->count())
      throw ConfigError("--l1/--l2 and --regularization both given", "regularization",
                        "use --l1/--l2, or one JSON table with --regularization");
    nlohmann::json table;  // one strength: l1 or l2; both: elastic net
    if (!l2_option_->count())
      table = {{"name", "l1"}, {"lambda", l1_}};
    else if (!l1_option_->count())
      table = {{"name", "l2"}, {"lambda", l2_}};
    else
      table = {{"name", "elastic_net"}, {"l1", l1_}, {"l2", l2_}};
    config.set_table("regularization", table);
  }
  if (no_shuffle_) config.set("train.shuffle", "false", "--no-shuffle");
  for (const auto& f : flags_) {
    if (!f->option->count()) continue;
    const std::string flag = f->option->get_name();
    if (f->boolean && f->value != "true" && f->value != "false")  // e.g. a config file after it
      throw ConfigError("expects true or false, got '" + f->value + "'", flag,
                        "write " + flag + " or " + flag + "=false, and the config file first");
    config.set(f->key, f->value, flag);
  }
  for (const auto& s : sets_) config.set(s);
}

LoadedData load_data(const RunConfig& config) {
  const std::string path = config.data.path;
  const std::uint64_t seed = static_cast<std::uint64_t>(config.train.seed);
  const std::string task_text = config.data.task;
  std::optional<data::Task> task;
  if (task_text != "auto") task = data::parse_task(task_text);
  if (path.empty())
    throw ConfigError("no data given", "data.path",
                      "use --data FILE.csv, an IDX directory, fashion-mnist or synthetic:linear");

  data::Dataset all, test;
  bool has_test = false;
  if (path == "fashion-mnist") {
    all = data::load_fashion_mnist("train");
    test = data::load_fashion_mnist("test");
    has_test = true;
  } else if (path.rfind("synthetic:", 0) == 0) {
    const std::string kind = path.substr(10);
    const auto samples = static_cast<std::size_t>(config.data.samples);
    const double noise = config.data.noise;
    // A few floats per sample (the features, the target) and about three copies of them (the
    // generated set, its splits, the shuffled batches): 32 bytes per sample is a lower bound.
    if (const auto shortfall = memory_shortfall(32.0 * static_cast<double>(samples),
                                                fmt::format("{} samples", samples));
        !shortfall.empty())
      throw ConfigError(shortfall, "data.samples", "ask for fewer samples");
    if (kind == "linear")
      all = data::make_linear_regression({.samples = samples, .noise = noise, .seed = seed});
    else if (kind == "blobs")
      all = data::make_blobs({.samples = samples, .seed = seed});
    else if (kind == "spirals")
      all = data::make_spirals({.samples = samples, .noise = noise, .seed = seed});
    else
      throw ConfigError("unknown synthetic data set '" + kind + "'", "data.path",
                        "use synthetic:linear, synthetic:blobs or synthetic:spirals");
  } else if (std::filesystem::is_directory(path)) {
    all = data::read_idx_dataset(idx_file(path, "train-images-idx3-ubyte"),
                                 idx_file(path, "train-labels-idx1-ubyte"));
    const std::filesystem::path dir(path);
    if (std::filesystem::exists(dir / "t10k-images-idx3-ubyte.gz") ||
        std::filesystem::exists(dir / "t10k-images-idx3-ubyte")) {
      test = data::read_idx_dataset(idx_file(dir, "t10k-images-idx3-ubyte"),
                                    idx_file(dir, "t10k-labels-idx1-ubyte"), all.class_names);
      has_test = true;
    }
  } else if (std::filesystem::is_regular_file(path)) {
    data::CsvOptions csv;
    csv.target = config.data.target;
    if (csv.target.empty())
      throw ConfigError("a CSV needs a target column", "data.target", "add --target COLUMN");
    csv.task = task;
    csv.delimiter = parse_delimiter(config.data.delimiter);
    const std::string ignore = config.data.ignore;
    for (std::size_t b = 0; b < ignore.size();) {
      std::size_t e = ignore.find(',', b);
      if (e == std::string::npos) e = ignore.size();
      if (e > b) csv.ignore.push_back(ignore.substr(b, e - b));
      b = e + 1;
    }
    all = data::read_csv(path, csv);
    if (const std::string test_path = config.data.test; !test_path.empty()) {
      // A separate test file: read as the training file was, columns and classes matched by name.
      csv.task = all.task;
      if (!std::filesystem::is_regular_file(test_path))
        throw DataError("no such file", test_path, "data.test names a CSV file of test rows");
      test = data::read_csv(test_path, csv);
      data::align(test, all.feature_names, all.class_names);
      has_test = true;
    }
  } else {
    throw DataError("no such file or directory", path,
                    "give a CSV file, an IDX directory, fashion-mnist or synthetic:linear");
  }
  if (!config.data.test.empty() && !std::filesystem::is_regular_file(path))
    throw ConfigError("a separate test file needs CSV training data", "data.test",
                      "fashion-mnist and IDX directories bring their own test split; use "
                      "--test-split for synthetic data");
  if (task && *task != all.task && path.find(':') != std::string::npos)
    throw ConfigError("the data set is " + std::string(data::to_string(all.task)) + " data",
                      "data.task");

  if (all.task == data::Task::classification && all.class_names.size() < 2)
    throw DataError(
        fmt::format("the target '{}' has a single class{}", all.target_name,
                    all.class_names.empty() ? "" : " ('" + all.class_names[0] + "')"),
        path, "a classifier needs at least two classes: check --target (or --task regression)");
  if (all.task == data::Task::regression && all.rows() > 1 && (all.y.array() == all.y(0)).all())
    throw DataError(
        fmt::format("the target '{}' is constant ({} in every row)", all.target_name, all.y(0)),
        path, "there is nothing to learn from a constant target: check --target");
  // Fewer than 2 rows per class on average: no class can be both learned and checked; such a
  // target is an ID or a continuous value (and K classes cost K^2 in the confusion matrix).
  if (all.task == data::Task::classification && all.class_names.size() > 2 &&
      2 * all.class_names.size() > all.rows())
    throw DataError(fmt::format("the target '{}' has {} classes in {} rows, fewer than 2 rows per "
                                "class",
                                all.target_name, all.class_names.size(), all.rows()),
                    path,
                    "is it an ID or a continuous column? choose another --target, or --task "
                    "regression for numbers");
  LoadedData out;
  out.task = all.task;
  out.classes = all.class_names;
  auto splits = data::split(std::move(all), {.val = config.data.val_split,
                                             .test = has_test ? 0.0 : config.data.test_split,
                                             .seed = seed,
                                             .stratify = out.task == data::Task::classification});
  out.train = std::move(splits.train);
  out.val = std::move(splits.val);
  out.test = has_test ? std::move(test) : std::move(splits.test);
  const std::string scale_target = config.data.scale_target;
  if (out.task == data::Task::regression && scale_target == "standardize" && out.train.rows()) {
    // y' = (y - mu) / sigma with the training rows' mean and (population) standard deviation.
    const auto& y = out.train.y;
    const double mu = y.cast<double>().mean();
    const double sigma = std::sqrt((y.cast<double>().array() - mu).square().mean());
    out.target_mean = mu;
    out.target_std = sigma > 0 ? sigma : 1.0;
    for (auto* d : {&out.train, &out.val, &out.test})
      d->y = ((d->y.cast<double>().array() - mu) / out.target_std).cast<float>().matrix();
  }
  const std::string scale = config.data.scale;
  if (scale != "none") {
    out.scaler = data::Scaler::fit(data::parse_scaler_kind(scale), out.train.x);
    for (auto* d : {&out.train, &out.val, &out.test})
      if (d->rows()) out.scaler->transform(d->x);
  }
  return out;
}

nn::ModelSpec model_spec(const RunConfig& config) {
  nn::ModelSpec spec = nn::parse_model_spec(config.model.spec);
  spec.activation = config.model.activation;
  spec.dropout = config.model.dropout;
  spec.init = nn::parse_init_scheme(config.model.init);
  nn::validate(spec);
  return spec;
}

std::string loss_spec(const RunConfig& config, const LoadedData& data) {
  std::string loss = config.model.loss;
  if (loss == "auto") loss = data.task == data::Task::classification ? "cross_entropy" : "mse";
  return loss;
}

nlohmann::json optimizer_table(const RunConfig& config) {
  auto table = config.optimizer;
  if (table.contains("groups") && table["groups"].is_array() && table["groups"].size() > 2)
    throw ConfigError(
        fmt::format("{} groups for a model with 2 (weights, biases)", table["groups"].size()),
        "optimizer.groups", "give [{weight options}, {bias options}], or use model.no_decay");
  const std::string no_decay = config.model.no_decay;
  if (no_decay.empty()) return table;
  if (no_decay != "bias")
    throw ConfigError("must be bias (or empty), not '" + no_decay + "'", "model.no_decay",
                      "--no-decay bias: the biases get weight_decay 0, the weights keep the "
                      "optimizer's");
  if (table.contains("groups"))
    throw ConfigError("both model.no_decay and optimizer.groups given", "optimizer.groups",
                      "use one of them");
  table["groups"] = nlohmann::json::array({nlohmann::json::object(), {{"weight_decay", 0}}});
  return table;
}

std::size_t model_outputs(const RunConfig& config, const LoadedData& data) {
  if (data.task != data::Task::classification) return data.outputs();
  const auto spec = optim::parse_spec(loss_spec(config, data), "loss");
  const std::string name = spec.value("name", "");
  if (name != "bce_with_logits" && name != "bce" && name != "binary_focal") return data.outputs();
  // A binary loss: one logit z, P(class 1) = sigmoid(z); class ids 0/1 are its targets.
  if (data.classes.size() != 2)
    throw ConfigError(
        fmt::format("{} is a binary loss but the target has {} classes", name, data.classes.size()),
        "model.loss", "use cross_entropy (or focal) for more than two classes");
  return 1;
}

namespace {
/// The memory a model needs, checked before it is built; returns its number of parameters.
/// Parameters: sum over its Linear layers of (inputs + 1) * outputs, 4 values each with the
/// gradients and up to two optimizer moments. Activations: rows per pass x (sum of the layer
/// widths) x 3 (output, activation, gradient), with evaluation passes of up to 1024 rows.
template <class T>
double check_model_fits(const nn::ModelSpec& spec, const RunConfig& config, const LoadedData& data,
                        std::size_t outputs) {
  double params = 0, in = static_cast<double>(data.train.features()), widths = 0;
  for (const auto h : spec.hidden) {
    params += (in + 1) * static_cast<double>(h);
    in = static_cast<double>(h);
    widths += in;
  }
  params += (in + 1) * static_cast<double>(outputs);
  widths += static_cast<double>(outputs);
  const auto rows = static_cast<double>(data.train.rows());
  const auto batch = static_cast<double>(config.train.batch_size);
  const double pass_rows =
      std::max(batch > 0 ? std::min(batch, rows) : rows,
               std::min(1024.0, std::max({rows, static_cast<double>(data.val.rows()),
                                          static_cast<double>(data.test.rows())})));
  const double bytes = (4 * params + 3 * pass_rows * widths) * sizeof(T);
  const std::string shortfall = memory_shortfall(
      bytes, fmt::format("a model of {:.4g} parameters ({:.4g} rows per pass)", params, pass_rows));
  if (!shortfall.empty()) throw ConfigError(shortfall, "model.spec", "choose smaller hidden sizes");
  return params;
}

/// L-BFGS re-evaluates the objective during a step and Newton takes its Hessian by central
/// differences of gradients (2n evaluations): both need one fixed, deterministic objective, the
/// full-batch loss. Refused, before any output, for mini-batches, accumulation, dropout (new masks
/// at each evaluation) and clipping (the step reads the closure's own gradients); Newton's n x n
/// Hessian must fit in memory.
void check_trainable(const nlohmann::json& optimizer, const RunConfig& config,
                     const nn::ModelSpec& spec, const LoadedData& data, double params) {
  if (!optimizer.contains("name") || !optimizer["name"].is_string()) return;
  const std::string name = optimizer["name"].get<std::string>();
  if (name != "lbfgs" && name != "newton") return;
  const std::string why = name + (name == "lbfgs" ? " re-evaluates the loss during a step"
                                                  : " takes the Hessian from the loss's gradients");
  const auto batch = config.train.batch_size;
  if (batch > 0 && static_cast<std::size_t>(batch) < data.train.rows())
    throw ConfigError(fmt::format("{}, so it needs the whole training split as one batch, not "
                                  "mini-batches of {}",
                                  why, batch),
                      "train.batch_size", "use --batch-size 0 (full-batch) with " + name);
  if (config.train.accumulate != 1)
    throw ConfigError(why + ", so it cannot accumulate batches", "train.accumulate",
                      "use --batch-size 0 and accumulate 1");
  if (spec.dropout > 0)
    throw ConfigError(why + ", which dropout would change at every evaluation", "model.dropout",
                      "set dropout 0 with " + name);
  if (config.train.clip_norm > 0 || config.train.clip_value > 0)
    throw ConfigError(why + " and steps from its own gradients: clipping does not apply",
                      config.train.clip_norm > 0 ? "train.clip_norm" : "train.clip_value",
                      "remove the clipping option with " + name);
  if (name == "newton") {
    const std::string shortfall = memory_shortfall(
        params * params * sizeof(double),
        fmt::format("Newton's Hessian of {:.4g} x {:.4g} parameters", params, params));
    if (!shortfall.empty())
      throw ConfigError(shortfall, "optimizer.name",
                        "Newton suits models of up to a few thousand parameters: use lbfgs");
  }
}
}  // namespace

template <class T>
RunParts<T> build_model_parts(const RunConfig& config, const LoadedData& data) {
  RunParts<T> parts;
  const nn::ModelSpec spec = model_spec(config);
  const auto seed = static_cast<std::uint64_t>(config.train.seed);
  const auto optimizer = optimizer_table(config);
  // Two optimizer groups: the weights (group 0) and the biases (group 1).
  const nn::ParamGroups groups = optimizer.contains("groups") && optimizer["groups"].size() == 2
                                     ? nn::ParamGroups{0, 1}
                                     : nn::ParamGroups{};
  const double params = check_model_fits<T>(spec, config, data, model_outputs(config, data));
  check_trainable(optimizer, config, spec, data, params);
  parts.model =
      nn::make_model<T>(spec, data.train.features(), model_outputs(config, data), seed, groups);
  const std::string loss = loss_spec(config, data);
  parts.loss = nn::make_loss<T>(std::string_view(loss));
  return parts;
}

template <class T>
RunParts<T> build_parts(const RunConfig& config, const LoadedData& data, bool with_schedule) {
  RunParts<T> parts = build_model_parts<T>(config, data);
  const auto optimizer = optimizer_table(config);
  if (const auto reg = config.regularization; !reg.empty())
    parts.regularizer = nn::make_regularizer<T>(parts.model->params, reg);
  parts.optimizer = optim::make<T>(parts.model->params, optimizer);
  const auto schedule = config.schedule;
  if (with_schedule && !schedule.empty()) parts.scheduler = sched::make(*parts.optimizer, schedule);
  return parts;
}

train::TrainerOptions trainer_options(const RunConfig& config, const LoadedData& data) {
  train::TrainerOptions o;
  o.epochs = config.train.epochs;
  o.batch_size = static_cast<std::size_t>(config.train.batch_size);
  o.shuffle = config.train.shuffle;
  o.drop_last = config.train.drop_last;
  o.seed = static_cast<std::uint64_t>(config.train.seed);
  o.accumulate = static_cast<std::size_t>(config.train.accumulate);
  o.num_classes = data.classes.size();
  o.target_scale = data.target_std;
  o.top_k = static_cast<std::size_t>(config.train.top_k);
  o.chunk_rows = static_cast<std::size_t>(config.train.chunk_rows);
  o.allreduce = config.train.allreduce;
  const std::string step = config.train.schedule_step;
  const auto schedule = config.schedule;
  const std::string name = schedule.value("name", "");
  if (step == "batch" || (step == "auto" && counts_steps(name)))
    o.scheduler_step = train::SchedulerStep::batch;
  return o;
}

bool counts_steps(const std::string& schedule) {
  return schedule == "cyclic" || schedule == "onecycle" || schedule == "warmup" ||
         schedule == "inverse_sqrt";
}

std::int64_t steps_per_epoch(const RunConfig& config, const LoadedData& data) {
  const auto rows = static_cast<std::int64_t>(data.train.rows());
  const std::int64_t batch = config.train.batch_size;
  std::int64_t batches = 1;
  if (batch > 0 && batch < rows)
    batches = config.train.drop_last ? rows / batch : (rows + batch - 1) / batch;
  const std::int64_t k = std::max<std::int64_t>(1, config.train.accumulate);
  return (batches + k - 1) / k;  // a last, shorter group of batches is a step too
}

void complete_schedule(RunConfig& config, const LoadedData& data) {
  auto schedule = config.schedule;
  if (schedule.value("name", "") != "onecycle") return;
  const std::int64_t per_epoch = steps_per_epoch(config, data);
  const std::int64_t needed = config.train.epochs * per_epoch;
  if (!schedule.contains("total_steps") && !schedule.contains("epochs")) {
    schedule["total_steps"] = std::max<std::int64_t>(needed, 1);  // epochs x steps per epoch
    config.set_table("schedule", schedule);
    return;
  }
  std::int64_t total = 0;
  std::string given;
  if (schedule.contains("total_steps") && schedule["total_steps"].is_number_integer()) {
    total = schedule["total_steps"].get<std::int64_t>();
    given = fmt::format("total_steps = {}", total);
  } else if (schedule["epochs"].is_number_integer() &&
             schedule.value("steps_per_epoch", nlohmann::json()).is_number_integer()) {
    total =
        schedule["epochs"].get<std::int64_t>() * schedule["steps_per_epoch"].get<std::int64_t>();
    given = fmt::format("epochs x steps_per_epoch = {}", total);
  } else {
    return;  // sched::make names what is missing or malformed
  }
  if (total < needed)
    throw ConfigError(
        fmt::format("{} is fewer than the run's {} optimizer steps ({} epochs x {} per epoch)",
                    given, needed, config.train.epochs, per_epoch),
        "schedule.total_steps", "leave total_steps out: descent derives it from the run");
}

std::string monitor_metric(const RunConfig& config, const LoadedData& data) {
  const std::string m = config.train.monitor;
  if (m == "auto") return data.val.rows() ? "val_loss" : "train_loss";
  // The per-epoch metrics this run will log (metrics.csv's columns).
  std::vector<std::string> names;
  std::vector<std::string> metrics = {"loss"};
  if (data.task == data::Task::classification) {
    metrics.push_back("accuracy");
    if (const auto k = config.train.top_k; k > 0)
      metrics.push_back("top" + std::to_string(k) + "_accuracy");
    if (data.classes.size() == 2) metrics.push_back("roc_auc");
  } else {
    metrics.insert(metrics.end(), {"mse", "mae", "r2"});
  }
  for (const char* split : {"train", "val"}) {
    if (std::string(split) == "val" && !data.val.rows()) continue;
    for (const auto& metric : metrics) names.push_back(std::string(split) + "_" + metric);
  }
  if (!config.regularization.empty()) names.push_back("train_reg_loss");
  names.insert(names.end(), {"lr", "skipped_steps"});
  if (config.train.log_steps) names.insert(names.end(), {"grad_norm", "update_ratio"});
  if (std::find(names.begin(), names.end(), m) != names.end()) return m;
  std::string near = closest_match(m, names);
  for (const auto& name : names)  // an abbreviation: val_acc -> val_accuracy
    if (near.empty() && name.rfind(m, 0) == 0) near = name;
  throw ConfigError("no metric '" + m + "' in this run", "train.monitor",
                    (near.empty() ? "" : "did you mean '" + near + "'? ") + "the metrics are " +
                        fmt::format("{}", fmt::join(names, ", ")));
}

template RunParts<float> build_model_parts(const RunConfig&, const LoadedData&);
template RunParts<double> build_model_parts(const RunConfig&, const LoadedData&);
template RunParts<float> build_parts(const RunConfig&, const LoadedData&, bool);
template RunParts<double> build_parts(const RunConfig&, const LoadedData&, bool);

}  // namespace descent::cli
