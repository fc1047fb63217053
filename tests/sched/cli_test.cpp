// `descent schedule` against the torch goldens: the CSV must give torch's lrs (and momenta).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "descent/core/atomic_file.hpp"
#include "support/golden.hpp"

namespace descent::test {
namespace {

struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
};

Csv read_csv(const std::filesystem::path& path) {
  Csv csv;
  std::istringstream in(read_file(path));
  std::string line, cell;
  std::getline(in, line);
  for (std::istringstream h(line); std::getline(h, cell, ',');) csv.header.push_back(cell);
  while (std::getline(in, line)) {
    csv.rows.emplace_back();
    for (std::istringstream r(line); std::getline(r, cell, ',');)
      csv.rows.back().push_back(std::stod(cell));
  }
  return csv;
}

std::string quote(const std::string& s) {
  return "'" + s + "'";
}

int run(const std::string& args) {
  return WEXITSTATUS(std::system((std::string(DESCENT_CLI_PATH) + " " + args).c_str()));
}

TEST(ScheduleCli, ReproducesTorch) {
  const auto golden = load_golden("schedules.json")["cases"];
  const std::set<std::string> picked = {
      "onecycle_cos_sgd",       "onecycle_linear_three_phase_adam",
      "sequential_poly_cyclic", "warmup_cosine",
      "warm_restarts_10_2",     "chained_three"};
  int checked = 0;
  for (const auto& c : golden) {
    const std::string name = c["name"];
    if (!picked.count(name)) continue;
    SCOPED_TRACE(name);
    const auto out = std::filesystem::path(::testing::TempDir()) / ("schedule_" + name + ".csv");
    const std::size_t steps = c["steps"];
    ASSERT_EQ(run(fmt::format("schedule {} --steps {} --optimizer {} --csv {}",
                              quote(c["scheduler"].dump()), steps, quote(c["optimizer"].dump()),
                              out.string())),
              0);
    const Csv csv = read_csv(out);
    const bool momentum = c.contains("momentum");
    std::vector<std::string> header = {"step", "lr_0", "lr_1"};
    if (momentum) header.insert(header.end(), {"momentum_0", "momentum_1"});
    EXPECT_EQ(csv.header, header);
    ASSERT_EQ(csv.rows.size(), steps);
    for (std::size_t t = 0; t < steps; ++t) {
      EXPECT_EQ(csv.rows[t][0], double(t));
      for (std::size_t g = 0; g < 2; ++g) {
        ASSERT_TRUE(close(csv.rows[t][1 + g], c["lr"][t][g].get<double>(), 1e-12)) << "step " << t;
        if (momentum) {
          ASSERT_TRUE(close(csv.rows[t][3 + g], c["momentum"][t][g].get<double>(), 1e-12))
              << "step " << t;
        }
      }
    }
    ++checked;
  }
  EXPECT_EQ(checked, 6);
}

TEST(ScheduleCli, OneGroupHasAnLrColumn) {
  const auto out = std::filesystem::path(::testing::TempDir()) / "schedule_step.csv";
  ASSERT_EQ(run(fmt::format(
                R"(schedule '{{"name": "step", "step_size": 2}}' --lr 0.5 --steps 5 --csv {})",
                out.string())),
            0);
  const Csv csv = read_csv(out);
  EXPECT_EQ(csv.header, (std::vector<std::string>{"step", "lr"}));
  const double expected[] = {0.5, 0.5, 0.05, 0.05,
                             0.005};  // 0.5 * 0.1^floor(t/2), torch's recursion
  ASSERT_EQ(csv.rows.size(), 5u);
  for (int t = 0; t < 5; ++t) EXPECT_TRUE(close(csv.rows[t][1], expected[t], 1e-15)) << t;
}

TEST(ScheduleCli, BadInputExitsWithTwo) {
  EXPECT_EQ(run(R"(schedule '{"name": "cosine"}' --steps 5 2>/dev/null)"), 2);
  EXPECT_EQ(run(R"(schedule '{"name": "plateau"}' --steps 5 2>/dev/null)"), 2);
  EXPECT_EQ(
      run(R"(schedule '{"name": "onecycle", "max_lr": 1, "total_steps": 5}' --steps 8 2>/dev/null)"),
      2);
}

}  // namespace
}  // namespace descent::test
