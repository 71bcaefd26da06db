#include "model/expr.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "core/vector_clones.h"

namespace rongping::model {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMaskLimit = 4503599627370496.0;  // 2^52

// Opcodes of the stack machine. "Push" adds one value; binary operators pop
// two and push one. Bool values on the stack are always exactly 0 or 1.
enum Op : uint8_t {
  kConst,          // push value
  kLoadNumber,     // push slots[arg]
  kLoadBool,       // push 1 when slots[arg] is neither 0 nor NaN, else 0
  kLoadBoolOrNaN,  // push 1, 0, or NaN when slots[arg] is NaN (an operand of == / !=)
  kSlotEq,         // push slots[arg] == value (single choice selected, enum ==)
  kSlotNe,         // push slots[arg] != value, false when NaN (enum !=)
  kSlotGe,         // push slots[arg] >= value (at_least)
  kMaskHas,        // push bit `value` of the mask in slots[arg]
  kMaskCount,      // push the number of bits set in the mask in slots[arg]
  kAnswered,       // push slots[arg] is not NaN
  kAdd,
  kSub,
  kMul,
  kDiv,  // NaN when the divisor is 0
  kNeg,
  kAbs,
  kMin,    // pop arg values, push the least non-NaN one
  kMax,    // pop arg values, push the greatest non-NaN one
  kClamp,  // pop x, lo, hi
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kNot,
  kJump,              // pc = arg
  kJumpIfFalse,       // pop; when false, pc = arg
  kJumpIfFalseOrPop,  // when top is false, pc = arg (keeping it); else pop (and)
  kJumpIfTrueOrPop,   // when top is true, pc = arg (keeping it); else pop (or)
  // Only in the block program, which has no jumps:
  kSelectAnd,  // pop b, a; push a when a is false, else b
  kSelectOr,   // pop b, a; push a when a is true, else b
  kSelectIf,   // pop b, a, cond; push b when cond is false, else a
  // Only in the one-at-a-time program, made by FuseLeaves: a comparison of
  // a slot with a constant, and `not` of a leaf that pushes 0 or 1.
  kSlotLt,  // push slots[arg] < value
  kSlotLe,  // push slots[arg] <= value
  kSlotGt,  // push slots[arg] > value
  kNotLoadBool,
  kNotSlotEq,
  kNotSlotNe,
  kNotSlotGe,
  kNotMaskHas,
  kNotAnswered,
  kOpCount,
};

// The leaf that pushes `not` of what `op` pushes, when `op` is a leaf that
// pushes exactly 0 or 1; kOpCount otherwise.
constexpr Op NegatedLeaf(Op op) {
  switch (op) {
    case kLoadBool:
      return kNotLoadBool;
    case kSlotEq:
      return kNotSlotEq;
    case kSlotNe:
      return kNotSlotNe;
    case kSlotGe:
      return kNotSlotGe;
    case kMaskHas:
      return kNotMaskHas;
    case kAnswered:
      return kNotAnswered;
    default:
      return kOpCount;
  }
}

// Values an instruction pops and pushes in the block program.
std::pair<int, int> BlockStackEffect(Op op, int32_t arg) {
  switch (op) {
    case kConst:
    case kLoadNumber:
    case kLoadBool:
    case kLoadBoolOrNaN:
    case kSlotEq:
    case kSlotNe:
    case kSlotGe:
    case kMaskHas:
    case kMaskCount:
    case kAnswered: return {0, 1};
    case kNeg:
    case kAbs:
    case kNot: return {1, 1};
    case kMin:
    case kMax: return {arg, 1};
    case kClamp:
    case kSelectIf: return {3, 1};
    case kJump:
    case kJumpIfFalse:
    case kJumpIfFalseOrPop:
    case kJumpIfTrueOrPop: return {0, 0};
    default: return {2, 1};  // binary operators and kSelectAnd / kSelectOr
  }
}

// Reads a multiple-choice bitmask; false when missing or out of range.
inline bool ReadMask(double v, uint64_t* mask) {
  if (!(v >= 0 && v < kMaskLimit)) return false;
  *mask = static_cast<uint64_t>(v);
  return true;
}

// What a leaf instruction (kLoadNumber … kAnswered: one slot read, one value
// pushed) pushes when its slot holds `v`; `value` is the instruction's.
template <Op kOp>
inline double Leaf(double v, double value) {
  if constexpr (kOp == kLoadNumber) return v;
  if constexpr (kOp == kLoadBool) return (!std::isnan(v) && v != 0) ? 1.0 : 0.0;
  if constexpr (kOp == kLoadBoolOrNaN) return std::isnan(v) ? kNaN : v != 0 ? 1.0 : 0.0;
  if constexpr (kOp == kSlotEq) return v == value ? 1.0 : 0.0;
  if constexpr (kOp == kSlotNe) return (v < value || v > value) ? 1.0 : 0.0;
  if constexpr (kOp == kSlotGe) return v >= value ? 1.0 : 0.0;
  if constexpr (kOp == kMaskHas) {
    uint64_t mask = 0;
    return ReadMask(v, &mask) && ((mask >> static_cast<unsigned>(value)) & 1) != 0 ? 1.0 : 0.0;
  }
  if constexpr (kOp == kMaskCount) {
    uint64_t mask = 0;
    return ReadMask(v, &mask) ? static_cast<double>(std::popcount(mask)) : 0.0;
  }
  if constexpr (kOp == kAnswered) return std::isnan(v) ? 0.0 : 1.0;
  if constexpr (kOp == kSlotLt) return v < value ? 1.0 : 0.0;
  if constexpr (kOp == kSlotLe) return v <= value ? 1.0 : 0.0;
  if constexpr (kOp == kSlotGt) return v > value ? 1.0 : 0.0;
  if constexpr (kOp >= kNotLoadBool) {  // kNot after the leaf: 0 for anything but 0
    constexpr Op kPositive = [] {
      for (int op = 0; op < kNotLoadBool; ++op) {
        if (NegatedLeaf(static_cast<Op>(op)) == kOp) return static_cast<Op>(op);
      }
      return kOpCount;
    }();
    static_assert(NegatedLeaf(kPositive) == kOp);
    return Leaf<kPositive>(v, value) != 0 ? 0.0 : 1.0;
  }
}

// Leaf<op> for an op known only when running; NaN for an op that is not a
// leaf.
inline double LeafValue(Op op, double v, double value) {
  switch (op) {
    case kLoadNumber: return Leaf<kLoadNumber>(v, value);
    case kLoadBool: return Leaf<kLoadBool>(v, value);
    case kLoadBoolOrNaN: return Leaf<kLoadBoolOrNaN>(v, value);
    case kSlotEq: return Leaf<kSlotEq>(v, value);
    case kSlotNe: return Leaf<kSlotNe>(v, value);
    case kSlotGe: return Leaf<kSlotGe>(v, value);
    case kMaskHas: return Leaf<kMaskHas>(v, value);
    case kMaskCount: return Leaf<kMaskCount>(v, value);
    case kAnswered: return Leaf<kAnswered>(v, value);
    case kSlotLt: return Leaf<kSlotLt>(v, value);
    case kSlotLe: return Leaf<kSlotLe>(v, value);
    case kSlotGt: return Leaf<kSlotGt>(v, value);
    case kNotLoadBool: return Leaf<kNotLoadBool>(v, value);
    case kNotSlotEq: return Leaf<kNotSlotEq>(v, value);
    case kNotSlotNe: return Leaf<kNotSlotNe>(v, value);
    case kNotSlotGe: return Leaf<kNotSlotGe>(v, value);
    case kNotMaskHas: return Leaf<kNotMaskHas>(v, value);
    case kNotAnswered: return Leaf<kNotAnswered>(v, value);
    default: return kNaN;
  }
}

// ---------------------------------------------------------------------------
// Characters.

// Length of the well-formed UTF-8 sequence at s[i], or 0 when ill-formed.
size_t Utf8Length(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char t = byte(i + k);
    if ((t & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (t & 0x3F);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;  // overlong
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;                             // surrogate
  if (cp > 0x10FFFF) return 0;
  return len;
}

// Column of byte offset `pos` in `s` (1-based, in characters).
size_t ColumnOf(std::string_view s, size_t pos) {
  size_t col = 1;
  for (size_t i = 0; i < pos && i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++col;
  }
  return col;
}

Error SourceError(std::string_view s, size_t pos, std::string_view message) {
  return Error::Invalid("invalid_expression", fmt::format("第{}列：{}", ColumnOf(s, pos), message), "");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c) || c == '.'; }

// ---------------------------------------------------------------------------
// Tokens.

enum class Tok : uint8_t {
  kEnd,
  kError,  // a lexical error; `message` says what
  kNumber,
  kString,
  kName,
  kAnd,
  kOr,
  kNot,
  kTrue,
  kFalse,
  kLParen,
  kRParen,
  kComma,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kPlus,
  kMinus,
  kStar,
  kSlash,
};

struct Token {
  Tok kind;
  size_t pos;          // byte offset in the source
  size_t len;          // bytes
  double number = 0;   // kNumber
  std::string message;  // kError, without the column
};

// Splits `s` into tokens. The last token is kEnd, or kError at the first
// lexical error (tokens after it are not produced).
std::vector<Token> Lex(std::string_view s) {
  std::vector<Token> out;
  const size_t n = s.size();
  auto fail = [&](size_t pos, std::string message) {
    out.push_back(Token{Tok::kError, pos, 0, 0, std::move(message)});
    return out;
  };
  auto add = [&](Tok kind, size_t pos, size_t len) { out.push_back(Token{kind, pos, len, 0, {}}); };
  size_t i = 0;
  while (i < n) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (s.substr(i, 3) == "\xE3\x80\x80") {  // U+3000 ideographic space
      i += 3;
      continue;
    }
    const size_t start = i;
    if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(s[i + 1]))) {
      size_t j = i;
      while (j < n && IsDigit(s[j])) ++j;
      if (j + 1 < n && s[j] == '.' && IsDigit(s[j + 1])) {
        j += 2;
        while (j < n && IsDigit(s[j])) ++j;
      }
      if (c == '.' || (j < n && IsNameChar(s[j]))) {
        size_t k = j;
        while (k < n && IsNameChar(s[k])) ++k;
        return fail(start, fmt::format("数字“{}”的写法不正确", s.substr(start, k - start)));
      }
      double value = 0;
      auto [ptr, ec] = std::from_chars(s.data() + start, s.data() + j, value);
      if (ec != std::errc() || ptr != s.data() + j || !std::isfinite(value)) {
        return fail(start, fmt::format("数字“{}”超出范围", s.substr(start, j - start)));
      }
      out.push_back(Token{Tok::kNumber, start, j - start, value, {}});
      i = j;
      continue;
    }
    if (IsNameStart(c)) {
      size_t j = i + 1;
      while (j < n && IsNameChar(s[j])) ++j;
      std::string_view word = s.substr(start, j - start);
      Tok kind = Tok::kName;
      if (word == "and") kind = Tok::kAnd;
      else if (word == "or") kind = Tok::kOr;
      else if (word == "not") kind = Tok::kNot;
      else if (word == "true") kind = Tok::kTrue;
      else if (word == "false") kind = Tok::kFalse;
      add(kind, start, j - start);
      i = j;
      continue;
    }
    if (c == '\'') {
      size_t end = s.find('\'', i + 1);
      if (end == std::string_view::npos) return fail(start, "字符串缺少结尾的单引号");
      add(Tok::kString, start, end + 1 - start);
      i = end + 1;
      continue;
    }
    char next = i + 1 < n ? s[i + 1] : '\0';
    auto two = [&](Tok kind) {
      add(kind, start, 2);
      i += 2;
    };
    auto one = [&](Tok kind) {
      add(kind, start, 1);
      i += 1;
    };
    switch (c) {
      case '(': one(Tok::kLParen); continue;
      case ')': one(Tok::kRParen); continue;
      case ',': one(Tok::kComma); continue;
      case '+': one(Tok::kPlus); continue;
      case '-': one(Tok::kMinus); continue;
      case '*': one(Tok::kStar); continue;
      case '/': one(Tok::kSlash); continue;
      case '<':
        if (next == '=') two(Tok::kLe);
        else one(Tok::kLt);
        continue;
      case '>':
        if (next == '=') two(Tok::kGe);
        else one(Tok::kGt);
        continue;
      case '=':
        if (next == '=') {
          two(Tok::kEq);
          continue;
        }
        return fail(start, "应为“==”");
      case '!':
        if (next == '=') two(Tok::kNe);
        else one(Tok::kNot);
        continue;
      case '&':
        if (next == '&') {
          two(Tok::kAnd);
          continue;
        }
        return fail(start, "应为“&&”");
      case '|':
        if (next == '|') {
          two(Tok::kOr);
          continue;
        }
        return fail(start, "应为“||”");
      case '"':
        return fail(start, "字符串应使用单引号，例如 'A'");
      default:
        break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return fail(start, fmt::format("无法识别的字符 U+{:04X}", u));
    size_t len = Utf8Length(s, i);  // the source is known to be valid UTF-8
    std::string_view ch = s.substr(i, len == 0 ? 1 : len);
    std::string hint;
    if (ch == "（" || ch == "）" || ch == "，" || ch == "‘" || ch == "’" || ch == "＝" ||
        ch == "＜" || ch == "＞") {
      hint = "（请使用半角符号）";
    }
    return fail(start, fmt::format("无法识别的字符“{}”{}", ch, hint));
  }
  add(Tok::kEnd, n, 0);
  return out;
}

