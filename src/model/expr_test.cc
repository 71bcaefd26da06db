#include "model/expr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace rongping::model {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

// Slots of the test resolver.
enum : int {
  kX = 0,
  kY,
  kZ,
  kB,
  kC,
  kProductionType,
  kQ1,
  kQ2,
  kScoreQ1,
  kMany52,
  kMany53,
  kScoreQ2,
  kSlotCount,
};

std::vector<std::string> Options(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("o" + std::to_string(i));
  return out;
}

const std::map<std::string, SymbolInfo, std::less<>>& Symbols() {
  static const auto* symbols = new std::map<std::string, SymbolInfo, std::less<>>{
      {"x", {SymbolKind::kNumber, kX, {}}},
      {"y", {SymbolKind::kNumber, kY, {}}},
      {"z", {SymbolKind::kNumber, kZ, {}}},
      {"b", {SymbolKind::kBool, kB, {}}},
      {"c", {SymbolKind::kBool, kC, {}}},
      {"production_type", {SymbolKind::kEnum, kProductionType, {"process", "discrete", "mixed"}}},
      {"q1", {SymbolKind::kSingleChoice, kQ1, {"A", "B", "C", "D"}}},
      {"q2", {SymbolKind::kMultiChoice, kQ2, {"A", "B", "C", "D", "E"}}},
      {"score:q1", {SymbolKind::kNumber, kScoreQ1, {}}},
      {"score:q2", {SymbolKind::kNumber, kScoreQ2, {}}},
      {"score:b", {SymbolKind::kBool, kB, {}}},
      {"many52", {SymbolKind::kMultiChoice, kMany52, Options(52)}},
      {"many53", {SymbolKind::kMultiChoice, kMany53, Options(53)}},
      {"sec.q_3", {SymbolKind::kNumber, kZ, {}}},
  };
  return *symbols;
}

std::optional<SymbolInfo> Resolve(std::string_view name) {
  auto it = Symbols().find(name);
  if (it == Symbols().end()) return std::nullopt;
  return it->second;
}

struct Slots {
  double v[kSlotCount];
  Slots() {
    for (double& d : v) d = kNaN;
  }
  Slots& Set(int slot, double value) {
    v[slot] = value;
    return *this;
  }
};

Slots Defaults() {
  Slots s;
  s.Set(kX, 2).Set(kY, 3).Set(kZ, 0).Set(kB, 1).Set(kC, 0);
  return s;
}

CompiledExpr MustCompile(std::string_view source, ExprType type) {
  auto r = CompileExpr(source, type, Resolve);
  EXPECT_TRUE(r) << source << ": " << (r ? "" : r.error().message);
  return r ? *r : CompiledExpr();
}

// EvaluateBlock over three lanes holding `slots` (the lanes of slot s at
// s * 3 .. s * 3 + 2); every lane must equal EvaluateNumber to the bit.
void ExpectBlockAgrees(const CompiledExpr& e, const Slots& slots) {
  constexpr size_t kLanes = 3;
  std::vector<double> columns(kSlotCount * kLanes);
  for (int s = 0; s < kSlotCount; ++s) {
    for (size_t j = 0; j < kLanes; ++j) columns[s * kLanes + j] = slots.v[s];
  }
  std::vector<double> stack(e.block_stack_size() * kLanes), out(kLanes);
  e.EvaluateBlock(columns.data(), kLanes, kLanes, stack.data(), out.data());
  const double one = e.EvaluateNumber(slots.v);
  for (double v : out) EXPECT_EQ(Bits(v), Bits(one)) << e.source();
}

// Each value below is also checked against the block evaluation.
double Num(std::string_view source, const Slots& slots = Defaults()) {
  auto e = MustCompile(source, ExprType::kNumber);
  ExpectBlockAgrees(e, slots);
  return e.EvaluateNumber(slots.v);
}

bool Bool(std::string_view source, const Slots& slots = Defaults()) {
  auto e = MustCompile(source, ExprType::kBool);
  ExpectBlockAgrees(e, slots);
  return e.EvaluateBool(slots.v);
}

