#pragma once
// Models from the CLI's spec strings: "linear" (linear / softmax regression: one Linear layer) or
// "mlp:256,128" (hidden layer sizes), with an activation, dropout after each hidden activation and
// an init scheme. A Model bundles the Sequential with the Params arena its weights live in.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "descent/nn/init.hpp"
#include "descent/nn/sequential.hpp"

namespace descent::nn {

struct ModelSpec {
  std::vector<std::size_t> hidden;  // empty: "linear"
  std::string activation = "relu";  // relu | leaky_relu | sigmoid | tanh | gelu
  double negative_slope = 0.01;     // leaky_relu
  double dropout = 0;               // p of a Dropout after each hidden activation (0: none)
  InitScheme init = InitScheme::TorchDefault;
  /// Weight gain for xavier/kaiming; NaN: torch.nn.init.calculate_gain(activation) for kaiming,
  /// 1 for xavier (torch's defaults).
  double gain = std::numeric_limits<double>::quiet_NaN();

  /// "linear" or "mlp:H1,H2,..."; the text form of this spec's architecture.
  std::string architecture() const;
};

/// Parses "linear" | "mlp:256,128" into spec.hidden (other fields unchanged). ConfigError naming
/// `where` on anything else ("mlp:", "mlp:0", "mlp:12x", "cnn", ...).
void parse_architecture(ModelSpec& spec, std::string_view text, const std::string& where = "model");
/// ModelSpec with the given architecture and defaults.
ModelSpec parse_model_spec(std::string_view text);
/// Checks the activation name and the dropout probability; ConfigError with "did you mean".
void validate(const ModelSpec& spec);

/// The layers of the spec for `input_dim` features and `output_dim` outputs:
/// [Linear, activation, (Dropout)] per hidden size, then Linear(last, output_dim).
/// Dropout layers are seeded from `seed`.
template <class T>
std::unique_ptr<Sequential<T>> build_sequential(const ModelSpec& spec, std::size_t input_dim,
                                                std::size_t output_dim, std::uint64_t seed);

/// A network and the arena of its parameters. Not movable: the layers point into the arena.
template <class T>
struct Model {
  Params<T> params;
  std::unique_ptr<Sequential<T>> net;
  Model() = default;
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;
};

/// Builds, declares (weights in groups.weight, biases in groups.bias), allocates, binds and
/// initializes (from `seed`) the spec's model.
template <class T>
std::unique_ptr<Model<T>> make_model(const ModelSpec& spec, std::size_t input_dim,
                                     std::size_t output_dim, std::uint64_t seed,
                                     const ParamGroups& groups = {});

}  // namespace descent::nn
