#pragma once
// L-BFGS exactly as torch.optim.LBFGS (1.13): closure-based step(closure) running up to max_iter
// quasi-Newton iterations, with a fixed step (lr) or torch's strong-Wolfe line search (ported from
// minFunc / torch7's lswolfe.lua), the same stopping tests and the same state.
#include <cstdint>
#include <string>
#include <vector>

#include "descent/optim/single_group.hpp"

namespace descent::optim {

struct LBFGSOptions {
  double lr = 1;
  int max_iter = 20;
  int max_eval = 0;  // 0: max_iter*5/4 (torch's None)
  double tolerance_grad = 1e-7;
  double tolerance_change = 1e-9;
  int history_size = 100;
  std::string line_search_fn = "none";

  template <class V>
  void visit(V&& v) {
    v("lr", lr, "step length t of each iteration (initial step of the line search)",
      options::at_least(0));
    v("max_iter", max_iter, "maximal number of iterations per step(closure)", options::at_least(1));
    v("max_eval", max_eval, "maximal number of closure evaluations per step; 0 = max_iter*5/4",
      options::at_least(0));
    v("tolerance_grad", tolerance_grad, "stop when max_i |g_i| <= tolerance_grad",
      options::at_least(0));
    v("tolerance_change", tolerance_change,
      "stop when the step max_i |t*d_i| or the loss change is below this", options::at_least(0));
    v("history_size", history_size, "number of (s, y) pairs kept for the inverse Hessian",
      options::at_least(1));
    v("line_search_fn", line_search_fn, "\"none\" (fixed step lr) or \"strong_wolfe\"",
      options::one_of({"none", "strong_wolfe", ""}));
  }
  bool strong_wolfe() const { return line_search_fn == "strong_wolfe"; }
  /// The evaluation budget: max_eval, or max_iter*5/4 when 0. (torch fixes its None default at
  /// construction; here it follows later changes of max_iter.)
  int max_evals() const { return max_eval > 0 ? max_eval : max_iter * 5 / 4; }
};

/// torch.optim.LBFGS. Each iteration k of step(closure):
///   direction  d = -H_k g by the two-loop recursion over the last m pairs
// clang-format off
///              s_i = t_i d_i, y_i = g_{i+1} - g_i (kept when y^T s > 1e-10), rho_i = 1/(y_i^T s_i),
///              initial H_0 = gamma I with gamma = y^T s / y^T y (Nocedal & Wright, alg. 7.4)
// clang-format on
///   step       x = x + t d with t = lr (first iteration ever: t = min(1, 1/||g||_1) lr), or t from
///              the strong-Wolfe search: f(x+td) <= f + c1 t g^T d, |g(x+td)^T d| <= -c2 g^T d
///              (c1 = 1e-4, c2 = 0.9, at most 25 evaluations, cubic interpolation)
/// One parameter group, as torch. History buffers are allocated when the history first reaches
/// each length (at most history_size times); a step allocates nothing after that.
template <class T>
class LBFGS : public SingleGroupOptimizer<T, LBFGSOptions> {
 public:
  using Options = LBFGSOptions;
  static constexpr const char* kName = "lbfgs";

  LBFGS(Params<T>& params, const Options& options = {});

  /// UsageError: L-BFGS re-evaluates the objective; call step(closure).
  void step() override;
  /// Up to max_iter iterations; returns the loss at the start, as torch.
  double step(const Closure& closure) override;
  bool needs_closure() const override { return true; }

  /// torch's state['n_iter'] and state['func_evals'].
  std::int64_t n_iter() const { return n_iter_; }
  std::int64_t func_evals() const { return func_evals_; }

  /// groups[0] holds the options, "step" and "state": {n_iter, func_evals, t, H_diag, prev_loss,
  /// ro}; buffers d, prev_flat_grad (arena layout), old_dirs, old_stps (oldest first).
  StateDict<T> state_dict() const override;
  void load_state_dict(const StateDict<T>& state) override;

 private:
  /// Resizes the history ring to history_size.
  void prepare_options(Options& o) override;
  struct LineSearch {
    double loss, t;
    int evals;
  };
  void update_history();
  void two_loop_direction();
  LineSearch strong_wolfe(const Closure& closure, double t, double loss, double gtd);
  double evaluate_at(const Closure& closure, double t);
  std::size_t slot(std::size_t i) const { return (history_start_ + i) % old_dirs_.size(); }
  void resize_history(std::size_t capacity);

  using SingleGroupOptimizer<T, LBFGSOptions>::options_;
  using SingleGroupOptimizer<T, LBFGSOptions>::steps_;
  // torch's state
  std::int64_t n_iter_ = 0, func_evals_ = 0;
  double t_ = 0, H_diag_ = 1, prev_loss_ = 0;
  AlignedBuffer<T> d_, prev_flat_grad_, flat_grad_;
  std::vector<AlignedBuffer<T>> old_dirs_, old_stps_;  // ring of history_size slots, y and s
  std::vector<double> ro_, al_;                        // per slot
  std::size_t history_start_ = 0, history_count_ = 0;
  // line-search scratch
  AlignedBuffer<T> x_init_, g_prev_;
  std::array<AlignedBuffer<T>, 2> bracket_g_;
};

extern template class LBFGS<float>;
extern template class LBFGS<double>;

}  // namespace descent::optim
