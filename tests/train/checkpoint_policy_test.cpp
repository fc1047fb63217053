// train.checkpoint_every: "N" epochs or "Ns" seconds; a seconds policy also waits kCostFactor times
// the last write's duration (the disk's share of the wall time stays under 5%).
#include "descent/train/checkpoint_policy.hpp"

#include <gtest/gtest.h>

#include "descent/core/error.hpp"

using descent::train::CheckpointPolicy;
using std::chrono::duration;

TEST(CheckpointPolicy, ParsesEpochsAndSeconds) {
  const auto e = CheckpointPolicy::parse("5", "train.checkpoint_every");
  EXPECT_EQ(e.unit, CheckpointPolicy::Unit::epochs);
  EXPECT_EQ(e.every, 5);
  const auto s = CheckpointPolicy::parse("2.5s", "train.checkpoint_every");
  EXPECT_EQ(s.unit, CheckpointPolicy::Unit::seconds);
  EXPECT_EQ(s.every, 2.5);
}

TEST(CheckpointPolicy, RefusesWhatIsNotACountOrADuration) {
  for (const char* bad :
       {"", "s", "0", "1.5", "-3", "0s", "-1s", "five", "5 s", "5m", "inf", "nan"})
    try {
      CheckpointPolicy::parse(bad, "train.checkpoint_every");
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const descent::ConfigError& e) {
      EXPECT_EQ(e.where(), "train.checkpoint_every") << bad;
      EXPECT_NE(std::string(e.what()).find("60s"), std::string::npos) << e.what();  // the hint
    }
}

TEST(CheckpointPolicy, EpochsAreDueAtMultiples) {
  const auto p = CheckpointPolicy::parse("3", "k");
  for (std::int64_t epoch = 1; epoch <= 9; ++epoch)
    EXPECT_EQ(p.due(epoch, duration<double>(0), duration<double>(0)), epoch % 3 == 0) << epoch;
}

TEST(CheckpointPolicy, SecondsWaitForTheIntervalAndForTheCostOfTheLastWrite) {
  const auto p = CheckpointPolicy::parse("10s", "k");
  EXPECT_FALSE(p.due(1, duration<double>(9.9), duration<double>(0.01)));
  EXPECT_TRUE(p.due(1, duration<double>(10), duration<double>(0.01)));
  // A write that took 1 s: the next comes 19 s after it, not 10 s.
  EXPECT_FALSE(p.due(7, duration<double>(18.9), duration<double>(1)));
  EXPECT_TRUE(p.due(7, duration<double>(19), duration<double>(1)));
}
