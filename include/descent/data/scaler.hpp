#pragma once
// Feature scaling fitted on the training set only, then applied to every split:
//   standardize: x' = (x - mean) / std   (population std, ddof = 0, as sklearn's StandardScaler)
//   min-max:     x' = (x - min) / (max - min)   (to [0, 1] on the training set)
// A constant column (std = 0 or max = min) gets scale 1, so it becomes 0 instead of NaN.
// The statistics (offset, scale per column) go to and from JSON, to be saved with a checkpoint.
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "descent/data/dataset.hpp"

namespace descent::data {

enum class ScalerKind { standardize, min_max };

/// "standardize" / "min-max".
std::string_view to_string(ScalerKind kind);
/// Parses "standardize" / "min-max"; ConfigError with a did-you-mean otherwise.
ScalerKind parse_scaler_kind(std::string_view text);

class Scaler {
 public:
  /// Fits the per-column statistics of `x` (at least one row), computed in double.
  static Scaler fit(ScalerKind kind, const Matrix& x);

  /// x' = (x - offset) / scale per column, in place. UsageError if the column count differs.
  void transform(Matrix& x) const;

  ScalerKind kind() const { return kind_; }
  const std::vector<double>& offset() const { return offset_; }  // mean or min
  const std::vector<double>& scale() const { return scale_; }    // std or max - min (1 if 0)

  /// {"kind": "standardize", "offset": [...], "scale": [...]}; numbers round-trip exactly.
  nlohmann::json to_json() const;
  /// Inverse of to_json; CheckpointError on a malformed object (unknown kind, sizes, scale <= 0).
  static Scaler from_json(const nlohmann::json& json);

 private:
  ScalerKind kind_ = ScalerKind::standardize;
  std::vector<double> offset_, scale_;
};

}  // namespace descent::data
