#include "formula_parser.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "descent/core/error.hpp"
#include "formula_functions.hpp"

namespace descent::objective {

namespace {

namespace ff = formula_functions;
using GiNaC::ex;

struct FunctionEntry {
  std::size_t arity;
  ex (*build)(const std::vector<ex>&);
};

const std::map<std::string, FunctionEntry, std::less<>>& functions() {
  static const std::map<std::string, FunctionEntry, std::less<>> table{
      {"exp", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::exp(a[0]); }}},
      {"log", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::log(a[0]); }}},
      {"log2",
       {1, [](const std::vector<ex>& a) -> ex { return GiNaC::log(a[0]) / GiNaC::log(ex(2)); }}},
      {"log10",
       {1, [](const std::vector<ex>& a) -> ex { return GiNaC::log(a[0]) / GiNaC::log(ex(10)); }}},
      {"sqrt", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::sqrt(a[0]); }}},
      {"sin", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::sin(a[0]); }}},
      {"cos", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::cos(a[0]); }}},
      {"tan", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::tan(a[0]); }}},
      {"sinh", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::sinh(a[0]); }}},
      {"cosh", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::cosh(a[0]); }}},
      {"tanh", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::tanh(a[0]); }}},
      {"asin", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::asin(a[0]); }}},
      {"acos", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::acos(a[0]); }}},
      {"atan", {1, [](const std::vector<ex>& a) -> ex { return GiNaC::atan(a[0]); }}},
      {"abs", {1, [](const std::vector<ex>& a) -> ex { return ff::dabs(a[0]); }}},
      {"sign", {1, [](const std::vector<ex>& a) -> ex { return ff::dsign(a[0]); }}},
      {"min", {2, [](const std::vector<ex>& a) -> ex { return ff::dmin(a[0], a[1]); }}},
      {"max", {2, [](const std::vector<ex>& a) -> ex { return ff::dmax(a[0], a[1]); }}},
      {"pow", {2, [](const std::vector<ex>& a) -> ex { return GiNaC::pow(a[0], a[1]); }}},
  };
  return table;
}

const std::map<std::string, ex, std::less<>>& constants() {
  static const std::map<std::string, ex, std::less<>> table{{"pi", GiNaC::Pi},
                                                            {"e", GiNaC::exp(ex(1))}};
  return table;
}

/// The double v as an exact rational m * 2^k, so that GiNaC's arithmetic on it is exact.
ex exact(double v) {
  if (v == std::floor(v) && std::abs(v) < 0x1p62) return GiNaC::numeric(static_cast<long>(v));
  int exponent = 0;
  const double mantissa = std::frexp(v, &exponent);  // v = mantissa * 2^exponent
  const long m = static_cast<long>(std::ldexp(mantissa, 53));
  return GiNaC::numeric(m) * GiNaC::pow(GiNaC::numeric(2), exponent - 53);
}

/// The function names, the common ones first (they win ties in "did you mean": sinn -> sin).
std::vector<std::string> common_first() {
  std::vector<std::string> names{"exp", "log",  "sqrt", "sin", "cos",
                                 "tan", "tanh", "abs",  "min", "max"};
  for (const auto& name : formula_function_names())
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  return names;
}

std::string did_you_mean_clause(const std::string& name, const std::vector<std::string>& valid) {
  const std::string near = closest_match(name, valid);
  return near.empty() ? std::string() : fmt::format(", did you mean '{}'?", near);
}

class Parser {
 public:
  Parser(std::string_view text, const VariablePolicy& policy, const std::string& where)
      : text_(text), policy_(policy), where_(where) {}

