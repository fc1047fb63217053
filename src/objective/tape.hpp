#pragma once
// Tape: GiNaC expressions compiled to straight-line code that evaluates them fast, in double or
// float. Slots 0..n-1 hold the variables; instruction i writes slot n+i from earlier slots (and an
// immediate constant). Compiling several roots at once (f, its gradient, its Hessian) shares their
// common subexpressions: every distinct subexpression is computed once; constant subexpressions
// are folded at compile time; x^2 is x*x, x^-1 is 1/x, x^(1/2) is sqrt(x); a multiplication by a
// constant is fused into the addition, subtraction or square around it (one dispatch, the same
// roundings), and code no root needs is dropped.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <ginac/ginac.h>

namespace descent::objective {

class Tape {
 public:
  Tape() = default;
  /// Compiles `roots` as functions of `variables` (their values are the first evaluate() input).
  Tape(const std::vector<GiNaC::ex>& roots, const std::vector<GiNaC::realsymbol>& variables);

  /// Evaluates every root at x (variables.size() values); writes the first out.size() roots into
  /// out and returns the last root. Thread-safe.
  template <class T>
  T evaluate(std::span<const T> x, std::span<T> out) const;

  /// Operations per evaluation.
  std::size_t instructions() const { return code_.empty() ? 0 : code_.size() - 1; }

  enum class Op : std::uint8_t {
    Const,
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    AddC,
    MulC,
    CSub,
    CDiv,
    Sqr,
    Sqrt,
    Pow,
    PowC,
    Exp,
    Log,
    Sin,
    Cos,
    Tan,
    Sinh,
    Cosh,
    Tanh,
    Asin,
    Acos,
    Atan,
    Abs,
    Sign,
    Step,
    Min,
    Max,
    // fused pairs (the same roundings as the two operations)
    AddMulC,
    SubMulC,
    MulCSub,
    SqrMulC,
    MulMulC,
    Halt  // the end of the code
  };
  /// Added to an instruction's dispatch when its operand a is the previous instruction's result,
  /// which the interpreter keeps in a register (no store-to-load round trip on a chain).
  static constexpr std::uint8_t kAccumulated = static_cast<std::uint8_t>(Op::Halt) + 1;
  struct Instruction {
    Op op;
    std::uint8_t dispatch = 0;  // op, plus kAccumulated when operand a is the previous result
    std::uint32_t a, b;         // operand slots (b = a for unary operations)
    double c;  // the immediate of Const, AddC, MulC, CSub, CDiv, PowC and the fused
  };

 private:
  std::size_t variables_ = 0;
  std::size_t slots_ = 0;  // variables + instructions
  std::vector<Instruction> code_;
  std::vector<std::uint32_t> outputs_;
};

}  // namespace descent::objective
