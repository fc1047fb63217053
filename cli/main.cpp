// descent: the command-line tool. Exit codes: 0 success, 1 failure during a run (e.g. divergence),
// 2 bad input (config, data, checkpoint, usage).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <new>

#include <fmt/core.h>
#include <nlohmann/json.hpp>

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
    for (auto* sub : app.get_subcommands()) {
      const int code = actions.at(sub)();
      // Output lost (a full disk, a closed pipe) is a failure, not a silent success.
      if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
        fmt::print(stderr, "descent: error: writing to standard output failed: {}\n",
                   std::strerror(errno));
        return 1;
      }
      return code;
    }
  } catch (const NumericalError& e) {
    fmt::print(stderr, "descent: error: {}\n", e.what());
    return 1;
  } catch (const Error& e) {
    fmt::print(stderr, "descent: error: {}\n", e.what());
    return 2;
  } catch (const nlohmann::json::exception& e) {
    // A JSON value no check caught: bad input all the same, but reported as ours to fix.
    fmt::print(stderr,
               "descent: error: a JSON/TOML value of an unexpected type or shape ({}) (hint: "
               "check the values' types against the documentation; please report this input, "
               "descent should have named its key)\n",
               e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr,
               "descent: error: out of memory (hint: a size in the input or the options is "
               "larger than this machine can hold)\n");
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "descent: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
