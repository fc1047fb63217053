#pragma once
// Optimizer<T>: the interface every optimizer offers (torch.optim's habits: zero_grad, step,
// per-group options, state_dict), and FusedOptimizer, the base of the element-wise optimizers:
// per-group options, state buffers in the arena's layout, and a step() that runs the optimizer's
// update kernel once per group over contiguous memory, split across threads.
#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/aligned_buffer.hpp"
#include "descent/core/error.hpp"
#include "descent/core/finite.hpp"
#include "descent/core/parallel.hpp"
#include "descent/core/params.hpp"
#include "descent/optim/options.hpp"

namespace descent::optim {

/// Everything needed to resume an optimizer: its name, each group's options and step count, and
/// its state buffers (arena layout, by name, e.g. "exp_avg").
template <class T>
struct StateDict {
  std::string optimizer;
  nlohmann::json groups = nlohmann::json::array();  // [{options..., "step": n}, ...]
  std::vector<std::pair<std::string, std::vector<T>>> buffers;
};

/// Returns the loss after recomputing it and the gradients (torch's closure), for L-BFGS.
using Closure = std::function<double()>;

template <class T>
class Optimizer {
 public:
  explicit Optimizer(Params<T>& params) : params_(params) {
    if (!params.allocated())
      throw UsageError("optimizer created over unallocated parameters", "",
                       "call Params::allocate() first");
  }
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Registered name, as in optim::make ("sgd", "adam", ...).
  virtual std::string_view name() const = 0;
  /// One update of every parameter from the gradients in params().grads().
  virtual void step() = 0;
  /// One update that may re-evaluate the objective (L-BFGS); the others call step() and return
  /// closure() evaluated before the step, as torch does.
  virtual double step(const Closure& closure) {
    double loss = closure();
    step();
    return loss;
  }
  /// Whether a step must go through step(closure) (L-BFGS, Newton without a Hessian callback):
  /// a training loop then evaluates the objective on one fixed batch as often as the step asks.
  virtual bool needs_closure() const { return false; }
  /// Whether every parameter was finite after the last step, when the optimizer checked that as it
  /// stored them (the fused optimizers); nullopt when it did not: then ask Params.
  virtual std::optional<bool> values_finite() const { return std::nullopt; }
  void zero_grad() { params_.zero_grad(); }

  Params<T>& params() { return params_; }
  const Params<T>& params() const { return params_; }
  std::size_t num_groups() const { return params_.num_groups(); }

  /// A group's options as JSON (torch's names), and a strict partial update from JSON.
  virtual nlohmann::json group_options(std::size_t g) const = 0;
  virtual void set_group_options(std::size_t g, const nlohmann::json& options) = 0;
  /// Whether the options have a field of this name ("lr", "momentum", "betas", ...).
  virtual bool has_option(std::string_view key) const = 0;

  /// Learning rate of group g (schedulers read and write it between steps).
  double lr(std::size_t g) const { return group_options(g).at("lr").template get<double>(); }
  virtual void set_lr(std::size_t g, double lr) = 0;

  /// Steps taken by group g.
  virtual std::int64_t step_count(std::size_t g) const = 0;

  virtual StateDict<T> state_dict() const = 0;
  /// Restores a state_dict; throws CheckpointError naming the first mismatch.
  virtual void load_state_dict(const StateDict<T>& state) = 0;

