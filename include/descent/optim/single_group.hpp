#pragma once
// Base of the optimizers that treat all parameters as one vector x (L-BFGS, Newton): one parameter
// group (as torch's LBFGS requires), one options struct, a step counter, and the option plumbing
// of Optimizer<T> (JSON get/set, lr, state_dict group entry).
#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

template <class T, class Opts>
class SingleGroupOptimizer : public Optimizer<T> {
 public:
  using Options = Opts;

  SingleGroupOptimizer(Params<T>& params, const Options& options, const char* name)
      : Optimizer<T>(params), options_(options), name_(name) {
    if (params.num_groups() != 1)
      throw ConfigError(fmt::format("{} works on one parameter group, the parameters have {}", name,
                                    params.num_groups()),
                        name, "put every tensor in group 0 (torch's LBFGS has the same rule)");
    options::validate(options_, name);
  }

  std::string_view name() const override { return name_; }

  /// The options (only group 0 exists); change them between steps.
  Options& group(std::size_t g) {
    if (g != 0)
      throw UsageError(fmt::format("{} has one parameter group, not {}", name_, g + 1), name_);
    return options_;
  }
  const Options& group(std::size_t g) const {
    return const_cast<SingleGroupOptimizer*>(this)->group(g);
  }
  nlohmann::json group_options(std::size_t g) const override { return options::to_json(group(g)); }
  void set_group_options(std::size_t g, const nlohmann::json& j) override {
    Options o = group(g);
    options::from_json(o, j, name_, options::Keys::ignoring({}));
    prepare_options(o);
    options_ = o;
  }
  bool has_option(std::string_view key) const override {
    auto names = options::names<Options>();
    return std::find(names.begin(), names.end(), key) != names.end();
  }
  void set_lr(std::size_t g, double lr) override { group(g).lr = lr; }
  std::int64_t step_count(std::size_t g) const override {
    group(g);
    return steps_;
  }

 protected:
  /// Called with validated new options before they replace the current ones (e.g. to resize
  /// buffers that depend on them).
  virtual void prepare_options(Options&) {}

  /// The state_dict's groups: [{options..., "step": n}].
  nlohmann::json state_groups() const {
    nlohmann::json j = options::to_json(options_);
    j["step"] = steps_;
    return nlohmann::json::array({j});
  }

  /// Checks the name and the single group of a state dict and parses its options (validated,
  /// not yet applied) and step count; keys in `extra` are left to the caller.
  Options parse_state_groups(const StateDict<T>& sd, std::int64_t& steps,
                             std::vector<std::string> extra = {}) const {
    if (sd.optimizer != name_)
      throw CheckpointError(
          fmt::format("optimizer state is for '{}', not '{}'", sd.optimizer, name_), "optimizer",
          "load it into the optimizer it was saved from");
    if (sd.groups.size() != 1)
      throw CheckpointError(
          fmt::format("state has {} parameter groups, {} has 1", sd.groups.size(), name_),
          "optimizer.groups");
    Options o = options_;
    extra.push_back("step");
    try {
      const nlohmann::json& group = sd.groups[0];
      options::from_json(o, group, name_, options::Keys::ignoring(extra));
      steps = group.at("step").get<std::int64_t>();
    } catch (const ConfigError& e) {
      throw CheckpointError(e.reason(), "optimizer.groups[0]." + e.where());
    } catch (const nlohmann::json::exception&) {
      throw CheckpointError("missing or invalid step count", "optimizer.groups[0]");
    }
    return o;
  }

  Options options_;
  std::int64_t steps_ = 0;

 private:
  const char* name_;
};

}  // namespace descent::optim
