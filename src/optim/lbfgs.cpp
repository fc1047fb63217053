#include "descent/optim/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "descent/optim/fmadd.hpp"

namespace descent::optim {

namespace {

// Python's min/max of two values (the first unless the second is strictly smaller/larger), so
// NaNs propagate as in torch's line search.
double py_min(double a, double b) {
  return b < a ? b : a;
}
double py_max(double a, double b) {
  return b > a ? b : a;
}

template <class T>
double dot(const T* a, const T* b, std::size_t n) {
  return parallel_sum(n, [=](std::size_t begin, std::size_t end) {
    double s = 0;
    for (std::size_t i = begin; i < end; ++i) s += double(a[i]) * double(b[i]);
    return s;
  });
}

/// max_i |a_i|, NaN if any a_i is NaN (as torch's a.abs().max()).
template <class T>
T max_abs(const T* a, std::size_t n) {
  T m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const T v = std::abs(a[i]);
    if (v > m || v != v) m = v;
    if (m != m) break;
  }
  return m;
}

/// ||a||_1 = sum_i |a_i|, summed as torch's CPU sum of a short vector: four interleaved partial
/// sums, s_k = sum over i = k mod 4, added in order (checked against torch 1.13 for n <= 17).
template <class T>
double abs_sum(const T* a, std::size_t n) {
  return parallel_sum(n, [=](std::size_t begin, std::size_t end) {
    std::array<double, 4> s{};
    for (std::size_t i = begin; i < end; ++i) s[(i - begin) % 4] += std::abs(double(a[i]));
    return ((s[0] + s[1]) + s[2]) + s[3];
  });
}

/// y = y + alpha*x as torch's y.add_(x, alpha=alpha), rounded as its CPU kernel rounds it
/// (fmadd.hpp; checked against torch 1.13: plain a*x + y differs in the last bit).
template <class T>
void axpy(T* __restrict y, double alpha, const T* __restrict x, std::size_t n) {
  const T a = T(alpha);
  parallel_for(n, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) y[i] = fmadd(a, x[i], y[i]);
  });
}

template <class T>
void copy(T* __restrict to, const T* __restrict from, std::size_t n) {
  std::memcpy(to, from, n * sizeof(T));
}

/// Minimizer of the cubic interpolating (x1, f1, f1') and (x2, f2, f2'), clamped to the bounds
/// (default: [min(x1,x2), max(x1,x2)]); the bounds' midpoint when the cubic has no minimum:
///   d1 = g1 + g2 - 3 (f1 - f2)/(x1 - x2),  d2 = sqrt(d1^2 - g1 g2),
///   x = x2 - (x2 - x1) (g2 + d2 - d1)/(g2 - g1 + 2 d2)   (Nocedal & Wright, eq. 3.59)
double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2,
                         std::optional<std::pair<double, double>> bounds = std::nullopt) {
  double xmin_bound, xmax_bound;
  if (bounds) {
    std::tie(xmin_bound, xmax_bound) = *bounds;
  } else if (x1 <= x2) {
    xmin_bound = x1, xmax_bound = x2;
  } else {
    xmin_bound = x2, xmax_bound = x1;
  }
  const double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
  const double d2_square = d1 * d1 - g1 * g2;
  if (d2_square >= 0) {
    const double d2 = std::sqrt(d2_square);
    const double min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                                    : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return py_min(py_max(min_pos, xmin_bound), xmax_bound);
  }
  return (xmin_bound + xmax_bound) / 2.;
}

}  // namespace

template <class T>
LBFGS<T>::LBFGS(Params<T>& params, const Options& options)
    : SingleGroupOptimizer<T, LBFGSOptions>(params, options, kName),
      d_(params.size()),
      prev_flat_grad_(params.size()),
      flat_grad_(params.size()) {
  prepare_options(options_);
}

template <class T>
void LBFGS<T>::step() {
  throw UsageError("L-BFGS re-evaluates the objective during a step", kName,
                   "call step(closure) with a closure that recomputes the loss and gradients");
}

