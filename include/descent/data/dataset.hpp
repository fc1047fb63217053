#pragma once
// A supervised data set in memory: features as a dense row-major float matrix (one sample per row),
// and either float targets (regression) or integer class ids (classification).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

namespace descent::data {

/// Dense row-major float matrix: row i is sample i, so a batch of rows is one contiguous block.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXf;

enum class Task { regression, classification };

/// "regression" / "classification".
std::string_view to_string(Task task);
/// Parses "regression" / "classification"; throws ConfigError (with a did-you-mean) otherwise.
Task parse_task(std::string_view text);

struct Dataset {
  Matrix x;                          // rows() x features()
  Vector y;                          // regression targets, size rows(); empty for classification
  std::vector<std::int32_t> labels;  // class ids in [0, classes()); empty for regression
  std::vector<std::string> feature_names;  // one per column of x
  std::vector<std::string> class_names;    // class id -> original label text; empty for regression
  std::string target_name;
  Task task = Task::regression;
  std::string source;  // where it came from (file name, "fashion-mnist:train", "spirals", ...)

  std::size_t rows() const { return static_cast<std::size_t>(x.rows()); }
  std::size_t features() const { return static_cast<std::size_t>(x.cols()); }
  std::size_t classes() const { return class_names.size(); }

  /// Checks the invariants above (sizes agree, labels in range, names sized); throws UsageError.
  void validate() const;
};

/// x.resize(rows, cols), its values unset, and a large matrix offered transparent huge pages
/// (advise_huge_pages) before it is filled.
void resize_uninitialized(Matrix& x, Eigen::Index rows, Eigen::Index cols);

/// The rows `indices` of `data` (in that order), with the same names, task and source.
Dataset select_rows(const Dataset& data, std::span<const std::size_t> indices);

}  // namespace descent::data