// ---------------------------------------------------------------------------
// Compiler: a recursive-descent parser that type-checks and emits code as it
// goes. Enum names and string literals are not emitted when parsed: they are
// "deferred" values that only an ==/!= comparison between the two can use.

enum class VKind { kNumber, kBool, kString, kEnum };

struct Val {
  VKind kind;
  size_t pos;             // byte offset where the operand starts
  std::string_view text;  // kString: the literal's content; kEnum: the name
  int symbol = -1;        // kEnum: index into symbols_
  int load_at = -1;       // a bool name: the index of its kLoadBool in code_
};

struct Code {
  uint8_t op;
  int32_t arg;
  double value;
};

enum class Fn { kIf, kMin, kMax, kClamp, kAbs, kSelected, kAtLeast, kCountSelected, kAnswered, kScore };

std::optional<Fn> FindFunction(std::string_view name) {
  static const std::pair<std::string_view, Fn> kFunctions[] = {
      {"if", Fn::kIf},
      {"min", Fn::kMin},
      {"max", Fn::kMax},
      {"clamp", Fn::kClamp},
      {"abs", Fn::kAbs},
      {"selected", Fn::kSelected},
      {"at_least", Fn::kAtLeast},
      {"count_selected", Fn::kCountSelected},
      {"answered", Fn::kAnswered},
      {"score", Fn::kScore},
  };
  for (const auto& [n, fn] : kFunctions) {
    if (n == name) return fn;
  }
  return std::nullopt;
}

