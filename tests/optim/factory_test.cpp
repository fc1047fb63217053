// optim::make: builds every registered optimizer from torch's keyword arguments, and refuses bad
// specs with one ConfigError whose message names the offending key.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "descent/optim/adam.hpp"
#include "descent/optim/factory.hpp"
#include "descent/optim/sgd.hpp"

namespace descent::optim {
namespace {

struct WeightAndBiasNet {
  Params<double> params;
  explicit WeightAndBiasNet(std::size_t b_group = 1) {
    params.add("w", {3, 2});
    params.add("b", {2}, b_group);
    params.allocate();
  }
};

/// make(spec) throws a ConfigError whose what() contains every needle.
void expect_config_error(const std::string& spec, std::initializer_list<std::string> needles) {
  WeightAndBiasNet net;
  try {
    make<double>(net.params, spec);
    ADD_FAILURE() << "expected a ConfigError for " << spec;
  } catch (const ConfigError& e) {
    for (const auto& needle : needles)
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
          << "'" << needle << "' not in: " << e.what();
  }
}

TEST(Factory, BuildsEveryRegisteredOptimizerWithTorchDefaults) {
  for (const auto& info : registry()) {
    // L-BFGS and Newton take one parameter group (as torch's LBFGS); the others two.
    std::size_t groups = 2;
    try {
      WeightAndBiasNet net;
      make<double>(net.params, info.name);
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("one parameter group"), std::string::npos) << e.what();
      groups = 1;
    }
    WeightAndBiasNet net(groups - 1);
    auto opt = make<double>(net.params, info.name);
    EXPECT_EQ(opt->name(), info.name);
    EXPECT_EQ(opt->num_groups(), groups);
    for (const auto& row : info.options)
      EXPECT_EQ(opt->group_options(groups - 1).at(row["name"].get<std::string>()), row["default"])
          << info.name << "." << row["name"];
  }
  WeightAndBiasNet net;
  auto adamw = make<double>(net.params, "adamw");
  EXPECT_EQ(adamw->group_options(0)["weight_decay"], 1e-2);  // torch's AdamW default
  EXPECT_EQ(adamw->group_options(0)["betas"], nlohmann::json::array({0.9, 0.999}));
  EXPECT_EQ(adamw->group_options(0)["eps"], 1e-8);
}

TEST(Factory, SpecOptionsAndGroupOverrides) {
  WeightAndBiasNet net;
  auto opt = make<double>(net.params, R"({"name": "sgd", "lr": 0.1, "momentum": 0.9,
      "groups": [{"nesterov": true}, {"lr": 0.01, "weight_decay": 0.5}]})");
  auto& sgd = dynamic_cast<SGD<double>&>(*opt);
  EXPECT_EQ(sgd.group(0).lr, 0.1);
  EXPECT_TRUE(sgd.group(0).nesterov);
  EXPECT_EQ(sgd.group(0).weight_decay, 0);
  EXPECT_EQ(sgd.group(1).lr, 0.01);
  EXPECT_EQ(sgd.group(1).momentum, 0.9);  // inherited from the top level
  EXPECT_EQ(sgd.group(1).weight_decay, 0.5);
  EXPECT_FALSE(sgd.group(1).nesterov);

  // Fewer override objects than groups: the rest keep the top-level options.
  auto adam = make<double>(net.params, R"({"name": "adam", "betas": [0.5, 0.6],
      "groups": [{"amsgrad": true}]})");
  EXPECT_EQ(adam->group_options(0)["amsgrad"], true);
  EXPECT_EQ(adam->group_options(1)["amsgrad"], false);
  EXPECT_EQ(adam->group_options(1)["betas"], nlohmann::json::array({0.5, 0.6}));

  // The same from a JSON object and in float.
  Params<float> fp;
  fp.add("x", {4});
  fp.allocate();
  auto f = make<float>(fp, nlohmann::json{{"name", "adamw"}, {"lr", 0.5}});
  EXPECT_EQ(f->lr(0), 0.5);
}

TEST(Factory, UnknownOptimizerSuggestsAndListsTheNames) {
  expect_config_error(R"({"name": "adamm"})",
                      {"optimizer.name", "unknown optimizer 'adamm'", "did you mean 'adam'?",
                       "sgd, momentum, adam, adamw"});
  expect_config_error("rmsprob_typo_far", {"optimizer.name", "known: sgd"});
  expect_config_error(R"({"lr": 0.1})", {"optimizer", "needs a \"name\""});
  expect_config_error(R"({"name": 3})", {"needs a \"name\""});
}

TEST(Factory, UnknownKeySuggestsAndListsTheOptions) {
  expect_config_error(R"({"name": "sgd", "momentun": 0.9})",
                      {"sgd.momentun", "unknown option 'momentun'", "did you mean 'momentum'?",
                       "valid options: lr, momentum, dampening, weight_decay, nesterov, maximize"});
  expect_config_error(R"({"name": "adam", "momentum": 0.9})",
                      {"adam.momentum", "valid options: lr, betas, eps"});
  expect_config_error(R"({"name": "adam", "groups": [{}, {"beta": [0.9, 0.99]}]})",
                      {"adam.beta", "did you mean 'betas'?"});
}