template <class T>
double LBFGS<T>::evaluate_at(const Closure& closure, double t) {
  // torch's _directional_evaluate: x = x_init + t*d, f(x) and its gradient, then x = x_init.
  const std::size_t n = d_.size();
  T* x = this->params().values().data();
  axpy(x, t, d_.data(), n);
  const double loss = closure();
  copy(x, x_init_.data(), n);
  return loss;
}

template <class T>
auto LBFGS<T>::strong_wolfe(const Closure& closure, double t, double f, double gtd) -> LineSearch {
  constexpr double c1 = 1e-4, c2 = 0.9;
  constexpr int max_ls = 25;
  const double tolerance_change = options_.tolerance_change;
  const std::size_t n = d_.size();
  const T* d = d_.data();
  const T* g_new = this->params().grads().data();
  const double d_norm = double(max_abs(d, n));

  double f_new = evaluate_at(closure, t);
  int evals = 1;
  double gtd_new = dot(g_new, d, n);

  // Bracket an interval containing a point satisfying the strong Wolfe conditions.
  double t_prev = 0, f_prev = f, gtd_prev = gtd;
  copy(g_prev_.data(), flat_grad_.data(), n);
  std::array<double, 2> bracket{}, bracket_f{}, bracket_gtd{};
  bool done = false;
  int ls_iter = 0;
  auto set_bracket = [&] {  // [t_prev, t]
    bracket = {t_prev, t}, bracket_f = {f_prev, f_new}, bracket_gtd = {gtd_prev, gtd_new};
    copy(bracket_g_[0].data(), g_prev_.data(), n);
    copy(bracket_g_[1].data(), g_new, n);
  };
  while (ls_iter < max_ls) {
    if (f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev)) {
      set_bracket();
      break;
    }
    if (std::abs(gtd_new) <= -c2 * gtd) {  // a single point: [t]
      bracket = {t, t}, bracket_f = {f_new, f_new}, bracket_gtd = {gtd_new, gtd_new};
      copy(bracket_g_[0].data(), g_new, n);
      done = true;
      break;
    }
    if (gtd_new >= 0) {
      set_bracket();
      break;
    }
    // Extrapolate by cubic interpolation within [t + 0.01 (t - t_prev), 10 t].
    const double min_step = t + 0.01 * (t - t_prev);
    const double max_step = t * 10;
    const double tmp = t;
    t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new,
                          std::pair{min_step, max_step});
    t_prev = tmp;
    f_prev = f_new;
    copy(g_prev_.data(), g_new, n);
    gtd_prev = gtd_new;
    f_new = evaluate_at(closure, t);
    ++evals;
    gtd_new = dot(g_new, d, n);
    ++ls_iter;
  }
  if (ls_iter == max_ls) {  // bracket [0, t]; its slopes are not used (no zoom follows)
    bracket = {0, t}, bracket_f = {f, f_new};
    copy(bracket_g_[0].data(), flat_grad_.data(), n);
    copy(bracket_g_[1].data(), g_new, n);
  }

  // Zoom: shrink the bracket until a point satisfies the conditions.
  bool insuf_progress = false;
  std::size_t low = bracket_f[0] <= bracket_f[1] ? 0 : 1, high = 1 - low;
  if (done) low = 0;
  while (!done && ls_iter < max_ls) {
    if (std::abs(bracket[1] - bracket[0]) * d_norm < tolerance_change) break;
    t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1],
                          bracket_gtd[1]);
    // Keep t at least 0.1 of the bracket away from its ends after insufficient progress.
    const double b_max = py_max(bracket[0], bracket[1]), b_min = py_min(bracket[0], bracket[1]);
    const double eps = 0.1 * (b_max - b_min);
    if (py_min(b_max - t, t - b_min) < eps) {
      if (insuf_progress || t >= b_max || t <= b_min) {
        t = std::abs(t - b_max) < std::abs(t - b_min) ? b_max - eps : b_min + eps;
        insuf_progress = false;
      } else {
        insuf_progress = true;
      }
    } else {
      insuf_progress = false;
    }
    f_new = evaluate_at(closure, t);
    ++evals;
    gtd_new = dot(g_new, d, n);
    ++ls_iter;
    if (f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low]) {
      // Armijo condition fails or no lower than the low end: t becomes the high end.
      bracket[high] = t, bracket_f[high] = f_new, bracket_gtd[high] = gtd_new;
      copy(bracket_g_[high].data(), g_new, n);
      low = bracket_f[0] <= bracket_f[1] ? 0 : 1, high = 1 - low;
    } else {
      if (std::abs(gtd_new) <= -c2 * gtd) {
        done = true;
      } else if (gtd_new * (bracket[high] - bracket[low]) >= 0) {  // old low becomes the high end
        bracket[high] = bracket[low], bracket_f[high] = bracket_f[low];
        bracket_gtd[high] = bracket_gtd[low];
        copy(bracket_g_[high].data(), bracket_g_[low].data(), n);
      }
      bracket[low] = t, bracket_f[low] = f_new, bracket_gtd[low] = gtd_new;
      copy(bracket_g_[low].data(), g_new, n);
    }
  }
  copy(flat_grad_.data(), bracket_g_[low].data(), n);
  return {bracket_f[low], bracket[low], evals};
}

