#include "descent/nn/sequential.hpp"

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/nn/linear.hpp"

namespace descent::nn {

template <class T>
Layer<T>& Sequential<T>::add(std::unique_ptr<Layer<T>> layer) {
  if (!layer) throw UsageError("Sequential::add got a null layer");
  layer->set_training(training_);
  layer->set_needs_input_grad(layers_.empty() ? needs_input_grad_ : true);
  layers_.push_back(std::move(layer));
  return *layers_.back();
}

template <class T>
std::string Sequential<T>::describe() const {
  std::string s = "Sequential(\n";
  for (std::size_t i = 0; i < layers_.size(); ++i)
    s += fmt::format("  ({}): {}\n", i, layers_[i]->describe());
  return s + ")";
}

template <class T>
void Sequential<T>::declare(Params<T>& params, const std::string& prefix,
                            const ParamGroups& groups) {
  for (std::size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->declare(params, fmt::format("{}{}.", prefix, i), groups);
}

template <class T>
void Sequential<T>::bind(Params<T>& params) {
  for (auto& layer : layers_) layer->bind(params);
}

template <class T>
std::size_t Sequential<T>::output_dim(std::size_t input_dim) const {
  for (const auto& layer : layers_) input_dim = layer->output_dim(input_dim);
  return input_dim;
}

template <class T>
const Matrix<T>& Sequential<T>::forward(const ConstRef<T>& x) {
  if (layers_.empty()) throw UsageError("forward through an empty Sequential");
  const Matrix<T>* y = &layers_[0]->forward(x);
  for (std::size_t i = 1; i < layers_.size(); ++i) y = &layers_[i]->forward(*y);
  return *y;
}

template <class T>
const Matrix<T>& Sequential<T>::backward(const ConstRef<T>& dy) {
  if (layers_.empty()) throw UsageError("backward through an empty Sequential");
  if (layers_.size() == 1) return layers_[0]->backward(dy);
  const Matrix<T>* d = &layers_.back()->backward(dy);
  for (std::size_t i = layers_.size() - 1; i-- > 1;) d = &layers_[i]->backward(*d);
  const Matrix<T>& dx = layers_[0]->backward(*d);
  return needs_input_grad_ ? dx : empty_;
}

template <class T>
void Sequential<T>::set_training(bool training) {
  training_ = training;
  for (auto& layer : layers_) layer->set_training(training);
}

template <class T>
void Sequential<T>::set_needs_input_grad(bool needed) {
  needs_input_grad_ = needed;
  if (!layers_.empty()) layers_[0]->set_needs_input_grad(needed);
}

template <class T>
void Sequential<T>::initialize(InitScheme scheme, double gain, std::uint64_t seed) {
  Rng rng(seed);
  for (auto& layer : layers_)
    if (auto* linear = dynamic_cast<Linear<T>*>(layer.get()))
      nn::initialize(*linear, scheme, gain, rng);
    else if (auto* seq = dynamic_cast<Sequential<T>*>(layer.get()))
      seq->initialize(scheme, gain, rng());
}

template <class T>
nlohmann::json Sequential<T>::state() const {
  nlohmann::json s = nlohmann::json::object();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    nlohmann::json layer_state = layers_[i]->state();
    if (!layer_state.is_null()) s[std::to_string(i)] = std::move(layer_state);
  }
  return s;
}

template <class T>
void Sequential<T>::load_state(const nlohmann::json& state) {
  if (!state.is_object()) throw CheckpointError("model state is not an object", "model");
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    std::string key = std::to_string(i);
    bool has = state.contains(key);
    if (has != !layers_[i]->state().is_null())
      throw CheckpointError(has ? "state for a layer that has none" : "missing layer state",
                            fmt::format("model.{} ({})", i, layers_[i]->describe()),
                            "the checkpoint was written by another model");
    if (has) layers_[i]->load_state(state[key]);
  }
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace descent::nn
