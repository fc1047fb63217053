#pragma once
// Optimizers by name: optim::make<T>(params, R"({"name": "adamw", "lr": 1e-3})") builds any
// registered optimizer from torch's keyword arguments. "groups": [{...}, {...}] sets per-group
// overrides.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "descent/optim/optimizer.hpp"

namespace descent::optim {

struct OptimizerInfo {
  std::string name;
  std::string summary;
  nlohmann::json options;  // [{"name", "default", "doc"}, ...]
  std::unique_ptr<Optimizer<float>> (*make_float)(Params<float>&, const nlohmann::json&);
  std::unique_ptr<Optimizer<double>> (*make_double)(Params<double>&, const nlohmann::json&);
};

/// Every registered optimizer, in the order `descent optimizers` lists them.
const std::vector<OptimizerInfo>& registry();

/// Builds an optimizer from {"name": ..., options..., "groups": [...]}. Throws ConfigError on an
/// unknown name or key, a value of the wrong type or out of range.
template <class T>
std::unique_ptr<Optimizer<T>> make(Params<T>& params, const nlohmann::json& spec);

/// Same, from JSON text or a bare name ("adam").
template <class T>
std::unique_ptr<Optimizer<T>> make(Params<T>& params, std::string_view spec);
/// Text given as a literal or std::string (which nlohmann::json would also accept) is text too.
template <class T>
std::unique_ptr<Optimizer<T>> make(Params<T>& params, const char* spec) {
  return make<T>(params, std::string_view(spec));
}
template <class T>
std::unique_ptr<Optimizer<T>> make(Params<T>& params, const std::string& spec) {
  return make<T>(params, std::string_view(spec));
}

/// Parses JSON text or a bare name into a spec object; ConfigError on malformed JSON.
nlohmann::json parse_spec(std::string_view text, const std::string& what = "optimizer");

}  // namespace descent::optim
