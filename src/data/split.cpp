#include "descent/data/split.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/random.hpp"

namespace descent::data {

namespace {

std::size_t split_size(std::size_t n, double fraction) {
  if (fraction == 0) return 0;
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(fraction * n)));
}

/// Largest-remainder apportionment: `total` items over classes in proportion to `sizes`, class c
/// getting at most caps[c]. Floors first, then +1 by decreasing remainder (ties: lower class).
std::vector<std::size_t> apportion(std::size_t total, const std::vector<std::size_t>& sizes,
                                   const std::vector<std::size_t>& caps) {
  const double n = static_cast<double>(std::accumulate(sizes.begin(), sizes.end(), std::size_t{0}));
  std::vector<std::size_t> share(sizes.size());
  std::vector<double> remainder(sizes.size());
  std::size_t given = 0;
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    const double exact = static_cast<double>(total) * static_cast<double>(sizes[c]) / n;
    share[c] = std::min(caps[c], static_cast<std::size_t>(std::floor(exact)));
    remainder[c] = exact - std::floor(exact);
    given += share[c];
  }
  std::vector<std::size_t> order(sizes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (bool progress = true; given < total && progress;) {
    progress = false;
    for (std::size_t c : order) {
      if (given == total) break;
      if (share[c] < caps[c]) ++share[c], ++given, progress = true;
    }
  }
  return share;
}

/// Moves rows keep[k] (ascending, keep[k] >= k) to row k and drops the others, in place.
void compact(Dataset& data, const std::vector<std::size_t>& keep) {
  const auto n = static_cast<Eigen::Index>(keep.size());
  for (Eigen::Index k = 0; k < n; ++k) {
    const auto from = static_cast<Eigen::Index>(keep[static_cast<std::size_t>(k)]);
    if (from == k) continue;
    data.x.row(k) = data.x.row(from);
    if (data.task == Task::regression) {
      data.y[k] = data.y[from];
    } else {
      data.labels[static_cast<std::size_t>(k)] = data.labels[static_cast<std::size_t>(from)];
    }
  }
  data.x.conservativeResize(n, Eigen::NoChange);
  if (data.task == Task::regression) {
    data.y.conservativeResize(n);
  } else {
    data.labels.resize(keep.size());
  }
}

}  // namespace

Splits split(Dataset data, const SplitOptions& o) {
  const std::size_t n = data.rows();
  if (!(o.val >= 0 && o.val < 1)) {
    throw ConfigError(fmt::format("validation fraction {} is not in [0, 1)", o.val), "val_split");
  }
  if (!(o.test >= 0 && o.test < 1)) {
    throw ConfigError(fmt::format("test fraction {} is not in [0, 1)", o.test), "test_split");
  }
  const std::size_t n_val = split_size(n, o.val), n_test = split_size(n, o.test);
  if (n_val + n_test >= n) {
    throw ConfigError(fmt::format("{} validation and {} test rows out of {} leave no training row",
                                  n_val, n_test, n),
                      "val_split", "use smaller fractions or more data");
  }
  if (o.stratify && data.task != Task::classification) {
    throw ConfigError("stratified splitting needs class labels", "stratify",
                      "stratify only classification data");
  }

  Rng rng(derive_seed(o.seed, 0));
  std::vector<std::size_t> val, test, train;
  auto deal = [&](std::span<std::size_t> rows, std::size_t k_val, std::size_t k_test) {
    shuffle(rows, rng);
    val.insert(val.end(), rows.begin(), rows.begin() + k_val);
    test.insert(test.end(), rows.begin() + k_val, rows.begin() + k_val + k_test);
    train.insert(train.end(), rows.begin() + k_val + k_test, rows.end());
  };
  if (!o.stratify) {
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    deal(rows, n_val, n_test);
  } else {
    std::vector<std::vector<std::size_t>> by_class(data.classes());
    for (std::size_t i = 0; i < n; ++i)
      by_class[static_cast<std::size_t>(data.labels[i])].push_back(i);
    std::vector<std::size_t> sizes;
    for (const auto& rows : by_class) sizes.push_back(rows.size());
    const std::vector<std::size_t> val_share = apportion(n_val, sizes, sizes);
    std::vector<std::size_t> left(sizes.size());
    for (std::size_t c = 0; c < sizes.size(); ++c) left[c] = sizes[c] - val_share[c];
    const std::vector<std::size_t> test_share = apportion(n_test, sizes, left);
    for (std::size_t c = 0; c < by_class.size(); ++c)
      deal(by_class[c], val_share[c], test_share[c]);
  }
  for (auto* rows : {&val, &test, &train}) std::sort(rows->begin(), rows->end());

  Splits s;
  s.val = select_rows(data, val);
  s.test = select_rows(data, test);
  compact(data, train);
  s.train = std::move(data);
  return s;
}

}  // namespace descent::data
