#include "descent/data/scaler.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "descent/core/error.hpp"

namespace descent::data {
namespace {

/// Column 0: 1, 2, 3, 6 (mean 3, population variance (4+1+0+9)/4 = 3.5); column 1 constant 7.
Matrix train() {
  Matrix x(4, 2);
  x << 1, 7, 2, 7, 3, 7, 6, 7;
  return x;
}

TEST(Scaler, StandardizeUsesTrainStatisticsAndHandlesConstantColumns) {
  Scaler s = Scaler::fit(ScalerKind::standardize, train());
  EXPECT_DOUBLE_EQ(s.offset()[0], 3.0);
  EXPECT_DOUBLE_EQ(s.scale()[0], std::sqrt(3.5));
  EXPECT_EQ(s.offset()[1], 7.0);
  EXPECT_EQ(s.scale()[1], 1.0);  // constant: scale 1, the column becomes 0
  Matrix x = train();
  s.transform(x);
  EXPECT_NEAR(x.col(0).mean(), 0.0f, 1e-6);
  EXPECT_NEAR(x.col(0).squaredNorm() / 4, 1.0f, 1e-6);
  EXPECT_EQ(x.col(1), Eigen::VectorXf::Zero(4));
  // Another split is scaled with the training statistics.
  Matrix other(1, 2);
  other << 3 + std::sqrt(3.5f), 8;
  s.transform(other);
  EXPECT_NEAR(other(0, 0), 1.0f, 1e-6);
  EXPECT_EQ(other(0, 1), 1.0f);
}

TEST(Scaler, MinMax) {
  Scaler s = Scaler::fit(ScalerKind::min_max, train());
  Matrix x = train();
  s.transform(x);
  EXPECT_FLOAT_EQ(x(0, 0), 0.0f);
  EXPECT_FLOAT_EQ(x(1, 0), 0.2f);
  EXPECT_FLOAT_EQ(x(3, 0), 1.0f);
  EXPECT_EQ(x.col(1), Eigen::VectorXf::Zero(4));
  Matrix wrong(1, 3);
  EXPECT_THROW(s.transform(wrong), UsageError);
}

TEST(Scaler, JsonRoundTripIsExact) {
  Matrix x = Matrix::Random(50, 3);
  for (ScalerKind kind : {ScalerKind::standardize, ScalerKind::min_max}) {
    Scaler s = Scaler::fit(kind, x);
    Scaler back = Scaler::from_json(nlohmann::json::parse(s.to_json().dump()));
    EXPECT_EQ(back.kind(), kind);
    EXPECT_EQ(back.offset(), s.offset());
    EXPECT_EQ(back.scale(), s.scale());
  }
  EXPECT_EQ(parse_scaler_kind(to_string(ScalerKind::min_max)), ScalerKind::min_max);
  EXPECT_THROW(parse_scaler_kind("standardise"), ConfigError);
}

TEST(Scaler, MalformedJsonIsACheckpointError) {
  using nlohmann::json;
  EXPECT_THROW(Scaler::from_json(json::parse(R"({"kind":"zscore","offset":[0],"scale":[1]})")),
               CheckpointError);
  EXPECT_THROW(Scaler::from_json(json::parse(R"({"kind":"min-max","offset":[0]})")),
               CheckpointError);
  EXPECT_THROW(Scaler::from_json(json::parse(R"({"kind":"min-max","offset":[0],"scale":[1,2]})")),
               CheckpointError);
  EXPECT_THROW(Scaler::from_json(json::parse(R"({"kind":"min-max","offset":[0],"scale":[0]})")),
               CheckpointError);
  EXPECT_THROW(Scaler::from_json(json::parse(R"({"kind":"min-max","offset":["a"],"scale":[1]})")),
               CheckpointError);
}

}  // namespace
}  // namespace descent::data
