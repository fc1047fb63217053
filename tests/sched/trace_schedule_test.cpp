// `descent trace --schedule`: the scheduler steps after every optimizer step, so the lr column of
// the trace is the `descent schedule` sequence and the path is SGD's with those lrs.
#include <gtest/gtest.h>

#include <sstream>

#include "support/cli.hpp"
#include "support/golden.hpp"

namespace descent::test {
namespace {

std::vector<std::vector<double>> rows(const std::string& csv) {
  std::vector<std::vector<double>> out;
  std::istringstream in(csv);
  std::string line, cell;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    out.emplace_back();
    for (std::istringstream r(line); std::getline(r, cell, ',');)
      out.back().push_back(std::stod(cell));
  }
  return out;
}

TEST(TraceSchedule, FollowsTheScheduleOnSgdsPath) {
  const std::string schedule =
      R"('{"name": "onecycle", "max_lr": 0.4, "total_steps": 30, "cycle_momentum": false}')";
  const auto trace = run_cli(
      "trace --function quadratic --optimizer '{\"name\": \"sgd\", \"lr\": 0.1}' --schedule " +
      schedule + " --steps 30");
  ASSERT_EQ(trace.code, 0) << trace.err;
  const auto lrs = run_cli("schedule " + schedule + " --optimizer sgd --lr 0.1 --steps 30");
  ASSERT_EQ(lrs.code, 0) << lrs.err;
  const auto path = rows(trace.out), expected = rows(lrs.out);
  ASSERT_EQ(path.size(), 31u);
  ASSERT_EQ(expected.size(), 30u);
  EXPECT_EQ(path[0][4], expected[0][1]);  // row 0: the lr of the first step
  double x = 1;  // f = x^2 from x = 1: x_k = x_{k-1} - lr_{k-1} * 2 x_{k-1}
  for (std::size_t k = 1; k <= 30; ++k) {
    const double lr = expected[k - 1][1];
    x = x - lr * (2 * x);
    EXPECT_EQ(path[k][4], lr) << "lr of step " << k;
    EXPECT_TRUE(close(path[k][1], x, 1e-12)) << "x after step " << k;
  }
}

TEST(TraceSchedule, PlateauIsFedTheFunctionValueAndBadSpecsAreRejected) {
  // f = x^2 keeps falling under SGD: the plateau scheduler never reduces the lr
  const auto ok = run_cli(
      R"(trace --function quadratic --optimizer '{"name": "sgd", "lr": 0.1}' --schedule plateau --steps 5)");
  ASSERT_EQ(ok.code, 0) << ok.err;
  for (const auto& row : rows(ok.out)) EXPECT_EQ(row[4], 0.1);
  const auto bad = run_cli(
      R"(trace --function quadratic --optimizer sgd --schedule '{"name": "cosine", "T_max": 0}' --steps 5)");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("cosine.T_max"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace descent::test
