#include "descent/train/evaluation.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

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
                   Metric<T>* observer, Communicator* comm) {
  auto metrics = make_metrics<T>(options);
  if (observer) observer->reset();
  model.eval();
  nn::Matrix<T> x, target, gathered;
  const std::size_t n = data.rows();
  const std::size_t chunk = std::max<std::size_t>(options.batch_size, 1);
  const std::size_t batches = (n + chunk - 1) / chunk;
  const std::size_t cols = n ? model.output_dim(data.features()) : 0;
  // Batch b: rows [b chunk, ...); its record: loss (double) and outputs.
  auto rows_of = [&](std::size_t b) { return std::min(chunk, n - b * chunk); };
  auto record = [&](std::size_t b) { return sizeof(double) + rows_of(b) * cols * sizeof(T); };
  const int size = comm ? comm->size() : 1, rank = comm ? comm->rank() : 0;
  std::vector<std::size_t> counts(static_cast<std::size_t>(size), 0);
  for (int r = 0; r < size; ++r) {
    const auto [first, last] = share(batches, r, size);
    for (std::size_t b = first; b < last; ++b) counts[static_cast<std::size_t>(r)] += record(b);
  }
  std::vector<std::byte> mine, all;
  auto set_batch = [&](std::size_t b) {
    const std::size_t first = b * chunk, count = rows_of(b);
    std::span<const std::int32_t> labels;
    if (!data.labels.empty())
      labels = std::span<const std::int32_t>(data.labels).subspan(first, count);
    // Targets as the loss expects them: class ids or values, [rows, 1].
    target.resize(static_cast<Eigen::Index>(count), 1);
    for (std::size_t i = 0; i < count; ++i)
      target(static_cast<Eigen::Index>(i), 0) =
          labels.empty() ? static_cast<T>(data.y[first + i]) : static_cast<T>(labels[i]);
    return labels;
  };
  auto forward = [&](std::size_t b) -> const nn::Matrix<T>& {
    const auto block = data.x.middleRows(static_cast<Eigen::Index>(b * chunk),
                                         static_cast<Eigen::Index>(rows_of(b)));
    if constexpr (std::is_same_v<T, float>) {
      return model.forward(block);
    } else {
      x = block.template cast<T>();
      return model.forward(x);
    }
  };
  auto update = [&](const nn::Matrix<T>& out, std::span<const std::int32_t> labels, double value) {
    const auto eb = eval_batch(out, target, 0, labels, value);
    for (auto& m : metrics) m->update(eb);
    if (observer) observer->update(eb);
  };
  if (size == 1) {
    for (std::size_t b = 0; b < batches; ++b) {
      const auto labels = set_batch(b);
      const nn::Matrix<T>& out = forward(b);
      update(out, labels, loss.value(out, target));
    }
  } else {
    const auto [first, last] = share(batches, rank, size);
    mine.resize(counts[static_cast<std::size_t>(rank)]);
    std::byte* put = mine.data();
    for (std::size_t b = first; b < last; ++b) {
      set_batch(b);
      const nn::Matrix<T>& out = forward(b);
      const double value = loss.value(out, target);
      std::memcpy(put, &value, sizeof(double));
      std::memcpy(put + sizeof(double), out.data(),
                  static_cast<std::size_t>(out.size()) * sizeof(T));
      put += record(b);
    }
    std::size_t total = 0;
    for (auto c : counts) total += c;
    all.resize(total);
    comm->all_gather(mine, all, counts);
    const std::byte* get = all.data();
    for (std::size_t b = 0; b < batches; ++b) {
      const auto labels = set_batch(b);
      double value;
      std::memcpy(&value, get, sizeof(double));
      gathered.resize(static_cast<Eigen::Index>(rows_of(b)), static_cast<Eigen::Index>(cols));
      std::memcpy(gathered.data(), get + sizeof(double), rows_of(b) * cols * sizeof(T));
      get += record(b);
      update(gathered, labels, value);
    }
  }
  model.train();
  MetricRow row;
  for (auto& m : metrics) m->write(row, prefix);
  return row;
}

#define DESCENT_INSTANTIATE(T)                                                                   \
  template MetricList<T> make_metrics<T>(const EvaluationOptions&);                              \
  template EvalBatch<T> eval_batch(const nn::Matrix<T>&, const nn::Matrix<T>&, Eigen::Index,     \
                                   std::span<const std::int32_t>, double);                       \
  template MetricRow evaluate(nn::Sequential<T>&, const nn::Loss<T>&, const data::Dataset&,      \
                              const std::string&, const EvaluationOptions&, Metric<T>*, \
                              Communicator*);
DESCENT_INSTANTIATE(float)
DESCENT_INSTANTIATE(double)
#undef DESCENT_INSTANTIATE

}  // namespace descent::train
