#pragma once
// Elementwise regression losses over all n = batch * k elements, d = output - target:
//   mse       L = (1/n) sum d^2                              (torch F.mse_loss)
//   half_mse  J = (1/2m) sum d^2, m = batch rows              (the course's cost; dJ/dy = d/m)
//   mae       L = (1/n) sum |d|                              (torch F.l1_loss)
//   huber     L = (1/n) sum h(d), h = d^2/2 if |d| < delta else delta (|d| - delta/2)
//                                                             (torch F.huber_loss)
#include "descent/nn/loss.hpp"

namespace descent::nn {

/// The elementwise kernel: Term::value(d) and Term::derivative(d) inlined into one loop, times
/// Term::scale(rows, n).
template <class T, class Term>
class ElementwiseLoss final : public Loss<T> {
 public:
  explicit ElementwiseLoss(Term term = {}) : term_(term) {}
  std::string name() const override { return Term::kName; }
  TargetKind target_kind() const override { return TargetKind::Values; }
  const Term& term() const { return term_; }

 protected:
  double compute(const ConstRef<T>& output, const ConstRef<T>& target,
                 Matrix<T>* grad) const override;

 private:
  Term term_;
};

struct SquaredError {
  static constexpr const char* kName = "mse";
  static double scale(double /*rows*/, double n) { return 1 / n; }
  double value(double d) const { return d * d; }
  double derivative(double d) const { return 2 * d; }
};

struct HalfSquaredError {
  static constexpr const char* kName = "half_mse";
  static double scale(double rows, double /*n*/) { return 1 / (2 * rows); }
  double value(double d) const { return d * d; }
  double derivative(double d) const { return 2 * d; }
};

struct AbsoluteError {
  static constexpr const char* kName = "mae";
  static double scale(double /*rows*/, double n) { return 1 / n; }
  double value(double d) const { return d < 0 ? -d : d; }
  double derivative(double d) const { return d > 0 ? 1 : (d < 0 ? -1 : 0); }  // sign(d), sign(0)=0
};

struct HuberError {
  static constexpr const char* kName = "huber";
  double delta = 1.0;
  static double scale(double /*rows*/, double n) { return 1 / n; }
  double value(double d) const {
    double a = d < 0 ? -d : d;
    return a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
  }
  double derivative(double d) const { return d < -delta ? -delta : (d > delta ? delta : d); }
};

template <class T>
using MSELoss = ElementwiseLoss<T, SquaredError>;
template <class T>
using HalfMSELoss = ElementwiseLoss<T, HalfSquaredError>;
template <class T>
using L1Loss = ElementwiseLoss<T, AbsoluteError>;
template <class T>
using HuberLoss = ElementwiseLoss<T, HuberError>;

extern template class ElementwiseLoss<float, SquaredError>;
extern template class ElementwiseLoss<double, SquaredError>;
extern template class ElementwiseLoss<float, HalfSquaredError>;
extern template class ElementwiseLoss<double, HalfSquaredError>;
extern template class ElementwiseLoss<float, AbsoluteError>;
extern template class ElementwiseLoss<double, AbsoluteError>;
extern template class ElementwiseLoss<float, HuberError>;
extern template class ElementwiseLoss<double, HuberError>;

}  // namespace descent::nn