std::string_view TypeName(ExprType t) { return t == ExprType::kNumber ? "数值" : "布尔值"; }

std::string_view KindName(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::kNumber: return "数值";
    case SymbolKind::kBool: return "布尔值";
    case SymbolKind::kEnum: return "枚举";
    case SymbolKind::kSingleChoice: return "单选题";
    case SymbolKind::kMultiChoice: return "多选题";
  }
  return "?";
}

// "'a'、'b'、'c'", shortened when long.
std::string ListOptions(const std::vector<std::string>& options) {
  constexpr size_t kShown = 20;
  std::string out;
  for (size_t i = 0; i < options.size() && i < kShown; ++i) {
    if (i > 0) out += "、";
    out += "'" + options[i] + "'";
  }
  if (options.size() > kShown) out += fmt::format(" 等{}个", options.size());
  if (options.empty()) out = "（无）";
  return out;
}

class Compiler {
 public:
  Compiler(std::string_view source, const SymbolResolver& resolve)
      : src_(source), resolve_(resolve), tokens_(Lex(source)) {}

  Result<ExprType> Compile(ExprType expected) {
    if (tokens_[0].kind == Tok::kEnd) return Fail(Err(0, "表达式为空"));
    auto v = ParseOr();
    if (!v) return Fail(v.error());
    if (Peek().kind != Tok::kEnd) return Fail(Unexpected(Peek(), "", true));
    if (auto e = Require(*v, expected)) return Fail(*e);
    if (max_height_ > kMaxExprStack) {
      return Fail(Err(overflow_pos_, fmt::format("表达式过于复杂：需要同时保存的中间值超过{}个",
                                                 kMaxExprStack)));
    }
    return expected;
  }

