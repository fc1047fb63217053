#include "descent/nn/gradcheck.hpp"

#include <algorithm>

namespace descent::nn {

ModelGradcheck gradcheck_model(Sequential<double>& net, Params<double>& params,
                               const Loss<double>& loss, ConstRef<double> x,
                               ConstRef<double> target, const Regularizer<double>* regularizer,
                               const ModelGradcheckOptions& options) {
  const nlohmann::json state = net.state();  // Dropout masks: the same in every evaluation
  auto restore = [&] {
    if (!state.is_null()) net.load_state(state);
  };
  auto objective = [&] {
    restore();
    double value = loss.value(net.forward(x), target);
    if (regularizer) value += regularizer->value(params);
    return value;
  };

  // Analytic: dL/dtheta from backward (+ dR/dtheta).
  params.zero_grad();
  restore();
  Matrix<double> grad_output;
  ModelGradcheck result;
  result.loss = loss.evaluate(net.forward(x), target, &grad_output);
  net.backward(grad_output);
  if (regularizer) result.loss += regularizer->apply(params);
  const std::vector<double> analytic(params.grads().begin(), params.grads().end());

  const std::span<double> values = params.values();
  std::vector<objective::CoordinateError> all;
  std::vector<std::pair<std::string, std::size_t>> where;  // per entry of `all`: tensor, index
  for (const TensorId id : params.arena_order()) {
    const auto t = params.tensor(id);
    TensorGradcheck summary{t.name, t.size(), 0, 0};
    const std::size_t k =
        std::min(t.size(), std::max<std::size_t>(options.coordinates_per_tensor, 1));
    for (std::size_t j = 0; j < k; ++j) {
      const std::size_t index = k == t.size() ? j : j * t.size() / k;  // evenly spaced
      const std::size_t at = t.offset + index;
      objective::GradcheckReport one = objective::gradcheck(
          values.subspan(at, 1), std::span<const double>(analytic).subspan(at, 1), objective,
          options.check);
      objective::CoordinateError e = one.worst.front();
      e.index = all.size();
      summary.max_error = std::max(summary.max_error, e.error);
      ++summary.checked;
      all.push_back(e);
      where.emplace_back(t.name, index);
    }
    result.tensors.push_back(summary);
  }
  const objective::GradcheckReport merged = objective::merge_worst(all, options.check.worst);
  result.max_error = merged.max_error;
  for (const auto& e : merged.worst) {
    objective::CoordinateError named = e;
    const auto& [tensor, index] = where[e.index];
    named.index = index;
    result.worst.push_back({tensor, index, named});
  }
  // Leave the analytic gradient in the arena, as documented.
  std::copy(analytic.begin(), analytic.end(), params.grads().begin());
  return result;
}

}  // namespace descent::nn
