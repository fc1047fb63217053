// TOML values read as JSON (core/toml.hpp): each keeps its own type, and numbers their exact value.
#include "descent/core/toml.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include <toml++/toml.h>

namespace {

TEST(TomlJson, ValuesKeepTheirTypeAndExactValue) {
  // 2^53 + 1: an integer a double cannot hold.
  const auto table = toml::parse("i = 9007199254740993\nf = 0.1\nb = true\ns = \"x\"\n");
  const nlohmann::json j = descent::toml_json::to_json(table);
  EXPECT_TRUE(j["i"].is_number_integer());
  EXPECT_EQ(j["i"].get<std::int64_t>(), 9007199254740993);
  EXPECT_TRUE(j["f"].is_number_float());
  EXPECT_EQ(j["f"].get<double>(), 0.1);
  EXPECT_EQ(j["b"], true);
  EXPECT_EQ(j["s"], "x");
}

// A float beyond int64's range stays that float. (Asking toml++ for it as an integer first cast it,
// undefined behaviour that UBSan reported in fuzz/run_config_fuzz.cpp; the input is kept in
// fuzz/corpus/run_config/float-beyond-int64.)
TEST(TomlJson, AFloatBeyondInt64StaysAFloat) {
  const auto table = toml::parse("x = 28888888888888888888888888888888888888e-4\ny = -1e300\n");
  const nlohmann::json j = descent::toml_json::to_json(table);
  ASSERT_TRUE(j["x"].is_number_float());
  EXPECT_EQ(j["x"].get<double>(), 28888888888888888888888888888888888888e-4);
  EXPECT_EQ(j["y"].get<double>(), -1e300);
}

}  // namespace
