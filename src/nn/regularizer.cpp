#include "descent/nn/regularizer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/optim/fmadd.hpp"
#include "descent/optim/options.hpp"

namespace descent::nn {

template <class T>
Regularizer<T>::Regularizer(double l1, double l2, std::vector<TensorId> tensors)
    : l1_(l1), l2_(l2), tensors_(std::move(tensors)) {
  if (!(l1 >= 0 && l2 >= 0 && std::isfinite(l1) && std::isfinite(l2)))
    throw ConfigError(
        fmt::format("regularization strengths must be finite and >= 0, got l1={} l2={}", l1, l2),
        "regularization", "e.g. {\"name\": \"l2\", \"lambda\": 1e-4}");
}

template <class T>
std::vector<TensorId> Regularizer<T>::weights_of(const Params<T>& params) {
  std::vector<TensorId> ids;
  for (TensorId id : params.arena_order())
    if (params.tensor(id).name.ends_with("weight")) ids.push_back(id);
  return ids;
}

template <class T>
std::vector<TensorId> Regularizer<T>::all_of(const Params<T>& params) {
  return params.arena_order();
}

template <class T>
double Regularizer<T>::value(const Params<T>& params) const {
  double abs_sum = 0, square_sum = 0;
  for (TensorId id : tensors_)
    for (T w : params.tensor(id).value) {
      abs_sum += std::abs(double(w));
      square_sum += double(w) * double(w);
    }
  return l1_ * abs_sum + l2_ * square_sum;  // R = l1 sum |w| + l2 sum w^2
}

template <class T>
double Regularizer<T>::apply(Params<T>& params) const {
  const T l1 = T(l1_), two_l2 = T(2 * l2_);
  double abs_sum = 0, square_sum = 0;  // R(w) in the same pass, summed in value()'s order
  for (TensorId id : tensors_) {
    auto t = params.tensor(id);
    const T* w = t.value.data();
    T* g = t.grad.data();
    for (std::size_t i = 0; i < t.size(); ++i) {
      abs_sum += std::abs(double(w[i]));
      square_sum += double(w[i]) * double(w[i]);
      const T sign = T(w[i] > 0) - T(w[i] < 0);
      // dR/dw = l1 sign(w) + 2 l2 w, the 2 l2 w term added as torch adds weight decay (g + wd*p,
      // one rounding: optim/fmadd.hpp), so L2 gives SGD's weight_decay = 2 l2 bit for bit.
      g[i] = optim::fmadd(w[i], two_l2, g[i] + l1 * sign);
    }
  }
  return l1_ * abs_sum + l2_ * square_sum;
}

template <class T>
Regularizer<T> make_regularizer(const Params<T>& params, const nlohmann::json& spec) {
  if (!spec.is_object() || !spec.contains("name") || !spec["name"].is_string())
    throw ConfigError("a regularization spec needs a \"name\"", "regularization",
                      R"(write it as {"name": "l2", "lambda": 1e-4})");
  const std::string name = spec["name"].get<std::string>();
  const std::vector<std::string> names = {"l1", "l2", "elastic_net"};
  if (std::find(names.begin(), names.end(), name) == names.end()) {
    std::string near = closest_match(name, names);
    throw ConfigError(fmt::format("unknown regularization '{}'", name), "regularization.name",
                      (near.empty() ? "" : fmt::format("did you mean '{}'? ", near)) +
                          "known: l1, l2, elastic_net");
  }
  const std::vector<std::string> keys = name == "elastic_net"
                                            ? std::vector<std::string>{"l1", "l2", "apply_to"}
                                            : std::vector<std::string>{"lambda", "apply_to"};
  double lambda = 0, l1 = 0, l2 = 0;
  std::string apply_to = "weights";
  for (const auto& [key, value] : spec.items()) {
    const std::string where = "regularization." + key;
    if (key == "name") continue;
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      optim::detail::unknown_option("regularization " + name, key, keys);
    if (key == "lambda") optim::detail::assign(lambda, value, where);
    if (key == "l1") optim::detail::assign(l1, value, where);
    if (key == "l2") optim::detail::assign(l2, value, where);
    if (key == "apply_to") optim::detail::assign(apply_to, value, where);
  }
  if (apply_to != "weights" && apply_to != "all")
    throw ConfigError(fmt::format("apply_to must be \"weights\" or \"all\", got \"{}\"", apply_to),
                      "regularization.apply_to", "\"weights\" leaves the biases alone");
  if (name == "l1") l1 = lambda;
  if (name == "l2") l2 = lambda;
  auto tensors =
      apply_to == "all" ? Regularizer<T>::all_of(params) : Regularizer<T>::weights_of(params);
  return Regularizer<T>(l1, l2, std::move(tensors));
}

template class Regularizer<float>;
template class Regularizer<double>;
template Regularizer<float> make_regularizer(const Params<float>&, const nlohmann::json&);
template Regularizer<double> make_regularizer(const Params<double>&, const nlohmann::json&);

}  // namespace descent::nn