 private:
  Params<T>& params_;
};

/// Per-group scalar state carried from step to step (e.g. NAdam's mu_product), beside the step
/// count. An optimizer that needs one passes a struct listing its fields with visit(), as options
/// do: `template <class V> void visit(V&& v) { v("mu_product", mu_product, "doc"); }`; its fields
/// are saved in the state_dict's group entries. NoGroupState is the default: none.
struct NoGroupState {
  template <class V>
  void visit(V&&) {}
};

/// Base of the element-wise optimizers. Derived supplies:
///   using Options = ...;                    // with visit() (core/options.hpp) and double lr
///   static constexpr const char* kName;     // "adam"
///   static constexpr std::array<const char*, N> kState;   // state buffer names, e.g. {"exp_avg"}
///   struct Scalars { ... };                  // per-step constants (bias corrections, ...)
///   static Scalars scalars(const Options&, std::int64_t step);   // step counts from 1
///     or, with a GroupState: scalars(const Options&, std::int64_t step, GroupState&), advancing it
///   static void update(const Scalars&, std::size_t n, T* __restrict p, const T* __restrict g,
///                      T* __restrict state...);  // the update rule, one loop over n elements;
///                                                // the state buffers in kState's order
///   static T initial_state(const Options&, std::size_t buffer); // optional; default 0
///   static bool uses_state(const Options&, std::size_t buffer); // optional; default true
/// A buffer is allocated only while some group's options use it (e.g. max_exp_avg_sq with amsgrad):
/// at construction for the defaults, in set_group_options when an option turns it on (it starts
/// from initial_state, zeros), and on load_state_dict for the buffers the state holds. Turning an
/// option on by writing group(g) directly leaves the buffer absent: step() then throws UsageError.
template <class T, class Derived, class Opts, std::size_t NumState, class GroupState = NoGroupState>
class FusedOptimizer : public Optimizer<T> {
 public:
  using Options = Opts;

  FusedOptimizer(Params<T>& params, const Options& defaults)
      : Optimizer<T>(params),
        options_(params.num_groups(), defaults),
        steps_(params.num_groups(), 0),
        group_state_(params.num_groups()) {
    options::validate(defaults, Derived::kName);
    for (std::size_t k = 0; k < NumState; ++k)
      if (uses(defaults, k)) allocate(k);
  }

  std::string_view name() const override { return Derived::kName; }

  /// Options of group g; change them between steps as with torch's param_groups[g][...].
  Options& group(std::size_t g) { return options_.at(g); }
  const Options& group(std::size_t g) const { return options_.at(g); }

  void step() override {
    auto& params = this->params();
    for (std::size_t g = 0; g < options_.size(); ++g)
      for (std::size_t k = 0; k < NumState; ++k)
        if (!allocated_[k] && uses(options_[g], k))
          throw UsageError(
              std::string("optimizer state '") + Derived::kState[k] +
                  "' was not allocated: an option that needs it was turned on through group(" +
                  std::to_string(g) + ")",
              std::string(Derived::kName) + ".groups[" + std::to_string(g) + "]",
              "change options with set_group_options(), which allocates the state they need");
    finite_.store(true, std::memory_order_relaxed);
    for (std::size_t g = 0; g < options_.size(); ++g) {
      const Options& o = options_[g];
      const auto scalars = [&] {
        if constexpr (std::is_same_v<GroupState, NoGroupState>)
          return Derived::scalars(o, ++steps_[g]);
        else
          return Derived::scalars(o, ++steps_[g], group_state_[g]);
      }();
      const Range r = params.group_range(g);
      T* p = params.values().data() + r.begin;
      const T* grad = params.grads().data() + r.begin;
      std::array<T*, NumState> state{};
      for (std::size_t k = 0; k < NumState; ++k)
        state[k] = allocated_[k] ? state_[k].data() + r.begin : nullptr;
      // A group below kParallelMin is updated by a direct call; parallel_for, whose shared path
      // takes its closure's address, is out of line: inlined, its closure was built on the stack
      // with vector stores and read back field by field (course_sgd's batch 1: ~4% slower).
      if (r.size < kParallelMin) {
        if (!update_slice(scalars, p, grad, state, 0, r.size))
          finite_.store(false, std::memory_order_relaxed);
      } else {
        update_shared(scalars, p, grad, state, r.size);
      }
    }
  }

  std::optional<bool> values_finite() const override {
    return finite_.load(std::memory_order_relaxed);
  }

  nlohmann::json group_options(std::size_t g) const override {
    return options::to_json(options_.at(g));
  }
  void set_group_options(std::size_t g, const nlohmann::json& j) override {
    Options o = options_.at(g);
    options::from_json(o, j, Derived::kName, options::Keys::ignoring({}));
    options_.at(g) = o;
    for (std::size_t k = 0; k < NumState; ++k)
      if (!allocated_[k] && uses(o, k)) allocate(k);
  }
  bool has_option(std::string_view key) const override {
    auto names = options::names<Options>();
    return std::find(names.begin(), names.end(), key) != names.end();
  }
  void set_lr(std::size_t g, double lr) override { options_.at(g).lr = lr; }
  std::int64_t step_count(std::size_t g) const override { return steps_.at(g); }

