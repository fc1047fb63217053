#include "descent/optim/newton.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Cholesky>

#include <fmt/format.h>

namespace descent::optim {

template <class T>
Newton<T>::Newton(Params<T>& params, const Options& options)
    : SingleGroupOptimizer<T, NewtonOptions>(params, options, kName),
      h_(params.size() * params.size()),
      p_(params.size()),
      g0_(params.size()),
      g_plus_(params.size()) {}

template <class T>
void Newton<T>::step() {
  if (!hessian_)
    throw UsageError("Newton's method needs the Hessian of the objective", kName,
                     "call set_hessian(fn) with a function writing the n*n Hessian at the current "
                     "parameters, or step(closure)");
  ++steps_;
  hessian_(std::span<double>(h_));
  update();
}

template <class T>
double Newton<T>::step(const Closure& closure) {
  const double loss = closure();  // the gradient at x; its loss is returned, as torch's step
  if (hessian_) {
    step();
    return loss;
  }
  ++steps_;
  finite_difference_hessian(closure);
  update();
  return loss;
}

// Central differences of the gradient, one coordinate at a time (exact for a quadratic objective
// up to rounding):
//   H e_j = (g(x + h_j e_j) - g(x - h_j e_j)) / (2 h_j),  h_j = eps^(1/3) max(1, |x_j|),
// then symmetrized, H = (H + H^T) / 2. The gradient at x is put back into the arena afterwards.
template <class T>
void Newton<T>::finite_difference_hessian(const Closure& closure) {
  const std::size_t n = p_.size();
  auto& params = this->params();
  T* x = params.values().data();
  T* g = params.grads().data();
  std::copy(g, g + n, g0_.begin());
  const double h0 = std::cbrt(double(std::numeric_limits<T>::epsilon()));
  for (std::size_t j = 0; j < n; ++j) {
    const T xj = x[j];
    const double h = h0 * std::max(1.0, std::abs(double(xj)));
    x[j] = T(double(xj) + h);
    const double above = double(x[j]);  // the step as represented in T
    closure();
    std::copy(g, g + n, g_plus_.begin());
    x[j] = T(double(xj) - h);
    const double width = above - double(x[j]);
    closure();
    for (std::size_t i = 0; i < n; ++i) h_[i * n + j] = (double(g_plus_[i]) - double(g[i])) / width;
    x[j] = xj;
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j)
      h_[i * n + j] = h_[j * n + i] = 0.5 * (h_[i * n + j] + h_[j * n + i]);
  std::copy(g0_.begin(), g0_.end(), g);
}

template <class T>
void Newton<T>::update() {
  const std::size_t n = p_.size();
  auto& params = this->params();
  for (double h : h_)
    if (!std::isfinite(h))
      throw NumericalError(fmt::format("the Hessian has a non-finite entry at step {}", steps_),
                           kName, "check the objective at the current parameters");
  for (std::size_t i = 0; i < n; ++i) h_[i * n + i] += options_.damping;  // H + lambda I
  // Cholesky factorization H + lambda I = L L^T (Eigen's LLT), then two triangular solves.
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::LLT<RowMajor> llt(
      Eigen::Map<const RowMajor>(h_.data(), Eigen::Index(n), Eigen::Index(n)));
  if (llt.info() != Eigen::Success)
    throw NumericalError(
        fmt::format("the Hessian{} is not positive definite at step {} (Cholesky failed)",
                    options_.damping > 0 ? fmt::format(" + {} I", options_.damping) : "", steps_),
        kName,
        options_.damping > 0
            ? "increase damping above minus the Hessian's smallest eigenvalue"
            : "set damping > 0 (Levenberg: H + damping*I), or use a first-order method or lbfgs");
  for (std::size_t i = 0; i < n; ++i) p_[i] = double(params.grads()[i]);
  Eigen::Map<Eigen::VectorXd> p(p_.data(), Eigen::Index(n));
  p = llt.solve(p);  // p = (H + lambda I)^-1 g
  for (std::size_t i = 0; i < n; ++i)
    params.values()[i] = T(double(params.values()[i]) - options_.lr * p_[i]);
}

template <class T>
StateDict<T> Newton<T>::state_dict() const {
  StateDict<T> sd;
  sd.optimizer = kName;
  sd.groups = this->state_groups();
  return sd;
}

template <class T>
void Newton<T>::load_state_dict(const StateDict<T>& sd) {
  std::int64_t steps;
  const Options o = this->parse_state_groups(sd, steps);
  if (!sd.buffers.empty())
    throw CheckpointError(fmt::format("state has {} buffers, Newton has none", sd.buffers.size()),
                          "optimizer.state");
  options_ = o;
  steps_ = steps;
}

template class Newton<float>;
template class Newton<double>;

}  // namespace descent::optim
