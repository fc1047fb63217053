#include "tape.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "descent/core/error.hpp"

namespace descent::objective {

namespace {

using GiNaC::ex;
using Op = Tape::Op;
using Instruction = Tape::Instruction;

/// One instruction on values a, b with immediate c. Always inlined: in the interpreter op is a
/// constant at each call, and the switch folds away.
template <class T>
[[gnu::always_inline]] inline T apply(Op op, T a, T b, double c) {
  const T k = static_cast<T>(c);
  switch (op) {
    case Op::Const:
      return k;
    case Op::Neg:
      return -a;
    case Op::Add:
      return a + b;
    case Op::Sub:
      return a - b;
    case Op::Mul:
      return a * b;
    case Op::Div:
      return a / b;
    case Op::AddC:
      return a + k;
    case Op::MulC:
      return a * k;
    case Op::CSub:
      return k - a;
    case Op::CDiv:
      return k / a;
    case Op::Sqr:
      return a * a;
    case Op::Sqrt:
      return std::sqrt(a);
    case Op::Pow:
      return std::pow(a, b);
    case Op::PowC:
      return std::pow(a, k);
    case Op::Exp:
      return std::exp(a);
    case Op::Log:
      return std::log(a);
    case Op::Sin:
      return std::sin(a);
    case Op::Cos:
      return std::cos(a);
    case Op::Tan:
      return std::tan(a);
    case Op::Sinh:
      return std::sinh(a);
    case Op::Cosh:
      return std::cosh(a);
    case Op::Tanh:
      return std::tanh(a);
    case Op::Asin:
      return std::asin(a);
    case Op::Acos:
      return std::acos(a);
    case Op::Atan:
      return std::atan(a);
    case Op::Abs:
      return std::abs(a);
    case Op::Sign:
      return static_cast<T>((a > 0) - (a < 0));
    case Op::Step:
      return a >= 0 ? T(1) : T(0);
    case Op::Min:
      return a < b ? a : b;
    case Op::Max:
      return a > b ? a : b;
    case Op::AddMulC:
      return a + b * k;
    case Op::SubMulC:
      return a - b * k;
    case Op::MulCSub:
      return a * k - b;
    case Op::SqrMulC:
      return (a * a) * k;
    case Op::MulMulC:
      return (a * b) * k;
    case Op::Halt:
      break;
  }
  return std::numeric_limits<T>::quiet_NaN();
}

/// A compiled value: a constant known at compile time, or a slot.
struct Operand {
  bool constant = false;
  double value = 0;
  std::uint32_t slot = 0;
};

Operand constant(double v) {
  return {true, v, 0};
}

std::string text_of(const ex& e) {
  std::ostringstream out;
  out << e;
  return out.str();
}

const std::map<std::string, Op>& unary_functions() {
  static const std::map<std::string, Op> table{
      {"exp", Op::Exp},    {"log", Op::Log},   {"sin", Op::Sin},   {"cos", Op::Cos},
      {"tan", Op::Tan},    {"sinh", Op::Sinh}, {"cosh", Op::Cosh}, {"tanh", Op::Tanh},
      {"asin", Op::Asin},  {"acos", Op::Acos}, {"atan", Op::Atan}, {"dabs", Op::Abs},
      {"dsign", Op::Sign}, {"dstep", Op::Step}};
  return table;
}

class Compiler {
 public:
  Compiler(const std::vector<GiNaC::realsymbol>& variables, std::vector<Instruction>& code)
      : variables_(variables), code_(code) {}

  std::uint32_t root(const ex& e) { return slot(compile(e)); }

