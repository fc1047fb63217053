// Losses against torch 1.13 goldens (tools/golden/losses.py -> tests/golden/losses.json): values
// and gradients in double (1e-12 relative) and float (1e-5), plus the registry's strictness.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "descent/core/error.hpp"
#include "descent/nn/cross_entropy.hpp"
#include "descent/nn/loss.hpp"
#include "support/golden.hpp"

namespace descent::nn {
namespace {

template <class T>
Matrix<T> to_matrix(const nlohmann::json& rows) {
  if (!rows[0].is_array()) {  // class ids: one per row
    Matrix<T> m(Eigen::Index(rows.size()), 1);
    for (std::size_t i = 0; i < rows.size(); ++i) m(Eigen::Index(i), 0) = rows[i].get<T>();
    return m;
  }
  Matrix<T> m(Eigen::Index(rows.size()), Eigen::Index(rows[0].size()));
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j)
      m(Eigen::Index(i), Eigen::Index(j)) = rows[i][j].get<T>();
  return m;
}

template <class T>
void check_goldens(double rtol, double floor) {
  const auto golden = test::load_golden("losses.json");
  std::set<std::string> covered;
  for (const auto& c : golden["cases"]) {
    nlohmann::json spec = c["options"];
    spec["name"] = c["name"];
    SCOPED_TRACE(spec.dump());
    auto loss = make_loss<T>(spec);
    covered.insert(loss->name());
    const Matrix<T> output = to_matrix<T>(c["output"]), target = to_matrix<T>(c["target"]);
    Matrix<T> grad;
    EXPECT_TRUE(test::close(loss->evaluate(output, target, &grad), c["value"].get<double>(), rtol));
    EXPECT_TRUE(test::close(loss->value(output, target), c["value"].get<double>(), rtol));
    const Matrix<double> expected = to_matrix<double>(c["grad"]);
    ASSERT_EQ(grad.rows(), expected.rows());
    ASSERT_EQ(grad.cols(), expected.cols());
    for (Eigen::Index i = 0; i < grad.size(); ++i)
      EXPECT_TRUE(test::close(grad.data()[i], expected.data()[i], rtol, floor))
          << "grad[" << i << "]";
  }
  // Every registered loss has goldens.
  for (const auto& info : loss_registry()) EXPECT_TRUE(covered.count(info.name)) << info.name;
}

// Gradient entries p - 1 with p ~ 1 lose their relative accuracy to cancellation (absolute error
// ~ eps/m), so gradients are compared with an absolute floor of 1e-3 * rtol.
TEST(Loss, MatchesTorchInDouble) {
  check_goldens<double>(1e-12, 1e-3);
}
TEST(Loss, MatchesTorchInFloat) {
  check_goldens<float>(2e-5, 1e-6);
}

TEST(Loss, CrossEntropyGradientIsSoftmaxMinusOneHot) {
  // By hand: logits (0, 0) -> p = (1/2, 1/2); L = log 2; dL/dz = (p - e_y)/m.
  Matrix<double> z = Matrix<double>::Zero(1, 2), y(1, 1);
  y << 1;
  Matrix<double> g;
  EXPECT_DOUBLE_EQ(CrossEntropyLoss<double>().evaluate(z, y, &g), std::log(2.0));
  EXPECT_DOUBLE_EQ(g(0, 0), 0.5);
  EXPECT_DOUBLE_EQ(g(0, 1), -0.5);
}

TEST(Loss, RegistryIsStrict) {
  EXPECT_THROW(make_loss<float>("crossentropy"), ConfigError);
  try {
    make_loss<float>("cross_entropi");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'cross_entropy'"), std::string::npos)
        << e.what();
  }
  try {
    make_loss<float>(R"({"name": "cross_entropy", "label_smothing": 0.1})");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("label_smoothing"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make_loss<float>(R"({"name": "mse", "delta": 1})"), ConfigError);
  EXPECT_THROW(make_loss<float>(R"({"name": "huber", "delta": -1})"), ConfigError);
  EXPECT_THROW(make_loss<float>(R"({"name": "huber", "delta": "big"})"), ConfigError);
  EXPECT_THROW(make_loss<float>(R"({"name": "cross_entropy", "label_smoothing": 1.5})"),
               ConfigError);
  EXPECT_THROW(make_loss<float>(R"({"name": "cross_entropy", "weight": [1, -2]})"), ConfigError);
  EXPECT_THROW(make_loss<float>(R"({"name": "focal", "gamma": -1})"), ConfigError);
  EXPECT_THROW(make_loss<float>(R"({"name": "mse")"), ConfigError);  // malformed JSON
  EXPECT_EQ(make_loss<double>("hinge")->name(), "multi_margin");     // alias
  EXPECT_EQ(make_loss<double>("l1")->name(), "mae");
}

TEST(Loss, BadTargetsAreDataErrors) {
  auto ce = make_loss<double>("cross_entropy");
  Matrix<double> z = Matrix<double>::Zero(2, 3), y(2, 1);
  y << 0, 3;  // class 3 of 3 outputs
  EXPECT_THROW(ce->value(z, y), DataError);
  y << 0, 1.5;
  EXPECT_THROW(ce->value(z, y), DataError);
  EXPECT_THROW(ce->value(z, Matrix<double>::Zero(2, 3)), DataError);  // one-hot given to CE
  EXPECT_THROW(make_loss<double>("mse")->value(z, Matrix<double>::Zero(2, 1)), DataError);
  auto weighted = make_loss<double>(R"({"name": "cross_entropy", "weight": [1, 2]})");
  y << 0, 1;
  EXPECT_THROW(weighted->value(z, y), ConfigError);  // 2 weights for 3 classes
}

}  // namespace
}  // namespace descent::nn
