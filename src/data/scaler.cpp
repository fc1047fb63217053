#include "descent/data/scaler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "descent/core/error.hpp"
#include "descent/core/spec.hpp"

namespace descent::data {

std::string_view to_string(ScalerKind kind) {
  return kind == ScalerKind::standardize ? "standardize" : "min-max";
}

ScalerKind parse_scaler_kind(std::string_view text) {
  if (text == "standardize") return ScalerKind::standardize;
  if (text == "min-max" || text == "minmax") return ScalerKind::min_max;
  throw_unknown(fmt::format("unknown scaler '{}'", text), std::string(text),
                {"standardize", "min-max"}, "scaler");
}

Scaler Scaler::fit(ScalerKind kind, const Matrix& x) {
  if (x.rows() == 0) throw UsageError("cannot fit a scaler on an empty matrix");
  Scaler s;
  s.kind_ = kind;
  const auto cols = static_cast<std::size_t>(x.cols());
  s.offset_.assign(cols, 0.0);
  s.scale_.assign(cols, 0.0);
  // Row after row, each column's running value in its own slot: every column's sum in row order
  // (the bits of a pass down the column) while reading the row-major matrix in memory order; down
  // the columns, Fashion-MNIST's 54000 x 784 took ~0.9 s, each read a cache miss.
  auto each_row = [&](auto&& visit) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      const float* row = x.row(i).data();
      for (std::size_t j = 0; j < cols; ++j) visit(j, static_cast<double>(row[j]));
    }
  };
  if (kind == ScalerKind::standardize) {
    // Two passes: mean = sum x / n, std = sqrt(sum (x - mean)^2 / n).
    const double n = static_cast<double>(x.rows());
    std::vector<double> sum(cols, 0.0), squares(cols, 0.0);
    each_row([&](std::size_t j, double v) { sum[j] += v; });
    for (std::size_t j = 0; j < cols; ++j) s.offset_[j] = sum[j] / n;
    each_row([&](std::size_t j, double v) {
      const double d = v - s.offset_[j];
      squares[j] += d * d;
    });
    for (std::size_t j = 0; j < cols; ++j) s.scale_[j] = std::sqrt(squares[j] / n);
  } else {
    std::vector<double> lo(cols, std::numeric_limits<double>::infinity()),
        hi(cols, -std::numeric_limits<double>::infinity());
    each_row([&](std::size_t j, double v) {
      lo[j] = std::min(lo[j], v);
      hi[j] = std::max(hi[j], v);
    });
    for (std::size_t j = 0; j < cols; ++j) {
      s.offset_[j] = lo[j];
      s.scale_[j] = hi[j] - lo[j];
    }
  }
  for (auto& scale : s.scale_)
    if (scale == 0) scale = 1;  // constant column -> 0 after centring
  return s;
}

void Scaler::transform(Matrix& x) const {
  if (static_cast<std::size_t>(x.cols()) != offset_.size()) {
    throw UsageError(
        fmt::format("scaler fitted on {} columns applied to {}", offset_.size(), x.cols()));
  }
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    float* row = x.row(i).data();
    for (std::size_t j = 0; j < offset_.size(); ++j) {
      row[j] = static_cast<float>((row[j] - offset_[j]) / scale_[j]);
    }
  }
}

nlohmann::json Scaler::to_json() const {
  return {{"kind", to_string(kind_)}, {"offset", offset_}, {"scale", scale_}};
}

Scaler Scaler::from_json(const nlohmann::json& json) {
  auto fail = [](const std::string& what) {
    throw CheckpointError(what, "scaler", "the saved scaler is corrupt; refit it on the data");
  };
  Scaler s;
  try {
    const auto kind = json.at("kind").get<std::string>();
    if (kind != "standardize" && kind != "min-max") fail(fmt::format("unknown kind '{}'", kind));
    s.kind_ = parse_scaler_kind(kind);
    s.offset_ = json.at("offset").get<std::vector<double>>();
    s.scale_ = json.at("scale").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    fail(e.what());
  }
  if (s.offset_.size() != s.scale_.size()) {
    fail(fmt::format("{} offsets but {} scales", s.offset_.size(), s.scale_.size()));
  }
  for (std::size_t j = 0; j < s.scale_.size(); ++j) {
    if (!std::isfinite(s.offset_[j]) || !std::isfinite(s.scale_[j]) || s.scale_[j] <= 0) {
      fail(fmt::format("column {}: offset {} and scale {} (scale must be finite and > 0)", j,
                       s.offset_[j], s.scale_[j]));
    }
  }
  return s;
}

}  // namespace descent::data