  /// A state buffer by name (arena layout), e.g. state("exp_avg"); empty while not allocated.
  std::span<const T> state(std::string_view buffer) const {
    for (std::size_t k = 0; k < NumState; ++k)
      if (buffer == Derived::kState[k]) return state_[k].span();
    throw UsageError("no such optimizer state", std::string(buffer));
  }

  /// Whether a state buffer is allocated (some group's options use it, or a loaded state held it).
  bool has_state(std::size_t buffer) const { return allocated_.at(buffer); }

  StateDict<T> state_dict() const override {
    StateDict<T> sd;
    sd.optimizer = Derived::kName;
    for (std::size_t g = 0; g < options_.size(); ++g) {
      auto j = options::to_json(options_[g]);
      j["step"] = steps_[g];
      j.update(options::to_json(group_state_[g]));
      sd.groups.push_back(std::move(j));
    }
    for (std::size_t k = 0; k < NumState; ++k)
      if (allocated_[k])
        sd.buffers.emplace_back(Derived::kState[k],
                                std::vector<T>(state_[k].begin(), state_[k].end()));
    return sd;
  }

  void load_state_dict(const StateDict<T>& sd) override {
    if (sd.optimizer != Derived::kName)
      throw CheckpointError(
          "optimizer state is for '" + sd.optimizer + "', not '" + Derived::kName + "'",
          "optimizer", "load it into the optimizer it was saved from");
    if (sd.groups.size() != options_.size())
      throw CheckpointError("state has " + std::to_string(sd.groups.size()) +
                                " parameter groups, the optimizer " +
                                std::to_string(options_.size()),
                            "optimizer.groups");
    std::vector<Options> options = options_;
    std::vector<std::int64_t> steps(options_.size());
    std::vector<GroupState> group_state(options_.size());
    std::vector<std::string> not_options = options::names<GroupState>();
    not_options.push_back("step");
    for (std::size_t g = 0; g < options.size(); ++g) {
      try {
        options::from_json(options[g], sd.groups[g], Derived::kName,
                           options::Keys::ignoring(not_options));
        // A count: a JSON integer in [0, INT64_MAX] (a float such as 1e308 would wrap).
        const nlohmann::json& step = sd.groups[g].at("step");
        const bool count = step.is_number_unsigned()
                               ? step.template get<std::uint64_t>() <= std::uint64_t(INT64_MAX)
                               : step.is_number_integer() && step.template get<std::int64_t>() >= 0;
        if (!count)
          throw CheckpointError("the step count " + step.dump() + " is not an integer >= 0",
                                "optimizer.groups[" + std::to_string(g) + "].step");
        steps[g] = step.template get<std::int64_t>();
        group_state[g].visit([&](const char* key, auto& field, const char*, const auto&...) {
          const std::string where = std::string(Derived::kName) + "." + key;
          if (!sd.groups[g].contains(key)) throw ConfigError("missing per-group state", where);
          options::detail::read(field, sd.groups[g][key], where);
        });
      } catch (const ConfigError& e) {
        throw CheckpointError(e.reason(),
                              "optimizer.groups[" + std::to_string(g) + "]." + e.where());
      } catch (const nlohmann::json::exception& e) {
        throw CheckpointError("missing or invalid step count",
                              "optimizer.groups[" + std::to_string(g) + "]");
      }
    }
    // The buffers the state holds, in the optimizer's order; every buffer its options use must be
    // there. The loaded optimizer holds exactly these buffers.
    std::array<const std::vector<T>*, NumState> loaded{};
    for (const auto& buffer : sd.buffers) {
      // References, not a structured binding: the lambda below captures `name` (clang 14 cannot).
      const std::string& name = buffer.first;
      const std::vector<T>& data = buffer.second;
      const auto k = std::size_t(std::find_if(Derived::kState.begin(), Derived::kState.end(),
                                              [&](const char* known) { return name == known; }) -
                                 Derived::kState.begin());
      if (k == NumState || loaded[k])
        throw CheckpointError("unexpected state buffer '" + name + "'", "optimizer.state");
      if (data.size() != this->params().size())
        throw CheckpointError("state buffer has " + std::to_string(data.size()) +
                                  " elements, parameters have " +
                                  std::to_string(this->params().size()),
                              std::string("optimizer.") + Derived::kState[k]);
      loaded[k] = &data;
    }
    for (std::size_t g = 0; g < options.size(); ++g)
      for (std::size_t k = 0; k < NumState; ++k)
        if (!loaded[k] && uses(options[g], k))
          throw CheckpointError("state has no buffer '" + std::string(Derived::kState[k]) +
                                    "', which group " + std::to_string(g) + "'s options use",
                                std::string("optimizer.") + Derived::kState[k]);
    for (std::size_t k = 0; k < NumState; ++k) {
      if (!loaded[k]) {
        state_[k] = AlignedBuffer<T>();
        allocated_[k] = false;
        continue;
      }
      if (!allocated_[k]) state_[k] = AlignedBuffer<T>(loaded[k]->size()), allocated_[k] = true;
      std::copy(loaded[k]->begin(), loaded[k]->end(), state_[k].begin());
    }
    options_ = std::move(options);
    steps_ = std::move(steps);
    group_state_ = std::move(group_state);
  }

