#pragma once
// Seeded synthetic data sets (same options and seed = same bits, on any platform: see random.hpp).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "descent/data/dataset.hpp"

namespace descent::data {

/// The course's linear regression: y = X w + b + noise, x_ij ~ N(0, 1), noise ~ N(0, noise^2),
/// 1000 samples. The course fixes only the sample count; the weights, bias and noise level are ours
/// (a least-squares fit recovers w to about noise / sqrt(samples) = 0.003 per weight).
struct LinearRegressionOptions {
  std::size_t samples = 1000;
  std::vector<double> weights{2.0, -3.4};  // the true w; its size is the number of features
  double bias = 4.2;                       // the true b
  double noise = 0.1;                      // standard deviation of the additive noise
  std::uint64_t seed = 0;
};
Dataset make_linear_regression(const LinearRegressionOptions& options = {});

/// Gaussian blobs: `classes` centres drawn uniformly in [-center_box, center_box]^features; sample
/// i has class i mod classes and x = centre + spread * N(0, I).
struct BlobsOptions {
  std::size_t samples = 300;
  std::size_t classes = 3;
  std::size_t features = 2;
  double spread = 1.0;
  double center_box = 5.0;
  std::uint64_t seed = 0;
};
Dataset make_blobs(const BlobsOptions& options = {});

/// The 2-D spirals of CS231n: arm k (a class) has m points j = 0..m-1 with radius r = j / (m - 1)
/// and angle t = 4 (k + r) + noise * N(0, 1); x = (r sin t, r cos t). Samples are split evenly over
/// the arms (the first arms get one more when it does not divide).
struct SpiralsOptions {
  std::size_t samples = 300;
  std::size_t classes = 3;
  double noise = 0.2;
  std::uint64_t seed = 0;
};
Dataset make_spirals(const SpiralsOptions& options = {});

}  // namespace descent::data
