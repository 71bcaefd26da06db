// libFuzzer target for the expression compiler and evaluator.
//
// Compiles the input as both expression types with a fixed resolver (a few
// names of every kind) and, when it compiles, evaluates it on a few slot
// arrays. Checks invariants beyond "does not crash": errors are kInvalid with
// a message that starts with the column and is valid UTF-8; compiled
// expressions read only resolved slots, evaluate deterministically, return
// the canonical NaN, and bool expressions give exactly 0 or 1.
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
//       fuzz/expr_fuzz.cc src/model/expr.cc src/core/result.cc -lfmt -o /tmp/expr_fuzz
//   /tmp/expr_fuzz -max_total_time=60 -max_len=512
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/expr.h"

namespace {

using rongping::ErrorKind;
using rongping::model::CompileExpr;
using rongping::model::ExprType;
using rongping::model::SymbolInfo;
using rongping::model::SymbolKind;

constexpr int kSlots = 10;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

#define CHECK(cond)   \
  do {                \
    if (!(cond)) {    \
      std::abort();   \
    }                 \
  } while (0)

std::vector<std::string> Options(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("o" + std::to_string(i));
  return out;
}

std::optional<SymbolInfo> Resolve(std::string_view name) {
  if (name == "x") return SymbolInfo{SymbolKind::kNumber, 0, {}};
  if (name == "y") return SymbolInfo{SymbolKind::kNumber, 1, {}};
  if (name == "b") return SymbolInfo{SymbolKind::kBool, 2, {}};
  if (name == "e") return SymbolInfo{SymbolKind::kEnum, 3, {"a", "b", "c"}};
  if (name == "s") return SymbolInfo{SymbolKind::kSingleChoice, 4, {"A", "B", "C", "D"}};
  if (name == "m") return SymbolInfo{SymbolKind::kMultiChoice, 5, {"A", "B", "C", "D", "E"}};
  if (name == "score:s") return SymbolInfo{SymbolKind::kNumber, 6, {}};
  if (name == "score:m") return SymbolInfo{SymbolKind::kNumber, 7, {}};
  if (name == "big") return SymbolInfo{SymbolKind::kMultiChoice, 8, Options(52)};
  if (name == "huge") return SymbolInfo{SymbolKind::kMultiChoice, 9, Options(53)};
  if (name == "score:b") return SymbolInfo{SymbolKind::kBool, 2, {}};
  return std::nullopt;
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

void Check(std::string_view source, ExprType type, const std::vector<std::vector<double>>& arrays) {
  auto r = CompileExpr(source, type, Resolve);
  if (!r) {
    CHECK(r.error().kind == ErrorKind::kInvalid);
    CHECK(r.error().code == "invalid_expression");
    CHECK(r.error().message.rfind("第", 0) == 0);
    CHECK(ValidUtf8(r.error().message));
    return;
  }
  CHECK(r->type() == type);
  CHECK(r->source() == source);
  CHECK(source.size() <= rongping::model::kMaxExprSourceBytes);
  for (int slot : r->slots_read()) CHECK(slot >= 0 && slot < kSlots);
  for (const auto& name : r->names()) CHECK(Resolve(name).has_value());
  for (const auto& slots : arrays) {
    double a = r->EvaluateNumber(slots.data());
    double b = r->EvaluateNumber(slots.data());
    CHECK(Bits(a) == Bits(b));
    if (std::isnan(a)) CHECK(Bits(a) == Bits(kNaN));
    bool truth = r->EvaluateBool(slots.data());
    if (type == ExprType::kBool) {
      CHECK(a == 0 || a == 1);
      CHECK(truth == (a == 1));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view source(reinterpret_cast<const char*>(data), size);
  static const std::vector<std::vector<double>> kArrays = {
      std::vector<double>(kSlots, kNaN),
      {2, 3, 1, 0, 1, 0b10101, 75, 40, 4503599627370495.0, 1},
      {-0.0, 0, 0, 2, 3, 0, 0, 100, 2251799813685248.0, 0},
      {1e300, -1e300, 0.5, 1.5, -1, -1, kNaN, -kNaN, 4503599627370496.0, kNaN},
      {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(), 7, 99, 99,
       1e300, -0.0, 0.1, -3, 3},
  };
  Check(source, ExprType::kNumber, kArrays);
  Check(source, ExprType::kBool, kArrays);
  return 0;
}
