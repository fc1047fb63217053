#pragma once
// Small models and data sets for the trainer tests.
#include <memory>
#include <string>

#include "descent/data/synthetic.hpp"
#include "descent/nn/loss.hpp"
#include "descent/nn/model_spec.hpp"
#include "descent/optim/factory.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train::support {

/// Model + loss + optimizer (+ trainer) over one data set; rebuilt identically from the same
/// arguments.
template <class T>
struct Rig {
  std::unique_ptr<nn::Model<T>> model;
  std::unique_ptr<nn::Loss<T>> loss;
  std::unique_ptr<optim::Optimizer<T>> optimizer;
  std::unique_ptr<sched::Scheduler> scheduler;
  std::unique_ptr<Trainer<T>> trainer;

  Rig(const std::string& spec, double dropout, std::size_t inputs, std::size_t outputs,
      const std::string& loss_name, const std::string& optimizer_json, TrainerOptions options,
      std::uint64_t seed = 1, nn::ParamGroups groups = {}) {
    nn::ModelSpec s = nn::parse_model_spec(spec);
    s.dropout = dropout;
    model = nn::make_model<T>(s, inputs, outputs, seed, groups);
    loss = nn::make_loss<T>(std::string_view(loss_name));
    optimizer = optim::make<T>(model->params, std::string_view(optimizer_json));
    trainer = std::make_unique<Trainer<T>>(*model->net, model->params, *loss, *optimizer, nullptr,
                                           options);
  }
  /// Replaces the trainer with one that uses `sched` (made from the optimizer).
  void with_scheduler(std::unique_ptr<sched::Scheduler> sched, TrainerOptions options) {
    scheduler = std::move(sched);
    trainer = std::make_unique<Trainer<T>>(*model->net, model->params, *loss, *optimizer,
                                           scheduler.get(), options);
  }
  std::vector<T> weights() const {
    const auto v = model->params.values();
    return {v.begin(), v.end()};
  }
};

}  // namespace descent::train::support
