#include "descent/objective/tracer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "descent/optim/factory.hpp"
#include "descent/optim/newton.hpp"

namespace descent::objective {

namespace {
Params<double> point_params(std::size_t n) {
  Params<double> p;
  p.add("x", {n});
  p.allocate();
  return p;
}
}  // namespace

Tracer::Tracer(const Function& f, std::span<const double> x0, const nlohmann::json& spec)
    : f_(f), params_(point_params(f.dimension())) {
  if (x0.size() != f.dimension())
    throw ConfigError(fmt::format("start point has {} coordinates, the function has {}", x0.size(),
                                  f.dimension()),
                      "x0", fmt::format("give {} comma-separated numbers", f.dimension()));
  if (!std::all_of(x0.begin(), x0.end(), [](double v) { return std::isfinite(v); }))
    throw ConfigError("start point is not finite", "x0");
  std::copy(x0.begin(), x0.end(), params_.values().begin());
  optimizer_ = optim::make<double>(params_, spec);
  if (auto* newton = dynamic_cast<optim::Newton<double>*>(optimizer_.get())) {
    if (!f.has_hessian())
      throw ConfigError("Newton's method needs the Hessian, this function has none", "optimizer",
                        "use a function with an analytic Hessian, or lbfgs");
    newton->set_hessian([this](std::span<double> h) { f_.hessian(params_.values(), h); });
  }
  lr_ = optimizer_->lr(0);
  value_ = evaluate();
  grad_norm_ = params_.grad_norm();
  check_finite();
}

double Tracer::evaluate() {
  return f_.value_and_gradient(params_.values(), params_.grads());
}

void Tracer::step() {
  lr_ = optimizer_->lr(0);
  optimizer_->step([this] { return evaluate(); });
  ++steps_;
  value_ = evaluate();
  grad_norm_ = params_.grad_norm();
  check_finite();
}

void Tracer::check_finite() const {
  const bool x_finite = !params_.first_nonfinite_value().has_value();
  if (x_finite && std::isfinite(value_) && std::isfinite(grad_norm_)) return;
  const std::string what = !std::isfinite(value_) ? fmt::format("f = {}", value_)
                           : !x_finite            ? std::string("x is not finite")
                                                  : fmt::format("gradient norm = {}", grad_norm_);
  if (steps_ == 0)
    throw NumericalError(fmt::format("{} at the start point", what), "step 0",
                         "choose a start point where f is finite");
  throw NumericalError(fmt::format("{}, the run diverged", what), fmt::format("step {}", steps_),
                       fmt::format("try a learning rate below {}", lr_));
}

}  // namespace descent::objective
