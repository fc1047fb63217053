#pragma once
// Train / validation / test split with a seed. Sizes: n_val = round(N * val), at least 1 when
// val > 0 (same for test); the rest is training. Rows are drawn by a seeded Fisher-Yates shuffle
// (stratified: within each class, with each class's share of a split set by largest remainders so
// the split sizes stay exact); each split keeps the original row order. Same data, options and
// seed = same split.
#include <cstdint>

#include "descent/data/dataset.hpp"

namespace descent::data {

struct SplitOptions {
  double val = 0.0;   // fraction of the rows for validation
  double test = 0.0;  // fraction of the rows for testing
  std::uint64_t seed = 0;
  bool stratify = false;  // keep class proportions (classification only)
};

struct Splits {
  Dataset train, val, test;  // val / test have 0 rows when their fraction is 0
};

/// Splits `data` (moved in: the training rows are compacted in place, so the peak memory is the
/// data plus the validation and test rows). ConfigError on fractions outside [0, 1) or leaving no
/// training row, or stratifying a regression set.
Splits split(Dataset data, const SplitOptions& options);

}  // namespace descent::data
