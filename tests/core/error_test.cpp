// descent's errors: the one-line message format and the "did you mean" helper.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "descent/core/error.hpp"

namespace descent {
namespace {

TEST(Error, MessageIsWhereWhatAndHint) {
  ConfigError e("unknown option 'lerning_rate'", "adam.lerning_rate", "did you mean 'lr'?");
  EXPECT_STREQ(e.what(),
               "adam.lerning_rate: unknown option 'lerning_rate' (hint: did you mean 'lr'?)");
  EXPECT_EQ(e.reason(), "unknown option 'lerning_rate'");
  EXPECT_EQ(e.where(), "adam.lerning_rate");
  EXPECT_EQ(e.hint(), "did you mean 'lr'?");
}

TEST(Error, MessageOmitsMissingParts) {
  EXPECT_STREQ(DataError("bad cell", "data.csv:12").what(), "data.csv:12: bad cell");
  EXPECT_STREQ(NumericalError("loss is NaN", "", "lower the learning rate").what(),
               "loss is NaN (hint: lower the learning rate)");
  EXPECT_STREQ(CheckpointError("checksum mismatch").what(), "checksum mismatch");
}

TEST(Error, CategoriesAreCaughtAsErrorAndRuntimeError) {
  EXPECT_THROW(throw ConfigError("x"), Error);
  EXPECT_THROW(throw DataError("x"), Error);
  EXPECT_THROW(throw CheckpointError("x"), Error);
  EXPECT_THROW(throw NumericalError("x"), Error);
  EXPECT_THROW(throw UsageError("x"), std::runtime_error);
}

TEST(ClosestMatch, FindsTheNearestCandidate) {
  const std::vector<std::string> options{"lr", "momentum", "dampening", "weight_decay", "nesterov"};
  EXPECT_EQ(closest_match("momentun", options), "momentum");
  EXPECT_EQ(closest_match("weight-decay", options), "weight_decay");
  EXPECT_EQ(closest_match("weightdecay", options), "weight_decay");
  EXPECT_EQ(closest_match("nesterov", options), "nesterov");
  EXPECT_EQ(closest_match("Lr", options), "lr");
}

TEST(ClosestMatch, NothingWhenNoCandidateIsClose) {
  const std::vector<std::string> options{"lr", "momentum", "nesterov"};
  EXPECT_EQ(closest_match("betas", options), "");
  EXPECT_EQ(closest_match("anything", {}), "");
}

// A candidate is close when its edit distance is at most max(2, len(key)/3): 3 for a 9-letter key.
TEST(ClosestMatch, DistanceThreshold) {
  EXPECT_EQ(closest_match("abcdefghi", {"abcdefxyz"}), "abcdefxyz");  // distance 3
  EXPECT_EQ(closest_match("abcdefghi", {"abcdewxyz"}), "");           // distance 4
  EXPECT_EQ(closest_match("ab", {"xy"}), "xy");                       // distance 2, floor of 2
  EXPECT_EQ(closest_match("ab", {"xyz"}), "");                        // distance 3
}

TEST(ClosestMatch, FirstOfEquallyCloseCandidates) {
  EXPECT_EQ(closest_match("l", {"lr", "l2"}), "lr");
  EXPECT_EQ(closest_match("l", {"l2", "lr"}), "l2");
  EXPECT_EQ(closest_match("adamw", {"adam", "adamw"}), "adamw");  // exact beats near
}

}  // namespace
}  // namespace descent
