#pragma once
// Replays a case of tests/golden/schedules.json (see tools/golden/schedules.py for the protocol).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <fmt/format.h>

#include "descent/core/params.hpp"
#include "descent/optim/factory.hpp"
#include "descent/sched/factory.hpp"
#include "support/golden.hpp"

namespace descent::test {

/// An optimizer over one 1-element tensor per group, from a case's optimizer spec.
struct Rig {
  explicit Rig(const nlohmann::json& optimizer_spec) {
    for (std::size_t g = 0; g < optimizer_spec["groups"].size(); ++g)
      params.add(fmt::format("w{}", g), {1}, g);
    params.allocate();
    optimizer = optim::make<double>(params, optimizer_spec);
  }
  Params<double> params;
  std::unique_ptr<optim::Optimizer<double>> optimizer;
};

inline sched::MomentumField momentum_field(const nlohmann::json& c) {
  return c.value("momentum_key", "") == "betas" ? sched::MomentumField::beta1
                                                : sched::MomentumField::momentum;
}

/// Checks row t of the case against the groups' current lr (and momentum).
inline void expect_row(const nlohmann::json& c, std::size_t t, const sched::ParamGroups& groups) {
  const auto& row = c["lr"][t];
  for (std::size_t g = 0; g < groups.size(); ++g) {
    ASSERT_TRUE(close(groups.lr(g), row[g].get<double>(), 1e-12))
        << c["name"].get<std::string>() << ": lr of group " << g << " at step " << t;
    if (c.contains("momentum")) {
      ASSERT_TRUE(
          close(groups.momentum(g, momentum_field(c)), c["momentum"][t][g].get<double>(), 1e-12))
          << c["name"].get<std::string>() << ": momentum of group " << g << " at step " << t;
    }
  }
}

/// The steps after row t (optimizer step, lr set by hand, scheduler step) of the protocol.
void advance(const nlohmann::json& c, std::size_t t, optim::Optimizer<double>& optimizer,
             sched::ParamGroups& groups, sched::Scheduler& scheduler);

}  // namespace descent::test