  std::vector<Code>& code() { return code_; }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& s : symbols_) out.push_back(s.name);
    return out;
  }
  std::vector<int> slots() const {
    std::vector<int> out;
    for (const auto& s : symbols_) out.push_back(s.info.slot);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  Error Err(size_t pos, std::string_view message) const { return SourceError(src_, pos, message); }

  struct Symbol {
    std::string name;
    SymbolInfo info;
  };

  const Token& Peek() const { return tokens_[i_]; }
  const Token& PeekAt(size_t ahead) const {
    return tokens_[std::min(i_ + ahead, tokens_.size() - 1)];
  }
  void Next() {
    if (i_ + 1 < tokens_.size()) ++i_;
  }
  std::string_view Text(const Token& t) const { return src_.substr(t.pos, t.len); }

  // The error for meeting `t` where `expected` was wanted. `trailing` when
  // the expression is complete and `t` is surplus.
  Error Unexpected(const Token& t, std::string_view expected, bool trailing = false) const {
    if (t.kind == Tok::kError) return Err(t.pos, t.message);
    if (trailing) return Err(t.pos, fmt::format("多余的“{}”", Text(t)));
    if (t.kind == Tok::kEnd) return Err(t.pos, fmt::format("表达式不完整，此处应为{}", expected));
    return Err(t.pos, fmt::format("此处应为{}，实际为“{}”", expected, Text(t)));
  }

  std::optional<Error> Expect(Tok kind, std::string_view what) {
    if (Peek().kind != kind) return Unexpected(Peek(), what);
    Next();
    return std::nullopt;
  }

  std::optional<Error> Enter(size_t pos) {
    if (++depth_ > kMaxExprNesting) {
      return Err(pos, fmt::format("嵌套超过{}层", kMaxExprNesting));
    }
    return std::nullopt;
  }
  void Leave() { --depth_; }

  // Appends an instruction that pops `pops` values and pushes `pushes`.
  int Emit(Op op, int32_t arg, double value, int pops, int pushes, size_t pos) {
    code_.push_back(Code{op, arg, value});
    height_ += pushes - pops;
    if (height_ > max_height_) {
      max_height_ = height_;
      if (height_ > kMaxExprStack && overflow_pos_ == std::string_view::npos) overflow_pos_ = pos;
    }
    return static_cast<int>(code_.size()) - 1;
  }
  void PatchJump(int at) { code_[at].arg = static_cast<int32_t>(code_.size()); }

  // Checks that `v` is an emitted value of type `want`.
  std::optional<Error> Require(const Val& v, ExprType want) const {
    VKind k = want == ExprType::kNumber ? VKind::kNumber : VKind::kBool;
    if (v.kind == k) return std::nullopt;
    return Err(v.pos, fmt::format("应为{}，实际为{}", TypeName(want), Describe(v)));
  }
  std::string Describe(const Val& v) const {
    switch (v.kind) {
      case VKind::kNumber: return "数值";
      case VKind::kBool: return "布尔值";
      case VKind::kString: return "字符串（字符串只能与枚举比较，或作为 selected()/at_least() 的选项）";
      case VKind::kEnum:
        return fmt::format("枚举“{}”（枚举只能用 == 或 != 与字符串比较，例如 {} == '{}'）", v.text,
                           v.text,
                           symbols_[v.symbol].info.options.empty()
                               ? std::string("…")
                               : symbols_[v.symbol].info.options[0]);
    }
    return "?";
  }

  // Resolves `name` (at `pos`) once per compilation.
  Result<int> Resolve(std::string_view name, size_t pos, std::string_view shown) {
    auto it = index_.find(name);
    if (it != index_.end()) return it->second;
    std::optional<SymbolInfo> info = resolve_ ? resolve_(name) : std::nullopt;
    if (!info) {
      if (shown != name) return Fail(Err(pos, fmt::format("无法取得“{}”的得分：未知的名称“{}”", shown, name)));
      return Fail(Err(pos, fmt::format("未知的名称“{}”", name)));
    }
    if (info->slot < 0) return Fail(Err(pos, fmt::format("名称“{}”的槽位无效", name)));
    if (info->kind == SymbolKind::kMultiChoice && info->options.size() > kMaxMultiChoiceOptions) {
      return Fail(Err(pos, fmt::format("多选题“{}”有{}个选项，最多支持{}个", name, info->options.size(),
                                       kMaxMultiChoiceOptions)));
    }
    int id = static_cast<int>(symbols_.size());
    symbols_.push_back(Symbol{std::string(name), std::move(*info)});
    index_.emplace(std::string(name), id);
    return id;
  }

  // or := and (('or' | '||') and)*
  Result<Val> ParseOr() { return ParseLogical(Tok::kOr); }
  // and := not (('and' | '&&') not)*
  Result<Val> ParseAnd() { return ParseLogical(Tok::kAnd); }

  Result<Val> ParseLogical(Tok op) {
    auto left = op == Tok::kOr ? ParseAnd() : ParseNot();
    if (!left) return left;
    if (Peek().kind != op) return left;
    if (auto e = Require(*left, ExprType::kBool)) return Fail(*e);
    std::vector<int> jumps;
    while (Peek().kind == op) {
      size_t pos = Peek().pos;
      Next();
      // On the fall-through path the left value is popped.
      jumps.push_back(Emit(op == Tok::kOr ? kJumpIfTrueOrPop : kJumpIfFalseOrPop, 0, 0, 1, 0, pos));
      auto right = op == Tok::kOr ? ParseAnd() : ParseNot();
      if (!right) return right;
      if (auto e = Require(*right, ExprType::kBool)) return Fail(*e);
    }
    for (int j : jumps) PatchJump(j);
    return Val{VKind::kBool, left->pos, {}, -1};
  }

  // not := ('not' | '!') not | comparison
  Result<Val> ParseNot() {
    if (Peek().kind != Tok::kNot) return ParseComparison();
    size_t pos = Peek().pos;
    if (auto e = Enter(pos)) return Fail(*e);
    Next();
    auto v = ParseNot();
    if (!v) return v;
    if (auto e = Require(*v, ExprType::kBool)) return Fail(*e);
    Emit(kNot, 0, 0, 1, 1, pos);
    Leave();
    return Val{VKind::kBool, pos, {}, -1};
  }

  static bool IsComparison(Tok t) {
    return t == Tok::kEq || t == Tok::kNe || t == Tok::kLt || t == Tok::kLe || t == Tok::kGt ||
           t == Tok::kGe;
  }

  // comparison := sum [cmp sum]
  Result<Val> ParseComparison() {
    auto left = ParseSum();
    if (!left) return left;
    if (!IsComparison(Peek().kind)) return left;
    Tok op = Peek().kind;
    size_t op_pos = Peek().pos;
    std::string_view op_text = Text(Peek());
    Next();
    auto right = ParseSum();
    if (!right) return right;
    if (IsComparison(Peek().kind)) {
      return Fail(Err(Peek().pos, "比较运算不能连用，请用 and 连接，例如 a < b and b < c"));
    }
    const Val& a = *left;
    const Val& b = *right;
    const bool equality = op == Tok::kEq || op == Tok::kNe;
    if (a.kind == VKind::kNumber && b.kind == VKind::kNumber) {
      // fall through to the numeric comparison below
    } else if (a.kind == VKind::kBool && b.kind == VKind::kBool) {
      if (!equality) {
        return Fail(Err(op_pos, fmt::format("布尔值只能用 == 或 != 比较，不能用“{}”", op_text)));
      }
      // A bool name compared is read with its missing value, so that, as for
      // numbers, any comparison with a missing value is false.
      for (const Val* operand : {&a, &b}) {
        if (operand->load_at >= 0) code_[operand->load_at].op = kLoadBoolOrNaN;
      }
    } else if ((a.kind == VKind::kEnum && b.kind == VKind::kString) ||
               (a.kind == VKind::kString && b.kind == VKind::kEnum)) {
      const Val& e = a.kind == VKind::kEnum ? a : b;
      const Val& s = a.kind == VKind::kEnum ? b : a;
      if (!equality) {
        return Fail(Err(op_pos, fmt::format("枚举只能用 == 或 != 比较，不能用“{}”", op_text)));
      }
      const SymbolInfo& info = symbols_[e.symbol].info;
      int index = FindOption(info, s.text);
      if (index < 0) {
        return Fail(Err(s.pos, fmt::format("“{}”的取值不能为'{}'，可选：{}", e.text, s.text,
                                           ListOptions(info.options))));
      }
      Emit(op == Tok::kEq ? kSlotEq : kSlotNe, info.slot, index, 0, 1, a.pos);
      return Val{VKind::kBool, a.pos, {}, -1};
    } else if (a.kind == VKind::kString || b.kind == VKind::kString) {
      const Val& s = a.kind == VKind::kString ? a : b;
      return Fail(Err(s.pos, "字符串只能与枚举比较，或作为 selected()/at_least() 的选项"));
    } else if (a.kind == VKind::kEnum || b.kind == VKind::kEnum) {
      const Val& e = a.kind == VKind::kEnum ? a : b;
      return Fail(Err(e.pos, fmt::format("枚举“{}”只能用 == 或 != 与字符串比较", e.text)));
    } else {
      return Fail(Err(op_pos, fmt::format("不能比较{}与{}", Describe(a), Describe(b))));
    }
    Op code = kEq;
    switch (op) {
      case Tok::kEq: code = kEq; break;
      case Tok::kNe: code = kNe; break;
      case Tok::kLt: code = kLt; break;
      case Tok::kLe: code = kLe; break;
      case Tok::kGt: code = kGt; break;
      default: code = kGe; break;
    }
    Emit(code, 0, 0, 2, 1, op_pos);
    return Val{VKind::kBool, a.pos, {}, -1};
  }

  // sum := product (('+' | '-') product)*
  Result<Val> ParseSum() {
    auto left = ParseProduct();
    if (!left) return left;
    while (Peek().kind == Tok::kPlus || Peek().kind == Tok::kMinus) {
      if (auto e = Require(*left, ExprType::kNumber)) return Fail(*e);
      Op op = Peek().kind == Tok::kPlus ? kAdd : kSub;
      size_t pos = Peek().pos;
      Next();
      auto right = ParseProduct();
      if (!right) return right;
      if (auto e = Require(*right, ExprType::kNumber)) return Fail(*e);
      Emit(op, 0, 0, 2, 1, pos);
    }
    return left;
  }

  // product := unary (('*' | '/') unary)*
  Result<Val> ParseProduct() {
    auto left = ParseUnary();
    if (!left) return left;
    while (Peek().kind == Tok::kStar || Peek().kind == Tok::kSlash) {
      if (auto e = Require(*left, ExprType::kNumber)) return Fail(*e);
      Op op = Peek().kind == Tok::kStar ? kMul : kDiv;
      size_t pos = Peek().pos;
      Next();
      auto right = ParseUnary();
      if (!right) return right;
      if (auto e = Require(*right, ExprType::kNumber)) return Fail(*e);
      Emit(op, 0, 0, 2, 1, pos);
    }
    return left;
  }

  // unary := '-' unary | primary
  Result<Val> ParseUnary() {
    if (Peek().kind != Tok::kMinus) return ParsePrimary();
    size_t pos = Peek().pos;
    if (auto e = Enter(pos)) return Fail(*e);
    Next();
    auto v = ParseUnary();
    if (!v) return v;
    if (auto e = Require(*v, ExprType::kNumber)) return Fail(*e);
    Emit(kNeg, 0, 0, 1, 1, pos);
    Leave();
    return Val{VKind::kNumber, pos, {}, -1};
  }

  // primary := number | string | true | false | '(' or ')' | call | name
  Result<Val> ParsePrimary() {
    const Token& t = Peek();
    const size_t pos = t.pos;
    switch (t.kind) {
      case Tok::kNumber:
        Emit(kConst, 0, t.number, 0, 1, pos);
        Next();
        return Val{VKind::kNumber, pos, {}, -1};
      case Tok::kTrue:
      case Tok::kFalse:
        Emit(kConst, 0, t.kind == Tok::kTrue ? 1 : 0, 0, 1, pos);
        Next();
        return Val{VKind::kBool, pos, {}, -1};
      case Tok::kString: {
        Val v{VKind::kString, pos, src_.substr(pos + 1, t.len - 2), -1};
        Next();
        return v;
      }
      case Tok::kLParen: {
        if (auto e = Enter(pos)) return Fail(*e);
        Next();
        auto v = ParseOr();
        if (!v) return v;
        if (auto e = Expect(Tok::kRParen, "“)”")) return Fail(*e);
        Leave();
        v->pos = pos;
        return v;
      }
      case Tok::kName: {
        std::string_view name = Text(t);
        if (PeekAt(1).kind == Tok::kLParen) return ParseCall(name, pos);
        Next();
        auto id = Resolve(name, pos, name);
        if (!id) return Fail(id.error());
        const SymbolInfo& info = symbols_[*id].info;
        switch (info.kind) {
          case SymbolKind::kNumber:
            Emit(kLoadNumber, info.slot, 0, 0, 1, pos);
            return Val{VKind::kNumber, pos, {}, -1};
          case SymbolKind::kBool:
            return Val{VKind::kBool, pos, {}, -1, Emit(kLoadBool, info.slot, 0, 0, 1, pos)};
          case SymbolKind::kEnum:
            return Val{VKind::kEnum, pos, name, *id};
          case SymbolKind::kSingleChoice:
            return Fail(Err(pos, fmt::format("“{0}”是单选题，不能直接使用，请用 selected({0}, '选项')、"
                                             "at_least({0}, '选项')、answered({0}) 或 score({0})",
                                             name)));
          case SymbolKind::kMultiChoice:
            return Fail(Err(pos, fmt::format("“{0}”是多选题，不能直接使用，请用 selected({0}, '选项')、"
                                             "count_selected({0})、answered({0}) 或 score({0})",
                                             name)));
        }
        return Fail(Err(pos, "内部错误：未知的名称类别"));
      }
      default:
        return Fail(Unexpected(t, "数值、名称或“(”"));
    }
  }

  static int FindOption(const SymbolInfo& info, std::string_view option) {
    for (size_t i = 0; i < info.options.size(); ++i) {
      if (info.options[i] == option) return static_cast<int>(i);
    }
    return -1;
  }

  // Before argument `index` (0-based) of `fn`, which takes `arity`: checks
  // for the comma between arguments.
  std::optional<Error> ArgumentSeparator(std::string_view fn, int index, int arity) {
    if (index == 0) return std::nullopt;
    if (Peek().kind == Tok::kRParen) {
      return Err(Peek().pos, fmt::format("{}() 需要{}个参数，实际为{}个", fn, arity, index));
    }
    return Expect(Tok::kComma, "“,”");
  }
  std::optional<Error> CloseCall(std::string_view fn, int arity) {
    if (Peek().kind == Tok::kComma) {
      return Err(Peek().pos, fmt::format("{}() 只需要{}个参数", fn, arity));
    }
    return Expect(Tok::kRParen, "“)”");
  }
  // Reads a numeric argument.
  std::optional<Error> NumberArgument(std::string_view fn, int index, int arity) {
    if (auto e = ArgumentSeparator(fn, index, arity)) return e;
    if (index == 0 && Peek().kind == Tok::kRParen) {
      return Err(Peek().pos, fmt::format("{}() 需要{}个参数，实际为0个", fn, arity));
    }
    auto v = ParseOr();
    if (!v) return v.error();
    return Require(*v, ExprType::kNumber);
  }
  // Reads a question name argument and resolves it.
  Result<int> NameArgument(std::string_view fn, int index, int arity) {
    if (auto e = ArgumentSeparator(fn, index, arity)) return Fail(*e);
    const Token& t = Peek();
    if (t.kind != Tok::kName) {
      if (t.kind == Tok::kRParen) {
        return Fail(Err(t.pos, fmt::format("{}() 需要{}个参数，实际为{}个", fn, arity, index)));
      }
      return Fail(Unexpected(t, fmt::format("题目名称（{}() 的参数是名称，不是表达式）", fn)));
    }
    std::string_view name = Text(t);
    size_t pos = t.pos;
    Next();
    if (fn == "score") return Resolve(fmt::format("score:{}", name), pos, name);
    return Resolve(name, pos, name);
  }
  // Reads an option argument of question `id` and returns its index.
  Result<int> OptionArgument(std::string_view fn, int index, int arity, int id) {
    if (auto e = ArgumentSeparator(fn, index, arity)) return Fail(*e);
    const Token& t = Peek();
    if (t.kind != Tok::kString) {
      return Fail(Unexpected(t, "用单引号括起的选项，例如 'A'"));
    }
    std::string_view option = src_.substr(t.pos + 1, t.len - 2);
    const Symbol& q = symbols_[id];
    int found = FindOption(q.info, option);
    if (found < 0) {
      return Fail(Err(t.pos, fmt::format("“{}”没有选项'{}'，可选：{}", q.name, option,
                                         ListOptions(q.info.options))));
    }
    Next();
    return found;
  }

  Result<Val> ParseCall(std::string_view name, size_t pos) {
    std::optional<Fn> fn = FindFunction(name);
    if (!fn) {
      return Fail(Err(pos, fmt::format("未知的函数“{}”，可用的函数：if、min、max、clamp、abs、selected、"
                                       "at_least、count_selected、answered、score",
                                       name)));
    }
    if (auto e = Enter(pos)) return Fail(*e);
    Next();  // name
    Next();  // '('
    Val result{VKind::kNumber, pos, {}, -1};
    switch (*fn) {
      case Fn::kIf: {
        if (Peek().kind == Tok::kRParen) {
          return Fail(Err(Peek().pos, "if() 需要3个参数，实际为0个"));
        }
        auto cond = ParseOr();
        if (!cond) return cond;
        if (auto e = Require(*cond, ExprType::kBool)) return Fail(*e);
        int to_else = Emit(kJumpIfFalse, 0, 0, 1, 0, pos);
        if (auto e = ArgumentSeparator(name, 1, 3)) return Fail(*e);
        auto a = ParseOr();
        if (!a) return a;
        if (a->kind != VKind::kNumber && a->kind != VKind::kBool) {
          return Fail(Err(a->pos, fmt::format("应为数值或布尔值，实际为{}", Describe(*a))));
        }
        int to_end = Emit(kJump, 0, 0, 0, 0, pos);
        PatchJump(to_else);
        height_ -= 1;  // the else branch starts without the then value
        if (auto e = ArgumentSeparator(name, 2, 3)) return Fail(*e);
        auto b = ParseOr();
        if (!b) return b;
        if (b->kind != a->kind) {
          return Fail(Err(b->pos, fmt::format("if() 的两个分支类型应相同：第二个参数为{}，第三个参数为{}",
                                              Describe(*a), Describe(*b))));
        }
        PatchJump(to_end);
        if (auto e = CloseCall(name, 3)) return Fail(*e);
        result.kind = a->kind;
        break;
      }
      case Fn::kMin:
      case Fn::kMax: {
        int count = 0;
        while (true) {
          if (count > 0 && Peek().kind == Tok::kRParen) break;
          if (count > 0) {
            if (auto e = Expect(Tok::kComma, "“,”或“)”")) return Fail(*e);
          } else if (Peek().kind == Tok::kRParen) {
            break;
          }
          auto v = ParseOr();
          if (!v) return v;
          if (auto e = Require(*v, ExprType::kNumber)) return Fail(*e);
          ++count;
        }
        if (count < 2) {
          return Fail(Err(Peek().pos, fmt::format("{}() 至少需要2个参数，实际为{}个", name, count)));
        }
        Next();  // ')'
        Emit(*fn == Fn::kMin ? kMin : kMax, count, 0, count, 1, pos);
        break;
      }
      case Fn::kClamp:
        for (int i = 0; i < 3; ++i) {
          if (auto e = NumberArgument(name, i, 3)) return Fail(*e);
        }
        if (auto e = CloseCall(name, 3)) return Fail(*e);
        Emit(kClamp, 0, 0, 3, 1, pos);
        break;
      case Fn::kAbs:
        if (auto e = NumberArgument(name, 0, 1)) return Fail(*e);
        if (auto e = CloseCall(name, 1)) return Fail(*e);
        Emit(kAbs, 0, 0, 1, 1, pos);
        break;
      case Fn::kSelected:
      case Fn::kAtLeast: {
        size_t q_pos = Peek().pos;
        auto id = NameArgument(name, 0, 2);
        if (!id) return Fail(id.error());
        const Symbol& q = symbols_[*id];
        const bool multi = q.info.kind == SymbolKind::kMultiChoice;
        if (*fn == Fn::kSelected && !multi && q.info.kind != SymbolKind::kSingleChoice) {
          return Fail(Err(q_pos, fmt::format("selected() 的第一个参数应为单选题或多选题，“{}”是{}", q.name,
                                             KindName(q.info.kind))));
        }
        if (*fn == Fn::kAtLeast && q.info.kind != SymbolKind::kSingleChoice) {
          return Fail(Err(q_pos, fmt::format("at_least() 的第一个参数应为单选题，“{}”是{}", q.name,
                                             KindName(q.info.kind))));
        }
        auto option = OptionArgument(name, 1, 2, *id);
        if (!option) return Fail(option.error());
        if (auto e = CloseCall(name, 2)) return Fail(*e);
        Op op = *fn == Fn::kAtLeast ? kSlotGe : multi ? kMaskHas : kSlotEq;
        Emit(op, symbols_[*id].info.slot, *option, 0, 1, pos);
        result.kind = VKind::kBool;
        break;
      }
      case Fn::kCountSelected:
      case Fn::kAnswered:
      case Fn::kScore: {
        size_t q_pos = Peek().pos;
        auto id = NameArgument(name, 0, 1);
        if (!id) return Fail(id.error());
        const Symbol& q = symbols_[*id];
        if (*fn == Fn::kCountSelected && q.info.kind != SymbolKind::kMultiChoice) {
          return Fail(Err(q_pos, fmt::format("count_selected() 的参数应为多选题，“{}”是{}", q.name,
                                             KindName(q.info.kind))));
        }
        if (*fn == Fn::kScore && q.info.kind != SymbolKind::kNumber) {
          return Fail(Err(q_pos, fmt::format("无法取得“{}”的得分：“{}”是{}，应为数值",
                                             std::string_view(q.name).substr(6), q.name,
                                             KindName(q.info.kind))));
        }
        if (auto e = CloseCall(name, 1)) return Fail(*e);
        Op op = *fn == Fn::kCountSelected ? kMaskCount : *fn == Fn::kAnswered ? kAnswered : kLoadNumber;
        Emit(op, q.info.slot, 0, 0, 1, pos);
        result.kind = *fn == Fn::kAnswered ? VKind::kBool : VKind::kNumber;
        break;
      }
    }
    Leave();
    return result;
  }

  std::string_view src_;
  const SymbolResolver& resolve_;
  std::vector<Token> tokens_;
  size_t i_ = 0;
  int depth_ = 0;

  std::vector<Code> code_;
  int height_ = 0;
  int max_height_ = 0;
  size_t overflow_pos_ = std::string_view::npos;

  std::vector<Symbol> symbols_;
  std::map<std::string, int, std::less<>> index_;
};

}  // namespace

