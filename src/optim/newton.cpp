#include "descent/optim/newton.hpp"

#include <cmath>

#include <fmt/format.h>

namespace descent::optim {

namespace {

/// In-place Cholesky factorization A = L L^T of a symmetric n*n row-major matrix (Cholesky-
/// Banachiewicz: L_jj = sqrt(A_jj - sum_k<j L_jk^2), L_ij = (A_ij - sum_k<j L_ik L_jk) / L_jj for
/// i > j); the lower triangle receives L. False if A is not (numerically) positive definite.
bool cholesky(std::vector<double>& a, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) {
    double d = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
    if (!(d > 0)) return false;
    const double l = std::sqrt(d);
    a[j * n + j] = l;
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = s / l;
    }
  }
  return true;
}

/// Solves L L^T x = b in place (b becomes x): forward substitution L z = b, then back
/// substitution L^T x = z.
void cholesky_solve(const std::vector<double>& l, std::size_t n, std::vector<double>& b) {
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < i; ++k) b[i] -= l[i * n + k] * b[k];
    b[i] /= l[i * n + i];
  }
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t k = i + 1; k < n; ++k) b[i] -= l[k * n + i] * b[k];
    b[i] /= l[i * n + i];
  }
}

}  // namespace

void NewtonOptions::validate(const std::string& name) const {
  check_nonnegative(name, "lr", lr);
  check_nonnegative(name, "damping", damping);
}

template <class T>
Newton<T>::Newton(Params<T>& params, const Options& options)
    : SingleGroupOptimizer<T, NewtonOptions>(params, options, kName),
      h_(params.size() * params.size()),
      p_(params.size()) {}

template <class T>
void Newton<T>::step() {
  if (!hessian_)
    throw UsageError("Newton's method needs the Hessian of the objective", kName,
                     "call set_hessian(fn) with a function writing the n*n Hessian at the current "
                     "parameters");
  const std::size_t n = p_.size();
  auto& params = this->params();
  ++steps_;
  hessian_(std::span<double>(h_));
  for (double h : h_)
    if (!std::isfinite(h))
      throw NumericalError(fmt::format("the Hessian has a non-finite entry at step {}", steps_),
                           kName, "check the objective at the current parameters");
  for (std::size_t i = 0; i < n; ++i) h_[i * n + i] += options_.damping;  // H + lambda I
  if (!cholesky(h_, n))
    throw NumericalError(
        fmt::format("the Hessian{} is not positive definite at step {} (Cholesky failed)",
                    options_.damping > 0 ? fmt::format(" + {} I", options_.damping) : "", steps_),
        kName,
        options_.damping > 0
            ? "increase damping above minus the Hessian's smallest eigenvalue"
            : "set damping > 0 (Levenberg: H + damping*I), or use a first-order method or lbfgs");
  for (std::size_t i = 0; i < n; ++i) p_[i] = double(params.grads()[i]);
  cholesky_solve(h_, n, p_);  // p = (H + lambda I)^-1 g
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
