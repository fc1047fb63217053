// `descent optimizers`: the registered optimizers with their options and defaults.
#include <fmt/core.h>

#include "command.hpp"
#include "descent/optim/factory.hpp"

namespace {
const descent::cli::Registration optimizers_command{
    "optimizers", "List the optimizers with their options and defaults", [](CLI::App& sub) {
      auto json = std::make_shared<bool>(false);
      sub.add_flag("--json", *json, "Print the table as JSON");
      return [json]() {
        const auto& all = descent::optim::registry();
        if (*json) {
          nlohmann::json out = nlohmann::json::array();
          for (const auto& info : all)
            out.push_back(
                {{"name", info.name}, {"summary", info.summary}, {"options", info.options}});
          fmt::print("{}\n", out.dump(2));
          return 0;
        }
        for (const auto& info : all) {
          fmt::print("{}  {}\n", info.name, info.summary);
          for (const auto& o : info.options)
            fmt::print("    {:<26} = {:<14} {}\n", o["name"].get<std::string>(),
                       o["default"].dump(), o["doc"].get<std::string>());
        }
        return 0;
      };
    }};
}  // namespace