Result<CompiledExpr> CompileExpr(std::string_view source, ExprType expected,
                                 const SymbolResolver& resolve) {
  if (source.size() > kMaxExprSourceBytes) {
    return Fail(SourceError(source, kMaxExprSourceBytes,
                            fmt::format("表达式过长：{}字节，最多{}字节", source.size(), kMaxExprSourceBytes)));
  }
  for (size_t i = 0; i < source.size();) {
    size_t len = Utf8Length(source, i);
    if (len == 0) return Fail(SourceError(source, i, "含有无效的 UTF-8 编码"));
    i += len;
  }
  Compiler compiler(source, resolve);
  auto type = compiler.Compile(expected);
  if (!type) return Fail(type.error());

  CompiledExpr out;
  out.type_ = *type;
  out.code_.reserve(compiler.code().size());
  for (const Code& c : compiler.code()) out.code_.push_back(CompiledExpr::Instr{c.op, c.arg, c.value});
  const size_t block_values = CompiledExpr::BuildBlockCode(out.code_, &out.block_code_);
  out.code_ = CompiledExpr::FuseLeaves(out.code_);
  out.block_stack_ = 2 * block_values;
  if (block_values > static_cast<size_t>(kMaxExprBlockStack)) {
    return Fail(SourceError(source, 0, fmt::format("表达式过于复杂：逐列计算时需要同时保存的中间值超过{}个",
                                                   kMaxExprBlockStack)));
  }
  out.slots_read_ = compiler.slots();
  out.names_ = compiler.names();
  out.source_ = std::string(source);
  return out;
}

