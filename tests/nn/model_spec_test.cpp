// Model spec strings: parsing, errors, and the models they build.
#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/nn/dropout.hpp"
#include "descent/nn/model_spec.hpp"

namespace descent::nn {
namespace {

TEST(ModelSpec, ParsesLinearAndMlp) {
  EXPECT_TRUE(parse_model_spec("linear").hidden.empty());
  EXPECT_EQ(parse_model_spec("mlp:256,128").hidden, (std::vector<std::size_t>{256, 128}));
  EXPECT_EQ(parse_model_spec("mlp:7").architecture(), "mlp:7");
  for (const char* bad :
       {"", "mlp", "mlp:", "mlp:0", "mlp:12x", "mlp:1,,2", "mlp:-3", "mlp:3,", "cnn"})
    EXPECT_THROW(parse_model_spec(bad), ConfigError) << bad;
  try {
    parse_model_spec("mpl:3");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'mlp'"), std::string::npos) << e.what();
  }
}

TEST(ModelSpec, ValidatesActivationAndDropout) {
  ModelSpec spec = parse_model_spec("mlp:4");
  spec.activation = "rleu";
  EXPECT_THROW(validate(spec), ConfigError);
  spec.activation = "gelu";
  spec.dropout = 1;
  EXPECT_THROW(validate(spec), ConfigError);
  spec.dropout = 0.5;
  EXPECT_NO_THROW(validate(spec));
}

TEST(ModelSpec, BuildsTheLayersInTorchOrder) {
  ModelSpec spec = parse_model_spec("mlp:16,8");
  spec.activation = "tanh";
  spec.dropout = 0.1;
  spec.init = InitScheme::KaimingNormal;
  auto model = make_model<float>(spec, 10, 3, 42, {.weight = 0, .bias = 1});
  // Linear, Tanh, Dropout, Linear, Tanh, Dropout, Linear
  ASSERT_EQ(model->net->size(), 7u);
  EXPECT_EQ((*model->net)[1].describe(), "Tanh()");
  EXPECT_NE(dynamic_cast<Dropout<float>*>(&(*model->net)[2]), nullptr);
  EXPECT_TRUE(model->params.contains("6.weight"));
  EXPECT_EQ(model->params.size(), 10u * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3);
  EXPECT_EQ(model->params.num_groups(), 2u);
  EXPECT_EQ(model->net->output_dim(10), 3u);
  EXPECT_EQ(model->net->forward(Matrix<float>::Ones(5, 10)).cols(), 3);
  // Same seed, same weights; the linear model is one layer.
  auto again = make_model<float>(spec, 10, 3, 42, {.weight = 0, .bias = 1});
  EXPECT_TRUE(std::equal(model->params.values().begin(), model->params.values().end(),
                         again->params.values().begin()));
  EXPECT_EQ(make_model<double>(parse_model_spec("linear"), 4, 2, 1)->net->size(), 1u);
}

}  // namespace
}  // namespace descent::nn