 private:
  /// The slot holding o (a Const instruction for a constant).
  std::uint32_t slot(const Operand& o) {
    if (!o.constant) return o.slot;
    if (auto it = constants_.find(o.value); it != constants_.end()) return it->second;
    return constants_[o.value] = emit(Op::Const, {}, {}, o.value).slot;
  }
  Operand emit(Op op, Operand a, Operand b = {}, double c = 0) {
    const bool unary = op == Op::Const || op == Op::Neg || op == Op::AddC || op == Op::MulC ||
                       op == Op::CSub || op == Op::CDiv || op == Op::Sqr || op == Op::Sqrt ||
                       op == Op::PowC || (op >= Op::Exp && op <= Op::Step);
    if (op == Op::Const) return {false, 0, push({op, 0, 0, 0, c})};
    if (a.constant && (unary || b.constant))  // fold
      return constant(apply<double>(op, a.value, b.value, c));
    const std::uint32_t sa = slot(a);
    return {false, 0, push(fuse({op, 0, sa, unary ? sa : slot(b), c}))};
  }
  /// The instruction that writes `slot`, or null for a variable.
  const Instruction* producer(std::uint32_t slot) const {
    return slot < variables_.size() ? nullptr : &code_[slot - variables_.size()];
  }
  /// Folds a multiplication by a constant into the operation using it:
  ///   a + b*k, b*k + a -> AddMulC;  a - b*k -> SubMulC;  b*k - a -> MulCSub;
  ///   (a*a)*k -> SqrMulC;  (a*b)*k -> MulMulC.
  Instruction fuse(Instruction in) const {
    const Instruction* pa = producer(in.a);
    const Instruction* pb = producer(in.b);
    auto is = [](const Instruction* p, Op op) { return p && p->op == op; };
    if (in.op == Op::Add && is(pb, Op::MulC)) return {Op::AddMulC, 0, in.a, pb->a, pb->c};
    if (in.op == Op::Add && is(pa, Op::MulC)) return {Op::AddMulC, 0, in.b, pa->a, pa->c};
    if (in.op == Op::Sub && is(pb, Op::MulC)) return {Op::SubMulC, 0, in.a, pb->a, pb->c};
    if (in.op == Op::Sub && is(pa, Op::MulC)) return {Op::MulCSub, 0, pa->a, in.b, pa->c};
    if (in.op == Op::MulC && is(pa, Op::Sqr)) return {Op::SqrMulC, 0, pa->a, pa->a, in.c};
    if (in.op == Op::MulC && is(pa, Op::Mul)) return {Op::MulMulC, 0, pa->a, pa->b, in.c};
    return in;
  }
  std::uint32_t push(Instruction instruction) {
    code_.push_back(instruction);
    return static_cast<std::uint32_t>(variables_.size() + code_.size() - 1);
  }

  Operand compile(const ex& e) {
    if (auto it = memo_.find(e); it != memo_.end()) return it->second;
    // GiNaC distributes numbers over sums (d/dy 100*(y-x^2)^2 = 200*y - 200*x^2): a sum that is
    // k times one already computed is one multiplication.
    if (const auto [k, p] = normalize_sum(e); k != 1)
      if (auto it = memo_.find(p); it != memo_.end()) {
        const Operand o = emit(Op::MulC, it->second, {}, k.to_double());
        memo_.emplace(e, o);
        return o;
      }
    const Operand o = compile_new(e);
    memo_.emplace(e, o);
    return o;
  }

  /// A sum e = k * p with p's first term's coefficient 1, when k and every coefficient of p are
  /// exact binary fractions (so that k * p rounds like a sum of its terms); else (1, e).
  static std::pair<GiNaC::numeric, ex> normalize_sum(const ex& e) {
    if (!GiNaC::is_a<GiNaC::add>(e)) return {GiNaC::numeric(1), e};
    const GiNaC::numeric k = split_coefficient(e.op(0)).first;
    if (k == 1 || !dyadic(k)) return {GiNaC::numeric(1), e};
    const ex p = e / k;
    if (!GiNaC::is_a<GiNaC::add>(p)) return {GiNaC::numeric(1), e};
    for (std::size_t i = 0; i < p.nops(); ++i) {
      const ex t = p.op(i);
      if (!dyadic(GiNaC::is_a<GiNaC::numeric>(t) ? GiNaC::ex_to<GiNaC::numeric>(t)
                                                 : split_coefficient(t).first))
        return {GiNaC::numeric(1), e};
    }
    return {k, p};
  }
  /// Whether q is exactly a double (a rational m * 2^e with |m| < 2^53).
  static bool dyadic(const GiNaC::numeric& q) {
    if (!q.is_rational()) return false;
    int exponent = 0;
    const double mantissa = std::frexp(q.to_double(), &exponent);  // q ~ mantissa * 2^exponent
    const auto m = static_cast<long>(std::ldexp(mantissa, 53));
    return GiNaC::numeric(m) * GiNaC::pow(GiNaC::numeric(2), exponent - 53) == q;
  }