template <class T>
void LBFGS<T>::update_history() {
  // y = g - g_prev, s = t d; the pair is kept when the curvature y^T s > 1e-10.
  const std::size_t n = d_.size();
  const T* g = flat_grad_.data();
  const T* pg = prev_flat_grad_.data();
  const T* d = d_.data();
  const T t = T(t_);
  const double ys = parallel_sum(n, [=](std::size_t begin, std::size_t end) {
    double s = 0;
    for (std::size_t i = begin; i < end; ++i) s += double(T(g[i] - pg[i])) * double(T(d[i] * t));
    return s;
  });
  if (!(ys > 1e-10)) return;
  const std::size_t capacity = old_dirs_.size();
  std::size_t k;
  if (history_count_ == capacity) {  // drop the oldest pair
    k = history_start_;
    history_start_ = (history_start_ + 1) % capacity;
  } else {
    k = slot(history_count_++);
  }
  if (old_dirs_[k].empty()) old_dirs_[k] = AlignedBuffer<T>(n), old_stps_[k] = AlignedBuffer<T>(n);
  T* y = old_dirs_[k].data();
  T* s = old_stps_[k].data();
  parallel_for(n, [=](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) y[i] = g[i] - pg[i], s[i] = d[i] * t;
  });
  ro_[k] = 1. / ys;
  H_diag_ = ys / dot(y, y, n);  // gamma = y^T s / y^T y
}

template <class T>
void LBFGS<T>::two_loop_direction() {
  // d = -H g by the two-loop recursion (Nocedal & Wright, algorithm 7.4), in one buffer.
  const std::size_t n = d_.size();
  T* q = d_.data();
  const T* g = flat_grad_.data();
  for (std::size_t i = 0; i < n; ++i) q[i] = -g[i];
  for (std::size_t i = history_count_; i-- > 0;) {
    const std::size_t k = slot(i);
    al_[k] = dot(old_stps_[k].data(), q, n) * ro_[k];  // alpha_i = rho_i s_i^T q
    axpy(q, -al_[k], old_dirs_[k].data(), n);          // q = q - alpha_i y_i
  }
  const T h = T(H_diag_);
  for (std::size_t i = 0; i < n; ++i) q[i] = q[i] * h;  // r = H_0 q
  for (std::size_t i = 0; i < history_count_; ++i) {
    const std::size_t k = slot(i);
    const double be_i = dot(old_dirs_[k].data(), q, n) * ro_[k];  // beta = rho_i y_i^T r
    axpy(q, al_[k] - be_i, old_stps_[k].data(), n);               // r = r + (alpha_i - beta) s_i
  }
}

