// The expression language of assessment models (docs/models.md): conditions
// ("only for 流程型"), derived values, level rules and key indicators.
//
// A small, safe, typed language. An expression is parsed, its names are
// resolved through a caller-supplied resolver, it is type-checked and compiled
// to a flat program for a stack machine over doubles. Evaluation reads one
// array of slot values, never allocates, never fails and is deterministic to
// the bit. This module knows nothing about models: names mean only what the
// resolver says they mean.
//
// Syntax, lowest precedence first:
//
//   or  ||                       short-circuit, bool operands
//   and &&                       short-circuit, bool operands
//   not !                        prefix, bool operand (so `not a == b` is
//                                `not (a == b)`)
//   == != < <= > >=              non-associative: `a < b < c` is an error
//   + -                          left-associative, numbers
//   * /                          left-associative, numbers
//   -                            prefix negation, number
//   ( )  literals  names  calls
//
// Literals: decimal numbers (3, 0.5, 80; no sign, exponent or leading '.'),
// strings in single quotes ('process'; no escapes), true, false. Keywords are
// lowercase. Names are [A-Za-z_][A-Za-z0-9_.]*.
//
// Functions:
//   if(cond, a, b)             a and b of the same type (number or bool)
//   min(a, b, ...)             at least two numbers
//   max(a, b, ...)             at least two numbers
//   clamp(x, lo, hi)           x limited to [lo, hi]
//   abs(x)
//   selected(q, 'OPT')         q single or multiple choice; bool
//   at_least(q, 'OPT')         q single choice; true when the chosen option
//                              comes at or after OPT in the option list
//   count_selected(q)          q multiple choice; number of chosen options
//   answered(q)                any name; bool
//   score(q)                   number; the name "score:" + q as resolved
// The q argument of the last five is a name, not an expression.
//
// Types are number and bool. Strings exist only as literals compared with
// == or != against a kEnum name (checked against its options at compile time)
// and as the option argument of selected()/at_least(). A bare choice name is
// an error; use the functions above.
//
// Missing values are NaN in the slot array (docs/models.md has the table):
//   - arithmetic with NaN gives NaN; division by zero gives NaN (never inf);
//   - any comparison involving NaN is false (== and != alike), including a
//     bool name compared with == or != (`q != true` is false when q is
//     missing);
//   - elsewhere a missing bool reads as false (so `not b` is true when b is
//     missing, `b or c` is c; use answered(b) to tell);
//   - selected/at_least on a missing answer are false, count_selected is 0;
//   - min/max ignore NaN arguments unless all are NaN;
//   - clamp and abs give NaN when any argument is NaN;
//   - if() with a false (or missing) condition takes the else branch.
// A NaN result is always the canonical quiet NaN, so results compare bitwise.
#ifndef RONGPING_MODEL_EXPR_H_
#define RONGPING_MODEL_EXPR_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace rongping::model {

enum class SymbolKind { kNumber, kBool, kEnum, kSingleChoice, kMultiChoice };

// What a name means. The value of the name at evaluation is slots[slot]:
//   kNumber:       the value, or NaN when missing;
//   kBool:         1 or 0, or NaN when missing (any other non-zero is true);
//   kEnum:         index into `options`, or NaN;
//   kSingleChoice: index of the chosen option, or NaN;
//   kMultiChoice:  bitmask of chosen options (bit i = options[i]) stored as
//                  an exact integer in the double, or NaN. At most 52 options.
// A kMultiChoice value that is not in [0, 2^52) reads as missing.
struct SymbolInfo {
  SymbolKind kind;
  int slot;                          // index into the value array at evaluation
  std::vector<std::string> options;  // kEnum: allowed string values; choices: option ids in order
};

// Returns what `name` means, or nullopt when the name is unknown. Called at
// most once per distinct name per compilation, only during CompileExpr.
using SymbolResolver = std::function<std::optional<SymbolInfo>(std::string_view name)>;