  static double to_double(const ex& e) {
    const ex v = e.evalf();
    if (!GiNaC::is_a<GiNaC::numeric>(v) || !GiNaC::ex_to<GiNaC::numeric>(v).is_real())
      throw UsageError(fmt::format("formula: constant '{}' is not a real number", text_of(e)));
    return GiNaC::ex_to<GiNaC::numeric>(v).to_double();
  }

  /// e = coefficient * rest, the coefficient a number (1 if none).
  static std::pair<GiNaC::numeric, ex> split_coefficient(const ex& e) {
    if (GiNaC::is_a<GiNaC::mul>(e)) {
      const ex last = e.op(e.nops() - 1);
      if (GiNaC::is_a<GiNaC::numeric>(last)) return {GiNaC::ex_to<GiNaC::numeric>(last), e / last};
    }
    return {GiNaC::numeric(1), e};
  }

  Operand compile_new(const ex& e) {
    using GiNaC::is_a;
    if (is_a<GiNaC::numeric>(e) || is_a<GiNaC::constant>(e)) return constant(to_double(e));
    if (is_a<GiNaC::symbol>(e)) {
      for (std::size_t i = 0; i < variables_.size(); ++i)
        if (e.is_equal(variables_[i])) return {false, 0, static_cast<std::uint32_t>(i)};
      throw UsageError(fmt::format("formula: '{}' is not a variable", text_of(e)));
    }
    if (is_a<GiNaC::add>(e)) return compile_add(e);
    if (is_a<GiNaC::mul>(e)) return compile_mul(e);
    if (is_a<GiNaC::power>(e)) return compile_power(e.op(0), e.op(1));
    if (is_a<GiNaC::function>(e)) {
      const std::string name = GiNaC::ex_to<GiNaC::function>(e).get_name();
      if (auto it = unary_functions().find(name); it != unary_functions().end())
        return emit(it->second, compile(e.op(0)));
      if (name == "dmin") return emit(Op::Min, compile(e.op(0)), compile(e.op(1)));
      if (name == "dmax") return emit(Op::Max, compile(e.op(0)), compile(e.op(1)));
    }
    throw UsageError(fmt::format("formula: cannot evaluate '{}'", text_of(e)));
  }

  // sum = (positive terms) - (negative terms) + constant
  Operand compile_add(const ex& e) {
    std::optional<Operand> sum;
    std::vector<Operand> negative;
    double shift = 0;
    for (std::size_t i = 0; i < e.nops(); ++i) {
      const ex t = e.op(i);
      if (GiNaC::is_a<GiNaC::numeric>(t)) {
        shift += to_double(t);
        continue;
      }
      const auto [coefficient, rest] = split_coefficient(t);
      if (coefficient.is_negative()) {
        negative.push_back(compile(rest * (-coefficient)));
      } else {
        const Operand term = compile(t);
        sum = sum ? emit(Op::Add, *sum, term) : term;
      }
    }
    std::size_t first = 0;
    if (!sum && shift != 0) {
      sum = emit(Op::CSub, negative[0], {}, shift);  // shift - n0
      shift = 0;
      first = 1;
    } else if (!sum) {
      sum = emit(Op::Neg, negative[0]);
      first = 1;
    }
    for (std::size_t i = first; i < negative.size(); ++i) sum = emit(Op::Sub, *sum, negative[i]);
    return shift != 0 ? emit(Op::AddC, *sum, {}, shift) : *sum;
  }

