#include "descent/train/evaluation.hpp"

#include <algorithm>

#include "descent/train/accuracy.hpp"
#include "descent/train/mean_loss.hpp"
#include "descent/train/regression_metrics.hpp"
#include "descent/train/roc_auc.hpp"
#include "descent/train/top_k.hpp"

namespace descent::train {

template <class T>
MetricList<T> make_metrics(const EvaluationOptions& o) {
  MetricList<T> m;
  m.push_back(std::make_unique<MeanLoss<T>>());
  if (o.num_classes) {
    m.push_back(std::make_unique<Accuracy<T>>());
    if (o.top_k) m.push_back(std::make_unique<TopKAccuracy<T>>(o.top_k));
    if (o.num_classes == 2) m.push_back(std::make_unique<RocAuc<T>>());
  } else {
    m.push_back(std::make_unique<RegressionMetrics<T>>(o.target_scale));
  }
  return m;
}

template <class T>
EvalBatch<T> eval_batch(const nn::Matrix<T>& out, const nn::Matrix<T>& target, Eigen::Index first,
                        std::span<const std::int32_t> labels, double loss) {
  EvalBatch<T> b;
  b.outputs = {out.data(), static_cast<std::size_t>(out.size())};
  b.rows = static_cast<std::size_t>(out.rows());
  b.cols = static_cast<std::size_t>(out.cols());
  b.target_cols = static_cast<std::size_t>(target.cols());
  b.targets = {target.data() + first * target.cols(), b.rows * b.target_cols};
  b.labels = labels;
  b.loss = loss;
  return b;
}

template <class T>
MetricRow evaluate(nn::Sequential<T>& model, const nn::Loss<T>& loss, const data::Dataset& data,
                   const std::string& prefix, const EvaluationOptions& options,
                   Metric<T>* observer) {
  auto metrics = make_metrics<T>(options);
  if (observer) observer->reset();
  model.eval();
  nn::Matrix<T> x, target;
  const auto n = static_cast<Eigen::Index>(data.rows());
  const auto chunk = static_cast<Eigen::Index>(std::max<std::size_t>(options.batch_size, 1));
  for (Eigen::Index begin = 0; begin < n; begin += chunk) {
    const Eigen::Index rows = std::min(chunk, n - begin);
    const auto first = static_cast<std::size_t>(begin), count = static_cast<std::size_t>(rows);
    std::span<const std::int32_t> labels;
    if (!data.labels.empty())
      labels = std::span<const std::int32_t>(data.labels).subspan(first, count);
    // Targets as the loss expects them: class ids or values, [rows, 1].
    target.resize(rows, 1);
    for (Eigen::Index i = 0; i < rows; ++i)
      target(i, 0) = labels.empty() ? static_cast<T>(data.y[begin + i])
                                    : static_cast<T>(labels[static_cast<std::size_t>(i)]);
    const auto block = data.x.middleRows(begin, rows);
    const nn::Matrix<T>* out;
    if constexpr (std::is_same_v<T, float>) {
      out = &model.forward(block);
    } else {
      x = block.template cast<T>();
      out = &model.forward(x);
    }
    const double value = loss.value(*out, target);
    const auto eb = eval_batch(*out, target, 0, labels, value);
    for (auto& m : metrics) m->update(eb);
    if (observer) observer->update(eb);
  }
  model.train();
  MetricRow row;
  for (auto& m : metrics) m->write(row, prefix);
  return row;
}

#define DESCENT_INSTANTIATE(T)                                                               \
  template MetricList<T> make_metrics<T>(const EvaluationOptions&);                          \
  template EvalBatch<T> eval_batch(const nn::Matrix<T>&, const nn::Matrix<T>&, Eigen::Index, \
                                   std::span<const std::int32_t>, double);                   \
  template MetricRow evaluate(nn::Sequential<T>&, const nn::Loss<T>&, const data::Dataset&,  \
                              const std::string&, const EvaluationOptions&, Metric<T>*);
DESCENT_INSTANTIATE(float)
DESCENT_INSTANTIATE(double)
#undef DESCENT_INSTANTIATE

}  // namespace descent::train
