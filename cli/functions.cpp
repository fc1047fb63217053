// `descent functions`: the test-function zoo with formulas, parameters, start points and minima,
// and the note that `--function` also takes any formula.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "descent/objective/formula.hpp"
#include "descent/objective/registry.hpp"

namespace {

using namespace descent::objective;

nlohmann::json describe(const FunctionInfo& info) {
  auto f = make(info.name);
  nlohmann::json params = nlohmann::json::array(), minima = nlohmann::json::array();
  for (const auto& p : info.parameters)
    params.push_back({{"name", p.name}, {"default", p.default_value}, {"doc", p.doc}});
  for (const auto& m : f->minima()) minima.push_back({{"x", m.x}, {"f", m.value}});
  return {{"name", info.name},    {"dimension", info.dimension}, {"formula", info.formula},
          {"parameters", params}, {"start", f->start()},         {"minima", minima}};
}

const descent::cli::Registration functions_command{
    "functions", "List the test functions of `descent trace`", [](CLI::App& sub) {
      auto json = std::make_shared<bool>(false);
      sub.add_flag("--json", *json, "Print the list as JSON");
      return [json]() {
        nlohmann::json all = nlohmann::json::array();
        for (const auto& info : registry()) all.push_back(describe(info));
        if (*json) {
          fmt::print("{}\n", all.dump(2));
          return 0;
        }
        for (const auto& d : all) {
          fmt::print("{:<16} {}-D  f = {}\n", d["name"].get<std::string>(),
                     d["dimension"].get<std::string>(), d["formula"].get<std::string>());
          for (const auto& p : d["parameters"])
            fmt::print("    --param {}={:<8} {}\n", p["name"].get<std::string>(),
                       p["default"].get<double>(), p["doc"].get<std::string>());
          fmt::print("    start ({})\n", fmt::join(d["start"].get<std::vector<double>>(), ", "));
          if (d["minima"].empty()) fmt::print("    no minimum\n");
          for (const auto& m : d["minima"])
            fmt::print("    minimum f({}) = {}\n",
                       fmt::join(m["x"].get<std::vector<double>>(), ", "), m["f"].get<double>());
        }
        if (formulas_available())
          fmt::print(
              "\nAny formula is accepted too, e.g. --function '(1-x)^2 + 100*(y-x^2)^2': variables "
              "x, y or x1..xn\n(n from --x0), numbers, pi, e, + - * / ^, parentheses and {}.\n"
              "Its gradient and Hessian are exact (symbolic, GiNaC).\n",
              fmt::join(formula_function_names(), ", "));
        return 0;
      };
    }};

}  // namespace