  // product = coefficient * (numerator factors) / (denominator factors)
  Operand compile_mul(const ex& e) {
    const auto [coefficient, rest] = split_coefficient(e);
    std::optional<Operand> numerator, denominator;
    auto times = [&](std::optional<Operand>& acc, Operand f) {
      acc = acc ? emit(Op::Mul, *acc, f) : f;
    };
    const std::size_t n = GiNaC::is_a<GiNaC::mul>(rest) ? rest.nops() : 1;
    GiNaC::numeric scale = coefficient;
    for (std::size_t i = 0; i < n; ++i) {
      const ex f = GiNaC::is_a<GiNaC::mul>(rest) ? rest.op(i) : rest;
      if (GiNaC::is_a<GiNaC::power>(f) && GiNaC::is_a<GiNaC::numeric>(f.op(1)) &&
          GiNaC::ex_to<GiNaC::numeric>(f.op(1)).is_negative()) {
        times(denominator, compile_power(f.op(0), -f.op(1)));
      } else {
        // a factor k * p: p is shared with the other multiples of p, k joins the coefficient
        const auto [k, p] = normalize_sum(f);
        scale *= k;
        times(numerator, compile(p));
      }
    }
    const double c = scale.to_double();
    if (!numerator) return denominator ? emit(Op::CDiv, *denominator, {}, c) : constant(c);
    Operand result = *numerator;
    if (c == -1)
      result = emit(Op::Neg, result);
    else if (c != 1)
      result = emit(Op::MulC, result, {}, c);
    return denominator ? emit(Op::Div, result, *denominator) : result;
  }

  Operand compile_power(const ex& base, const ex& exponent) {
    if (!GiNaC::is_a<GiNaC::numeric>(exponent))
      return emit(Op::Pow, compile(base), compile(exponent));
    const GiNaC::numeric k = GiNaC::ex_to<GiNaC::numeric>(exponent);
    if (k.is_negative()) return emit(Op::CDiv, compile_power(base, -k), {}, 1.0);  // 1 / b^|k|
    const Operand b = compile(base);
    if (k == GiNaC::numeric(1, 2)) return emit(Op::Sqrt, b);
    if (k.is_integer() && k <= 16) {  // b^k by repeated squaring
      long p = k.to_long();
      if (p == 0) return constant(1);
      std::optional<Operand> result;
      Operand square = b;
      while (true) {
        if (p & 1) result = result ? emit(Op::Mul, *result, square) : square;
        p >>= 1;
        if (!p) return *result;
        square = emit(Op::Sqr, square);
      }
    }
    return emit(Op::PowC, b, {}, k.to_double());
  }

  const std::vector<GiNaC::realsymbol>& variables_;
  std::vector<Instruction>& code_;
  std::map<ex, Operand, GiNaC::ex_is_less> memo_;
  std::map<double, std::uint32_t> constants_;
};

}  // namespace

Tape::Tape(const std::vector<GiNaC::ex>& roots, const std::vector<GiNaC::realsymbol>& variables)
    : variables_(variables.size()) {
  std::vector<Instruction> code;
  Compiler compiler(variables, code);
  for (const auto& r : roots) outputs_.push_back(compiler.root(r));
  // Keep the instructions a root needs (fusion leaves some unused), renumbering their slots.
  const std::size_t n = variables_;
  std::vector<bool> live(n + code.size(), false);
  for (const auto o : outputs_) live[o] = true;
  for (std::size_t i = code.size(); i-- > 0;)
    if (live[n + i]) live[code[i].a] = live[code[i].b] = true;
  std::vector<std::uint32_t> renumber(n + code.size());
  for (std::uint32_t i = 0; i < n; ++i) renumber[i] = i;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (!live[n + i]) continue;
    Instruction in = code[i];
    in.a = renumber[in.a];
    in.b = renumber[in.b];
    const auto previous = static_cast<std::uint32_t>(n + code_.size()) - 1;
    if (!code_.empty() && in.b == previous && in.a != previous &&
        (in.op == Op::Add || in.op == Op::Mul))
      std::swap(in.a, in.b);  // exact: IEEE addition and multiplication commute
    in.dispatch = static_cast<std::uint8_t>(in.op);
    if (!code_.empty() && in.op != Op::Const && in.a == previous) in.dispatch += kAccumulated;
    renumber[n + i] = previous + 1;
    code_.push_back(in);
  }
  for (auto& o : outputs_) o = renumber[o];
  slots_ = n + code_.size();
  code_.push_back({Op::Halt, static_cast<std::uint8_t>(Op::Halt), 0, 0,
                   0});  // the end of the threaded code (writes no slot)
}

