#include "descent/nn/loss.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"
#include "descent/nn/bce_with_logits.hpp"
#include "descent/nn/cross_entropy.hpp"
#include "descent/nn/focal_loss.hpp"
#include "descent/nn/multi_margin_loss.hpp"
#include "descent/nn/regression_loss.hpp"

namespace descent::nn {

template <class T>
double Loss<T>::evaluate(const ConstRef<T>& output, const ConstRef<T>& target,
                         Matrix<T>* grad) const {
  if (output.rows() == 0 || output.cols() == 0)
    throw DataError("empty batch", name(), "a batch needs at least one row and one output");
  const bool by_class = target_kind() == TargetKind::ClassIndex;
  if (target.rows() != output.rows() || target.cols() != (by_class ? 1 : output.cols()))
    throw DataError(
        fmt::format("target is {}x{} for an output of {}x{}; {} expects {}", target.rows(),
                    target.cols(), output.rows(), output.cols(), name(),
                    by_class ? "one class id per row" : "a target of the output's shape"),
        name(),
        by_class ? "use a classification loss with class ids, or one-hot targets with mse"
                 : "the model's output dimension must match the number of targets");
  if (grad) ensure_shape(*grad, output.rows(), output.cols());
  return compute(output, target, grad);
}

template <class T>
std::size_t Loss<T>::class_id(const ConstRef<T>& target, Eigen::Index i, Eigen::Index num_classes) {
  const double t = double(target(i, 0));
  if (!(t >= 0 && t < double(num_classes)) || t != std::floor(t))
    throw DataError(
        fmt::format("target {} of row {} is not a class id in [0, {})", t, i, num_classes),
        "target", "the number of model outputs must equal the number of classes");
  return std::size_t(t);
}

template class Loss<float>;
template class Loss<double>;

namespace {

template <class T>
std::unique_ptr<Loss<T>> build(const std::string& name, const LossOptions& o) {
  if (name == "mse") return std::make_unique<MSELoss<T>>();
  if (name == "half_mse") return std::make_unique<HalfMSELoss<T>>();
  if (name == "mae") return std::make_unique<L1Loss<T>>();
  if (name == "huber") return std::make_unique<HuberLoss<T>>(HuberError{o.delta});
  if (name == "bce_with_logits") return std::make_unique<BCEWithLogitsLoss<T>>();
  if (name == "cross_entropy")
    return std::make_unique<CrossEntropyLoss<T>>(o.label_smoothing, o.weight);
  if (name == "focal") return std::make_unique<FocalLoss<T>>(o.gamma, o.weight);
  if (name == "binary_focal") return std::make_unique<BinaryFocalLoss<T>>(o.gamma, o.alpha);
  if (name == "multi_margin") return std::make_unique<MultiMarginLoss<T>>(o.margin, o.weight);
  throw UsageError(fmt::format("loss '{}' is registered but not built", name));
}

}  // namespace

const std::vector<LossInfo>& loss_registry() {
  using V = std::vector<std::string>;
  static const std::vector<LossInfo> entries = {
      LossInfo{"mse", V{}, "mean squared error (1/n) sum (y_hat - y)^2 (torch F.mse_loss)", V{},
               TargetKind::Values},
      LossInfo{"half_mse", V{}, "the course's J = 1/(2m) sum (y_hat - y)^2, m = batch rows", V{},
               TargetKind::Values},
      LossInfo{"mae", V{"l1"}, "mean absolute error (1/n) sum |y_hat - y| (torch F.l1_loss)", V{},
               TargetKind::Values},
      LossInfo{"huber", V{}, "Huber loss, quadratic below delta, linear above (F.huber_loss)",
               V{"delta"}, TargetKind::Values},
      LossInfo{"cross_entropy", V{"ce"},
               "softmax cross-entropy with logits, label smoothing, class weights "
               "(F.cross_entropy)",
               (V{"label_smoothing", "weight"}), TargetKind::ClassIndex},
      LossInfo{"bce_with_logits", V{"bce"},
               "binary cross-entropy with logits, stable (F.binary_cross_entropy_with_logits)", V{},
               TargetKind::Values},
      LossInfo{"focal", V{},
               "multiclass softmax focal loss -w_y (1-p_y)^gamma log p_y (Lin et al. 2017)",
               (V{"gamma", "weight"}), TargetKind::ClassIndex},
      LossInfo{"binary_focal", V{},
               "sigmoid focal loss alpha_t (1-p_t)^gamma BCE (torchvision sigmoid_focal_loss)",
               (V{"gamma", "alpha"}), TargetKind::Values},
      LossInfo{"multi_margin", V{"hinge"}, "multiclass hinge / SVM loss (F.multi_margin_loss, p=1)",
               (V{"margin", "weight"}), TargetKind::ClassIndex},
  };
  return entries;
}

namespace {
const std::string kExample = R"({"name": "cross_entropy", "label_smoothing": 0.1})";
}

template <class T>
std::unique_ptr<Loss<T>> make_loss(const nlohmann::json& spec) {
  const LossInfo& info =
      find_entry(loss_registry(), spec_name(spec, "loss", "loss", kExample), "loss", "loss.name");
  LossOptions o;
  options::from_json(o, spec, "loss " + info.name, "loss", options::Keys::only_these(info.options));
  return build<T>(info.name, o);
}

template <class T>
std::unique_ptr<Loss<T>> make_loss(std::string_view spec) {
  return make_loss<T>(parse_spec(spec, "loss", kExample));
}

template std::unique_ptr<Loss<float>> make_loss(const nlohmann::json&);
template std::unique_ptr<Loss<double>> make_loss(const nlohmann::json&);
template std::unique_ptr<Loss<float>> make_loss(std::string_view);
template std::unique_ptr<Loss<double>> make_loss(std::string_view);

}  // namespace descent::nn
