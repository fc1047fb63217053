#include "descent/nn/model_spec.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "descent/nn/activation.hpp"
#include "descent/nn/dropout.hpp"
#include "descent/nn/linear.hpp"

namespace descent::nn {

namespace {
const std::vector<std::string> kActivations = {"relu", "leaky_relu", "sigmoid", "tanh", "gelu"};
constexpr const char* kSpecHint = "write 'linear' or 'mlp:256,128' (hidden layer sizes)";

template <class T>
std::unique_ptr<Layer<T>> make_activation(const ModelSpec& spec) {
  if (spec.activation == "relu") return std::make_unique<ReLU<T>>();
  if (spec.activation == "leaky_relu") return std::make_unique<LeakyReLU<T>>(spec.negative_slope);
  if (spec.activation == "sigmoid") return std::make_unique<Sigmoid<T>>();
  if (spec.activation == "tanh") return std::make_unique<Tanh<T>>();
  if (spec.activation == "gelu") return std::make_unique<GELU<T>>();
  validate(spec);  // throws the ConfigError with the hint
  return nullptr;
}
}  // namespace

std::string ModelSpec::architecture() const {
  return hidden.empty() ? "linear" : fmt::format("mlp:{}", fmt::join(hidden, ","));
}

void parse_architecture(ModelSpec& spec, std::string_view text, const std::string& where) {
  if (text == "linear") {
    spec.hidden.clear();
    return;
  }
  constexpr std::string_view kMlp = "mlp:";
  if (!text.starts_with(kMlp)) {
    std::string near =
        closest_match(std::string(text.substr(0, text.find(':'))), {"linear", "mlp"});
    throw ConfigError(fmt::format("unknown model '{}'", text), where,
                      (near.empty() ? "" : fmt::format("did you mean '{}'? ", near)) + kSpecHint);
  }
  std::vector<std::size_t> hidden;
  std::string_view rest = text.substr(kMlp.size());
  while (true) {
    std::size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    std::size_t size = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), size);
    if (item.empty() || ec != std::errc{} || end != item.data() + item.size() || size == 0)
      throw ConfigError(fmt::format("bad hidden layer size '{}' in '{}'", item, text), where,
                        "hidden sizes are positive integers separated by commas, e.g. mlp:256,128");
    hidden.push_back(size);
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  spec.hidden = std::move(hidden);
}

ModelSpec parse_model_spec(std::string_view text) {
  ModelSpec spec;
  parse_architecture(spec, text);
  return spec;
}

void validate(const ModelSpec& spec) {
  if (std::find(kActivations.begin(), kActivations.end(), spec.activation) == kActivations.end()) {
    throw_unknown(fmt::format("unknown activation '{}'", spec.activation), spec.activation,
                  kActivations, "model.activation");
  }
  if (!(spec.dropout >= 0 && spec.dropout < 1))
    throw ConfigError(fmt::format("dropout probability {} is not in [0, 1)", spec.dropout),
                      "model.dropout", "e.g. 0.2; 0 disables dropout");
}

template <class T>
std::unique_ptr<Sequential<T>> build_sequential(const ModelSpec& spec, std::size_t input_dim,
                                                std::size_t output_dim, std::uint64_t seed) {
  validate(spec);
  auto net = std::make_unique<Sequential<T>>();
  std::size_t in = input_dim;
  for (std::size_t i = 0; i < spec.hidden.size(); ++i) {
    net->template emplace<Linear<T>>(in, spec.hidden[i]);
    net->add(make_activation<T>(spec));
    if (spec.dropout > 0) net->template emplace<Dropout<T>>(spec.dropout, derive_seed(seed, i));
    in = spec.hidden[i];
  }
  net->template emplace<Linear<T>>(in, output_dim);
  return net;
}

template <class T>
std::unique_ptr<Model<T>> make_model(const ModelSpec& spec, std::size_t input_dim,
                                     std::size_t output_dim, std::uint64_t seed,
                                     const ParamGroups& groups) {
  auto model = std::make_unique<Model<T>>();
  model->net = build_sequential<T>(spec, input_dim, output_dim, derive_seed(seed, 1));
  model->net->declare(model->params, groups);
  model->params.allocate();
  model->net->bind(model->params);
  double gain = spec.gain;
  if (std::isnan(gain))
    gain = (spec.init == InitScheme::KaimingUniform || spec.init == InitScheme::KaimingNormal)
               ? calculate_gain(spec.activation, spec.negative_slope)
               : 1.0;
  model->net->initialize(spec.init, gain, derive_seed(seed, 0));
  return model;
}

template std::unique_ptr<Sequential<float>> build_sequential(const ModelSpec&, std::size_t,
                                                             std::size_t, std::uint64_t);
template std::unique_ptr<Sequential<double>> build_sequential(const ModelSpec&, std::size_t,
                                                              std::size_t, std::uint64_t);
template std::unique_ptr<Model<float>> make_model(const ModelSpec&, std::size_t, std::size_t,
                                                  std::uint64_t, const ParamGroups&);
template std::unique_ptr<Model<double>> make_model(const ModelSpec&, std::size_t, std::size_t,
                                                   std::uint64_t, const ParamGroups&);

}  // namespace descent::nn
