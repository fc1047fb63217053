#include "descent/train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <utility>

#include "descent/core/error.hpp"
#include "descent/data/batch_iterator.hpp"
#include "descent/train/evaluation.hpp"

namespace descent::train {

namespace {
EvaluationOptions evaluation_options(const TrainerOptions& o) {
  return {.num_classes = o.num_classes,
          .target_scale = o.target_scale,
          .top_k = o.top_k,
          .batch_size = o.eval_batch_size};
}
}  // namespace

template <class T>
Trainer<T>::Trainer(nn::Sequential<T>& model, Params<T>& params, const nn::Loss<T>& loss,
                    optim::Optimizer<T>& optimizer, sched::Scheduler* scheduler,
                    TrainerOptions options)
    : model_(model),
      params_(params),
      loss_(loss),
      optimizer_(optimizer),
      scheduler_(scheduler),
      options_(options),
      parallel_({.chunk_rows = options.chunk_rows, .allreduce = options.allreduce}) {
  if (options_.accumulate == 0) throw ConfigError("must be >= 1", "train.accumulate");
  if (options_.epochs < 0) throw ConfigError("must be >= 0", "train.epochs");
  if (options_.eval_batch_size == 0) options_.eval_batch_size = 1024;
}

template <class T>
Callback<T>& Trainer<T>::add_callback(std::unique_ptr<Callback<T>> callback) {
  for (const auto& c : callbacks_)
    if (c->name() == callback->name())
      throw UsageError("callback '" + c->name() + "' added twice", "trainer");
  callbacks_.push_back(std::move(callback));
  return *callbacks_.back();
}

template <class T>
void Trainer<T>::stop(std::string reason) {
  if (progress_.stop) return;
  progress_.stop = true;
  progress_.stop_reason = std::move(reason);
}

template <class T>
void Trainer<T>::set_replica(nn::Sequential<T>& model, Params<T>& params, const nn::Loss<T>& loss) {
  if (!rank_independent(model_))
    throw UsageError("a model with dropout cannot share its chunks with a replica", "trainer",
                     "train it without a replica");
  if (params.size() != params_.size())
    throw UsageError("the replica's parameters are laid out unlike the model's", "trainer",
                     "build the replica from the same spec");
  parallel_.set_replica(model, params, loss);
}

template <class T>
nn::ConstRef<T> Trainer<T>::inputs(const Eigen::Ref<const data::Matrix>& x) {
  if constexpr (std::is_same_v<T, float>) {
    return x;
  } else {
    batch_x_ = x.template cast<T>();
    return batch_x_;
  }
}

template <class T>
void Trainer<T>::set_targets(std::span<const std::int32_t> labels, std::span<const float> y) {
  const std::size_t n = labels.empty() ? y.size() : labels.size();
  nn::ensure_shape(batch_target_, static_cast<Eigen::Index>(n), 1);
  for (std::size_t i = 0; i < n; ++i)
    batch_target_(static_cast<Eigen::Index>(i), 0) =
        labels.empty() ? static_cast<T>(y[i]) : static_cast<T>(labels[i]);
}

template <class T>
void Trainer<T>::optimizer_step(const optim::Closure* closure) {
  parallel_.reduce(params_);  // --allreduce: the ranks' gradients summed
  // L(W) = data loss + R(W): dR/dw joins the data gradient before clipping and the step.
  if (regularizer_) progress_.reg_loss = regularizer_->apply(params_);
  bool step = true;
  for (auto& c : callbacks_)
    if (!c->on_before_step(*this)) {
      step = false;
      break;
    }
  if (step) {
    if (closure)
      optimizer_.step(*closure);
    else
      optimizer_.step();
    ++progress_.step;
    if (scheduler_ && options_.scheduler_step == SchedulerStep::batch &&
        !scheduler_->needs_metric())
      scheduler_->step();
  } else {
    ++progress_.skipped_steps;
  }
  progress_.stepped = step;
  optimizer_.zero_grad();
}

template <class T>
void Trainer<T>::run_epoch(data::BatchIterator& batches) {
  const std::size_t k = options_.accumulate;
  const std::size_t count = batches.batches_per_epoch();
  progress_.batches_per_epoch = count;
  auto metrics = make_metrics<T>(evaluation_options(options_));
  // train_reg_loss = sum_b n_b R(W_b) / sum_b n_b over the batches of completed steps.
  double reg_sum = 0, group_loss = 0;
  std::size_t group_rows = 0, reg_rows = 0;
  model_.train();
  optimizer_.zero_grad();
  batches.start_epoch(static_cast<std::uint64_t>(progress_.epoch));
  while (!progress_.stop) {
    const auto batch = batches.next();
    if (!batch) break;
    const std::size_t i = batch->index;
    progress_.batch = i;
    progress_.batch_rows = batch->size();
    for (auto& c : callbacks_) c->on_batch_begin(*this);
    const auto y = batch->y();
    set_targets(batch->labels(), {y.data(), static_cast<std::size_t>(y.size())});
    // Gradient accumulation: batches [first, first + group) make one step; each contributes
    // (1/group) dL_b/dOutput, so the step sees the mean gradient of the group.
    const std::size_t first = i - i % k, group = std::min(k, count - first);
    const T scale = group > 1 ? T(1) / static_cast<T>(group) : T(1);
    const nn::Matrix<T>& out =
        parallel_.run(model_, loss_, params_, inputs(batch->x()), batch_target_, scale, i == first,
                      progress_.batch_loss);
    const auto eb = eval_batch(out, batch_target_, 0, batch->labels(), progress_.batch_loss);
    for (auto& m : metrics) m->update(eb);
    progress_.samples += batch->size();
    progress_.stepped = false;
    group_rows += batch->size();
    group_loss += progress_.batch_loss;
    if (i + 1 == first + group) {
      progress_.step_loss = group_loss / static_cast<double>(group);
      group_loss = 0;
      if (optimizer_.needs_closure()) {
        // L-BFGS / Newton re-evaluate L(W) = loss + R(W) on this batch (the whole split, checked
        // in fit). The first call is at the weights just evaluated: it returns that result.
        bool at_start = true;
        const optim::Closure closure = [&] {
          if (std::exchange(at_start, false))
            return progress_.batch_loss + (regularizer_ ? progress_.reg_loss : 0.0);
          optimizer_.zero_grad();
          double loss = 0;
          parallel_.run(model_, loss_, params_, inputs(batch->x()), batch_target_, T(1), true,
                        loss);
          parallel_.reduce(params_);
          return loss + (regularizer_ ? regularizer_->apply(params_) : 0.0);
        };
        optimizer_step(&closure);
      } else {
        optimizer_step(nullptr);
      }
      if (regularizer_) reg_sum += progress_.reg_loss * static_cast<double>(group_rows);
      reg_rows += group_rows;
      group_rows = 0;
    }
    for (auto& c : callbacks_) c->on_batch_end(*this);
  }
  row_ = MetricRow();
  row_.set("epoch", static_cast<double>(progress_.epoch + 1));
  for (auto& m : metrics) {
    m->write(row_, "train");
    if (regularizer_ && &m == &metrics.front())  // beside train_loss (MeanLoss comes first)
      row_.set("train_reg_loss", reg_rows ? reg_sum / static_cast<double>(reg_rows) : 0.0);
  }
}

template <class T>
MetricRow Trainer<T>::evaluate(const data::Dataset& data, const std::string& prefix,
                               Metric<T>* observer) {
  return train::evaluate(model_, loss_, data, prefix, evaluation_options(options_), observer,
                         &parallel_.communicator());
}

template <class T>
const std::vector<MetricRow>& Trainer<T>::fit(const data::Dataset& train,
                                              const data::Dataset* val) {
  if (train.rows() == 0) throw DataError("the training split is empty", "data");
  data::BatchIterator batches(train, {.batch_size = options_.batch_size,
                                      .shuffle = options_.shuffle,
                                      .drop_last = options_.drop_last,
                                      .seed = options_.seed});
  if (optimizer_.needs_closure() && (batches.batches_per_epoch() != 1 || options_.accumulate != 1))
    throw ConfigError(std::string(optimizer_.name()) +
                          " re-evaluates the objective during a step, so it needs one fixed batch: "
                          "the whole training split",
                      "train.batch_size", "use batch size 0 (full batch) and accumulate 1");
  progress_.stop = false;
  progress_.stop_reason.clear();
  for (auto& c : callbacks_) c->on_train_begin(*this);
  while (progress_.epoch < options_.epochs && !progress_.stop) {
    for (auto& c : callbacks_) c->on_epoch_begin(*this);
    run_epoch(batches);
    if (val && val->rows()) {
      const auto start = std::chrono::steady_clock::now();
      const MetricRow val_row = evaluate(*val, "val");
      progress_.validation_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      for (const auto& [name, value] : val_row.items()) row_.set(name, value);
    }
    row_.set("lr", optimizer_.lr(0));
    row_.set("skipped_steps", static_cast<double>(progress_.skipped_steps));
    ++progress_.epoch;
    if (scheduler_ && options_.scheduler_step == SchedulerStep::epoch &&
        !scheduler_->needs_metric())
      scheduler_->step();
    history_.push_back(row_);
    for (auto& c : callbacks_) c->on_epoch_end(*this);
  }
  for (auto& c : callbacks_) c->on_train_end(*this);
  return history_;
}

template <class T>
nlohmann::json Trainer<T>::state() const {
  nlohmann::json j;
  j["epoch"] = progress_.epoch;
  j["step"] = progress_.step;
  j["skipped_steps"] = progress_.skipped_steps;
  j["samples"] = progress_.samples;
  j["model"] = model_.state();
  j["scheduler"] = scheduler_ ? scheduler_->state_dict() : nlohmann::json();
  // Rows as [[name, value], ...]: keeps the column order (JSON objects are unordered).
  auto rows = [](const std::vector<MetricRow>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : v) {
      nlohmann::json pairs = nlohmann::json::array();
      for (const auto& [name, value] : r.items())
        pairs.push_back({name, std::isfinite(value) ? nlohmann::json(value) : nlohmann::json()});
      a.push_back(std::move(pairs));
    }
    return a;
  };
  j["history"] = rows(history_);
  j["step_log"] = rows(step_log_);
  j["callbacks"] = nlohmann::json::object();
  for (const auto& c : callbacks_) j["callbacks"][c->name()] = c->state();
  return j;
}

