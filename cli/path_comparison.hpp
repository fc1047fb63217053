#pragma once
// `descent compare --function F ...`: optimizer paths on test functions, every function x start x
// optimizer variant, each path written as CSV (paths/NN.csv: step,x0,...,f,grad_norm), a table
// (final point and f, distance to the nearest known minimum, steps until within --tol of it,
// divergence) and a figure per function: the paths over a contour plot (2-D), or the paths on the
// curve and the step-size stability rule |1 - lr L| < 1, i.e. lr < 2/L (1-D).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "comparison.hpp"
#include "experiments.hpp"

namespace descent::cli {

struct PathComparison {
  std::filesystem::path dir;
  std::vector<FunctionChoice> functions;
  std::vector<std::string> starts;  // "X,Y"; empty: each function's usual start
  std::int64_t steps = 100;
  double tol = 1e-6;
  std::size_t jobs = 1;
  std::string title;  // figure title prefix (the experiment's name)
};

/// Runs every path (the variants' optimizer tables) and writes the outputs; returns 0.
int compare_paths(const PathComparison& comparison, const std::vector<Variant>& variants);

}  // namespace descent::cli