enum class ExprType { kNumber, kBool };

// Limits. Exceeding any is a compile error, never a crash.
inline constexpr size_t kMaxExprSourceBytes = 4096;
inline constexpr int kMaxExprNesting = 64;  // parentheses, calls and prefix operators
inline constexpr int kMaxExprStack = 64;    // values held at once during evaluation
inline constexpr int kMaxExprBlockStack = 256;  // the same for EvaluateBlock
inline constexpr size_t kMaxMultiChoiceOptions = 52;

// A compiled expression. Immutable; copyable; safe to evaluate from many
// threads at once.
class CompiledExpr {
 public:
  // An empty expression of type kNumber that evaluates to NaN (and false).
  CompiledExpr() = default;

  ExprType type() const { return type_; }

  // Evaluates the expression. `slots` must hold every slot in slots_read()
  // (it may be null when slots_read() is empty). Does not allocate.
  //
  // EvaluateNumber is meant for kNumber expressions: the value, possibly the
  // canonical NaN. On a kBool expression it returns 1 or 0.
  double EvaluateNumber(const double* slots) const;
  // EvaluateBool is meant for kBool expressions. On a kNumber expression it
  // returns true when the value is neither 0 nor NaN.
  bool EvaluateBool(const double* slots) const;

  // Evaluates the expression for n assessments at once. The value of slot s
  // for assessment j is slots[s * stride + j]; out[j] receives exactly what
  // EvaluateNumber would return for assessment j (the same bits). `stack`
  // must hold block_stack_size() * n doubles; `out` may be one of the
  // columns of `slots`, read by this expression or not. Does not allocate.
  void EvaluateBlock(const double* slots, size_t stride, size_t n, double* stack, double* out) const;
  // Columns EvaluateBlock holds at once (it evaluates both sides of and, or
  // and if(), and writes no column it reads).
  size_t block_stack_size() const { return block_stack_; }

  // The distinct slots this expression reads, ascending (for dependency and
  // cycle analysis by the caller).
  const std::vector<int>& slots_read() const { return slots_read_; }
  // Every distinct name resolved, in order of first use, including
  // "score:q" for score(q).
  const std::vector<std::string>& names() const { return names_; }
  const std::string& source() const { return source_; }

 private:
  friend Result<CompiledExpr> CompileExpr(std::string_view source, ExprType expected,
                                          const SymbolResolver& resolve);

  // One stack-machine instruction; see expr.cc for the opcodes.
  struct Instr {
    uint8_t op;
    int32_t arg;   // slot, jump target or argument count
    double value;  // constant or option index
  };

  double Run(const double* slots) const;
  // The jump-free program of `code` for EvaluateBlock, and the columns it
  // holds at once.
  static size_t BuildBlockCode(const std::vector<Instr>& code, std::vector<Instr>* block);
  // `code` with runs of instructions that push one value from one slot
  // made single instructions (the same values, fewer steps for Run).
  static std::vector<Instr> FuseLeaves(const std::vector<Instr>& code);

  ExprType type_ = ExprType::kNumber;
  std::vector<Instr> code_;
  std::vector<Instr> block_code_;  // code_ without jumps: both branches, then a select
  size_t block_stack_ = 0;
  std::vector<int> slots_read_;
  std::vector<std::string> names_;
  std::string source_;
};

// Parses, resolves, type-checks and compiles `source` into an expression of
// type `expected`. On error returns kInvalid with code "invalid_expression"
// and a 中文 message that starts with the 1-based column (counted in
// characters from the start of the source) of the offending place, e.g.
// "第12列：未知的名称“foo”" or "第5列：应为数值，实际为布尔值".
Result<CompiledExpr> CompileExpr(std::string_view source, ExprType expected,
                                 const SymbolResolver& resolve);

}  // namespace rongping::model

#endif  // RONGPING_MODEL_EXPR_H_
