#pragma once
// The [model] section of a run: architecture, initialization, loss and scalar type.
#include <string>

#include "descent/core/options.hpp"

namespace descent::nn {

struct ModelOptions {
  std::string spec = "mlp:64";
  std::string activation = "relu";
  double dropout = 0.0;
  std::string init = "default";
  std::string loss = "auto";
  std::string dtype = "float";
  std::string init_from;
  std::string no_decay;

  template <class V>
  void visit(V&& v) {
    v("spec", spec, "linear | mlp:H1,H2,... (hidden sizes)");
    v("activation", activation, "relu | leaky_relu | sigmoid | tanh | gelu");
    v("dropout", dropout, "dropout probability after each hidden activation",
      options::half_open(0, 1));
    v("init", init,
      "default | xavier_uniform | xavier_normal | kaiming_uniform | kaiming_normal | zeros");
    v("loss", loss, "loss name or JSON; auto = cross_entropy (classification) / mse (regression)");
    v("dtype", dtype, "scalar type of the parameters: float | double",
      options::one_of({"float", "double"}));
    v("init_from", init_from, "start from these weights (model.safetensors)");
    v("no_decay", no_decay, "bias: no weight decay on the biases", options::one_of({"", "bias"}));
  }
};

}  // namespace descent::nn
