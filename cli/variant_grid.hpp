#pragma once
// The variants of `descent compare`: `--vary KEY=V1,V2,...` options, and the grid of every
// combination of their values (the first key varies slowest). A value may be JSON with commas
// inside ({"name":"sgd","lr":0.1}, [0.9,0.99]): only top-level commas separate values.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace descent::cli {

struct Variation {
  std::string key;
  std::vector<std::string> values;
};

/// "KEY=V1,V2,..." -> {KEY, {V1, V2, ...}}; ConfigError naming --vary for a missing '=', an empty
/// key, an empty value list or an empty value.
Variation parse_variation(const std::string& text);

/// One variant: a value for each varied key, in the order the keys were given.
using Assignment = std::vector<std::pair<std::string, std::string>>;

/// The number of combinations (saturating at SIZE_MAX).
std::size_t grid_size(const std::vector<Variation>& variations);
/// Every combination; one empty assignment when nothing varies.
std::vector<Assignment> grid(const std::vector<Variation>& variations);

/// "optimizer.lr=0.1, train.batch_size=1" (the assignment as a legend / table label).
std::string label_of(const Assignment& assignment);

}  // namespace descent::cli
