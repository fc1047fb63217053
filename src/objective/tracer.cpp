#include "descent/objective/tracer.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include <fmt/format.h>

#include "descent/objective/sharpness.hpp"
#include "descent/optim/factory.hpp"
#include "descent/optim/newton.hpp"

namespace descent::objective {

namespace {
template <class T>
Params<T> point_params(std::size_t n) {
  Params<T> p;
  p.add("x", {n});
  p.allocate();
  return p;
}
}  // namespace

template <class T>
TracerOf<T>::TracerOf(const Function& f, std::span<const double> x0, const nlohmann::json& spec)
    : f_(f), params_(point_params<T>(f.dimension())) {
  if (x0.size() != f.dimension())
    throw ConfigError(fmt::format("start point has {} coordinates, the function has {}", x0.size(),
                                  f.dimension()),
                      "x0", fmt::format("give {} comma-separated numbers", f.dimension()));
  if (!std::all_of(x0.begin(), x0.end(), [](double v) { return std::isfinite(v); }))
    throw ConfigError("start point is not finite", "x0");
  std::transform(x0.begin(), x0.end(), params_.values().begin(),
                 [](double v) { return static_cast<T>(v); });
  if constexpr (!std::is_same_v<T, double>) {
    x_double_.resize(f.dimension());
    g_double_.resize(f.dimension());
  }
  optimizer_ = optim::make<T>(params_, spec);
  if (auto* newton = dynamic_cast<optim::Newton<T>*>(optimizer_.get())) {
    if (!f.has_hessian())
      throw ConfigError("Newton's method needs the Hessian, this function has none", "optimizer",
                        "use a function with an analytic Hessian, or lbfgs");
    newton->set_hessian([this](std::span<double> h) {
      if constexpr (std::is_same_v<T, double>) {
        f_.hessian(params_.values(), h);
      } else {
        std::copy(params_.values().begin(), params_.values().end(), x_double_.begin());
        f_.hessian(x_double_, h);
      }
    });
  }
  lr_ = optimizer_->lr(0);
  value_ = evaluate();
  grad_norm_ = params_.grad_norm();
  check_finite();
  if (f.has_hessian()) {
    try {
      start_sharpness_ = sharpness(f, x0).lambda_max;
    } catch (const NumericalError&) {
      // a Hessian that is not finite at x0 has no sharpness to report
    }
  }
}

template <class T>
double TracerOf<T>::evaluate() {
  if constexpr (std::is_same_v<T, double>) {
    return f_.value_and_gradient(params_.values(), params_.grads());
  } else {
    std::copy(params_.values().begin(), params_.values().end(), x_double_.begin());
    const double value = f_.value_and_gradient(x_double_, g_double_);
    std::transform(g_double_.begin(), g_double_.end(), params_.grads().begin(),
                   [](double g) { return static_cast<T>(g); });
    return value;
  }
}

template <class T>
void TracerOf<T>::step() {
  lr_ = optimizer_->lr(0);
  optimizer_->step([this] { return evaluate(); });
  ++steps_;
  value_ = evaluate();
  grad_norm_ = params_.grad_norm();
  check_finite();
}

template <class T>
void TracerOf<T>::check_finite() const {
  const bool x_finite = !params_.first_nonfinite_value().has_value();
  if (x_finite && std::isfinite(value_) && std::isfinite(grad_norm_)) return;
  const std::string what = !std::isfinite(value_) ? fmt::format("f = {}", value_)
                           : !x_finite            ? std::string("x is not finite")
                                                  : fmt::format("gradient norm = {}", grad_norm_);
  if (steps_ == 0)
    throw NumericalError(fmt::format("{} at the start point", what), "step 0",
                         "choose a start point where f is finite");
  const std::string hint =
      start_sharpness_ && *start_sharpness_ > 0
          ? fmt::format(
                "gradient descent is stable for lr < 2/lambda_max = {:.6g} (lambda_max = "
                "{:.6g}, the largest Hessian eigenvalue at the start point); the lr is {}",
                2 / *start_sharpness_, *start_sharpness_, lr_)
          : fmt::format("try a learning rate below {}", lr_);
  throw NumericalError(fmt::format("{}, the run diverged", what), fmt::format("step {}", steps_),
                       hint);
}

template class TracerOf<float>;
template class TracerOf<double>;

}  // namespace descent::objective
