#pragma once
// An objective f: R^n -> R to minimize, seen two ways:
//  - the concept `Objective` for templates: anything with dimension(), value(x) and gradient(x, g)
//    over double vectors (optionally hessian(x, H), dense row-major n*n, and value_and_gradient
//    when computing both together is cheaper);
//  - the type-erased `Function` for code that picks objectives at run time (the CLI, the registry):
//    erase(f) wraps any Objective, checks the sizes of its arguments, and adds what the zoo knows
//    about it (default start point, known minima).
#include <concepts>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "descent/core/error.hpp"

namespace descent::objective {

template <class F>
concept Objective = requires(const F& f, std::span<const double> x, std::span<double> g) {
  { f.dimension() } -> std::convertible_to<std::size_t>;
  { f.value(x) } -> std::convertible_to<double>;
  f.gradient(x, g);
};

/// An objective with an analytic Hessian: hessian(x, H) writes the n*n matrix, row-major.
template <class F>
concept TwiceDifferentiable = Objective<F> &&
    requires(const F& f, std::span<const double> x, std::span<double> h) {
  f.hessian(x, h);
};

/// f(x), writing grad f(x) into g: the objective's own value_and_gradient if it has one, otherwise
/// gradient() then value().
template <Objective F>
double value_and_gradient(const F& f, std::span<const double> x, std::span<double> g) {
  if constexpr (requires { f.value_and_gradient(x, g); }) {
    return f.value_and_gradient(x, g);
  } else {
    f.gradient(x, g);
    return f.value(x);
  }
}

/// A known global minimum: f(x) = value.
struct Minimum {
  std::vector<double> x;
  double value = 0;
};

/// An objective behind a virtual interface. Sizes are checked: x has dimension() elements, g as
/// many, H dimension()^2; a mismatch is a UsageError.
class Function {
 public:
  virtual ~Function() = default;
  virtual std::size_t dimension() const = 0;
  virtual double value(std::span<const double> x) const = 0;
  virtual void gradient(std::span<const double> x, std::span<double> g) const = 0;
  virtual double value_and_gradient(std::span<const double> x, std::span<double> g) const = 0;
  virtual bool has_hessian() const = 0;
  /// Dense row-major Hessian; UsageError if !has_hessian().
  virtual void hessian(std::span<const double> x, std::span<double> h) const = 0;
  /// The usual starting point of the function (the objective's start(), or the origin).
  virtual std::vector<double> start() const = 0;
  /// The known global minima (the objective's minima(), or none).
  virtual std::vector<Minimum> minima() const = 0;
};

namespace detail {
void check_size(const char* what, std::size_t actual, std::size_t expected);
}

/// Function implemented by an Objective F held by value.
template <Objective F>
class FunctionOf final : public Function {
 public:
  explicit FunctionOf(F f) : f_(std::move(f)) {}

  const F& objective() const { return f_; }
  std::size_t dimension() const override { return f_.dimension(); }
  double value(std::span<const double> x) const override {
    detail::check_size("x", x.size(), dimension());
    return f_.value(x);
  }
  void gradient(std::span<const double> x, std::span<double> g) const override {
    detail::check_size("x", x.size(), dimension());
    detail::check_size("gradient", g.size(), dimension());
    f_.gradient(x, g);
  }
  double value_and_gradient(std::span<const double> x, std::span<double> g) const override {
    detail::check_size("x", x.size(), dimension());
    detail::check_size("gradient", g.size(), dimension());
    return objective::value_and_gradient(f_, x, g);
  }
  bool has_hessian() const override { return TwiceDifferentiable<F>; }
  void hessian(std::span<const double> x, std::span<double> h) const override {
    if constexpr (TwiceDifferentiable<F>) {
      detail::check_size("x", x.size(), dimension());
      detail::check_size("Hessian", h.size(), dimension() * dimension());
      f_.hessian(x, h);
    } else {
      throw UsageError("this objective has no analytic Hessian");
    }
  }
  std::vector<double> start() const override {
    if constexpr (requires { f_.start(); })
      return f_.start();
    else
      return std::vector<double>(dimension(), 0.0);
  }
  std::vector<Minimum> minima() const override {
    if constexpr (requires { f_.minima(); })
      return f_.minima();
    else
      return {};
  }

 private:
  F f_;
};

/// Type-erases an objective: erase(Rosenbrock{}) -> std::unique_ptr<Function>.
template <Objective F>
std::unique_ptr<Function> erase(F f) {
  return std::make_unique<FunctionOf<F>>(std::move(f));
}

}  // namespace descent::objective