// The one-at-a-time program with fewer instructions, each pushing the same
// bits: a number slot compared with a constant becomes one leaf, and so does
// `not` after a leaf that pushes 0 or 1. Nothing is fused across the target
// of a jump.
std::vector<CompiledExpr::Instr> CompiledExpr::FuseLeaves(const std::vector<Instr>& code) {
  auto is_jump = [](uint8_t op) {
    return op == kJump || op == kJumpIfFalse || op == kJumpIfFalseOrPop || op == kJumpIfTrueOrPop;
  };
  std::vector<bool> target(code.size() + 1);
  for (const Instr& in : code) {
    if (is_jump(in.op)) target[static_cast<size_t>(in.arg)] = true;
  }
  auto compare_with_constant = [](uint8_t op) {
    switch (op) {
      case kLt:
        return kSlotLt;
      case kLe:
        return kSlotLe;
      case kGt:
        return kSlotGt;
      case kGe:
        return kSlotGe;
      case kEq:
        return kSlotEq;
      case kNe:
        return kSlotNe;
      default:
        return kOpCount;
    }
  };
  std::vector<Instr> out;
  std::vector<int32_t> moved(code.size() + 1);  // old index -> new index
  for (size_t pc = 0; pc < code.size();) {
    moved[pc] = static_cast<int32_t>(out.size());
    const Instr& in = code[pc];
    if (in.op == kLoadNumber && pc + 2 < code.size() && code[pc + 1].op == kConst &&
        !target[pc + 1] && !target[pc + 2] && compare_with_constant(code[pc + 2].op) != kOpCount) {
      out.push_back({compare_with_constant(code[pc + 2].op), in.arg, code[pc + 1].value});
      pc += 3;
      continue;
    }
    if (in.op == kNot && !target[pc] && !out.empty() &&
        NegatedLeaf(static_cast<Op>(out.back().op)) != kOpCount) {
      out.back().op = NegatedLeaf(static_cast<Op>(out.back().op));
      ++pc;
      continue;
    }
    out.push_back(in);
    ++pc;
  }
  moved[code.size()] = static_cast<int32_t>(out.size());
  for (Instr& in : out) {
    if (is_jump(in.op)) in.arg = moved[static_cast<size_t>(in.arg)];
  }
  return out;
}

// The block program evaluates every operand: `a or b` becomes a, b, select
// (and likewise and, if()). An open jump waits on `open` until its target;
// a chain `a or b or c` is combined from the left as it goes, which for
// bool operands (always exactly 0 or 1) is the same value, and keeps the
// stack short.
size_t CompiledExpr::BuildBlockCode(const std::vector<Instr>& code, std::vector<Instr>* block) {
  struct Open {
    Op select;
    int32_t target;
  };
  std::vector<Open> open;
  int height = 0, max_height = 0;
  auto emit = [&](const Instr& in) {
    auto [pops, pushes] = BlockStackEffect(static_cast<Op>(in.op), in.arg);
    height += pushes - pops;
    max_height = std::max(max_height, height);
    block->push_back(in);
  };
  for (size_t pc = 0; pc <= code.size(); ++pc) {
    while (!open.empty() && open.back().target == static_cast<int32_t>(pc)) {
      emit({open.back().select, 0, 0});
      open.pop_back();
    }
    if (pc == code.size()) break;
    const Instr& in = code[pc];
    switch (static_cast<Op>(in.op)) {
      case kJumpIfFalse: break;  // if(): the select comes with the jump over the else branch
      case kJump: open.push_back({kSelectIf, in.arg}); break;
      case kJumpIfFalseOrPop:
      case kJumpIfTrueOrPop: {
        const Op select = in.op == kJumpIfTrueOrPop ? kSelectOr : kSelectAnd;
        if (!open.empty() && open.back().select == select && open.back().target == in.arg) {
          emit({select, 0, 0});  // the next operand of the same chain
        } else {
          open.push_back({select, in.arg});
        }
        break;
      }
      default: emit(in);
    }
  }
  return static_cast<size_t>(max_height);  // values; EvaluateBlock keeps two columns for each
}

