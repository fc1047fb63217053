#pragma once
// Test support: golden JSON written by tools/golden/*.py (Debian python3-torch 1.13), and
// comparisons with a relative tolerance that name what differs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

namespace descent::test {

inline std::filesystem::path data_dir() {
  return DESCENT_TEST_DATA_DIR;
}

/// tests/golden/<name>, parsed. Fails the test if missing (generate it with tools/golden/).
inline nlohmann::json load_golden(const std::string& name) {
  std::ifstream in(data_dir() / "golden" / name);
  if (!in) {
    ADD_FAILURE() << "missing golden file tests/golden/" << name << " (run tools/golden/)";
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(in);
}

/// |a - e| <= rtol * max(|e|, floor): relative, with an absolute floor for values near zero.
inline ::testing::AssertionResult close(double actual, double expected, double rtol,
                                        double floor = 1e-30) {
  if (std::isnan(expected) && std::isnan(actual)) return ::testing::AssertionSuccess();
  double err = std::abs(actual - expected);
  double scale = std::max(std::abs(expected), floor);
  if (err <= rtol * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "actual " << actual << " vs expected " << expected << " (relative error " << err / scale
         << " > " << rtol << ")";
}

/// The same values to the bit (sizes and bytes equal).
template <class T>
bool same_bits(std::span<const T> a, std::span<const T> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size_bytes()) == 0;
}

}  // namespace descent::test
