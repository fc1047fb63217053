// `descent losses`: the registered losses (for --loss / model.loss) with their aliases, what they
// compute, the target they expect and their options with defaults.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include "command.hpp"
#include "descent/nn/loss.hpp"

namespace {
using namespace descent;

nlohmann::json option_default(const std::string& name) {
  const nn::LossOptions o;
  if (name == "delta") return o.delta;
  if (name == "label_smoothing") return o.label_smoothing;
  if (name == "weight") return "none (1 per class)";
  if (name == "gamma") return o.gamma;
  if (name == "alpha") return o.alpha;
  if (name == "margin") return o.margin;
  return nullptr;
}

const char* target_text(nn::TargetKind kind) {
  return kind == nn::TargetKind::ClassIndex ? "class ids (one output per class)"
                                            : "values of the output's shape";
}

const cli::Registration losses_command{
    "losses", "List the losses (--loss) with their formulas, targets and options",
    [](CLI::App& sub) {
      auto json = std::make_shared<bool>(false);
      sub.add_flag("--json", *json, "Print the table as JSON");
      return [json]() {
        if (*json) {
          nlohmann::json out = nlohmann::json::array();
          for (const auto& info : nn::loss_registry()) {
            nlohmann::json options = nlohmann::json::object();
            for (const auto& o : info.options) options[o] = option_default(o);
            out.push_back({{"name", info.name},
                           {"aliases", info.aliases},
                           {"summary", info.summary},
                           {"target", target_text(info.target)},
                           {"options", options}});
          }
          fmt::print("{}\n", out.dump(2));
          return 0;
        }
        for (const auto& info : nn::loss_registry()) {
          fmt::print(
              "{}{}  {}\n", info.name,
              info.aliases.empty() ? "" : fmt::format(" ({})", fmt::join(info.aliases, ", ")),
              info.summary);
          fmt::print("    target: {}\n", target_text(info.target));
          for (const auto& o : info.options)
            fmt::print("    {:<18} = {}\n", o, option_default(o).dump());
        }
        fmt::print(
            "\nuse: --loss NAME or --loss "
            "'{{\"name\":\"cross_entropy\",\"label_smoothing\":0.1}}'\n");
        return 0;
      };
    }};
}  // namespace
