// descent: the command-line tool. Exit codes: 0 success, 1 failure during a run (e.g. divergence),
// 2 bad input (config, data, checkpoint, usage).
#include <algorithm>
#include <cstdio>
#include <map>

#include <fmt/core.h>

#include "command.hpp"
#include "descent/core/error.hpp"
#include "descent/core/version.hpp"
#include "descent/objective/schedule_factor.hpp"

namespace descent::cli {
std::vector<Command>& commands() {
  static std::vector<Command> all;
  return all;
}
}  // namespace descent::cli

int main(int argc, char** argv) {
  using namespace descent;
  objective::install_schedule_factors();  // formula factors of lambda / multiplicative schedules
  CLI::App app{"descent: gradient-based optimization and training, with PyTorch's numbers"};
  app.require_subcommand(1);
  // One line on a bad command line, like every other error.
  app.failure_message([](const CLI::App*, const CLI::Error& e) {
    return fmt::format("descent: error: {} (hint: see descent --help)\n", e.what());
  });
  app.set_version_flag("--version", "descent " + std::string(version()));
  auto& registered = cli::commands();
  std::sort(registered.begin(), registered.end(), [](auto& a, auto& b) { return a.name < b.name; });
  std::map<CLI::App*, cli::Action> actions;
  for (auto& command : registered) {
    CLI::App* sub = app.add_subcommand(command.name, command.help);
    actions[sub] = command.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    for (auto* sub : app.get_subcommands()) return actions.at(sub)();
  } catch (const NumericalError& e) {
    fmt::print(stderr, "descent: error: {}\n", e.what());
    return 1;
  } catch (const Error& e) {
    fmt::print(stderr, "descent: error: {}\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "descent: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
