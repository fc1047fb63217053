// RunConfig: typed sections, precedence, strict keys with "did you mean", typed values, TOML round
// trip.
#include <gtest/gtest.h>

#include "descent/config/run_config.hpp"
#include "descent/core/error.hpp"

using descent::ConfigError;
using descent::RunConfig;

namespace {
std::string error_of(auto&& fn) {
  try {
    fn();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(RunConfigTest, FileThenSetOverridesDefaults) {
  RunConfig c;
  EXPECT_EQ(c.train.epochs, 10);
  c.merge_text("[train]\nepochs = 3\nbatch_size = 64\n[optimizer]\nname = \"sgd\"\nlr = 0.1\n",
               "a.toml");
  c.set("train.epochs=5");
  EXPECT_EQ(c.train.epochs, 5);
  EXPECT_EQ(c.train.batch_size, 64);
  EXPECT_EQ(c.optimizer, (nlohmann::json{{"name", "sgd"}, {"lr", 0.1}}));
  c.set("optimizer.momentum=0.9");
  EXPECT_DOUBLE_EQ(c.optimizer["momentum"].get<double>(), 0.9);
  c.set("data.path=synthetic:linear");  // plain text for string keys
  EXPECT_EQ(c.data.path, "synthetic:linear");
  c.set("train.min_delta=1");  // integers are numbers
  EXPECT_DOUBLE_EQ(c.train.min_delta, 1.0);
}

TEST(RunConfigTest, UnknownKeysNameTheLineAndSuggest) {
  RunConfig c;
  const auto e = error_of([&] { c.merge_text("[train]\n\nepocs = 3\n", "run.toml"); });
  EXPECT_NE(e.find("run.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'train.epochs'"), std::string::npos) << e;
  const auto s = error_of([&] { c.set("trian.epochs=3"); });
  EXPECT_NE(s.find("did you mean 'train'"), std::string::npos) << s;
  EXPECT_NE(error_of([&] { c.set("model.activaton=relu"); }).find("model.activation"),
            std::string::npos);
}

TEST(RunConfigTest, WrongTypesAndRangesAreErrors) {
  RunConfig c;
  EXPECT_NE(error_of([&] { c.set("train.epochs=ten"); }).find("expected an integer"),
            std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train.epochs=2.5"); }).find("expected an integer"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { c.set("train.epochs=-1"); }).find("invalid epochs value: -1 (must be >= 0)"),
      std::string::npos);
  EXPECT_NE(
      error_of([&] { c.merge_text("[train]\nshuffle = 1\n", "x.toml"); }).find("true or false"),
      std::string::npos);
  EXPECT_NE(error_of([&] { c.merge_text("[train\n", "bad.toml"); }).find("bad.toml:"),
            std::string::npos);
  EXPECT_NE(error_of([&] { c.set("epochs"); }).find("key=value"), std::string::npos);
}

TEST(RunConfigTest, ResolvedTomlReadsBackIdentically) {
  RunConfig c;
  c.set("train.min_delta=0.1");
  c.set("optimizer.betas=[0.9, 0.99]");
  c.set_table("schedule", {{"name", "step"}, {"step_size", 3}, {"gamma", 0.30000000000000004}});
  const std::string text = c.to_toml();
  EXPECT_NE(text.find("min_delta = 0.1\n"), std::string::npos) << text;  // shortest form
  EXPECT_NE(text.find("gamma = 0.30000000000000004"), std::string::npos) << text;
  RunConfig back;
  back.merge_text(text, "resolved.toml");
  EXPECT_EQ(back.to_toml(), text);
  EXPECT_EQ(back.schedule, c.schedule);
}

TEST(RunConfigTest, DeclaredRulesRefuseOutOfRangeAndUnknownChoices) {
  RunConfig c;
  const auto e = error_of([&] { c.set("data.val_split=1.5"); });
  EXPECT_NE(e.find("--set: data.val_split"), std::string::npos) << e;
  EXPECT_NE(e.find("must be in [0, 1)"), std::string::npos) << e;
  EXPECT_DOUBLE_EQ(c.data.val_split, 0.1);  // a refused value leaves the section as it was
  const auto p = error_of([&] { c.merge_text("[output]\nprogress = \"fancy\"\n", "p.toml"); });
  EXPECT_NE(p.find("p.toml:2: output.progress"), std::string::npos) << p;
  EXPECT_NE(p.find("one of: \"auto\", \"bar\", \"lines\", \"none\""), std::string::npos) << p;
}

TEST(RunConfigTest, KeyInfoComesFromTheSectionDeclarations) {
  ASSERT_TRUE(RunConfig::key_info("train.log_steps"));
  EXPECT_TRUE(RunConfig::key_info("train.log_steps")->boolean);
  EXPECT_FALSE(RunConfig::key_info("train.epochs")->boolean);
  EXPECT_EQ(RunConfig::key_info("train.epochs")->doc, "number of epochs");
  EXPECT_FALSE(RunConfig::key_info("train.epoch"));
  EXPECT_FALSE(RunConfig::key_info("optimizer.lr"));
}
