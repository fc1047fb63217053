#pragma once
// ParamGroups: what a scheduler sees of an optimizer. torch's schedulers read and write
// `optimizer.param_groups[g]` ("lr", "momentum", "betas") and keep "initial_lr" there, shared by
// every scheduler of that optimizer. ParamGroups is a shared handle to one optimizer's groups plus
// that shared bookkeeping; it erases the optimizer's scalar type, so schedulers are plain classes.
//
// Schedulers stacked on one optimizer (SequentialLR, ChainedScheduler, or built by hand one after
// the other) must be given the same ParamGroups, as torch's share one optimizer.
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/optim/optimizer.hpp"

namespace descent::sched {

/// Which optimizer option a scheduler cycles as "momentum": SGD's `momentum` or Adam's `betas[0]`.
enum class MomentumField { momentum, beta1 };

class ParamGroups {
 public:
  /// A view of `optimizer`'s groups; the optimizer must outlive every scheduler using the view.
  template <class T>
  explicit ParamGroups(optim::Optimizer<T>& optimizer);

  std::size_t size() const;
  double lr(std::size_t g) const;
  void set_lr(std::size_t g, double lr);
  /// Every group's lr, in group order.
  std::vector<double> lrs() const;

  /// Whether the optimizer has an option of this name ("momentum", "betas").
  bool has_option(std::string_view key) const;
  double momentum(std::size_t g, MomentumField field) const;
  void set_momentum(std::size_t g, MomentumField field, double value);

  /// torch's param_groups[g]["initial_lr"]: set by the first scheduler built on the optimizer.
  std::optional<double> initial_lr(std::size_t g) const { return shared_->initial_lr.at(g); }
  void set_initial_lr(std::size_t g, double lr) { shared_->initial_lr.at(g) = lr; }

  /// Whether both handles view the same optimizer through the same shared bookkeeping.
  bool same_as(const ParamGroups& other) const { return shared_ == other.shared_; }

 private:
  struct Access {
    virtual ~Access() = default;
    virtual std::size_t size() const = 0;
    virtual double lr(std::size_t g) const = 0;
    virtual void set_lr(std::size_t g, double lr) = 0;
    virtual bool has_option(std::string_view key) const = 0;
    virtual nlohmann::json options(std::size_t g) const = 0;
    virtual void set_options(std::size_t g, const nlohmann::json& options) = 0;
  };
  template <class T>
  struct OptimizerAccess;
  struct Shared {
    std::unique_ptr<Access> access;
    std::vector<std::optional<double>> initial_lr;
  };
  std::shared_ptr<Shared> shared_;
};

extern template ParamGroups::ParamGroups(optim::Optimizer<float>&);
extern template ParamGroups::ParamGroups(optim::Optimizer<double>&);

}  // namespace descent::sched