// The error message for a source that must not compile.
std::string ErrorOf(std::string_view source, ExprType type = ExprType::kNumber) {
  auto r = CompileExpr(source, type, Resolve);
  if (r) {
    ADD_FAILURE() << "compiled unexpectedly: " << source;
    return "";
  }
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(r.error().code, "invalid_expression");
  EXPECT_EQ(r.error().message.rfind("第", 0), 0u) << r.error().message;
  return r.error().message;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

// ---------------------------------------------------------------------------
// Literals, operators, precedence.

TEST(Expr, Literals) {
  EXPECT_EQ(Num("3"), 3);
  EXPECT_EQ(Num("0.5"), 0.5);
  EXPECT_EQ(Num("80"), 80);
  EXPECT_EQ(Num("007.250"), 7.25);
  EXPECT_EQ(Num("0.1"), 0.1);
  EXPECT_TRUE(Bool("true"));
  EXPECT_FALSE(Bool("false"));
  EXPECT_EQ(Num("  \t\n42\r\n "), 42);
  EXPECT_EQ(Num("\xE3\x80\x80" "1\xE3\x80\x80"), 1);  // ideographic spaces
}

TEST(Expr, Arithmetic) {
  EXPECT_EQ(Num("1 + 2"), 3);
  EXPECT_EQ(Num("5 - 7"), -2);
  EXPECT_EQ(Num("2.5 * 4"), 10);
  EXPECT_EQ(Num("7 / 2"), 3.5);
  EXPECT_EQ(Num("-x"), -2);
  EXPECT_EQ(Num("- -x"), 2);
  EXPECT_EQ(Num("--x"), 2);
  EXPECT_EQ(Num("2 - -3"), 5);
  EXPECT_EQ(Num("2--3"), 5);
  EXPECT_EQ(Num("x * y + z"), 6);
}

TEST(Expr, Precedence) {
  EXPECT_EQ(Num("1 + 2 * 3"), 7);
  EXPECT_EQ(Num("(1 + 2) * 3"), 9);
  EXPECT_EQ(Num("10 - 4 - 3"), 3);    // left-associative
  EXPECT_EQ(Num("12 / 3 / 2"), 2);    // left-associative
  EXPECT_EQ(Num("2 * 3 / 4"), 1.5);
  EXPECT_EQ(Num("-2 * 3"), -6);
  EXPECT_EQ(Num("-(2 + 3) * 2"), -10);
  EXPECT_EQ(Num("1 - 2 + 3"), 2);
  EXPECT_TRUE(Bool("1 + 2 * 3 == 7"));
  EXPECT_TRUE(Bool("1 + 2 < 2 * 2"));
  // not binds tighter than and, and than or; comparisons tighter than not.
  EXPECT_FALSE(Bool("not false and false"));  // (not false) and false
  EXPECT_TRUE(Bool("not (false and false)"));
  EXPECT_FALSE(Bool("not b and c"));
  EXPECT_TRUE(Bool("not c and b"));
  EXPECT_TRUE(Bool("true or false and false"));  // true or (false and false)
  EXPECT_FALSE(Bool("(true or false) and false"));
  EXPECT_TRUE(Bool("not 1 == 2"));  // not (1 == 2)
  EXPECT_TRUE(Bool("!1 == 2"));
  EXPECT_FALSE(Bool("!false && false"));
  EXPECT_TRUE(Bool("false || !false"));
  EXPECT_TRUE(Bool("not not true"));
  EXPECT_TRUE(Bool("x > 1 and y > 1 or z > 1"));
}

TEST(Expr, Comparisons) {
  EXPECT_TRUE(Bool("x == 2"));
  EXPECT_FALSE(Bool("x == 3"));
  EXPECT_TRUE(Bool("x != 3"));
  EXPECT_FALSE(Bool("x != 2"));
  EXPECT_TRUE(Bool("x < 3"));
  EXPECT_FALSE(Bool("x < 2"));
  EXPECT_TRUE(Bool("x <= 2"));
  EXPECT_FALSE(Bool("x <= 1.5"));
  EXPECT_TRUE(Bool("x > 1"));
  EXPECT_FALSE(Bool("x > 2"));
  EXPECT_TRUE(Bool("x >= 2"));
  EXPECT_FALSE(Bool("x >= 2.5"));
  EXPECT_TRUE(Bool("b == true"));
  EXPECT_TRUE(Bool("b != c"));
  EXPECT_TRUE(Bool("(x > 1) == (y > 1)"));
}

TEST(Expr, LogicTruthTables) {
  for (int a = 0; a < 2; ++a) {
    for (int b = 0; b < 2; ++b) {
      for (int c = 0; c < 2; ++c) {
        Slots s = Defaults();
        s.Set(kB, a).Set(kC, b).Set(kX, c);
        bool x = c == 1;
        EXPECT_EQ(Bool("b and c", s), a && b);
        EXPECT_EQ(Bool("b && c", s), a && b);
        EXPECT_EQ(Bool("b or c", s), a || b);
        EXPECT_EQ(Bool("b || c", s), a || b);
        EXPECT_EQ(Bool("b and c and x == 1", s), a && b && x);
        EXPECT_EQ(Bool("b or c or x == 1", s), a || b || x);
        EXPECT_EQ(Bool("b and c or x == 1", s), (a && b) || x);
        EXPECT_EQ(Bool("b or c and x == 1", s), a || (b && x));
        EXPECT_EQ(Bool("(b or c) and x == 1", s), (a || b) && x);
        EXPECT_EQ(Bool("not b or not c", s), !a || !b);
        EXPECT_EQ(Bool("if(b and c, x == 1, b or c)", s), (a && b) ? x : (a || b));
      }
    }
  }
}

TEST(Expr, ShortCircuitSkipsRightOperand) {
  // The right operand is never evaluated when the left decides: here it
  // would read one slot past the array, which the ASan build catches.
  std::map<std::string, SymbolInfo, std::less<>> symbols = {
      {"t", {SymbolKind::kBool, 0, {}}},
      {"f", {SymbolKind::kBool, 1, {}}},
      {"far", {SymbolKind::kNumber, 2, {}}},  // one past the array below
  };
  auto resolve = [&](std::string_view n) -> std::optional<SymbolInfo> {
    auto it = symbols.find(n);
    if (it == symbols.end()) return std::nullopt;
    return it->second;
  };
  double slots[2] = {1, 0};
  for (const char* source : {"t or far > 0", "not f or far > 0", "if(t, 1, far) == 1",
                             "if(f, far, 1) == 1", "not (f and far > 0)", "t || f && far > 0"}) {
    auto e = CompileExpr(source, ExprType::kBool, resolve);
    ASSERT_TRUE(e) << e.error().message;
    EXPECT_TRUE(e->EvaluateBool(slots)) << source;
  }
}

TEST(Expr, DivisionByZeroIsNaN) {
  EXPECT_TRUE(std::isnan(Num("1 / 0")));
  EXPECT_TRUE(std::isnan(Num("-1 / 0")));
  EXPECT_TRUE(std::isnan(Num("0 / 0")));
  EXPECT_TRUE(std::isnan(Num("x / z")));
  EXPECT_TRUE(std::isnan(Num("x / -z")));  // -0 divisor
  EXPECT_FALSE(Bool("x / z > 0"));
  EXPECT_FALSE(Bool("x / z < 0"));
  EXPECT_EQ(Num("max(x / z, 1)"), 1);
}

TEST(Expr, NaNResultIsCanonical) {
  Slots s = Defaults();
  s.Set(kX, -kNaN);
  const uint64_t canonical = Bits(kNaN);
  EXPECT_EQ(Bits(Num("x", s)), canonical);
  EXPECT_EQ(Bits(Num("-x", s)), canonical);
  EXPECT_EQ(Bits(Num("0 / 0")), canonical);
  s.Set(kY, 1e300);
  EXPECT_EQ(Bits(Num("y * y - y * y", s)), canonical);  // inf - inf
}

// ---------------------------------------------------------------------------
// Missing values.

TEST(Expr, MissingNumbers) {
  Slots s = Defaults();
  s.Set(kX, kNaN);
  EXPECT_TRUE(std::isnan(Num("x + 1", s)));
  EXPECT_TRUE(std::isnan(Num("1 - x", s)));
  EXPECT_TRUE(std::isnan(Num("x * 0", s)));
  EXPECT_TRUE(std::isnan(Num("0 / x", s)));
  EXPECT_TRUE(std::isnan(Num("-x", s)));
  for (const char* op : {"==", "!=", "<", "<=", ">", ">="}) {
    EXPECT_FALSE(Bool(std::string("x ") + op + " 1", s)) << op;
    EXPECT_FALSE(Bool(std::string("1 ") + op + " x", s)) << op;
    EXPECT_FALSE(Bool(std::string("x ") + op + " x", s)) << op;
  }
  EXPECT_TRUE(Bool("not (x == 1)", s));
  EXPECT_TRUE(Bool("not (x != 1)", s));
}

TEST(Expr, MissingInFunctions) {
  Slots s = Defaults();
  s.Set(kX, kNaN).Set(kY, kNaN);
  EXPECT_EQ(Num("min(x, 2)", s), 2);
  EXPECT_EQ(Num("min(2, x)", s), 2);
  EXPECT_EQ(Num("min(x, 3, 1, y)", s), 1);
  EXPECT_EQ(Num("max(x, 3, 1, y)", s), 3);
  EXPECT_TRUE(std::isnan(Num("min(x, y)", s)));
  EXPECT_TRUE(std::isnan(Num("max(x, y, x)", s)));
  EXPECT_TRUE(std::isnan(Num("clamp(x, 0, 1)", s)));
  EXPECT_TRUE(std::isnan(Num("clamp(0.5, x, 1)", s)));
  EXPECT_TRUE(std::isnan(Num("clamp(0.5, 0, y)", s)));
  EXPECT_TRUE(std::isnan(Num("abs(x)", s)));
  EXPECT_EQ(Num("if(x > 0, 1, 2)", s), 2);
  EXPECT_EQ(Num("if(x <= 0, 1, 2)", s), 2);
  EXPECT_TRUE(std::isnan(Num("if(true, x, 2)", s)));
  EXPECT_FALSE(Bool("answered(x)", s));
  EXPECT_TRUE(Bool("answered(z)", s));
}

TEST(Expr, MissingBoolReadsAsFalse) {
  Slots s = Defaults();
  s.Set(kB, kNaN);
  EXPECT_FALSE(Bool("b", s));
  EXPECT_TRUE(Bool("not b", s));
  EXPECT_FALSE(Bool("b and true", s));
  EXPECT_TRUE(Bool("b or true", s));
  EXPECT_EQ(Num("if(b, 1, 2)", s), 2);
  EXPECT_EQ(Num("if(not b, 1, 2)", s), 1);
  // A comparison with a missing value is false, for bools as for numbers.
  EXPECT_FALSE(Bool("b == false", s));
  EXPECT_FALSE(Bool("answered(b)", s));
  s.Set(kB, 0.5);  // any non-zero is true
  EXPECT_TRUE(Bool("b", s));
  EXPECT_TRUE(Bool("b == true", s));
}

// ---------------------------------------------------------------------------
// Functions.

TEST(Expr, MinMaxClampAbs) {
  EXPECT_EQ(Num("min(3, 1, 2)"), 1);
  EXPECT_EQ(Num("max(3, 1, 2)"), 3);
  EXPECT_EQ(Num("min(x, y)"), 2);
  EXPECT_EQ(Num("max(x, y)"), 3);
  EXPECT_EQ(Num("max(-1, -2)"), -1);
  // Ties keep the first argument, so signed zeros are deterministic.
  EXPECT_EQ(Bits(Num("min(0, -0)")), Bits(0.0));
  EXPECT_EQ(Bits(Num("min(-0, 0)")), Bits(-0.0));
  EXPECT_EQ(Bits(Num("max(-0, 0)")), Bits(-0.0));
  EXPECT_EQ(Num("clamp(5, 0, 3)"), 3);
  EXPECT_EQ(Num("clamp(-1, 0, 3)"), 0);
  EXPECT_EQ(Num("clamp(2, 0, 3)"), 2);
  EXPECT_EQ(Num("clamp(2, 5, 3)"), 3);  // lo > hi: hi wins
  EXPECT_EQ(Num("abs(-2.5)"), 2.5);
  EXPECT_EQ(Num("abs(2.5)"), 2.5);
  EXPECT_EQ(Bits(Num("abs(-0)")), Bits(0.0));
  EXPECT_EQ(Num("abs(x - y) * 2"), 2);
}

TEST(Expr, If) {
  EXPECT_EQ(Num("if(x > 1, 10, 20)"), 10);
  EXPECT_EQ(Num("if(x > 5, 10, 20)"), 20);
  EXPECT_TRUE(Bool("if(x > 1, b, c)"));
  EXPECT_FALSE(Bool("if(x > 5, b, c)"));
  EXPECT_EQ(Num("if(b, if(c, 1, 2), if(c, 3, 4))"), 2);
  EXPECT_EQ(Num("1 + if(b, 1, 2) * 3"), 4);
  EXPECT_EQ(Num("if(production_type == 'discrete', 1, 2)"), 2);
}

TEST(Expr, EnumComparison) {
  Slots s = Defaults();
  s.Set(kProductionType, 0);
  EXPECT_TRUE(Bool("production_type == 'process'", s));
  EXPECT_FALSE(Bool("production_type != 'process'", s));
  EXPECT_TRUE(Bool("'process' == production_type", s));
  EXPECT_TRUE(Bool("(production_type) == 'process'", s));
  EXPECT_FALSE(Bool("production_type == 'mixed'", s));
  EXPECT_TRUE(Bool("production_type != 'mixed'", s));
  s.Set(kProductionType, 2);
  EXPECT_TRUE(Bool("production_type == 'mixed'", s));
  s.Set(kProductionType, kNaN);
  EXPECT_FALSE(Bool("production_type == 'process'", s));
  EXPECT_FALSE(Bool("production_type != 'process'", s));
  EXPECT_TRUE(Bool("not (production_type == 'process')", s));
}

TEST(Expr, EnumErrors) {
  EXPECT_EQ(ErrorOf("production_type == 'proces'", ExprType::kBool),
            "第20列：“production_type”的取值不能为'proces'，可选：'process'、'discrete'、'mixed'");
  EXPECT_CONTAINS(ErrorOf("'x' != production_type", ExprType::kBool), "第1列");
  EXPECT_CONTAINS(ErrorOf("production_type < 'process'", ExprType::kBool), "只能用 == 或 != 比较");
  EXPECT_CONTAINS(ErrorOf("production_type == 1", ExprType::kBool), "只能用 == 或 != 与字符串比较");
  EXPECT_CONTAINS(ErrorOf("production_type + 1"), "实际为枚举");
  EXPECT_CONTAINS(ErrorOf("production_type", ExprType::kBool), "应为布尔值，实际为枚举");
  EXPECT_CONTAINS(ErrorOf("production_type == production_type", ExprType::kBool),
                  "只能用 == 或 != 与字符串比较");
  EXPECT_CONTAINS(ErrorOf("'a' == 'a'", ExprType::kBool), "字符串只能与枚举比较");
  EXPECT_CONTAINS(ErrorOf("x == 'a'", ExprType::kBool), "字符串只能与枚举比较");
  EXPECT_CONTAINS(ErrorOf("'a'"), "应为数值，实际为字符串");
  EXPECT_CONTAINS(ErrorOf("'a' + 1"), "应为数值，实际为字符串");
}

TEST(Expr, SelectedSingleChoice) {
  Slots s = Defaults();
  s.Set(kQ1, 1);  // B
  EXPECT_TRUE(Bool("selected(q1, 'B')", s));
  EXPECT_FALSE(Bool("selected(q1, 'A')", s));
  EXPECT_FALSE(Bool("selected(q1, 'D')", s));
  s.Set(kQ1, kNaN);
  EXPECT_FALSE(Bool("selected(q1, 'A')", s));
  EXPECT_TRUE(Bool("not selected(q1, 'A')", s));
}

TEST(Expr, SelectedMultiChoice) {
  Slots s = Defaults();
  s.Set(kQ2, 0b10101);  // A, C, E
  EXPECT_TRUE(Bool("selected(q2, 'A')", s));
  EXPECT_FALSE(Bool("selected(q2, 'B')", s));
  EXPECT_TRUE(Bool("selected(q2, 'C')", s));
  EXPECT_FALSE(Bool("selected(q2, 'D')", s));
  EXPECT_TRUE(Bool("selected(q2, 'E')", s));
  EXPECT_EQ(Num("count_selected(q2)", s), 3);
  s.Set(kQ2, 0);
  EXPECT_FALSE(Bool("selected(q2, 'A')", s));
  EXPECT_EQ(Num("count_selected(q2)", s), 0);
  EXPECT_TRUE(Bool("answered(q2)", s));
  s.Set(kQ2, kNaN);
  EXPECT_FALSE(Bool("selected(q2, 'A')", s));
  EXPECT_EQ(Num("count_selected(q2)", s), 0);
  EXPECT_FALSE(Bool("answered(q2)", s));
  // Out-of-range masks read as missing.
  for (double bad : {-1.0, 4503599627370496.0, 1e300, std::numeric_limits<double>::infinity()}) {
    s.Set(kQ2, bad);
    EXPECT_FALSE(Bool("selected(q2, 'A')", s)) << bad;
    EXPECT_EQ(Num("count_selected(q2)", s), 0) << bad;
  }
}

TEST(Expr, AtLeast) {
  Slots s = Defaults();
  s.Set(kQ1, 2);  // C
  EXPECT_TRUE(Bool("at_least(q1, 'A')", s));
  EXPECT_TRUE(Bool("at_least(q1, 'B')", s));
  EXPECT_TRUE(Bool("at_least(q1, 'C')", s));
  EXPECT_FALSE(Bool("at_least(q1, 'D')", s));
  s.Set(kQ1, kNaN);
  EXPECT_FALSE(Bool("at_least(q1, 'A')", s));
}

// The one-at-a-time program makes `not` of a leaf, and a comparison of a
// number with a constant, single instructions; their values stay those of
// the instructions they replace (the block program, which keeps them apart,
// is compared by Bool), for every kind of slot value, and nothing is fused
// across the target of a jump.
TEST(Expr, FusedLeavesKeepTheirMeaning) {
  const double kValues[] = {kNaN,  0.0,
                            -0.0,  1,
                            2,     3,
                            2.5,   -1,
                            31,    4503599627370496.0,
                            1e300, std::numeric_limits<double>::infinity()};
  const char* kLeaves[] = {"selected(q1, 'B')",
                           "at_least(q1, 'C')",
                           "selected(q2, 'C')",
                           "answered(q2)",
                           "production_type == 'mixed'",
                           "production_type != 'mixed'",
                           "b",
                           "answered(x)"};
  const int kSlotsOf[] = {kQ1, kQ1, kQ2, kQ2, kProductionType, kProductionType, kB, kX};
  for (size_t i = 0; i < std::size(kLeaves); ++i) {
    for (double v : kValues) {
      Slots s = Defaults();
      s.Set(kSlotsOf[i], v);
      const std::string leaf = kLeaves[i];
      const bool positive = Bool(leaf, s);
      EXPECT_EQ(Bool("not " + leaf, s), !positive) << leaf << " at " << v;
      EXPECT_EQ(Num("if(not " + leaf + ", 1, 0)", s), positive ? 0 : 1) << leaf << " at " << v;
      EXPECT_EQ(Bool("not " + leaf + " or c", s), !positive) << leaf << " at " << v;
    }
  }
  const char* kOps[] = {"<", "<=", ">", ">=", "==", "!="};
  for (const char* op : kOps) {
    for (double v : kValues) {
      Slots s = Defaults();
      s.Set(kX, v);
      const std::string o = op;
      const bool want = !std::isnan(v) && (o == "<"    ? v < 2
                                           : o == "<=" ? v <= 2
                                           : o == ">"  ? v > 2
                                           : o == ">=" ? v >= 2
                                           : o == "==" ? v == 2
                                                       : v != 2);
      EXPECT_EQ(Bool("x " + o + " 2", s), want) << op << " at " << v;
      EXPECT_EQ(Bool("not x " + o + " 2", s), !want) << op << " at " << v;
      // A jump lands on the constant (then-branch) or on the comparison.
      s.Set(kY, 5);
      EXPECT_EQ(Bool("if(b, y, x) " + o + " 2", s), Bool("y " + o + " 2", s)) << op << " at " << v;
      s.Set(kB, 0);
      EXPECT_EQ(Bool("if(b, y, x) " + o + " 2", s), want) << op << " at " << v;
    }
  }
  Slots s = Defaults();
  for (double b : {kNaN, 0.0, 1.0}) {
    for (double c : {kNaN, 0.0, 1.0}) {
      s.Set(kB, b).Set(kC, c);
      const bool cond = !std::isnan(b) && b != 0, then = cond, otherwise = !std::isnan(c) && c != 0;
      EXPECT_EQ(Bool("not if(b, b, c)", s), !(cond ? then : otherwise)) << b << " " << c;
    }
  }
}

TEST(Expr, AnsweredAndScore) {
  Slots s = Defaults();
  s.Set(kQ1, 0).Set(kScoreQ1, 75);
  EXPECT_TRUE(Bool("answered(q1)", s));
  EXPECT_TRUE(Bool("answered(x)", s));
  EXPECT_TRUE(Bool("answered(b)", s));
  EXPECT_TRUE(Bool("answered(production_type)", Slots().Set(kProductionType, 1)));
  EXPECT_FALSE(Bool("answered(production_type)", s));
  EXPECT_EQ(Num("score(q1)", s), 75);
  EXPECT_EQ(Num("score(q1) / 100 * 4", s), 3);
  EXPECT_TRUE(std::isnan(Num("score(q2)", s)));
  EXPECT_EQ(Num("max(score(q1), score(q2))", s), 75);
}

TEST(Expr, FunctionErrors) {
  EXPECT_EQ(ErrorOf("selected(q1, 'Z')", ExprType::kBool), "第14列：“q1”没有选项'Z'，可选：'A'、'B'、'C'、'D'");
  EXPECT_CONTAINS(ErrorOf("at_least(q1, 'a')", ExprType::kBool), "没有选项'a'");
  EXPECT_CONTAINS(ErrorOf("selected(x, 'A')", ExprType::kBool), "第10列：selected() 的第一个参数应为单选题或多选题");
  EXPECT_CONTAINS(ErrorOf("selected(production_type, 'process')", ExprType::kBool), "是枚举");
  EXPECT_CONTAINS(ErrorOf("at_least(q2, 'A')", ExprType::kBool), "at_least() 的第一个参数应为单选题，“q2”是多选题");
  EXPECT_CONTAINS(ErrorOf("count_selected(q1)"), "count_selected() 的参数应为多选题，“q1”是单选题");
  EXPECT_CONTAINS(ErrorOf("selected(q1, A)", ExprType::kBool), "用单引号括起的选项");
  EXPECT_CONTAINS(ErrorOf("selected(q1)", ExprType::kBool), "selected() 需要2个参数，实际为1个");
  EXPECT_CONTAINS(ErrorOf("selected(q1, 'A', 'B')", ExprType::kBool), "selected() 只需要2个参数");
  EXPECT_CONTAINS(ErrorOf("selected('A', q1)", ExprType::kBool), "题目名称");
  EXPECT_CONTAINS(ErrorOf("answered(x + 1)", ExprType::kBool), "第12列：此处应为“)”，实际为“+”");
  EXPECT_CONTAINS(ErrorOf("answered(x, y)", ExprType::kBool), "answered() 只需要1个参数");
  EXPECT_CONTAINS(ErrorOf("answered()", ExprType::kBool), "answered() 需要1个参数，实际为0个");
  EXPECT_CONTAINS(ErrorOf("answered(nope)", ExprType::kBool), "第10列：未知的名称“nope”");
  EXPECT_EQ(ErrorOf("score(nope)"), "第7列：无法取得“nope”的得分：未知的名称“score:nope”");
  EXPECT_EQ(ErrorOf("score(b)"), "第7列：无法取得“b”的得分：“score:b”是布尔值，应为数值");
  EXPECT_CONTAINS(ErrorOf("min(1)"), "min() 至少需要2个参数，实际为1个");
  EXPECT_CONTAINS(ErrorOf("max()"), "max() 至少需要2个参数，实际为0个");
  EXPECT_CONTAINS(ErrorOf("min(1, 2,)"), "此处应为数值、名称或“(”，实际为“)”");
  EXPECT_CONTAINS(ErrorOf("clamp(1, 2)"), "clamp() 需要3个参数，实际为2个");
  EXPECT_CONTAINS(ErrorOf("clamp(1, 2, 3, 4)"), "clamp() 只需要3个参数");
  EXPECT_CONTAINS(ErrorOf("abs()"), "abs() 需要1个参数，实际为0个");
  EXPECT_CONTAINS(ErrorOf("abs(1, 2)"), "abs() 只需要1个参数");
  EXPECT_CONTAINS(ErrorOf("if(b, 1)"), "if() 需要3个参数，实际为2个");
  EXPECT_CONTAINS(ErrorOf("if()"), "if() 需要3个参数，实际为0个");
  EXPECT_CONTAINS(ErrorOf("if(b, 1, 2, 3)"), "if() 只需要3个参数");
  EXPECT_EQ(ErrorOf("if(b, 1, true)"), "第10列：if() 的两个分支类型应相同：第二个参数为数值，第三个参数为布尔值");
  EXPECT_EQ(ErrorOf("if(1, 1, 2)"), "第4列：应为布尔值，实际为数值");
  EXPECT_CONTAINS(ErrorOf("if(b, production_type, 2)"), "应为数值或布尔值，实际为枚举");
  EXPECT_EQ(ErrorOf("sqrt(2)"),
            "第1列：未知的函数“sqrt”，可用的函数：if、min、max、clamp、abs、selected、at_least、"
            "count_selected、answered、score");
  EXPECT_CONTAINS(ErrorOf("min(1 2)"), "此处应为“,”或“)”，实际为“2”");
}

TEST(Expr, BareChoiceNames) {
  std::string single = ErrorOf("q1 == 1", ExprType::kBool);
  EXPECT_EQ(single.rfind("第1列：“q1”是单选题", 0), 0u) << single;
  EXPECT_CONTAINS(single, "selected(q1, '选项')");
  EXPECT_CONTAINS(single, "at_least(q1, '选项')");
  EXPECT_CONTAINS(single, "score(q1)");
  std::string multi = ErrorOf("1 + q2");
  EXPECT_EQ(multi.rfind("第5列：“q2”是多选题", 0), 0u) << multi;
  EXPECT_CONTAINS(multi, "count_selected(q2)");
  EXPECT_CONTAINS(multi, "selected(q2, '选项')");
}

// ---------------------------------------------------------------------------
// Type errors, each with its column.

TEST(Expr, TypeErrors) {
  EXPECT_EQ(ErrorOf("b + 1"), "第1列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("1 + b"), "第5列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("2 * (x > 1)"), "第5列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("x / true"), "第5列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("-b"), "第2列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("abs(b)"), "第5列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("min(1, b)"), "第8列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("clamp(1, 2, c)"), "第13列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("1 and true", ExprType::kBool), "第1列：应为布尔值，实际为数值");
  EXPECT_EQ(ErrorOf("true or x", ExprType::kBool), "第9列：应为布尔值，实际为数值");
  EXPECT_EQ(ErrorOf("not x", ExprType::kBool), "第5列：应为布尔值，实际为数值");
  EXPECT_EQ(ErrorOf("b == 1", ExprType::kBool), "第3列：不能比较布尔值与数值");
  EXPECT_EQ(ErrorOf("1 < b", ExprType::kBool), "第3列：不能比较数值与布尔值");
  EXPECT_EQ(ErrorOf("b < c", ExprType::kBool), "第3列：布尔值只能用 == 或 != 比较，不能用“<”");
  // The expected type of the whole expression.
  EXPECT_EQ(ErrorOf("1 + 2", ExprType::kBool), "第1列：应为布尔值，实际为数值");
  EXPECT_EQ(ErrorOf("x > 1"), "第1列：应为数值，实际为布尔值");
  EXPECT_EQ(ErrorOf("(x > 1)"), "第1列：应为数值，实际为布尔值");
}

TEST(Expr, NonAssociativeComparisons) {
  EXPECT_EQ(ErrorOf("1 < x < 3", ExprType::kBool), "第7列：比较运算不能连用，请用 and 连接，例如 a < b and b < c");
  EXPECT_CONTAINS(ErrorOf("x == y == b", ExprType::kBool), "第8列：比较运算不能连用");
  EXPECT_TRUE(Bool("(x == 2) == b"));
}

TEST(Expr, UnknownNames) {
  EXPECT_EQ(ErrorOf("foo + 1"), "第1列：未知的名称“foo”");
  EXPECT_EQ(ErrorOf("1 + foo"), "第5列：未知的名称“foo”");
  EXPECT_EQ(ErrorOf("x+foo.bar_2"), "第3列：未知的名称“foo.bar_2”");
  EXPECT_EQ(ErrorOf("X"), "第1列：未知的名称“X”");          // names are case-sensitive
  EXPECT_EQ(ErrorOf("AND"), "第1列：未知的名称“AND”");      // keywords are lowercase
  EXPECT_EQ(Num("sec.q_3 + 1"), 1);
}

TEST(Expr, ColumnsCountCharactersNotBytes) {
  // '流程' is 4 characters but 8 bytes.
  EXPECT_EQ(ErrorOf("x == 1 or '流程' == foo", ExprType::kBool), "第19列：未知的名称“foo”");
  EXPECT_EQ(ErrorOf("\xE3\x80\x80x + b"), "第6列：应为数值，实际为布尔值");
}

// ---------------------------------------------------------------------------
// Lexical and syntax errors.

TEST(Expr, BadTokens) {
  EXPECT_EQ(ErrorOf("1 # 2"), "第3列：无法识别的字符“#”");
  EXPECT_EQ(ErrorOf("production_type == 'abc", ExprType::kBool), "第20列：字符串缺少结尾的单引号");
  EXPECT_EQ(ErrorOf("1..2"), "第1列：数字“1..2”的写法不正确");
  EXPECT_EQ(ErrorOf("x + 1.2.3"), "第5列：数字“1.2.3”的写法不正确");
  EXPECT_EQ(ErrorOf("1."), "第1列：数字“1.”的写法不正确");
  EXPECT_EQ(ErrorOf(".5"), "第1列：数字“.5”的写法不正确");
  EXPECT_EQ(ErrorOf("3x"), "第1列：数字“3x”的写法不正确");
  EXPECT_EQ(ErrorOf("1e5"), "第1列：数字“1e5”的写法不正确");
  EXPECT_EQ(ErrorOf("1 2"), "第3列：多余的“2”");
  EXPECT_EQ(ErrorOf("(1))"), "第4列：多余的“)”");
  EXPECT_EQ(ErrorOf("x y"), "第3列：多余的“y”");
  EXPECT_EQ(ErrorOf("1 + 2 $"), "第7列：无法识别的字符“$”");
  EXPECT_EQ(ErrorOf("(1 + 2"), "第7列：表达式不完整，此处应为“)”");
  EXPECT_EQ(ErrorOf("1 +"), "第4列：表达式不完整，此处应为数值、名称或“(”");
  EXPECT_EQ(ErrorOf("1 + * 2"), "第5列：此处应为数值、名称或“(”，实际为“*”");
  EXPECT_EQ(ErrorOf(""), "第1列：表达式为空");
  EXPECT_EQ(ErrorOf("   "), "第1列：表达式为空");
  EXPECT_EQ(ErrorOf("x = 1", ExprType::kBool), "第3列：应为“==”");
  EXPECT_EQ(ErrorOf("b & c", ExprType::kBool), "第3列：应为“&&”");
  EXPECT_EQ(ErrorOf("b | c", ExprType::kBool), "第3列：应为“||”");
  EXPECT_EQ(ErrorOf("production_type == \"process\"", ExprType::kBool),
            "第20列：字符串应使用单引号，例如 'A'");
  EXPECT_EQ(ErrorOf("（1）"), "第1列：无法识别的字符“（”（请使用半角符号）");
  EXPECT_EQ(ErrorOf("1 +\x01"), "第4列：无法识别的字符 U+0001");
  EXPECT_EQ(ErrorOf(std::string("1 +\0", 4)), "第4列：无法识别的字符 U+0000");
  EXPECT_EQ(ErrorOf("'\xFF' == production_type", ExprType::kBool), "第2列：含有无效的 UTF-8 编码");
  EXPECT_EQ(ErrorOf("1 + \xC0\xAF"), "第5列：含有无效的 UTF-8 编码");  // overlong '/'
  EXPECT_EQ(ErrorOf("1" + std::string(400, '0')), "第1列：数字“1" + std::string(400, '0') + "”超出范围");
  // The first error in reading order wins, lexical or not.
  EXPECT_EQ(ErrorOf("foo + #"), "第1列：未知的名称“foo”");
  EXPECT_EQ(ErrorOf("(1 + # 2"), "第6列：无法识别的字符“#”");
}

// ---------------------------------------------------------------------------
// Limits.

TEST(Expr, NestingLimit) {
  std::string ok = std::string(64, '(') + "1" + std::string(64, ')');
  EXPECT_EQ(Num(ok), 1);
  std::string deep = std::string(65, '(') + "1" + std::string(65, ')');
  EXPECT_EQ(ErrorOf(deep), "第65列：嵌套超过64层");
  EXPECT_EQ(ErrorOf(std::string(4000, '(')), "第65列：嵌套超过64层");
  std::string calls;
  for (int i = 0; i < 70; ++i) calls += "abs(";
  EXPECT_EQ(ErrorOf(calls + "1" + std::string(70, ')')), "第257列：嵌套超过64层");
  std::string negs;
  for (int i = 0; i < 2000; ++i) negs += "- ";
  EXPECT_EQ(ErrorOf(negs + "1"), "第129列：嵌套超过64层");
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "not ";
  EXPECT_EQ(ErrorOf(nots + "true", ExprType::kBool), "第257列：嵌套超过64层");
  EXPECT_CONTAINS(ErrorOf(std::string(4096, '(')), "嵌套超过64层");
  EXPECT_CONTAINS(ErrorOf(std::string(100000, '(')), "表达式过长");  // too long first
  // Long flat chains are not nesting.
  std::string sum = "1";
  for (int i = 0; i < 1000; ++i) sum += "+1";
  EXPECT_EQ(Num(sum), 1001);
  std::string ands = "true";
  for (int i = 0; i < 600; ++i) ands += " and b";
  EXPECT_TRUE(Bool(ands));
}

TEST(Expr, StackLimit) {
  auto args = [](int n) {
    std::string s = "min(1";
    for (int i = 1; i < n; ++i) s += ", " + std::to_string(i + 1);
    return s + ")";
  };
  EXPECT_EQ(Num(args(64)), 1);
  EXPECT_CONTAINS(ErrorOf(args(65)), "表达式过于复杂");
  // Right-nested sums hold one value per level.
  auto right = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "1+(";
    s += "1";
    return s + std::string(n, ')');
  };
  EXPECT_EQ(Num(right(63)), 64);
  EXPECT_EQ(ErrorOf(right(64)), "第193列：表达式过于复杂：需要同时保存的中间值超过64个");
}