namespace {

// dst[j] = f(a[j], b[j]) for j < n.
template <typename F>
inline void Map2(double* dst, const double* a, const double* b, size_t n, F f) {
  for (size_t j = 0; j < n; ++j) dst[j] = f(a[j], b[j]);
}
template <typename F>
inline void Map1(double* dst, const double* a, size_t n, F f) {
  for (size_t j = 0; j < n; ++j) dst[j] = f(a[j]);
}

}  // namespace

// The stack holds pointers to columns: a load points into `slots` (no
// copy); every other instruction writes its result into one of the two
// columns of its stack position, the one the position does not hold now, so
// that no loop writes a column it reads (which would keep it from vector
// instructions).
[[RONGPING_VECTOR_CLONES]] void CompiledExpr::EvaluateBlock(const double* slots, size_t stride, size_t n,
                                                             double* stack, double* out) const {
  const double* top[kMaxExprBlockStack];
  int sp = 0;
  auto own = [&](int k) {
    double* first = stack + static_cast<size_t>(2 * k) * n;
    return top[k] == first ? first + n : first;
  };
  // A new top of the stack, to be written.
  auto push = [&] {
    double* d = own(sp);
    top[sp++] = d;
    return d;
  };
  // Replaces the top of the stack with f of it.
  auto unary = [&](auto f) {
    double* d = own(sp - 1);
    Map1(d, top[sp - 1], n, f);
    top[sp - 1] = d;
  };
  for (const Instr& in : block_code_) {
    const double* column = slots + static_cast<size_t>(in.arg) * stride;
    const double value = in.value;
    switch (static_cast<Op>(in.op)) {
      case kConst: {
        double* d = push();
        std::fill(d, d + n, value);
        break;
      }
      case kLoadNumber:
        top[sp++] = column;
        break;
      case kLoadBool:
        Map1(push(), column, n, [](double v) { return Leaf<kLoadBool>(v, 0); });
        break;
      case kLoadBoolOrNaN:
        Map1(push(), column, n, [](double v) { return Leaf<kLoadBoolOrNaN>(v, 0); });
        break;
      case kSlotEq:
        Map1(push(), column, n, [value](double v) { return Leaf<kSlotEq>(v, value); });
        break;
      case kSlotNe:
        Map1(push(), column, n, [value](double v) { return Leaf<kSlotNe>(v, value); });
        break;
      case kSlotGe:
        Map1(push(), column, n, [value](double v) { return Leaf<kSlotGe>(v, value); });
        break;
      case kMaskHas:
        Map1(push(), column, n, [value](double v) { return Leaf<kMaskHas>(v, value); });
        break;
      case kMaskCount:
        Map1(push(), column, n, [](double v) { return Leaf<kMaskCount>(v, 0); });
        break;
      case kAnswered:
        Map1(push(), column, n, [](double v) { return Leaf<kAnswered>(v, 0); });
        break;
      case kNeg:
        unary([](double v) { return -v; });
        break;
      case kAbs:
        unary([](double v) { return std::fabs(v); });
        break;
      case kNot:
        unary([](double v) { return v != 0 ? 0.0 : 1.0; });
        break;
      case kMin:
      case kMax: {
        const int count = in.arg;
        const bool is_min = in.op == kMin;
        double* d = own(sp - count);
        for (size_t j = 0; j < n; ++j) {
          double r = kNaN;
          for (int i = 0; i < count; ++i) {
            double v = top[sp - count + i][j];
            if (std::isnan(v)) continue;
            if (std::isnan(r) || (is_min ? v < r : v > r)) r = v;
          }
          d[j] = r;
        }
        sp -= count - 1;
        top[sp - 1] = d;
        break;
      }
      case kClamp: {
        double* d = own(sp - 3);
        const double *x = top[sp - 3], *lo = top[sp - 2], *hi = top[sp - 1];
        for (size_t j = 0; j < n; ++j) {
          double r;
          if (std::isnan(x[j]) || std::isnan(lo[j]) || std::isnan(hi[j])) {
            r = kNaN;
          } else {
            r = x[j];
            if (r < lo[j]) r = lo[j];
            if (r > hi[j]) r = hi[j];
          }
          d[j] = r;
        }
        sp -= 2;
        top[sp - 1] = d;
        break;
      }
      case kSelectIf: {
        double* d = own(sp - 3);
        const double *cond = top[sp - 3], *a = top[sp - 2], *b = top[sp - 1];
        for (size_t j = 0; j < n; ++j) {
          const double then = a[j], otherwise = b[j];  // both read: a select, not a branch
          d[j] = cond[j] == 0 ? otherwise : then;
        }
        sp -= 2;
        top[sp - 1] = d;
        break;
      }
      case kJump:
      case kJumpIfFalse:
      case kJumpIfFalseOrPop:
      case kJumpIfTrueOrPop: break;  // never in the block program
      default: {  // binary
        double* d = own(sp - 2);
        const double *a = top[sp - 2], *b = top[sp - 1];
        switch (static_cast<Op>(in.op)) {
          case kAdd: Map2(d, a, b, n, [](double x, double y) { return x + y; }); break;
          case kSub: Map2(d, a, b, n, [](double x, double y) { return x - y; }); break;
          case kMul: Map2(d, a, b, n, [](double x, double y) { return x * y; }); break;
          case kDiv: Map2(d, a, b, n, [](double x, double y) { return y == 0 ? kNaN : x / y; }); break;
          case kEq: Map2(d, a, b, n, [](double x, double y) { return x == y ? 1.0 : 0.0; }); break;
          case kNe: Map2(d, a, b, n, [](double x, double y) { return (x < y || x > y) ? 1.0 : 0.0; }); break;
          case kLt: Map2(d, a, b, n, [](double x, double y) { return x < y ? 1.0 : 0.0; }); break;
          case kLe: Map2(d, a, b, n, [](double x, double y) { return x <= y ? 1.0 : 0.0; }); break;
          case kGt: Map2(d, a, b, n, [](double x, double y) { return x > y ? 1.0 : 0.0; }); break;
          case kGe: Map2(d, a, b, n, [](double x, double y) { return x >= y ? 1.0 : 0.0; }); break;
          case kSelectAnd: Map2(d, a, b, n, [](double x, double y) { return x == 0 ? x : y; }); break;
          case kSelectOr: Map2(d, a, b, n, [](double x, double y) { return x != 0 ? x : y; }); break;
          default: break;
        }
        --sp;
        top[sp - 1] = d;
      }
    }
  }
  if (sp == 0) {
    std::fill(out, out + n, kNaN);
    return;
  }
  Map1(out, top[sp - 1], n, [](double v) { return std::isnan(v) ? kNaN : v; });
}

