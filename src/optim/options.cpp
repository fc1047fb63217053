#include "descent/optim/options.hpp"

#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"

namespace descent::optim::detail {

namespace {
[[noreturn]] void wrong_type(const std::string& where, const char* expected,
                             const nlohmann::json& value) {
  throw ConfigError(fmt::format("expected {}, got {}", expected, value.dump()), where);
}
}  // namespace

void assign(double& field, const nlohmann::json& value, const std::string& where) {
  if (!value.is_number()) wrong_type(where, "a number", value);
  field = value.get<double>();
  if (!std::isfinite(field))  // value.dump() would print null
    throw ConfigError(fmt::format("expected a finite number, got {}", field), where);
}

void assign(bool& field, const nlohmann::json& value, const std::string& where) {
  if (!value.is_boolean()) wrong_type(where, "true or false", value);
  field = value.get<bool>();
}

void assign(int& field, const nlohmann::json& value, const std::string& where) {
  if (!value.is_number_integer()) wrong_type(where, "an integer", value);
  field = value.get<int>();
}

void assign(Betas& field, const nlohmann::json& value, const std::string& where) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_number() || !value[1].is_number())
    wrong_type(where, "a pair of numbers [beta1, beta2]", value);
  field = {value[0].get<double>(), value[1].get<double>()};
}

void assign(std::string& field, const nlohmann::json& value, const std::string& where) {
  if (value.is_null()) {
    field.clear();
    return;
  }
  if (!value.is_string()) wrong_type(where, "a string or null", value);
  field = value.get<std::string>();
}

void unknown_option(const std::string& optimizer, const std::string& key,
                    const std::vector<std::string>& valid) {
  std::string near = closest_match(key, valid);
  throw ConfigError(fmt::format("unknown option '{}' for {}", key, optimizer),
                    optimizer + "." + key,
                    (near.empty() ? "" : fmt::format("did you mean '{}'? ", near)) +
                        fmt::format("valid options: {}", fmt::join(valid, ", ")));
}

}  // namespace descent::optim::detail

namespace descent::optim {

void check_nonnegative(const std::string& optimizer, const char* key, double value) {
  if (!(value >= 0))
    throw ConfigError(fmt::format("invalid {} value: {} (must be >= 0)", key, value),
                      optimizer + "." + key);
}

void check_beta(const std::string& optimizer, const char* key, double value) {
  if (!(value >= 0 && value < 1))
    throw ConfigError(fmt::format("invalid {} value: {} (must be in [0, 1))", key, value),
                      optimizer + "." + key);
}

void check_betas(const std::string& optimizer, const Betas& betas) {
  for (int i = 0; i < 2; ++i)
    if (!(betas[i] >= 0 && betas[i] < 1))
      throw ConfigError(
          fmt::format("invalid beta parameter at index {}: {} (must be in [0, 1))", i, betas[i]),
          optimizer + ".betas");
}

}  // namespace descent::optim