TEST(Expr, SourceLengthLimit) {
  std::string ok = "1" + std::string(4095, ' ');
  EXPECT_EQ(Num(ok), 1);
  std::string too_long = "1" + std::string(4096, ' ');
  EXPECT_EQ(ErrorOf(too_long), "第4097列：表达式过长：4097字节，最多4096字节");
}

TEST(Expr, MultiChoiceOptionLimit) {
  Slots s;
  s.Set(kMany52, 4503599627370495.0);  // all 52 bits
  EXPECT_EQ(Num("count_selected(many52)", s), 52);
  EXPECT_TRUE(Bool("selected(many52, 'o51') and selected(many52, 'o0')", s));
  s.Set(kMany52, 2251799813685248.0);  // bit 51 only
  EXPECT_TRUE(Bool("selected(many52, 'o51')", s));
  EXPECT_FALSE(Bool("selected(many52, 'o50')", s));
  EXPECT_EQ(Num("count_selected(many52)", s), 1);
  EXPECT_EQ(ErrorOf("count_selected(many53)"), "第16列：多选题“many53”有53个选项，最多支持52个");
  EXPECT_CONTAINS(ErrorOf("answered(many53)", ExprType::kBool), "最多支持52个");
}

// ---------------------------------------------------------------------------
// API.