double CompiledExpr::Run(const double* slots) const {
  if (code_.size() == 1) {  // one name, one test of an answer, or a constant
    const Instr& in = code_[0];
    const double r = in.op == kConst ? in.value : LeafValue(static_cast<Op>(in.op), slots[in.arg], in.value);
    return std::isnan(r) ? kNaN : r;
  }
  // Threaded dispatch (GCC's labels as values): each instruction jumps to
  // the next one's code directly, which the branch predictor learns per
  // instruction kind and position, where one switch shares a single jump.
  static const void* const kCode[] = {
      &&op_const,
      &&op_load_number,
      &&op_load_bool,
      &&op_load_bool_or_nan,
      &&op_slot_eq,
      &&op_slot_ne,
      &&op_slot_ge,
      &&op_mask_has,
      &&op_mask_count,
      &&op_answered,
      &&op_add,
      &&op_sub,
      &&op_mul,
      &&op_div,
      &&op_neg,
      &&op_abs,
      &&op_min,
      &&op_max,
      &&op_clamp,
      &&op_eq,
      &&op_ne,
      &&op_lt,
      &&op_le,
      &&op_gt,
      &&op_ge,
      &&op_not,
      &&op_jump,
      &&op_jump_if_false,
      &&op_jump_if_false_or_pop,
      &&op_jump_if_true_or_pop,
      // kSelectAnd, kSelectOr, kSelectIf: only in the block program.
      &&op_end,
      &&op_end,
      &&op_end,
      &&op_slot_lt,
      &&op_slot_le,
      &&op_slot_gt,
      &&op_not_load_bool,
      &&op_not_slot_eq,
      &&op_not_slot_ne,
      &&op_not_slot_ge,
      &&op_not_mask_has,
      &&op_not_answered,
  };
  static_assert(std::size(kCode) == kOpCount, "one label per opcode");
  double stack[kMaxExprStack];
  int sp = 0;  // number of values on the stack
  const Instr* const code = code_.data();
  const size_t n = code_.size();
  size_t pc = 0;
  const Instr* in = nullptr;
#define RONGPING_EXPR_NEXT()  \
  do {                        \
    if (pc == n) goto op_end; \
    in = &code[pc++];         \
    goto* kCode[in->op];      \
  } while (0)
#define RONGPING_EXPR_LEAF(label, kind)                \
  label:                                               \
  stack[sp++] = Leaf<kind>(slots[in->arg], in->value); \
  RONGPING_EXPR_NEXT()
#define RONGPING_EXPR_BINARY(label, expression)    \
  label : {                                        \
    --sp;                                          \
    const double a = stack[sp - 1], b = stack[sp]; \
    stack[sp - 1] = (expression);                  \
  }                                                \
  RONGPING_EXPR_NEXT()

  RONGPING_EXPR_NEXT();
op_const:
  stack[sp++] = in->value;
  RONGPING_EXPR_NEXT();
  RONGPING_EXPR_LEAF(op_load_number, kLoadNumber);
  RONGPING_EXPR_LEAF(op_load_bool, kLoadBool);
  RONGPING_EXPR_LEAF(op_load_bool_or_nan, kLoadBoolOrNaN);
  RONGPING_EXPR_LEAF(op_slot_eq, kSlotEq);
  RONGPING_EXPR_LEAF(op_slot_ne, kSlotNe);
  RONGPING_EXPR_LEAF(op_slot_ge, kSlotGe);
  RONGPING_EXPR_LEAF(op_mask_has, kMaskHas);
  RONGPING_EXPR_LEAF(op_mask_count, kMaskCount);
  RONGPING_EXPR_LEAF(op_answered, kAnswered);
  RONGPING_EXPR_LEAF(op_slot_lt, kSlotLt);
  RONGPING_EXPR_LEAF(op_slot_le, kSlotLe);
  RONGPING_EXPR_LEAF(op_slot_gt, kSlotGt);
  RONGPING_EXPR_LEAF(op_not_load_bool, kNotLoadBool);
  RONGPING_EXPR_LEAF(op_not_slot_eq, kNotSlotEq);
  RONGPING_EXPR_LEAF(op_not_slot_ne, kNotSlotNe);
  RONGPING_EXPR_LEAF(op_not_slot_ge, kNotSlotGe);
  RONGPING_EXPR_LEAF(op_not_mask_has, kNotMaskHas);
  RONGPING_EXPR_LEAF(op_not_answered, kNotAnswered);
  RONGPING_EXPR_BINARY(op_add, a + b);
  RONGPING_EXPR_BINARY(op_sub, a - b);
  RONGPING_EXPR_BINARY(op_mul, a * b);
  RONGPING_EXPR_BINARY(op_div, b == 0 ? kNaN : a / b);
  RONGPING_EXPR_BINARY(op_eq, a == b ? 1 : 0);
  RONGPING_EXPR_BINARY(op_ne, (a < b || a > b) ? 1 : 0);
  RONGPING_EXPR_BINARY(op_lt, a < b ? 1 : 0);
  RONGPING_EXPR_BINARY(op_le, a <= b ? 1 : 0);
  RONGPING_EXPR_BINARY(op_gt, a > b ? 1 : 0);
  RONGPING_EXPR_BINARY(op_ge, a >= b ? 1 : 0);
op_neg:
  stack[sp - 1] = -stack[sp - 1];
  RONGPING_EXPR_NEXT();
op_abs:
  stack[sp - 1] = std::fabs(stack[sp - 1]);
  RONGPING_EXPR_NEXT();
op_min:
op_max : {
  const int count = in->arg;
  const double* args = stack + sp - count;
  double r = kNaN;
  for (int i = 0; i < count; ++i) {
    double v = args[i];
    if (std::isnan(v)) continue;
    if (std::isnan(r) || (in->op == kMin ? v < r : v > r)) r = v;
  }
  sp -= count - 1;
  stack[sp - 1] = r;
}
  RONGPING_EXPR_NEXT();
op_clamp : {
  sp -= 2;
  double x = stack[sp - 1], lo = stack[sp], hi = stack[sp + 1];
  double r;
  if (std::isnan(x) || std::isnan(lo) || std::isnan(hi)) {
    r = kNaN;
  } else {
    r = x;
    if (r < lo) r = lo;
    if (r > hi) r = hi;
  }
  stack[sp - 1] = r;
}
  RONGPING_EXPR_NEXT();
op_not:
  stack[sp - 1] = stack[sp - 1] != 0 ? 0 : 1;
  RONGPING_EXPR_NEXT();
op_jump:
  pc = static_cast<size_t>(in->arg);
  RONGPING_EXPR_NEXT();
op_jump_if_false:
  --sp;
  if (stack[sp] == 0) pc = static_cast<size_t>(in->arg);
  RONGPING_EXPR_NEXT();
op_jump_if_false_or_pop:
  if (stack[sp - 1] == 0)
    pc = static_cast<size_t>(in->arg);
  else
    --sp;
  RONGPING_EXPR_NEXT();
op_jump_if_true_or_pop:
  if (stack[sp - 1] != 0)
    pc = static_cast<size_t>(in->arg);
  else
    --sp;
  RONGPING_EXPR_NEXT();
#undef RONGPING_EXPR_BINARY
#undef RONGPING_EXPR_LEAF
#undef RONGPING_EXPR_NEXT
op_end:
  double r = sp > 0 ? stack[sp - 1] : kNaN;
  return std::isnan(r) ? kNaN : r;
}

double CompiledExpr::EvaluateNumber(const double* slots) const { return Run(slots); }

bool CompiledExpr::EvaluateBool(const double* slots) const {
  double r = Run(slots);
  return !std::isnan(r) && r != 0;
}

}  // namespace rongping::model
