#include "descent/data/synthetic.hpp"

#include <cmath>

#include <fmt/format.h>

#include "descent/core/error.hpp"
#include "descent/core/random.hpp"

namespace descent::data {

namespace {

void require(bool ok, const char* key, const std::string& what) {
  if (!ok) throw ConfigError(what, key);
}

std::vector<std::string> numbered(const char* prefix, std::size_t n) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) names.push_back(fmt::format("{}{}", prefix, i));
  return names;
}

}  // namespace

Dataset make_linear_regression(const LinearRegressionOptions& o) {
  require(o.samples > 0, "samples", "a data set needs at least one sample");
  require(!o.weights.empty(), "weights", "linear regression needs at least one weight");
  require(o.noise >= 0, "noise", "the noise standard deviation must be >= 0");
  const auto n = static_cast<Eigen::Index>(o.samples);
  const auto d = static_cast<Eigen::Index>(o.weights.size());
  Dataset data;
  data.x.resize(n, d);
  data.y.resize(n);
  Rng rng(o.seed);
  for (Eigen::Index i = 0; i < n; ++i) {
    double y = o.bias;  // y = x . w + b + noise, accumulated in double
    for (Eigen::Index j = 0; j < d; ++j) {
      const auto x = static_cast<float>(standard_normal(rng));
      data.x(i, j) = x;
      y += static_cast<double>(x) * o.weights[static_cast<std::size_t>(j)];
    }
    data.y[i] = static_cast<float>(y + o.noise * standard_normal(rng));
  }
  data.feature_names = numbered("x", o.weights.size());
  data.target_name =
      std::string(1, 'y');  // not = "y": GCC 12 -Wrestrict false positive (bug 105329)
  data.task = Task::regression;
  data.source = "linear-regression";
  return data;
}

Dataset make_blobs(const BlobsOptions& o) {
  require(o.samples > 0, "samples", "a data set needs at least one sample");
  require(o.classes > 0, "classes", "blobs need at least one class");
  require(o.features > 0, "features", "blobs need at least one feature");
  require(o.spread >= 0, "spread", "the spread must be >= 0");
  Rng rng(o.seed);
  std::vector<double> centers(o.classes * o.features);
  for (double& c : centers) c = o.center_box * (2.0 * uniform01(rng) - 1.0);
  Dataset data;
  data.x.resize(static_cast<Eigen::Index>(o.samples), static_cast<Eigen::Index>(o.features));
  data.labels.resize(o.samples);
  for (std::size_t i = 0; i < o.samples; ++i) {
    const std::size_t k = i % o.classes;
    data.labels[i] = static_cast<std::int32_t>(k);
    for (std::size_t j = 0; j < o.features; ++j) {
      data.x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) =
          static_cast<float>(centers[k * o.features + j] + o.spread * standard_normal(rng));
    }
  }
  data.feature_names = numbered("x", o.features);
  data.class_names = numbered("", o.classes);
  data.target_name = "class";
  data.task = Task::classification;
  data.source = "blobs";
  return data;
}

Dataset make_spirals(const SpiralsOptions& o) {
  require(o.classes > 0, "classes", "spirals need at least one arm");
  require(o.samples >= 2 * o.classes, "samples", "spirals need at least 2 samples per arm");
  require(o.noise >= 0, "noise", "the noise must be >= 0");
  Rng rng(o.seed);
  Dataset data;
  data.x.resize(static_cast<Eigen::Index>(o.samples), 2);
  data.labels.resize(o.samples);
  std::size_t row = 0;
  for (std::size_t k = 0; k < o.classes; ++k) {
    const std::size_t m = o.samples / o.classes + (k < o.samples % o.classes ? 1 : 0);
    for (std::size_t j = 0; j < m; ++j, ++row) {
      const double r = static_cast<double>(j) / static_cast<double>(m - 1);
      const double t = 4.0 * (static_cast<double>(k) + r) + o.noise * standard_normal(rng);
      data.x(static_cast<Eigen::Index>(row), 0) = static_cast<float>(r * std::sin(t));
      data.x(static_cast<Eigen::Index>(row), 1) = static_cast<float>(r * std::cos(t));
      data.labels[row] = static_cast<std::int32_t>(k);
    }
  }
  data.feature_names = {"x0", "x1"};
  data.class_names = numbered("", o.classes);
  data.target_name = "class";
  data.task = Task::classification;
  data.source = "spirals";
  return data;
}

}  // namespace descent::data