template <class T>
double LBFGS<T>::step(const Closure& closure) {
  const Options& o = options_;
  const std::size_t n = d_.size();
  T* x = this->params().values().data();
  const T* grads = this->params().grads().data();
  if (o.strong_wolfe() && x_init_.empty()) {
    x_init_ = AlignedBuffer<T>(n), g_prev_ = AlignedBuffer<T>(n);
    for (auto& b : bracket_g_) b = AlignedBuffer<T>(n);
  }
  ++steps_;

  const double orig_loss = closure();
  double loss = orig_loss;
  int current_evals = 1;
  ++func_evals_;
  copy(flat_grad_.data(), grads, n);
  bool opt_cond = double(max_abs(flat_grad_.data(), n)) <= o.tolerance_grad;
  if (opt_cond) return orig_loss;

  int n_iter = 0;
  while (n_iter < o.max_iter) {
    ++n_iter;
    ++n_iter_;
    // Direction: steepest descent the first time, then the L-BFGS two-loop recursion.
    if (n_iter_ == 1) {
      for (std::size_t i = 0; i < n; ++i) d_[i] = -flat_grad_[i];
      history_start_ = history_count_ = 0;
      H_diag_ = 1;
    } else {
      update_history();
      two_loop_direction();
    }
    copy(prev_flat_grad_.data(), flat_grad_.data(), n);
    prev_loss_ = loss;

    // Step length: t = min(1, 1/||g||_1) lr the first time, then lr.
    t_ = n_iter_ == 1 ? py_min(1., 1. / abs_sum(flat_grad_.data(), n)) * o.lr : o.lr;
    const double gtd = dot(flat_grad_.data(), d_.data(), n);  // directional derivative g^T d
    if (gtd > -o.tolerance_change) break;

    int ls_func_evals = 0;
    if (o.strong_wolfe()) {
      copy(x_init_.data(), x, n);
      const LineSearch ls = strong_wolfe(closure, t_, loss, gtd);
      loss = ls.loss, t_ = ls.t, ls_func_evals = ls.evals;
      axpy(x, t_, d_.data(), n);
      opt_cond = double(max_abs(flat_grad_.data(), n)) <= o.tolerance_grad;
    } else {
      axpy(x, t_, d_.data(), n);
      if (n_iter != o.max_iter) {  // torch skips the evaluation after the last iteration
        loss = closure();
        copy(flat_grad_.data(), grads, n);
        opt_cond = double(max_abs(flat_grad_.data(), n)) <= o.tolerance_grad;
        ls_func_evals = 1;
      }
    }
    current_evals += ls_func_evals;
    func_evals_ += ls_func_evals;

    if (n_iter == o.max_iter) break;
    if (current_evals >= o.max_evals()) break;
    if (opt_cond) break;
    if (double(max_abs(d_.data(), n) * std::abs(T(t_))) <= o.tolerance_change) break;  // |t d|
    if (std::abs(loss - prev_loss_) < o.tolerance_change) break;
  }
  return orig_loss;
}

template <class T>
void LBFGS<T>::resize_history(std::size_t capacity) {
  // Linearize the ring (oldest pair first), keep the newest `capacity` pairs.
  const auto first = std::ptrdiff_t(history_start_);
  const auto drop = std::ptrdiff_t(history_count_ > capacity ? history_count_ - capacity : 0);
  const auto count = std::ptrdiff_t(history_count_);
  auto linearize = [&](auto& ring) {
    std::rotate(ring.begin(), ring.begin() + first, ring.end());
    std::rotate(ring.begin(), ring.begin() + drop, ring.begin() + count);
    ring.resize(capacity);
  };
  linearize(old_dirs_);
  linearize(old_stps_);
  linearize(ro_);
  al_.resize(capacity);
  history_start_ = 0;
  history_count_ = std::min(history_count_, capacity);
}

template <class T>
void LBFGS<T>::prepare_options(Options& o) {
  if (std::size_t(o.history_size) != old_dirs_.size()) resize_history(std::size_t(o.history_size));
}