  ParsedFormula parse() {
    skip_space();
    if (pos_ == text_.size()) fail(pos_, "empty formula");
    out_.expression = expression();
    if (pos_ < text_.size())
      fail(pos_, peek() == ')' ? "unmatched ')'" : "expected an operator (+ - * / ^)");
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(std::size_t column, const std::string& message) const {
    formula_error(text_, column, message, where_);
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    skip_space();
    return true;
  }
  void expect(char c, std::size_t open) {
    if (accept(c)) return;
    fail(pos_, pos_ == text_.size() ? fmt::format("expected '{}' (to close column {})", c, open + 1)
                                    : fmt::format("expected '{}'", c));
  }
  bool at_power() const {
    return peek() == '^' || (peek() == '*' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*');
  }

  // expression := term (('+' | '-') term)*
  ex expression() {
    ex e = term();
    while (true) {
      if (accept('+'))
        e = e + term();
      else if (accept('-'))
        e = e - term();
      else
        return e;
    }
  }
  // term := unary (('*' | '/') unary)*
  ex term() {
    ex e = unary();
    while (true) {
      if (!at_power() && accept('*'))
        e = e * unary();
      else if (accept('/'))
        e = e / unary();
      else
        return e;
    }
  }
  // unary := ('-' | '+') unary | power
  ex unary() {
    if (accept('-')) return -unary();
    if (accept('+')) return unary();
    return power();
  }
  // power := primary (('^' | '**') unary)?   (right-associative)
  ex power() {
    ex base = primary();
    if (!at_power()) return base;
    pos_ += peek() == '^' ? 1 : 2;
    skip_space();
    return GiNaC::pow(base, unary());
  }
  // primary := number | constant | variable | name '(' arguments ')' | '(' expression ')'
  ex primary() {
    const std::size_t start = pos_;
    const char c = peek();
    if (c == '(') {
      accept('(');
      ex e = expression();
      expect(')', start);
      return e;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') return number();
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') return named();
    if (c == '\0') fail(pos_, "unexpected end of the formula, expected a number, name or '('");
    fail(pos_, fmt::format("unexpected '{}', expected a number, name or '('", c));
  }
  ex number() {
    const std::size_t start = pos_;
    const std::string rest(text_.substr(pos_));
    char* end = nullptr;
    const double v = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str()) fail(start, "malformed number");
    pos_ += static_cast<std::size_t>(end - rest.c_str());
    if (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_' || peek() == '.')
      fail(pos_, "malformed number (write 2*x, not 2x)");
    if (!std::isfinite(v)) fail(start, "number out of the range of double");
    skip_space();
    return exact(v);
  }
  ex named() {
    const std::size_t start = pos_;
    while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') ++pos_;
    const std::string name(text_.substr(start, pos_ - start));
    skip_space();
    if (peek() == '(') return call(name, start);
    if (auto it = constants().find(name); it != constants().end()) return it->second;
    if (policy_.is_variable(name)) {
      auto [it, inserted] = out_.variables.try_emplace(name, GiNaC::realsymbol(name));
      if (inserted) out_.first_column[name] = start;
      return it->second;
    }
    if (functions().contains(name)) fail(pos_, fmt::format("expected '(' after '{}'", name));
    std::vector<std::string> valid = policy_.suggestions;
    for (const auto& [k, v] : constants()) valid.push_back(k);
    fail(start, fmt::format("unknown variable '{}'{} (variables: {}; constants: pi, e)", name,
                            did_you_mean_clause(name, valid), fmt::join(policy_.suggestions, ", ")));
  }
  ex call(const std::string& name, std::size_t start) {
    const auto it = functions().find(name);
    if (it == functions().end())
      fail(start, fmt::format("unknown function '{}'{} (functions: {})", name,
                              did_you_mean_clause(name, common_first()),
                              fmt::join(formula_function_names(), ", ")));
    const std::size_t open = pos_;
    accept('(');
    std::vector<ex> args{expression()};
    while (accept(',')) args.push_back(expression());
    expect(')', open);
    if (args.size() != it->second.arity)
      fail(start, fmt::format("'{}' takes {} argument{}, got {}", name, it->second.arity,
                              it->second.arity == 1 ? "" : "s", args.size()));
    return it->second.build(args);
  }

  std::string_view text_;
  const VariablePolicy& policy_;
  const std::string& where_;
  std::size_t pos_ = 0;
  ParsedFormula out_;
};

}  // namespace

ParsedFormula parse_formula(std::string_view text, const VariablePolicy& policy,
                            const std::string& where) {
  return Parser(text, policy, where).parse();
}

std::vector<std::string> formula_function_names() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : functions()) names.push_back(name);
  return names;
}

void formula_error(std::string_view text, std::size_t column, const std::string& message,
                   const std::string& where) {
  throw ConfigError(fmt::format("{} at column {}:\n  {}\n  {}^", message, column + 1, text,
                                std::string(column, ' ')),
                    where);
}

}  // namespace descent::objective