// The interpreter is threaded: each operation's code ends with its own indirect jump to the next
// operation's code (GCC's labels as values), which the branch predictor learns per operation, and
// the tape ends with Halt instead of a loop counter.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
template <class T>
T Tape::evaluate(std::span<const T> x, std::span<T> out) const {
  // Slots on the stack for small tapes (most formulas), else in a per-thread buffer.
  constexpr std::size_t kStackSlots = 128;
  T stack[kStackSlots];
  T* s = stack;
  if (slots_ > kStackSlots) {
    thread_local std::vector<T> heap;
    if (heap.size() < slots_) heap.resize(slots_);
    s = heap.data();
  }
  for (std::size_t i = 0; i < variables_; ++i) s[i] = x[i];
  T* o = s + variables_;
  const Instruction* ip = code_.data();
#define DESCENT_TAPE_OPS(X)                                                                        \
  X(Const)                                                                                         \
  X(Neg)                                                                                           \
  X(Add)                                                                                           \
  X(Sub)                                                                                           \
  X(Mul)                                                                                           \
  X(Div) X(AddC) X(MulC) X(CSub) X(CDiv) X(Sqr) X(Sqrt) X(Pow) X(PowC) X(Exp) X(Log) X(Sin) X(Cos) \
      X(Tan) X(Sinh) X(Cosh) X(Tanh) X(Asin) X(Acos) X(Atan) X(Abs) X(Sign) X(Step) X(Min) X(Max)  \
          X(AddMulC) X(SubMulC) X(MulCSub) X(SqrMulC) X(MulMulC)
#define DESCENT_TAPE_COUNT(name) +1
  static_assert(0 DESCENT_TAPE_OPS(DESCENT_TAPE_COUNT) == static_cast<int>(Op::Halt),
                "one label per operation, in the order of Op");
#define DESCENT_TAPE_LABEL(name) &&op_##name,
#define DESCENT_TAPE_ACCUMULATED_LABEL(name) &&acc_##name,
  static const void* const labels[2 * kAccumulated] = {
      DESCENT_TAPE_OPS(DESCENT_TAPE_LABEL) && op_Halt,
      DESCENT_TAPE_OPS(DESCENT_TAPE_ACCUMULATED_LABEL) && op_Halt};
  T acc = 0;  // the previous instruction's result
#define DESCENT_TAPE_CASE(name)                                    \
  op_##name : acc = apply<T>(Op::name, s[ip->a], s[ip->b], ip->c); \
  *o++ = acc;                                                      \
  ++ip;                                                            \
  goto* labels[ip->dispatch];                                      \
  acc_##name : acc = apply<T>(Op::name, acc, s[ip->b], ip->c);     \
  *o++ = acc;                                                      \
  ++ip;                                                            \
  goto* labels[ip->dispatch];
  goto* labels[ip->dispatch];
  DESCENT_TAPE_OPS(DESCENT_TAPE_CASE)
op_Halt:
#undef DESCENT_TAPE_CASE
#undef DESCENT_TAPE_LABEL
#undef DESCENT_TAPE_COUNT
#undef DESCENT_TAPE_ACCUMULATED_LABEL
#undef DESCENT_TAPE_OPS
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = s[outputs_[i]];
  return s[outputs_.back()];
}
#pragma GCC diagnostic pop

template float Tape::evaluate<float>(std::span<const float>, std::span<float>) const;
template double Tape::evaluate<double>(std::span<const double>, std::span<double>) const;

}  // namespace descent::objective
