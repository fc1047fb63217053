#pragma once
// Losses: the mean loss of a batch of model outputs against targets, and its gradient with
// respect to the outputs, dL/dOutput, with torch's reduction='mean'. Values are accumulated in
// double. Built by name for the CLI with make_loss({"name": "cross_entropy", ...}).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/options.hpp"
#include "descent/nn/layer.hpp"

namespace descent::nn {

/// What a loss expects as target.
enum class TargetKind {
  Values,      // same shape as the output (regression, BCE probabilities)
  ClassIndex,  // [batch, 1] class ids 0..K-1 stored as numbers (classification)
};

template <class T>
class Loss {
 public:
  virtual ~Loss() = default;
  virtual std::string name() const = 0;
  virtual TargetKind target_kind() const = 0;

  /// Mean loss of `output` [batch, k] against `target`; if `grad` is given it is resized to the
  /// output's shape and receives dL/dOutput. Throws DataError for a target of the wrong shape or a
  /// class id outside [0, k).
  double evaluate(const ConstRef<T>& output, const ConstRef<T>& target,
                  Matrix<T>* grad = nullptr) const;
  double value(const ConstRef<T>& output, const ConstRef<T>& target) const {
    return evaluate(output, target, nullptr);
  }
  /// The weight of these rows in the loss's mean: their number, or for class-weighted
  /// cross-entropy the sum of their class weights. A batch made of parts p has the loss
  /// L = sum_p weight_p L_p / sum_p weight_p (and the same for dL/dOutput).
  virtual double batch_weight(const ConstRef<T>& target) const {
    return static_cast<double>(target.rows());
  }

 protected:
  /// Shapes are checked; class ids are checked by class_id().
  virtual double compute(const ConstRef<T>& output, const ConstRef<T>& target,
                         Matrix<T>* grad) const = 0;
  /// The class id of row i of a ClassIndex target, checked to be an integer in [0, num_classes).
  static std::size_t class_id(const ConstRef<T>& target, Eigen::Index i, Eigen::Index num_classes);
};

/// Every option any loss takes; each loss reads the ones its registry entry lists.
struct LossOptions {
  double delta = 1.0;
  double label_smoothing = 0.0;
  std::vector<double> weight;
  double gamma = 2.0;
  double alpha = 0.25;
  double margin = 1.0;

  template <class V>
  void visit(V&& v) {
    v("delta", delta, "huber: threshold between the quadratic and linear parts", options::above(0));
    v("label_smoothing", label_smoothing, "cross_entropy: epsilon, the mass spread uniformly",
      options::closed(0, 1));
    v("weight", weight, "per-class weights, one per class (default: all 1)", options::at_least(0));
    v("gamma", gamma, "focal: focusing parameter, (1-p)^gamma", options::at_least(0));
    v("alpha", alpha, "binary_focal: weight of the positive class (< 0: none)");
    v("margin", margin, "multi_margin: margin of the hinge");
  }
};

struct LossInfo {
  std::string name;
  std::vector<std::string> aliases;
  std::string summary;
  std::vector<std::string> options;  // keys of LossOptions this loss reads
  TargetKind target;
};

/// Every registered loss, in the order `descent` lists them.
const std::vector<LossInfo>& loss_registry();

/// Builds a loss from {"name": ..., options...}. Strict: an unknown name or option, a value of
/// the wrong type or out of range is a ConfigError naming "loss.<key>" (with "did you mean").
template <class T>
std::unique_ptr<Loss<T>> make_loss(const nlohmann::json& spec);
/// Same, from JSON text or a bare name ("mse").
template <class T>
std::unique_ptr<Loss<T>> make_loss(std::string_view spec);
template <class T>
std::unique_ptr<Loss<T>> make_loss(const char* spec) {
  return make_loss<T>(std::string_view(spec));
}
template <class T>
std::unique_ptr<Loss<T>> make_loss(const std::string& spec) {
  return make_loss<T>(std::string_view(spec));
}

extern template class Loss<float>;
extern template class Loss<double>;

}  // namespace descent::nn
