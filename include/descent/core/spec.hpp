#pragma once
// Specs: a component chosen by name, with its options, as JSON: {"name": "adam", "lr": 0.001}.
// Optimizers, schedulers, losses and regularizers are built from specs through a registry, a list
// of entries with a `name` (and optional `aliases`); the helpers here are the one place that reads
// a spec's name and looks it up, with the house error for an unknown name ("did you mean").
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/core/error.hpp"

namespace descent {

/// JSON text ("{...}") or a bare name ("adam") as a spec object; ConfigError on malformed JSON.
/// `what` names the spec in errors ("optimizer"), `example` shows a well-formed one.
nlohmann::json parse_spec(std::string_view text, const std::string& what,
                          const std::string& example);

/// The spec's "name"; ConfigError at `where` when the spec is not an object with a string name.
std::string spec_name(const nlohmann::json& spec, const std::string& what, const std::string& where,
                      const std::string& example);

/// The hint "did you mean '<closest>'? <label>: <known, ...>" (without the question when no
/// candidate is close).
std::string did_you_mean(const std::string& name, const std::vector<std::string>& known,
                         const std::string& label = "known");

/// "<message>" at `where`, hint did_you_mean(name, known, label).
[[noreturn]] void throw_unknown(const std::string& message, const std::string& name,
                                const std::vector<std::string>& known, const std::string& where,
                                const std::string& label = "known");

/// The registry entry called `name` (or with `name` among its aliases); otherwise a ConfigError
/// "unknown <what> '<name>'" at `where`, listing the known names.
template <class Entry>
const Entry& find_entry(const std::vector<Entry>& entries, const std::string& name,
                        const std::string& what, const std::string& where) {
  std::vector<std::string> names;
  for (const Entry& e : entries) {
    if (e.name == name) return e;
    if constexpr (requires(const Entry& x) { x.aliases.begin(); })
      for (const auto& alias : e.aliases)
        if (alias == name) return e;
    names.push_back(e.name);
  }
  throw_unknown(what.empty() ? "unknown '" + name + "'" : "unknown " + what + " '" + name + "'",
                name, names, where);
}

}  // namespace descent