template <class T>
void Trainer<T>::load_state(const nlohmann::json& j) {
  auto need = [&](const char* key) -> const nlohmann::json& {
    if (!j.contains(key)) throw CheckpointError("missing entry", std::string("trainer.") + key);
    return j.at(key);
  };
  // A count must be a JSON integer >= 0: a float such as 1e308 would wrap when converted.
  auto count = [&](const char* key) -> std::int64_t {
    const auto& v = need(key);
    if (!v.is_number_integer() ||
        (v.is_number_unsigned() ? v.template get<std::uint64_t>() > std::uint64_t(INT64_MAX)
                                : v.template get<std::int64_t>() < 0))
      throw CheckpointError("must be an integer >= 0, got " + v.dump(),
                            std::string("trainer.") + key);
    return v.template get<std::int64_t>();
  };
  try {
    progress_ = Progress{};
    progress_.epoch = count("epoch");
    progress_.step = count("step");
    progress_.skipped_steps = count("skipped_steps");
    progress_.samples = static_cast<std::size_t>(count("samples"));
    auto rows = [](const nlohmann::json& a) {
      std::vector<MetricRow> v;
      for (const auto& pairs : a) {
        nlohmann::ordered_json row = nlohmann::ordered_json::object();
        for (const auto& p : pairs)
          row[p.at(0).get<std::string>()] = nlohmann::ordered_json::parse(p.at(1).dump());
        v.push_back(MetricRow::from_json(row));
      }
      return v;
    };
    history_ = rows(need("history"));
    step_log_ = rows(need("step_log"));
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(std::string("invalid trainer state: ") + e.what(), "trainer");
  }
  model_.load_state(need("model"));
  const auto& s = need("scheduler");
  if (scheduler_ && s.is_null())
    throw CheckpointError("the checkpoint has no scheduler state but a schedule is configured",
                          "trainer.scheduler");
  if (scheduler_) scheduler_->load_state_dict(s);
  const auto& cbs = need("callbacks");
  for (auto& c : callbacks_) {
    // A stateless callback needs no entry (checkpoints from before it was added still load).
    if (!cbs.contains(c->name()) && c->state().is_null()) continue;
    if (!cbs.contains(c->name()))
      throw CheckpointError("no state for callback '" + c->name() + "'", "trainer.callbacks",
                            "resume with the settings the run was started with");
    c->load_state(cbs.at(c->name()));
  }
}

template class Trainer<float>;
template class Trainer<double>;

}  // namespace descent::train
