// RunConfig: precedence, strict keys with "did you mean", typed values, TOML round trip.
#include <gtest/gtest.h>

#include "descent/core/error.hpp"
#include "descent/train/config.hpp"

using descent::ConfigError;
using descent::train::RunConfig;

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
  EXPECT_EQ(c.integer("train.epochs"), 10);
  c.merge_text("[train]\nepochs = 3\nbatch_size = 64\n[optimizer]\nname = \"sgd\"\nlr = 0.1\n",
               "a.toml");
  c.set("train.epochs=5");
  EXPECT_EQ(c.integer("train.epochs"), 5);
  EXPECT_EQ(c.integer("train.batch_size"), 64);
  EXPECT_EQ(c.table("optimizer"), (nlohmann::json{{"name", "sgd"}, {"lr", 0.1}}));
  c.set("optimizer.momentum=0.9");
  EXPECT_DOUBLE_EQ(c.table("optimizer")["momentum"].get<double>(), 0.9);
  c.set("data.path=synthetic:linear");  // plain text for string keys
  EXPECT_EQ(c.str("data.path"), "synthetic:linear");
  c.set("train.min_delta=1");  // integers are numbers
  EXPECT_DOUBLE_EQ(c.number("train.min_delta"), 1.0);
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
  EXPECT_NE(error_of([&] { c.set("train.epochs=ten"); }).find("expects an integer"),
            std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train.epochs=2.5"); }).find("expects an integer"),
            std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train.epochs=-1"); }).find("must be >= 0"), std::string::npos);
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
  EXPECT_EQ(back.table("schedule"), c.table("schedule"));
}
