#include "descent/objective/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace descent::objective {

GradcheckReport merge_worst(std::vector<CoordinateError> errors, std::size_t keep) {
  std::sort(errors.begin(), errors.end(), [](const CoordinateError& a, const CoordinateError& b) {
    return a.error > b.error || (a.error == b.error && a.index < b.index);
  });
  if (errors.size() > keep) errors.resize(keep);
  GradcheckReport report;
  report.max_error = errors.empty() ? 0.0 : errors.front().error;
  report.worst = std::move(errors);
  return report;
}

GradcheckReport gradcheck(std::span<double> x, std::span<const double> analytic,
                          const std::function<double()>& value, const GradcheckOptions& options) {
  if (analytic.size() != x.size())
    throw UsageError(
        fmt::format("gradcheck: {} analytic derivatives for {} values", analytic.size(), x.size()));
  const double cbrt_eps = std::cbrt(std::numeric_limits<double>::epsilon());
  std::vector<CoordinateError> errors;
  errors.reserve(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double xi = x[i];
    const double h = options.step > 0 ? options.step : cbrt_eps * std::max(1.0, std::abs(xi));
    const double plus = xi + h, minus = xi - h;
    x[i] = plus;
    const double f_plus = value();
    x[i] = minus;
    const double f_minus = value();
    x[i] = xi;
    // n_i = (f(x + h e_i) - f(x - h e_i)) / (2h), with 2h the representable distance plus - minus
    const double numeric = (f_plus - f_minus) / (plus - minus);
    const double a = analytic[i];
    const double scale = std::max({std::abs(a), std::abs(numeric), options.floor});
    double error = std::abs(a - numeric) / scale;
    if (std::isnan(error)) error = std::numeric_limits<double>::infinity();
    errors.push_back({i, a, numeric, error, h});
  }
  return merge_worst(std::move(errors), options.worst);
}

std::string GradcheckReport::describe() const {
  std::string line = fmt::format("max relative error {:.3g}", max_error);
  for (const auto& e : worst)
    line += fmt::format("; x[{}]: analytic {}, numeric {} (err {:.3g})", e.index, e.analytic,
                        e.numeric, e.error);
  return line;
}

}  // namespace descent::objective