TEST(Factory, WrongTypesNameTheKey) {
  expect_config_error(R"({"name": "sgd", "lr": "0.1"})",
                      {"sgd.lr", "expected a number, got \"0.1\""});
  expect_config_error(R"({"name": "sgd", "nesterov": 1, "momentum": 0.9})",
                      {"sgd.nesterov", "expected true or false"});
  expect_config_error(R"({"name": "adam", "betas": 0.9})", {"adam.betas", "pair of numbers"});
  expect_config_error(R"({"name": "adam", "betas": [0.9, 0.99, 0.5]})", {"adam.betas"});
  expect_config_error(R"({"name": "adam", "betas": [0.9, "x"]})", {"adam.betas"});
  expect_config_error(R"({"name": "adamw", "amsgrad": null})", {"adamw.amsgrad"});
  expect_config_error(R"({"name": "sgd", "groups": {"lr": 0.1}})", {"sgd.groups", "array"});
  expect_config_error(R"({"name": "sgd", "groups": [{}, {}, {}]})", {"sgd.groups", "at most 2"});
  expect_config_error(R"({"name": "sgd", "groups": [0.1]})", {"sgd.groups[0]", "object"});
}

TEST(Factory, OutOfRangeValuesNameTheKey) {
  expect_config_error(R"({"name": "sgd", "lr": -0.1})", {"sgd.lr", "invalid lr value: -0.1"});
  expect_config_error(R"({"name": "momentum", "lr": -1})", {"momentum.lr"});
  expect_config_error(R"({"name": "sgd", "momentum": -0.5})", {"sgd.momentum"});
  expect_config_error(R"({"name": "sgd", "weight_decay": -1e-4})", {"sgd.weight_decay"});
  expect_config_error(R"({"name": "adam", "eps": -1e-8})", {"adam.eps", "invalid eps value"});
  expect_config_error(R"({"name": "adam", "betas": [1.0, 0.999]})",
                      {"adam.betas", "invalid betas[0] value: 1 (must be in [0, 1))"});
  expect_config_error(R"({"name": "adamw", "betas": [0.9, -0.1]})",
                      {"adamw.betas", "invalid betas[1] value: -0.1", "[0, 1)"});
  expect_config_error(R"({"name": "adam", "weight_decay": -0.1})", {"adam.weight_decay"});
  // A group override is validated as well.
  expect_config_error(R"({"name": "adam", "groups": [{}, {"lr": -1}]})", {"adam.lr"});
  // JSON has no Infinity or NaN; a literal too large for a double is refused while parsing.
  expect_config_error(R"({"name": "sgd", "lr": 1e999})",
                      {"optimizer: malformed JSON", "number overflow parsing '1e999'"});
  // From a JSON object built in C++, which can hold them.
  WeightAndBiasNet net;
  try {
    make<double>(net.params, nlohmann::json{{"name", "sgd"}, {"lr", INFINITY}});
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "sgd.lr: expected a finite number, got inf");
  }
  EXPECT_THROW(make<double>(net.params, nlohmann::json{{"name", "adam"}, {"betas", {NAN, 0.9}}}),
               ConfigError);
}

TEST(Factory, NesterovNeedsMomentumAndNoDampening) {
  expect_config_error(R"({"name": "sgd", "nesterov": true})",
                      {"sgd.nesterov", "requires a momentum and zero dampening"});
  expect_config_error(R"({"name": "sgd", "nesterov": true, "momentum": 0.9, "dampening": 0.1})",
                      {"sgd.nesterov"});
  expect_config_error(
      R"({"name": "sgd", "momentum": 0.9, "groups": [{"momentum": 0, "nesterov": true}]})",
      {"sgd.nesterov"});
}

TEST(Factory, MalformedJsonText) {
  expect_config_error(R"({"name": "adam", "lr": })", {"optimizer", "malformed JSON"});
  expect_config_error(R"(  {"name": "adam")", {"malformed JSON"});
}

TEST(Factory, SetGroupOptionsIsStrictAndAtomic) {
  WeightAndBiasNet net;
  auto opt = make<double>(net.params, R"({"name": "sgd", "lr": 0.1})");
  EXPECT_THROW(opt->set_group_options(0, {{"lr", 0.2}, {"nesterov", true}}), ConfigError);
  EXPECT_EQ(opt->lr(0), 0.1);  // the refused update changed nothing
  opt->set_group_options(0, {{"lr", 0.2}, {"momentum", 0.5}, {"nesterov", true}});
  EXPECT_EQ(opt->lr(0), 0.2);
  EXPECT_EQ(opt->group_options(0)["nesterov"], true);
  EXPECT_TRUE(opt->has_option("dampening"));
  EXPECT_FALSE(opt->has_option("betas"));
}

}  // namespace
}  // namespace descent::optim
