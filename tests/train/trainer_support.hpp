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

  /// What the rig trains, by name.
  struct Spec {
    std::string model = "linear";
    double dropout = 0;
    std::size_t inputs = 2, outputs = 1;
    std::string loss = "mse";
    std::string optimizer;
    TrainerOptions options{};
    std::uint64_t seed = 1;
    nn::ParamGroups groups{};
  };

  explicit Rig(const Spec& spec) {
    nn::ModelSpec s = nn::parse_model_spec(spec.model);
    s.dropout = spec.dropout;
    model = nn::make_model<T>(s, spec.inputs, spec.outputs, spec.seed, spec.groups);
    loss = nn::make_loss<T>(std::string_view(spec.loss));
    optimizer = optim::make<T>(model->params, std::string_view(spec.optimizer));
    trainer = std::make_unique<Trainer<T>>(*model->net, model->params, *loss, *optimizer, nullptr,
                                           spec.options);
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
