#include "descent/train/start_checks.hpp"

#include <cmath>

#include <fmt/format.h>

#include "descent/nn/activation.hpp"
#include "descent/nn/linear.hpp"
#include "descent/train/trainer.hpp"

namespace descent::train {

template <class T>
std::vector<StartFinding> start_checks(Trainer<T>& trainer, const ProbeBatch<T>& batch) {
  std::vector<StartFinding> found;
  auto& model = trainer.model();
  const std::size_t classes = trainer.options().num_classes;
  if (classes >= 2 && batch.rows() && trainer.loss().name() == "cross_entropy") {
    const EvalMode<T> eval(model);
    const double loss = trainer.loss().value(model.forward(batch.x), batch.target);
    const double expected = std::log(static_cast<double>(classes));  // -ln(1/C)
    const bool far = !(loss >= 0.5 * expected && loss <= 2 * expected);
    found.push_back(
        {far, fmt::format("initial loss {:.4g}, expected about ln({}) = {:.4g} for outputs that "
                          "start near uniform{}",
                          loss, classes, expected,
                          far ? ": far off, check the initialization and the input scaling "
                                "(--scale standardize)"
                              : "")});
  }
  // The last Linear layer's units are the outputs: only the hidden ones must differ.
  std::vector<std::size_t> linears;
  for (std::size_t i = 0; i < model.size(); ++i)
    if (dynamic_cast<nn::Linear<T>*>(&model[i])) linears.push_back(i);
  for (std::size_t k = 0; k + 1 < linears.size(); ++k) {
    auto& layer = static_cast<nn::Linear<T>&>(model[linears[k]]);
    if (layer.out_features() < 2) continue;
    const auto w = layer.weight();
    bool same = (w.rowwise() - w.row(0)).cwiseAbs().maxCoeff() == T(0);
    if (same && layer.has_bias()) {
      const auto b = layer.bias();
      same = (b.array() == b(0)).all();
    }
    if (same)
      found.push_back(
          {true, fmt::format("the {} units of layer {} start identical (zero or constant init): "
                             "each gets the same gradient, so they stay identical and the layer "
                             "learns like one unit; use another model.init (default, "
                             "kaiming_uniform, xavier_uniform)",
                             layer.out_features(), linears[k])});
  }
  return found;
}

template <class T>
bool has_relu(const nn::Sequential<T>& model) {
  for (std::size_t i = 0; i < model.size(); ++i)
    if (dynamic_cast<const nn::ReLU<T>*>(&model[i])) return true;
  return false;
}

template <class T>
std::vector<double> dead_relu_fractions(nn::Sequential<T>& model, const ProbeBatch<T>& batch) {
  std::vector<double> fractions;
  if (batch.rows() == 0) return fractions;
  const EvalMode<T> eval(model);
  nn::Matrix<T> x = batch.x;
  for (std::size_t i = 0; i < model.size(); ++i) {
    const nn::Matrix<T>& out = model[i].forward(x);
    if (dynamic_cast<nn::ReLU<T>*>(&model[i])) {
      // A unit is dead when max over the rows of its output is 0 (ReLU outputs are >= 0).
      const auto active = (out.colwise().maxCoeff().array() > T(0)).count();
      fractions.push_back(1.0 - static_cast<double>(active) / static_cast<double>(out.cols()));
    }
    x = out;
  }
  return fractions;
}

template <class T>
void DeadUnits<T>::on_epoch_end(Trainer<T>& trainer) {
  const auto fractions = dead_relu_fractions(trainer.model(), batch_);
  for (std::size_t k = 0; k < fractions.size(); ++k)
    trainer.epoch_row().set(fmt::format("dead_relu_{}", k + 1), fractions[k]);
}

template std::vector<StartFinding> start_checks(Trainer<float>&, const ProbeBatch<float>&);
template std::vector<StartFinding> start_checks(Trainer<double>&, const ProbeBatch<double>&);
template std::vector<double> dead_relu_fractions(nn::Sequential<float>&, const ProbeBatch<float>&);
template std::vector<double> dead_relu_fractions(nn::Sequential<double>&,
                                                 const ProbeBatch<double>&);
template bool has_relu(const nn::Sequential<float>&);
template bool has_relu(const nn::Sequential<double>&);
template class DeadUnits<float>;
template class DeadUnits<double>;

}  // namespace descent::train