TEST(Expr, SlotsReadAndNames) {
  auto e = MustCompile(
      "selected(q2, 'A') and x + score(q1) > y - x or production_type == 'mixed' or answered(q1)",
      ExprType::kBool);
  EXPECT_EQ(e.type(), ExprType::kBool);
  EXPECT_EQ(e.names(), (std::vector<std::string>{"q2", "x", "score:q1", "y", "production_type", "q1"}));
  EXPECT_EQ(e.slots_read(), (std::vector<int>{kX, kY, kProductionType, kQ1, kQ2, kScoreQ1}));
  EXPECT_EQ(e.source(),
            "selected(q2, 'A') and x + score(q1) > y - x or production_type == 'mixed' or answered(q1)");
  auto constant = MustCompile("1 + 2", ExprType::kNumber);
  EXPECT_TRUE(constant.slots_read().empty());
  EXPECT_TRUE(constant.names().empty());
  EXPECT_EQ(constant.EvaluateNumber(nullptr), 3);
  EXPECT_EQ(constant.type(), ExprType::kNumber);
}

TEST(Expr, ResolverCalledOncePerName) {
  std::map<std::string, int> calls;
  auto resolve = [&](std::string_view name) {
    ++calls[std::string(name)];
    return Resolve(name);
  };
  auto e = CompileExpr("x + x * x - score(q1) + score(q1) + if(answered(q1), 1, 0)", ExprType::kNumber, resolve);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(calls, (std::map<std::string, int>{{"x", 1}, {"score:q1", 1}, {"q1", 1}}));
}

