#include "descent/nn/regularizer.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/options.hpp"
#include "descent/core/spec.hpp"
#include "descent/optim/fmadd.hpp"

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

namespace {

/// l1 and l2: R = lambda sum |w| or lambda sum w^2.
struct PenaltyOptions {
  double lambda = 0;
  std::string apply_to = "weights";

  template <class V>
  void visit(V&& v) {
    v("lambda", lambda, "strength of the penalty", options::required, options::at_least(0));
    v("apply_to", apply_to, "weights (tensors named *weight, not biases) | all",
      options::one_of({"weights", "all"}));
  }
};

/// elastic_net: R = l1 sum |w| + l2 sum w^2.
struct ElasticNetOptions {
  double l1 = 0, l2 = 0;
  std::string apply_to = "weights";

  template <class V>
  void visit(V&& v) {
    v("l1", l1, "strength of the L1 term", options::at_least(0));
    v("l2", l2, "strength of the L2 term", options::at_least(0));
    v("apply_to", apply_to, "weights (tensors named *weight, not biases) | all",
      options::one_of({"weights", "all"}));
  }
};

struct Strengths {
  double l1 = 0, l2 = 0;
  std::string apply_to;
};

struct RegularizationEntry {
  std::string name;
  Strengths (*read)(const nlohmann::json& spec);
};

template <class O>
O read_options(const nlohmann::json& spec) {
  O o;
  options::from_json(o, spec, "regularization " + spec["name"].get<std::string>(),
                     "regularization");
  return o;
}

const std::vector<RegularizationEntry>& entries() {
  static const std::vector<RegularizationEntry> all = {
      {"l1",
       [](const nlohmann::json& s) {
         auto o = read_options<PenaltyOptions>(s);
         return Strengths{o.lambda, 0, o.apply_to};
       }},
      {"l2",
       [](const nlohmann::json& s) {
         auto o = read_options<PenaltyOptions>(s);
         return Strengths{0, o.lambda, o.apply_to};
       }},
      {"elastic_net",
       [](const nlohmann::json& s) {
         auto o = read_options<ElasticNetOptions>(s);
         return Strengths{o.l1, o.l2, o.apply_to};
       }},
  };
  return all;
}

}  // namespace

template <class T>
Regularizer<T> make_regularizer(const Params<T>& params, const nlohmann::json& spec) {
  const std::string name =
      spec_name(spec, "regularization", "regularization", R"({"name": "l2", "lambda": 1e-4})");
  const Strengths s =
      find_entry(entries(), name, "regularization", "regularization.name").read(spec);
  auto tensors =
      s.apply_to == "all" ? Regularizer<T>::all_of(params) : Regularizer<T>::weights_of(params);
  return Regularizer<T>(s.l1, s.l2, std::move(tensors));
}

template class Regularizer<float>;
template class Regularizer<double>;
template Regularizer<float> make_regularizer(const Params<float>&, const nlohmann::json&);
template Regularizer<double> make_regularizer(const Params<double>&, const nlohmann::json&);

}  // namespace descent::nn
