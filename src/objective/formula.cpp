#include "descent/objective/formula.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"

#ifdef DESCENT_HAVE_GINAC
#include <mutex>
#include <sstream>

#include "formula_parser.hpp"
#include "tape.hpp"
#endif

namespace descent::objective {

#ifdef DESCENT_HAVE_GINAC

bool formulas_available() {
  return true;
}

namespace {

/// The coordinate a variable name stands for (0-based), in the style it is written: x -> 0,
/// y -> 1 ("xy" style), xk -> k-1 ("indexed" style).
struct Coordinate {
  std::size_t index;
  bool indexed;
};

std::optional<Coordinate> coordinate(std::string_view name) {
  if (name == "x") return Coordinate{0, false};
  if (name == "y") return Coordinate{1, false};
  if (name.size() < 2 || name[0] != 'x' || name[1] == '0') return std::nullopt;
  std::size_t k = 0;
  const auto [end, ec] = std::from_chars(name.data() + 1, name.data() + name.size(), k);
  if (ec != std::errc() || end != name.data() + name.size() || k == 0 || k > 1000000)
    return std::nullopt;
  return Coordinate{k - 1, true};
}

std::vector<std::string> names_for(std::size_t n, bool indexed) {
  if (!indexed && n <= 2)
    return n == 1 ? std::vector<std::string>{"x"} : std::vector<std::string>{"x", "y"};
  std::vector<std::string> names;
  for (std::size_t i = 1; i <= n; ++i) names.push_back(fmt::format("x{}", i));
  return names;
}

std::string print(const GiNaC::ex& e) {
  std::ostringstream out;
  out << e;
  return out.str();
}

}  // namespace

struct Formula::Impl {
  std::string text;
  std::vector<std::string> names;
  std::vector<GiNaC::realsymbol> symbols;
  std::vector<GiNaC::ex> gradient;
  Tape value, value_and_gradient;
  // The n*n second derivatives are differentiated and compiled on first use (Newton, sharpness).
  mutable std::once_flag hessian_once;
  mutable Tape hessian;

  const Tape& hessian_tape() const {
    std::call_once(hessian_once, [this] {
      const std::size_t n = symbols.size();
      std::vector<GiNaC::ex> h;
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
          h.push_back(j >= i ? gradient[i].diff(symbols[j]) : h[j * n + i]);
      hessian = Tape(h, symbols);
    });
    return hessian;
  }
};

Formula Formula::parse(std::string_view text, std::size_t dimension, const std::string& where) {
  VariablePolicy policy;
  policy.is_variable = [](std::string_view name) { return coordinate(name).has_value(); };
  policy.suggestions =
      dimension > 2 ? names_for(dimension, true) : std::vector<std::string>{"x", "y", "x1", "x2"};
  if (dimension == 1) policy.suggestions = {"x", "x1"};
  ParsedFormula parsed = parse_formula(text, policy, where);

  // One style, every coordinate within the dimension.
  std::optional<bool> indexed;
  std::string first_name;
  std::size_t needed = 0;
  std::vector<std::pair<std::size_t, std::string>> by_column;
  for (const auto& [name, column] : parsed.first_column) by_column.emplace_back(column, name);
  std::sort(by_column.begin(), by_column.end());
  for (const auto& [column, name] : by_column) {
    const Coordinate c = *coordinate(name);
    if (indexed && *indexed != c.indexed)
      formula_error(
          text, column,
          fmt::format("'{}' mixes variable styles with '{}': use x, y or x1..xn", name, first_name),
          where);
    if (!indexed) indexed = c.indexed, first_name = name;
    if (dimension > 0 && c.index >= dimension)
      formula_error(text, column,
                    fmt::format("'{}' is beyond the {} coordinate{} of the start point", name,
                                dimension, dimension == 1 ? "" : "s"),
                    where);
    if (dimension > 2 && !c.indexed)
      formula_error(text, column,
                    fmt::format("'{}' names a coordinate of a 1-D or 2-D point; in {} dimensions "
                                "the variables are x1..x{}",
                                name, dimension, dimension),
                    where);
    needed = std::max(needed, c.index + 1);
  }
  const std::size_t n = dimension > 0 ? dimension : std::max<std::size_t>(needed, 1);

  auto impl = std::make_shared<Impl>();
  impl->text = std::string(text);
  impl->names = names_for(n, indexed.value_or(false));
  std::vector<GiNaC::realsymbol> symbols;
  for (const auto& name : impl->names) {
    auto it = parsed.variables.find(name);
    symbols.push_back(it != parsed.variables.end() ? it->second : GiNaC::realsymbol(name));
  }
  const GiNaC::ex& f = parsed.expression;
  for (const auto& s : symbols) impl->gradient.push_back(f.diff(s));
  std::vector<GiNaC::ex> fg = impl->gradient;
  fg.push_back(f);
  impl->value = Tape({f}, symbols);
  impl->value_and_gradient = Tape(fg, symbols);
  impl->symbols = std::move(symbols);
  return Formula(std::move(impl));
}

std::size_t Formula::dimension() const {
  return impl_->names.size();
}

double Formula::value(std::span<const double> x) const {
  return impl_->value.evaluate<double>(x, {});
}

void Formula::gradient(std::span<const double> x, std::span<double> g) const {
  impl_->value_and_gradient.evaluate<double>(x, g);
}

double Formula::value_and_gradient(std::span<const double> x, std::span<double> g) const {
  return impl_->value_and_gradient.evaluate<double>(x, g);
}

void Formula::hessian(std::span<const double> x, std::span<double> h) const {
  impl_->hessian_tape().evaluate<double>(x, h);
}

const std::string& Formula::text() const {
  return impl_->text;
}
const std::vector<std::string>& Formula::variable_names() const {
  return impl_->names;
}

std::vector<std::string> Formula::gradient_text() const {
  std::vector<std::string> out;
  for (const auto& g : impl_->gradient) out.push_back(print(g));
  return out;
}

#else  // no GiNaC

bool formulas_available() {
  return false;
}
std::vector<std::string> formula_function_names() {
  return {};
}

struct Formula::Impl {};

Formula Formula::parse(std::string_view text, std::size_t, const std::string& where) {
  throw ConfigError(fmt::format("'{}' is not a built-in function, and this build of descent has "
                                "no formula support",
                                text),
                    where, "install libginac-dev (scripts/deps.sh) and rebuild");
}
std::size_t Formula::dimension() const {
  return 0;
}
double Formula::value(std::span<const double>) const {
  return 0;
}
void Formula::gradient(std::span<const double>, std::span<double>) const {}
double Formula::value_and_gradient(std::span<const double>, std::span<double>) const {
  return 0;
}
void Formula::hessian(std::span<const double>, std::span<double>) const {}
const std::string& Formula::text() const {
  static const std::string empty;
  return empty;
}
const std::vector<std::string>& Formula::variable_names() const {
  static const std::vector<std::string> empty;
  return empty;
}
std::vector<std::string> Formula::gradient_text() const {
  return {};
}

#endif

}  // namespace descent::objective