TEST(Expr, ResolverMisuse) {
  auto negative = [](std::string_view) { return SymbolInfo{SymbolKind::kNumber, -1, {}}; };
  auto r = CompileExpr("a + 1", ExprType::kNumber, negative);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "第1列：名称“a”的槽位无效");
  auto empty = CompileExpr("a + 1", ExprType::kNumber, SymbolResolver());
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "第1列：未知的名称“a”");
  EXPECT_TRUE(CompileExpr("1 + 1", ExprType::kNumber, SymbolResolver()));
}

TEST(Expr, DefaultConstructedAndCopies) {
  CompiledExpr empty;
  EXPECT_EQ(empty.type(), ExprType::kNumber);
  EXPECT_TRUE(std::isnan(empty.EvaluateNumber(nullptr)));
  EXPECT_FALSE(empty.EvaluateBool(nullptr));
  CompiledExpr a = MustCompile("x * 10", ExprType::kNumber);
  CompiledExpr b = a;
  a = CompiledExpr();
  EXPECT_EQ(b.EvaluateNumber(Defaults().v), 20);
  EXPECT_EQ(b.source(), "x * 10");
  // Cross-type evaluation.
  EXPECT_EQ(MustCompile("x > 1", ExprType::kBool).EvaluateNumber(Defaults().v), 1);
  EXPECT_TRUE(MustCompile("x", ExprType::kNumber).EvaluateBool(Defaults().v));
  EXPECT_FALSE(MustCompile("z", ExprType::kNumber).EvaluateBool(Defaults().v));
  EXPECT_FALSE(MustCompile("x / z", ExprType::kNumber).EvaluateBool(Defaults().v));
}