template <class T>
StateDict<T> LBFGS<T>::state_dict() const {
  StateDict<T> sd;
  sd.optimizer = kName;
  sd.groups = this->state_groups();
  nlohmann::json ro = nlohmann::json::array();
  const std::size_t n = d_.size();
  std::vector<T> dirs, stps;
  dirs.reserve(history_count_ * n), stps.reserve(history_count_ * n);
  for (std::size_t i = 0; i < history_count_; ++i) {
    const std::size_t k = slot(i);
    ro.push_back(ro_[k]);
    dirs.insert(dirs.end(), old_dirs_[k].begin(), old_dirs_[k].end());
    stps.insert(stps.end(), old_stps_[k].begin(), old_stps_[k].end());
  }
  sd.groups[0]["state"] = {{"n_iter", n_iter_}, {"func_evals", func_evals_}, {"t", t_},
                           {"H_diag", H_diag_}, {"prev_loss", prev_loss_},   {"ro", ro}};
  sd.buffers.emplace_back("d", std::vector<T>(d_.begin(), d_.end()));
  sd.buffers.emplace_back("prev_flat_grad",
                          std::vector<T>(prev_flat_grad_.begin(), prev_flat_grad_.end()));
  sd.buffers.emplace_back("old_dirs", std::move(dirs));
  sd.buffers.emplace_back("old_stps", std::move(stps));
  return sd;
}

template <class T>
void LBFGS<T>::load_state_dict(const StateDict<T>& sd) {
  const std::size_t n = d_.size();
  std::int64_t steps, n_iter, func_evals;
  const Options o = this->parse_state_groups(sd, steps, {"state"});
  double t, H_diag, prev_loss;
  std::vector<double> ro;
  try {
    const nlohmann::json& s = sd.groups[0].at("state");
    n_iter = s.at("n_iter").get<std::int64_t>();
    func_evals = s.at("func_evals").get<std::int64_t>();
    t = s.at("t").get<double>();
    H_diag = s.at("H_diag").get<double>();
    prev_loss = s.at("prev_loss").get<double>();
    ro = s.at("ro").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(fmt::format("missing or invalid L-BFGS state ({})", e.what()),
                          "optimizer.groups[0].state");
  }
  const std::size_t count = ro.size();
  if (count > std::size_t(o.history_size))
    throw CheckpointError(
        fmt::format("state holds {} history pairs, history_size is {}", count, o.history_size),
        "optimizer.groups[0].state.ro");
  const std::array<std::pair<const char*, std::size_t>, 4> expected{
      {{"d", n}, {"prev_flat_grad", n}, {"old_dirs", count * n}, {"old_stps", count * n}}};
  if (sd.buffers.size() != expected.size())
    throw CheckpointError(fmt::format("state has {} buffers, L-BFGS has 4", sd.buffers.size()),
                          "optimizer.state");
  for (std::size_t b = 0; b < expected.size(); ++b) {
    const auto& [name, data] = sd.buffers[b];
    if (name != expected[b].first)
      throw CheckpointError(fmt::format("unexpected state buffer '{}'", name),
                            std::string("optimizer.") + expected[b].first);
    if (data.size() != expected[b].second)
      throw CheckpointError(
          fmt::format("state buffer has {} elements, expected {}", data.size(), expected[b].second),
          std::string("optimizer.") + name);
  }
  // Everything checked: commit.
  history_start_ = history_count_ = 0;
  options_ = o;
  resize_history(std::size_t(o.history_size));
  for (std::size_t i = 0; i < count; ++i) {
    if (old_dirs_[i].empty())
      old_dirs_[i] = AlignedBuffer<T>(n), old_stps_[i] = AlignedBuffer<T>(n);
    copy(old_dirs_[i].data(), sd.buffers[2].second.data() + i * n, n);
    copy(old_stps_[i].data(), sd.buffers[3].second.data() + i * n, n);
    ro_[i] = ro[i];
  }
  history_count_ = count;
  copy(d_.data(), sd.buffers[0].second.data(), n);
  copy(prev_flat_grad_.data(), sd.buffers[1].second.data(), n);
  steps_ = steps, n_iter_ = n_iter, func_evals_ = func_evals;
  t_ = t, H_diag_ = H_diag, prev_loss_ = prev_loss;
}

template class LBFGS<float>;
template class LBFGS<double>;

}  // namespace descent::optim
