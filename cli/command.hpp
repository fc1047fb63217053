#pragma once
// Subcommands register themselves: each cli/<name>.cpp defines
//   static const descent::cli::Registration reg{"name", "one-line help", setup};
// where setup(CLI::App& sub) declares the options and returns the action to run.
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace descent::cli {

/// The action of a parsed subcommand; returns the process exit code.
using Action = std::function<int()>;

struct Command {
  std::string name;
  std::string help;
  std::function<Action(CLI::App&)> setup;
};

std::vector<Command>& commands();

struct Registration {
  Registration(std::string name, std::string help, std::function<Action(CLI::App&)> setup) {
    commands().push_back({std::move(name), std::move(help), std::move(setup)});
  }
};

}  // namespace descent::cli