TEST(Expr, ConcurrentEvaluation) {
  CompiledExpr e = MustCompile("if(x > 0, min(x, y) * 2 + abs(-x), clamp(x, -1, 1))", ExprType::kNumber);
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Slots s = Defaults();
      for (int i = 0; i < 20000; ++i) {
        double x = (i % 7) - 3 + t;
        s.Set(kX, x);
        double expected = x > 0 ? std::min(x, 3.0) * 2 + std::fabs(-x) : std::clamp(x, -1.0, 1.0);
        if (e.EvaluateNumber(s.v) != expected) ++bad[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad, std::vector<int>(4, 0));
}

// ---------------------------------------------------------------------------
// Randomized: the stack machine against an independent tree walker.

struct Node {
  enum Kind {
    kNum, kVar, kNeg, kAdd, kSub, kMul, kDiv, kMin, kMax, kClamp, kAbs, kIfNum,  // numbers
    kTrue, kFalse, kBoolVar, kCmp, kAnd, kOr, kNot, kIfBool, kBoolEq,            // bools
  };
  Kind kind;
  std::string text;  // kNum literal, kCmp operator
  int slot = 0;
  std::vector<std::unique_ptr<Node>> kids;
};

constexpr int kRandomNumberSlots = 4;  // n0..n3 at slots 0..3
constexpr int kRandomBoolSlots = 2;    // f0, f1 at slots 4, 5

class RandomExpr {
 public:
  explicit RandomExpr(uint64_t seed) : rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool Chance(int percent) { return Pick(100) < percent; }

  std::unique_ptr<Node> Number(int depth) {
    auto n = std::make_unique<Node>();
    int choice = depth <= 0 ? Pick(2) : Pick(12);
    switch (choice) {
      case 0: {
        static const char* kLiterals[] = {"0", "1", "2", "3", "0.5", "10", "0.1", "2.75", "100", "7.125"};
        n->kind = Node::kNum;
        n->text = kLiterals[Pick(10)];
        break;
      }
      case 1:
        n->kind = Node::kVar;
        n->slot = Pick(kRandomNumberSlots);
        break;
      case 2: n->kind = Node::kNeg; n->kids.push_back(Number(depth - 1)); break;
      case 3: case 4: case 5: case 6: {
        static const Node::Kind kOps[] = {Node::kAdd, Node::kSub, Node::kMul, Node::kDiv};
        n->kind = kOps[choice - 3];
        n->kids.push_back(Number(depth - 1));
        n->kids.push_back(Number(depth - 1));
        break;
      }
      case 7: case 8: {
        n->kind = choice == 7 ? Node::kMin : Node::kMax;
        int args = 2 + Pick(3);
        for (int i = 0; i < args; ++i) n->kids.push_back(Number(depth - 1));
        break;
      }
      case 9:
        n->kind = Node::kClamp;
        for (int i = 0; i < 3; ++i) n->kids.push_back(Number(depth - 1));
        break;
      case 10: n->kind = Node::kAbs; n->kids.push_back(Number(depth - 1)); break;
      default:
        n->kind = Node::kIfNum;
        n->kids.push_back(Bool(depth - 1));
        n->kids.push_back(Number(depth - 1));
        n->kids.push_back(Number(depth - 1));
        break;
    }
    return n;
  }

  std::unique_ptr<Node> Bool(int depth) {
    auto n = std::make_unique<Node>();
    int choice = depth <= 0 ? Pick(3) : Pick(10);
    switch (choice) {
      case 0: n->kind = Chance(50) ? Node::kTrue : Node::kFalse; break;
      case 1: n->kind = Node::kBoolVar; n->slot = kRandomNumberSlots + Pick(kRandomBoolSlots); break;
      case 2: case 3: case 4: {
        static const char* kOps[] = {"==", "!=", "<", "<=", ">", ">="};
        n->kind = Node::kCmp;
        n->text = kOps[Pick(6)];
        n->kids.push_back(Number(depth - 1));
        n->kids.push_back(Number(depth - 1));
        break;
      }
      case 5: case 6:
        n->kind = choice == 5 ? Node::kAnd : Node::kOr;
        n->kids.push_back(Bool(depth - 1));
        n->kids.push_back(Bool(depth - 1));
        break;
      case 7: n->kind = Node::kNot; n->kids.push_back(Bool(depth - 1)); break;
      case 8:
        n->kind = Node::kIfBool;
        n->kids.push_back(Bool(depth - 1));
        n->kids.push_back(Bool(depth - 1));
        n->kids.push_back(Bool(depth - 1));
        break;
      default:
        n->kind = Node::kBoolEq;
        n->text = Chance(50) ? "==" : "!=";
        n->kids.push_back(Bool(depth - 1));
        n->kids.push_back(Bool(depth - 1));
        break;
    }
    return n;
  }

  // Prints with as few parentheses as precedence allows (sometimes more),
  // and random spacing and keyword spelling. Returns the precedence of the
  // printed form: 1 or, 2 and, 3 not, 4 comparison, 5 sum, 6 product,
  // 7 negation, 8 primary.
  std::string Print(const Node& n, int* prec) {
    auto sp = [&] { return Chance(50) ? std::string(" ") : std::string(); };
    auto child = [&](const Node& c, int min_prec) {
      int p;
      std::string s = Print(c, &p);
      if (p < min_prec || Chance(5)) return "(" + sp() + s + sp() + ")";
      return s;
    };
    auto call = [&](const char* name) {
      std::string s = std::string(name) + "(";
      for (size_t i = 0; i < n.kids.size(); ++i) {
        if (i > 0) s += "," + sp();
        s += child(*n.kids[i], 1);
      }
      return s + ")";
    };
    auto binary = [&](const std::string& op, int p, int left_min, int right_min) {
      *prec = p;
      return child(*n.kids[0], left_min) + sp() + op + sp() + child(*n.kids[1], right_min);
    };
    *prec = 8;
    switch (n.kind) {
      case Node::kNum: return n.text;
      case Node::kVar: return "n" + std::to_string(n.slot);
      case Node::kBoolVar: return "f" + std::to_string(n.slot - kRandomNumberSlots);
      case Node::kTrue: return "true";
      case Node::kFalse: return "false";
      case Node::kNeg: *prec = 7; return "-" + sp() + child(*n.kids[0], 7);
      case Node::kAdd: return binary("+", 5, 5, 6);
      case Node::kSub: return binary("-", 5, 5, 6);
      case Node::kMul: return binary("*", 6, 6, 7);
      case Node::kDiv: return binary("/", 6, 6, 7);
      case Node::kCmp: return binary(n.text, 4, 5, 5);
      case Node::kBoolEq: return binary(n.text, 4, 5, 5);
      case Node::kAnd: return binary(Chance(50) ? " and " : "&&", 2, 2, 3);
      case Node::kOr: return binary(Chance(50) ? " or " : "||", 1, 1, 2);
      case Node::kNot: *prec = 3; return (Chance(50) ? "not " : "!") + child(*n.kids[0], 3);
      case Node::kMin: return call("min");
      case Node::kMax: return call("max");
      case Node::kClamp: return call("clamp");
      case Node::kAbs: return call("abs");
      case Node::kIfNum:
      case Node::kIfBool: return call("if");
    }
    return "?";
  }

 private:
  std::mt19937_64 rng_;
};

// The reference semantics, written independently of expr.cc.
double RefNumber(const Node& n, const double* s);

bool RefBool(const Node& n, const double* s) {
  switch (n.kind) {
    case Node::kTrue: return true;
    case Node::kFalse: return false;
    case Node::kBoolVar: return !std::isnan(s[n.slot]) && s[n.slot] != 0;
    case Node::kCmp: {
      double a = RefNumber(*n.kids[0], s), b = RefNumber(*n.kids[1], s);
      if (std::isnan(a) || std::isnan(b)) return false;
      if (n.text == "==") return a == b;
      if (n.text == "!=") return a != b;
      if (n.text == "<") return a < b;
      if (n.text == "<=") return a <= b;
      if (n.text == ">") return a > b;
      return a >= b;
    }
    case Node::kBoolEq: {
      // A missing bool variable compared is false, as any comparison with a
      // missing value.
      for (const auto& kid : n.kids) {
        if (kid->kind == Node::kBoolVar && std::isnan(s[kid->slot])) return false;
      }
      bool a = RefBool(*n.kids[0], s), b = RefBool(*n.kids[1], s);
      return n.text == "==" ? a == b : a != b;
    }
    case Node::kAnd: return RefBool(*n.kids[0], s) && RefBool(*n.kids[1], s);
    case Node::kOr: return RefBool(*n.kids[0], s) || RefBool(*n.kids[1], s);
    case Node::kNot: return !RefBool(*n.kids[0], s);
    case Node::kIfBool: return RefBool(*n.kids[0], s) ? RefBool(*n.kids[1], s) : RefBool(*n.kids[2], s);
    default: ADD_FAILURE() << "not a bool node"; return false;
  }
}

double RefNumber(const Node& n, const double* s) {
  switch (n.kind) {
    case Node::kNum: return std::strtod(n.text.c_str(), nullptr);
    case Node::kVar: return s[n.slot];
    case Node::kNeg: return -RefNumber(*n.kids[0], s);
    case Node::kAdd: return RefNumber(*n.kids[0], s) + RefNumber(*n.kids[1], s);
    case Node::kSub: return RefNumber(*n.kids[0], s) - RefNumber(*n.kids[1], s);
    case Node::kMul: return RefNumber(*n.kids[0], s) * RefNumber(*n.kids[1], s);
    case Node::kDiv: {
      double a = RefNumber(*n.kids[0], s), b = RefNumber(*n.kids[1], s);
      return b == 0 ? kNaN : a / b;
    }
    case Node::kMin:
    case Node::kMax: {
      std::vector<double> present;
      for (const auto& k : n.kids) {
        double v = RefNumber(*k, s);
        if (!std::isnan(v)) present.push_back(v);
      }
      if (present.empty()) return kNaN;
      double best = present[0];
      for (double v : present) {
        if (n.kind == Node::kMin ? v < best : v > best) best = v;
      }
      return best;
    }
    case Node::kClamp: {
      double x = RefNumber(*n.kids[0], s), lo = RefNumber(*n.kids[1], s), hi = RefNumber(*n.kids[2], s);
      if (std::isnan(x) || std::isnan(lo) || std::isnan(hi)) return kNaN;
      double r = x < lo ? lo : x;
      return r > hi ? hi : r;
    }
    case Node::kAbs: return std::fabs(RefNumber(*n.kids[0], s));
    case Node::kIfNum: return RefBool(*n.kids[0], s) ? RefNumber(*n.kids[1], s) : RefNumber(*n.kids[2], s);
    default: ADD_FAILURE() << "not a number node"; return kNaN;
  }
}

std::optional<SymbolInfo> RandomResolve(std::string_view name) {
  if (name.size() == 2 && name[0] == 'n' && name[1] >= '0' && name[1] < '0' + kRandomNumberSlots) {
    return SymbolInfo{SymbolKind::kNumber, name[1] - '0', {}};
  }
  if (name.size() == 2 && name[0] == 'f' && name[1] >= '0' && name[1] < '0' + kRandomBoolSlots) {
    return SymbolInfo{SymbolKind::kBool, kRandomNumberSlots + (name[1] - '0'), {}};
  }
  return std::nullopt;
}

TEST(Expr, RandomExpressionsMatchTreeWalker) {
  RandomExpr gen(20240611);
  const double kValues[] = {kNaN, 0.0, -0.0, 1, -1, 0.5, 2, 3, -2.5, 100, 1e-3, 7, 0.1, 1e300, -1e300};
  const double kBools[] = {kNaN, 0, 1};
  std::mt19937_64 rng(7);
  int compiled = 0, checked = 0;
  for (int i = 0; i < 10000; ++i) {
    const bool want_bool = i % 2 == 1;
    auto tree = want_bool ? gen.Bool(1 + gen.Pick(5)) : gen.Number(1 + gen.Pick(5));
    int prec;
    std::string source = gen.Print(*tree, &prec);
    auto e = CompileExpr(source, want_bool ? ExprType::kBool : ExprType::kNumber, RandomResolve);
    ASSERT_TRUE(e) << source << ": " << e.error().message;
    ++compiled;
    for (int trial = 0; trial < 8; ++trial) {
      double slots[kRandomNumberSlots + kRandomBoolSlots];
      for (int k = 0; k < kRandomNumberSlots; ++k) slots[k] = kValues[rng() % std::size(kValues)];
      for (int k = 0; k < kRandomBoolSlots; ++k) slots[kRandomNumberSlots + k] = kBools[rng() % 3];
      if (want_bool) {
        ASSERT_EQ(e->EvaluateBool(slots), RefBool(*tree, slots)) << source;
      } else {
        double want = RefNumber(*tree, slots);
        if (std::isnan(want)) want = kNaN;  // results are canonical NaN
        double got = e->EvaluateNumber(slots);
        ASSERT_EQ(Bits(got), Bits(want)) << source << " got " << got << " want " << want;
      }
      ++checked;
    }
  }
  EXPECT_EQ(compiled, 10000);
  EXPECT_EQ(checked, 80000);
}

// The block evaluation (both sides of and/or/if evaluated, then selected)
// gives, lane by lane, the bits of the one-at-a-time evaluation, on the
// random expressions above with 8 different slot arrays as 8 lanes.
TEST(Expr, RandomExpressionsInBlocksMatchOneAtATime) {
  RandomExpr gen(20261206);
  const double kValues[] = {kNaN, 0.0, -0.0, 1, -1, 0.5, 2, 3, -2.5, 100, 1e-3, 7, 0.1, 1e300, -1e300};
  const double kBools[] = {kNaN, 0, 1};
  constexpr size_t kLanes = 8, kSlots = kRandomNumberSlots + kRandomBoolSlots;
  std::mt19937_64 rng(11);
  int checked = 0;
  for (int i = 0; i < 10000; ++i) {
    const bool want_bool = i % 2 == 1;
    auto tree = want_bool ? gen.Bool(1 + gen.Pick(6)) : gen.Number(1 + gen.Pick(6));
    int prec;
    std::string source = gen.Print(*tree, &prec);
    auto e = CompileExpr(source, want_bool ? ExprType::kBool : ExprType::kNumber, RandomResolve);
    ASSERT_TRUE(e) << source << ": " << e.error().message;
    double lanes[kLanes][kSlots];
    double columns[kSlots * kLanes];
    for (size_t j = 0; j < kLanes; ++j) {
      for (int k = 0; k < kRandomNumberSlots; ++k) lanes[j][k] = kValues[rng() % std::size(kValues)];
      for (int k = 0; k < kRandomBoolSlots; ++k) lanes[j][kRandomNumberSlots + k] = kBools[rng() % 3];
      for (size_t k = 0; k < kSlots; ++k) columns[k * kLanes + j] = lanes[j][k];
    }
    std::vector<double> stack(e->block_stack_size() * kLanes);
    double out[kLanes];
    e->EvaluateBlock(columns, kLanes, kLanes, stack.data(), out);
    for (size_t j = 0; j < kLanes; ++j) {
      ASSERT_EQ(Bits(out[j]), Bits(e->EvaluateNumber(lanes[j]))) << source << " lane " << j;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 80000);
}

// An `or` chain keeps one value per link open at most, however long; a
// nesting of if() keeps its conditions.
TEST(Expr, BlockStackStaysShortForChains) {
  std::string chain = "b";
  for (int i = 0; i < 100; ++i) chain += " or c";
  EXPECT_LE(MustCompile(chain, ExprType::kBool).block_stack_size(), 4u);
  EXPECT_TRUE(Bool(chain));
  EXPECT_EQ(Num("if(b, if(c, 1, 2), if(c, 3, 4))"), 2);
}

// Any comparison with a missing value is false, bools included; elsewhere a
// missing bool reads as false (docs/models.md, "Missing values").
TEST(Expr, MissingBoolsInComparisonsAndLogic) {
  auto resolve = [](std::string_view n) -> std::optional<SymbolInfo> {
    if (n == "q") return SymbolInfo{SymbolKind::kBool, 0, {}};
    if (n == "r") return SymbolInfo{SymbolKind::kBool, 1, {}};
    return std::nullopt;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto eval = [&](const char* src, double q, double r = 1) {
    auto c = CompileExpr(src, ExprType::kBool, resolve);
    EXPECT_TRUE(c) << src;
    const double slots[2] = {q, r};
    return c->EvaluateBool(slots);
  };
  for (const char* src : {"q == true", "q == false", "q != true", "q != false", "true == q", "q == r", "q != r"}) {
    EXPECT_FALSE(eval(src, nan)) << src;
  }
  EXPECT_TRUE(eval("q != true", 0));
  EXPECT_TRUE(eval("q == false", 0));
  EXPECT_TRUE(eval("not (q == true)", nan));  // not of a false comparison
  EXPECT_TRUE(eval("not q", nan));
  EXPECT_FALSE(eval("q", nan));
  EXPECT_TRUE(eval("q or r", nan, 1));
  EXPECT_FALSE(eval("q and r", nan, 1));
  EXPECT_TRUE(eval("(q and r) == false", nan, 1));  // an operator's result is never missing
}

}  // namespace
}  // namespace rongping::model
