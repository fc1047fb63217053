#include "descent/train/model_file.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "descent/core/version.hpp"
#include "descent/data/align.hpp"
#include "descent/nn/loss.hpp"
#include "descent/train/confusion_matrix.hpp"
#include "descent/train/evaluation.hpp"

namespace descent::train {

namespace {
constexpr int kModelFormat = 1;
constexpr const char* kMetadataKey = "model";
constexpr Eigen::Index kBatchRows = 1024;

std::string shape_text(const Shape& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}
}  // namespace

nlohmann::ordered_json ModelCard::to_json(const std::vector<std::string>& layers) const {
  nlohmann::ordered_json j;
  j["format"] = kModelFormat;
  j["descent_version"] = version.empty() ? std::string(descent::version()) : version;
  j["task"] = data::to_string(task);
  j["loss"] = loss;
  j["dtype"] = dtype;
  j["architecture"] = {{"spec", spec.architecture()},
                       {"hidden", spec.hidden},
                       {"activation", spec.activation},
                       {"negative_slope", spec.negative_slope},
                       {"dropout", spec.dropout},
                       {"inputs", inputs},
                       {"outputs", outputs},
                       {"layers", layers}};
  j["feature_names"] = feature_names;
  j["target"] = target;
  j["classes"] = classes;
  j["scaler"] =
      scaler ? nlohmann::ordered_json::parse(scaler->to_json().dump()) : nlohmann::ordered_json();
  // predictions in the data's units: y = std * output + mean
  j["target_scaler"] = task == data::Task::regression
                           ? nlohmann::ordered_json{{"mean", target_mean}, {"std", target_std}}
                           : nlohmann::ordered_json();
  return j;
}

ModelCard ModelCard::from_json(const nlohmann::json& j, const std::string& origin) {
  std::vector<std::string> missing;
  for (const char* key :
       {"descent_version", "task", "loss", "dtype", "architecture", "feature_names", "scaler"})
    if (!j.contains(key)) missing.push_back(key);
  if (j.contains("architecture"))
    for (const char* key : {"spec", "activation", "dropout", "inputs", "outputs"})
      if (!j["architecture"].contains(key)) missing.push_back(std::string("architecture.") + key);
  const bool classification = j.value("task", "") == "classification";
  if (j.contains("task") && !j.contains(classification ? "classes" : "target_scaler"))
    missing.push_back(classification ? "classes" : "target_scaler");
  if (!missing.empty())
    throw CheckpointError(
        fmt::format("the model file lacks {} (written by an older descent, or not by descent)",
                    fmt::join(missing, ", ")),
        origin, "retrain the model with this descent: its model.safetensors is self-contained");
  ModelCard c;
  try {
    c.version = j.at("descent_version").get<std::string>();
    c.task = data::parse_task(j.at("task").get<std::string>());
    c.loss = j.at("loss").get<std::string>();
    c.dtype = j.at("dtype").get<std::string>();
    const auto& a = j.at("architecture");
    nn::parse_architecture(c.spec, a.at("spec").get<std::string>(), "architecture.spec");
    c.spec.activation = a.at("activation").get<std::string>();
    c.spec.negative_slope = a.value("negative_slope", c.spec.negative_slope);
    c.spec.dropout = a.at("dropout").get<double>();
    c.inputs = a.at("inputs").get<std::size_t>();
    c.outputs = a.at("outputs").get<std::size_t>();
    c.feature_names = j.at("feature_names").get<std::vector<std::string>>();
    c.target = j.value("target", "");
    if (j.contains("classes")) c.classes = j.at("classes").get<std::vector<std::string>>();
    if (!j.at("scaler").is_null()) c.scaler = data::Scaler::from_json(j.at("scaler"));
    if (c.task == data::Task::regression) {
      c.target_mean = j.at("target_scaler").at("mean").get<double>();
      c.target_std = j.at("target_scaler").at("std").get<double>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw CheckpointError(fmt::format("malformed model metadata: {}", e.what()), origin);
  } catch (const ConfigError& e) {
    throw CheckpointError(fmt::format("malformed model metadata: {}", e.what()), origin);
  }
  if (c.dtype != "float" && c.dtype != "double")
    throw CheckpointError(fmt::format("unknown dtype '{}' in the model metadata", c.dtype), origin);
  if (c.feature_names.size() != c.inputs)
    throw CheckpointError(
        fmt::format("{} feature names for {} inputs", c.feature_names.size(), c.inputs), origin);
  const bool binary_logit = c.outputs == 1 && c.classes.size() == 2;
  if (c.task == data::Task::classification && c.classes.size() != c.outputs && !binary_logit)
    throw CheckpointError(fmt::format("{} class names for {} outputs", c.classes.size(), c.outputs),
                          origin);
  if (c.scaler && c.scaler->offset().size() != c.inputs)
    throw CheckpointError(fmt::format("a feature scaler of {} columns for {} inputs",
                                      c.scaler->offset().size(), c.inputs),
                          origin);
  return c;
}

template <class T>
void save_model(const std::filesystem::path& path, const ModelCard& card, const Params<T>& params,
                const std::vector<std::string>& layers) {
  SafetensorsWriter w;
  for (const TensorId id : params.arena_order()) {
    const auto t = params.tensor(id);
    w.add<T>(t.name, t.value, t.shape);
  }
  w.set_metadata(kMetadataKey, card.to_json(layers).dump());
  w.write(path);
}

template <class T>
void load_weights(const SafetensorsFile& file, Params<T>& params) {
  for (const TensorId id : params.arena_order()) {
    const auto t = params.tensor(id);
    if (!file.contains(t.name))
      throw CheckpointError(fmt::format("no tensor '{}' in the file", t.name), file.origin(),
                            "the file holds another architecture: use the same model.spec");
    const auto& info = file.info(t.name);
    if (info.shape != t.shape)
      throw CheckpointError(
          fmt::format("tensor '{}' is {} in the file but {} in the model", t.name,
                      shape_text(info.shape), shape_text(t.shape)),
          file.origin(),
          "the file holds another architecture: use the same model.spec and data columns");
    if (info.dtype == dtype_of<T>()) {
      file.copy_to<T>(t.name, t.value);
    } else if (info.dtype == Dtype::F32 || info.dtype == Dtype::F64) {  // float <-> double
      if (info.dtype == Dtype::F32) {
        const auto v = file.get<float>(t.name);
        std::transform(v.begin(), v.end(), t.value.begin(), [](float x) { return T(x); });
      } else {
        const auto v = file.get<double>(t.name);
        std::transform(v.begin(), v.end(), t.value.begin(), [](double x) { return T(x); });
      }
    } else {
      file.copy_to<T>(t.name, t.value);  // throws the dtype error
    }
  }
}

std::filesystem::path model_path(const std::filesystem::path& path) {
  return std::filesystem::is_directory(path) ? path / kModelFile : path;
}

struct TrainedModel::Impl {
  virtual ~Impl() = default;
  virtual Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> predict(
      const ModelCard& card, const data::Matrix& x) = 0;
  virtual Evaluation evaluate(const ModelCard& card, const data::Dataset& data,
                              const std::string& prefix) = 0;
};

namespace {
template <class T>
struct TypedModel final : TrainedModel::Impl {
  std::unique_ptr<nn::Model<T>> model;
  std::unique_ptr<nn::Loss<T>> loss;
  nn::Matrix<T> batch;

  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> predict(
      const ModelCard& card, const data::Matrix& raw) override {
    data::Matrix x = raw;
    if (card.scaler) card.scaler->transform(x);
    auto& net = *model->net;
    net.eval();
    const bool classification = card.task == data::Task::classification;
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> out(
        x.rows(), classification ? static_cast<Eigen::Index>(card.classes.size()) : 1);
    for (Eigen::Index begin = 0; begin < x.rows(); begin += kBatchRows) {
      const Eigen::Index rows = std::min(kBatchRows, x.rows() - begin);
      const nn::Matrix<T>* z;
      if constexpr (std::is_same_v<T, float>) {
        z = &net.forward(x.middleRows(begin, rows));
      } else {
        batch = x.middleRows(begin, rows).template cast<T>();
        z = &net.forward(batch);
      }
      for (Eigen::Index i = 0; i < rows; ++i) {
        auto o = out.row(begin + i);
        if (!classification) {
          o(0) = card.target_std * static_cast<double>((*z)(i, 0)) + card.target_mean;
        } else if (z->cols() == 1) {
          const T p = T(1) / (T(1) + std::exp(-(*z)(i, 0)));  // sigmoid(z)
          o(0) = static_cast<double>(T(1) - p);
          o(1) = static_cast<double>(p);
        } else {
          // softmax: p_j = exp(z_j - max z) / sum_k exp(z_k - max z)
          const T m = z->row(i).maxCoeff();
          T sum = 0;
          for (Eigen::Index j = 0; j < z->cols(); ++j) sum += std::exp((*z)(i, j) - m);
          for (Eigen::Index j = 0; j < z->cols(); ++j)
            o(j) = static_cast<double>(std::exp((*z)(i, j) - m) / sum);
        }
      }
    }
    return out;
  }

  TrainedModel::Evaluation evaluate(const ModelCard& card, const data::Dataset& data,
                                    const std::string& prefix) override {
    TrainedModel::Evaluation e;
    const std::size_t classes = card.classes.size();
    std::optional<ConfusionMatrix<T>> confusion;
    if (classes) confusion.emplace(std::max<std::size_t>(2, classes));
    e.metrics = train::evaluate(*model->net, *loss, data, prefix,
                                {.num_classes = classes, .target_scale = card.target_std},
                                confusion ? &*confusion : nullptr);
    if (confusion) {
      e.confusion = confusion->to_json();
      e.confusion["split"] = prefix;
    }
    return e;
  }
};

template <class T>
std::unique_ptr<TrainedModel::Impl> build(const ModelCard& card, const SafetensorsFile& file) {
  auto impl = std::make_unique<TypedModel<T>>();
  impl->model = nn::make_model<T>(card.spec, card.inputs, card.outputs, /*seed=*/0);
  load_weights(file, impl->model->params);
  try {
    impl->loss = nn::make_loss<T>(card.loss);
  } catch (const ConfigError& e) {
    throw CheckpointError(fmt::format("unusable loss in the model metadata: {}", e.what()),
                          file.origin());
  }
  return impl;
}
}  // namespace

TrainedModel::TrainedModel(ModelCard card, std::unique_ptr<Impl> impl)
    : card_(std::move(card)), impl_(std::move(impl)) {}
TrainedModel::TrainedModel(TrainedModel&&) noexcept = default;
TrainedModel& TrainedModel::operator=(TrainedModel&&) noexcept = default;
TrainedModel::~TrainedModel() = default;

Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> TrainedModel::predict(
    const data::Matrix& x) {
  if (static_cast<std::size_t>(x.cols()) != card_.inputs)
    throw DataError(
        fmt::format("{} feature columns for a model with {} inputs", x.cols(), card_.inputs),
        "predict", fmt::format("the model reads {}", fmt::join(card_.feature_names, ", ")));
  return impl_->predict(card_, x);
}

TrainedModel::Evaluation TrainedModel::evaluate(data::Dataset data, const std::string& prefix) {
  if (data.task != card_.task)
    throw DataError(
        fmt::format("the target '{}' is {} data but the model does {}", data.target_name,
                    data::to_string(data.task), data::to_string(card_.task)),
        data.source, "score the model on data with the target it was trained on");
  data::align(
      data, card_.feature_names,
      card_.task == data::Task::classification ? card_.classes : std::vector<std::string>{});
  if (card_.task == data::Task::regression)  // y' = (y - mean) / std, as in training
    data.y = ((data.y.cast<double>().array() - card_.target_mean) / card_.target_std)
                 .cast<float>()
                 .matrix();
  if (card_.scaler) card_.scaler->transform(data.x);
  return impl_->evaluate(card_, data, prefix);
}

TrainedModel load_model(const std::filesystem::path& path) {
  const auto file_path = model_path(path);
  if (!std::filesystem::is_regular_file(file_path))
    throw CheckpointError("no model file", file_path.string(),
                          "give a model.safetensors or the run directory descent train wrote");
  const auto file = SafetensorsFile::read(file_path);
  nlohmann::json meta = nlohmann::json::object();
  const auto& entries = file.metadata();
  for (const char* key : {kMetadataKey, "run"})  // "run": the older, partial form
    if (const auto it = entries.find(key); it != entries.end()) {
      try {
        meta = nlohmann::json::parse(it->second);
      } catch (const nlohmann::json::exception& e) {
        throw CheckpointError(fmt::format("malformed '{}' metadata: {}", key, e.what()),
                              file.origin());
      }
      break;
    }
  ModelCard card = ModelCard::from_json(meta, file.origin());
  auto impl = card.dtype == "double" ? build<double>(card, file) : build<float>(card, file);
  return TrainedModel(std::move(card), std::move(impl));
}

template void save_model(const std::filesystem::path&, const ModelCard&, const Params<float>&,
                         const std::vector<std::string>&);
template void save_model(const std::filesystem::path&, const ModelCard&, const Params<double>&,
                         const std::vector<std::string>&);
template void load_weights(const SafetensorsFile&, Params<float>&);
template void load_weights(const SafetensorsFile&, Params<double>&);

}  // namespace descent::train
