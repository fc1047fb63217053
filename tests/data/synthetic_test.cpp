#include "descent/data/synthetic.hpp"

#include <gtest/gtest.h>
#include <cmath>

#include <Eigen/Dense>

#include "descent/core/error.hpp"

namespace descent::data {
namespace {

bool same(const Dataset& a, const Dataset& b) {
  return a.x == b.x && a.y == b.y && a.labels == b.labels;
}

TEST(Synthetic, LinearRegressionShapesDeterminismAndTruth) {
  Dataset d = make_linear_regression();
  d.validate();
  EXPECT_EQ(d.rows(), 1000u);
  EXPECT_EQ(d.features(), 2u);
  EXPECT_EQ(d.task, Task::regression);
  EXPECT_TRUE(same(d, make_linear_regression()));
  EXPECT_FALSE(same(d, make_linear_regression({.seed = 1})));

  // Least squares on [X 1] recovers (w, b) to about noise / sqrt(n) = 0.003 (5 standard errors
  // allowed), and the residual standard deviation is the noise level. Normal equations
  // (A^T A) c = A^T y, accumulated by hand: Eigen's dynamic-size reductions trip a false GCC 12
  // -Wmaybe-uninitialized with AVX-512.
  Eigen::Matrix3d ata = Eigen::Matrix3d::Zero();
  Eigen::Vector3d aty = Eigen::Vector3d::Zero();
  for (Eigen::Index i = 0; i < 1000; ++i) {
    const Eigen::Vector3d a(d.x(i, 0), d.x(i, 1), 1.0);
    ata += a * a.transpose();
    aty += a * static_cast<double>(d.y[i]);
  }
  const Eigen::Vector3d coef = ata.inverse() * aty;
  EXPECT_NEAR(coef[0], 2.0, 0.015);
  EXPECT_NEAR(coef[1], -3.4, 0.015);
  EXPECT_NEAR(coef[2], 4.2, 0.015);
  double squares = 0;
  for (Eigen::Index i = 0; i < 1000; ++i) {
    const double r = coef[0] * d.x(i, 0) + coef[1] * d.x(i, 1) + coef[2] - d.y[i];
    squares += r * r;
  }
  EXPECT_NEAR(std::sqrt(squares / 1000), 0.1, 0.01);

  Dataset exact =
      make_linear_regression({.samples = 5, .weights = {1, 2, 3}, .bias = 0, .noise = 0});
  EXPECT_EQ(exact.features(), 3u);
  for (Eigen::Index i = 0; i < 5; ++i) {
    EXPECT_FLOAT_EQ(exact.y[i], exact.x(i, 0) + 2 * exact.x(i, 1) + 3 * exact.x(i, 2));
  }
  EXPECT_THROW(make_linear_regression({.samples = 0}), ConfigError);
}

TEST(Synthetic, BlobsAreSeparatedAroundTheirCentres) {
  Dataset d = make_blobs({.samples = 600, .classes = 4, .features = 3, .spread = 0.1, .seed = 3});
  d.validate();
  EXPECT_EQ(d.rows(), 600u);
  EXPECT_EQ(d.features(), 3u);
  EXPECT_EQ(d.classes(), 4u);
  EXPECT_TRUE(
      same(d, make_blobs({.samples = 600, .classes = 4, .features = 3, .spread = 0.1, .seed = 3})));
  // Class means: 150 samples each; with spread 0.1 every sample is within 0.6 of its class mean.
  Eigen::MatrixXf means = Eigen::MatrixXf::Zero(4, 3);
  for (std::size_t i = 0; i < 600; ++i)
    means.row(d.labels[i]) += d.x.row(static_cast<Eigen::Index>(i)) / 150.0f;
  for (std::size_t i = 0; i < 600; ++i) {
    EXPECT_EQ(d.labels[i], static_cast<std::int32_t>(i % 4));
    EXPECT_LT((d.x.row(static_cast<Eigen::Index>(i)) - means.row(d.labels[i])).norm(), 0.6f);
  }
  for (Eigen::Index c = 0; c < means.size(); ++c) {
    EXPECT_LE(std::abs(means.data()[c]), 5.1f);  // centres in [-5, 5]^3
  }
}

TEST(Synthetic, SpiralsArmsAndRadii) {
  Dataset d = make_spirals({.samples = 301, .classes = 3, .noise = 0.0});
  d.validate();
  EXPECT_EQ(d.rows(), 301u);
  EXPECT_EQ(d.features(), 2u);
  // 301 = 101 + 100 + 100; without noise, point j of an arm of m points has radius j / (m - 1)
  // and angle 4 (k + r), so (x0, x1) = r (sin t, cos t).
  std::size_t row = 0;
  for (int k = 0; k < 3; ++k) {
    const int m = k == 0 ? 101 : 100;
    for (int j = 0; j < m; ++j, ++row) {
      const double r = static_cast<double>(j) / (m - 1), t = 4 * (k + r);
      EXPECT_EQ(d.labels[row], k);
      EXPECT_NEAR(d.x(static_cast<Eigen::Index>(row), 0), r * std::sin(t), 1e-6);
      EXPECT_NEAR(d.x(static_cast<Eigen::Index>(row), 1), r * std::cos(t), 1e-6);
    }
  }
  Dataset noisy = make_spirals({.seed = 5});
  EXPECT_TRUE(same(noisy, make_spirals({.seed = 5})));
  EXPECT_FALSE(same(noisy, make_spirals({.seed = 6})));
  EXPECT_THROW(make_spirals({.samples = 3, .classes = 2}), ConfigError);
}

}  // namespace
}  // namespace descent::data
