#include "descent/optim/newton.hpp"

#include <cmath>

#include <Eigen/Cholesky>

#include <fmt/format.h>

namespace descent::optim {

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