 private:
  /// Allocates buffer k, each group's range holding its initial value.
  void allocate(std::size_t k) {
    state_[k] = AlignedBuffer<T>(this->params().size());
    allocated_[k] = true;
    for (std::size_t g = 0; g < options_.size(); ++g) {
      const Range r = this->params().group_range(g);
      std::fill_n(state_[k].data() + r.begin, r.size, initial_value(options_[g], k));
    }
  }

  static bool uses(const Options& o, std::size_t buffer) {
    if constexpr (requires { Derived::uses_state(o, buffer); })
      return Derived::uses_state(o, buffer);
    else
      return true;
  }

  static T initial_value(const Options& o, std::size_t buffer) {
    if constexpr (requires { Derived::initial_state(o, buffer); })
      return Derived::initial_state(o, buffer);
    else
      return T(0);
  }

  static constexpr std::size_t kFiniteCheck = 8192;  // elements: 32 KB of floats, still in L2

  /// Updates [b, e) of a group's range (p, g and the state buffers at its start, null while not
  /// allocated); false when a value came out NaN or infinite. The pointers are separate arguments:
  /// GCC trusts __restrict on parameters, so the kernels' loops vectorize without alias checks, and
  /// nothing is read back from a struct on the stack (a struct of these pointers passed by value
  /// cost a store-forwarding stall per step). The range is updated kFiniteCheck elements at a time,
  /// each checked for NaN and infinities while it is in cache (a second pass over the arena cost
  /// ~2.5% of a 2-thread Fashion-MNIST run).
  template <class Scalars>
  static bool update_slice(const Scalars& scalars, T* p, const T* g,
                           const std::array<T*, NumState>& state, std::size_t b, std::size_t e) {
    bool finite = true;
    for (std::size_t c = b; c < e; c += kFiniteCheck) {
      const std::size_t n = std::min(kFiniteCheck, e - c);
      std::apply(
          [&](auto*... buffers) {
            Derived::update(scalars, n, p + c, g + c, (buffers ? buffers + c : nullptr)...);
          },
          state);
      finite = finite && all_finite(p + c, n);
    }
    return finite;
  }

  /// update_slice over [0, n) in num_threads() ranges (parallel_for).
  template <class Scalars>
  [[gnu::noinline]] void update_shared(const Scalars& scalars, T* p, const T* g,
                                       const std::array<T*, NumState>& state, std::size_t n) {
    parallel_for(n, [&](std::size_t b, std::size_t e) {
      if (!update_slice(scalars, p, g, state, b, e))
        finite_.store(false, std::memory_order_relaxed);
    });
  }

  std::vector<Options> options_;
  std::vector<std::int64_t> steps_;
  std::vector<GroupState> group_state_;
  std::array<AlignedBuffer<T>, NumState> state_;
  std::array<bool, NumState> allocated_{};
  std::atomic<bool> finite_{true};  // every value stored by the last step()
};

}  // namespace descent::optim
