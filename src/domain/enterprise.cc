#include "domain/enterprise.h"

#include <array>

#include <fmt/format.h>

#include "core/text.h"
#include "core/uscc.h"

namespace rongping {
namespace {

using Choice = LabelledValue;

constexpr std::array<Choice, 4> kProductionTypes = {{
    {"discrete_mass", "离散大批量"},
    {"discrete_small_batch", "离散单件小批量"},
    {"process", "流程型"},
    {"mixed", "混合型"},
}};

constexpr std::array<Choice, 6> kOwnerships = {{
    {"state", "国有"},
    {"private", "民营"},
    {"foreign", "外资"},
    {"hmt", "港澳台"},
    {"collective", "集体"},
    {"other", "其他"},
}};

template <size_t N>
std::optional<std::string> MatchChoice(const std::array<Choice, N>& choices, std::string_view v) {
  for (const auto& c : choices) {
    if (v == c.value || v == c.label) return std::string(c.value);
  }
  return std::nullopt;
}

template <size_t N>
std::string ChoiceList(const std::array<Choice, N>& choices) {
  std::string out;
  for (const auto& c : choices) {
    if (!out.empty()) out += "、";
    out += fmt::format("{}（{}）", c.value, c.label);
  }
  return out;
}

Error FieldError(std::string_view field, std::string message) {
  return Error::Invalid("invalid_field", std::move(message), std::string(field));
}

// Checks free text: valid UTF-8, no control characters, at most `max_chars`.
std::optional<Error> CheckText(std::string_view field, std::string_view label,
                               std::string_view value, size_t max_chars) {
  if (!IsValidUtf8(value)) return FieldError(field, fmt::format("{}含有无效的 UTF-8 编码", label));
  if (HasControlCharacter(value)) {
    return FieldError(field, fmt::format("{}含有不可见的控制字符", label));
  }
  if (size_t n = CountCodePoints(value); n > max_chars) {
    return FieldError(field, fmt::format("{}过长：最多{}个字符，实际{}个", label, max_chars, n));
  }
  return std::nullopt;
}

bool LooksLikeEmail(std::string_view v) {
  auto at = v.find('@');
  if (at == std::string_view::npos || at == 0 || v.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  auto domain = v.substr(at + 1);
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  for (char c : v) {
    if (static_cast<unsigned char>(c) <= ' ' || static_cast<unsigned char>(c) >= 0x7F) return false;
  }
  return true;
}

bool LooksLikePhone(std::string_view v) {
  int digits = 0;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '-' && c != '+' && c != ' ' && c != '(' && c != ')') {
      return false;
    }
  }
  return digits >= 7 && digits <= 20;
}

constexpr int64_t kMaxEmployees = 10'000'000;
constexpr double kMaxRevenue = 1e9;  // 万元, i.e. 10 万亿元

}  // namespace

const std::vector<std::string_view>& EnterpriseFieldNames() {
  static const std::vector<std::string_view> kNames = {
      "uscc",      "name",          "unit_code",    "industry_code",
      "production_type", "employees", "revenue_10k_yuan", "ownership",
      "address",   "contact_name",  "contact_phone", "contact_email"};
  return kNames;
}

const std::vector<std::string_view>& RequiredEnterpriseFields() {
  static const std::vector<std::string_view> kRequired = {
      "uscc", "name", "unit_code", "industry_code", "production_type", "employees",
      "revenue_10k_yuan"};
  return kRequired;
}

std::span<const LabelledValue> ProductionTypes() { return kProductionTypes; }

std::string_view ProductionTypeLabel(std::string_view production_type) {
  for (const auto& c : kProductionTypes) {
    if (c.value == production_type) return c.label;
  }
  return production_type;
}

std::string_view OwnershipLabel(std::string_view ownership) {
  for (const auto& c : kOwnerships) {
    if (c.value == ownership) return c.label;
  }
  return ownership;
}

std::vector<Error> ApplyEnterpriseFields(const EnterpriseFields& fields, const Enterprise& base,
                                         bool require_all, const EnterpriseReference& ref,
                                         Enterprise* out) {
  std::vector<Error> errors;
  Enterprise e = base;
  const auto& known = EnterpriseFieldNames();
  for (const auto& [name, value] : fields) {
    bool is_known = false;
    for (auto k : known) is_known = is_known || k == name;
    if (!is_known) {
      std::string shown = IsValidUtf8(name) && !HasControlCharacter(name) && name.size() <= 64
                              ? name
                              : std::string("(无法显示)");
      errors.push_back(FieldError(name, fmt::format("未知字段“{}”", shown)));
    }
  }
  if (require_all) {
    bool missing = false;
    for (auto f : RequiredEnterpriseFields()) {
      auto it = fields.find(f);
      if (it == fields.end() || Trim(it->second).empty()) {
        errors.push_back(FieldError(f, fmt::format("缺少必填字段 {}", f)));
        missing = true;
      }
    }
    if (missing) return errors;
  }

  for (auto f : known) {
    auto it = fields.find(f);
    if (it == fields.end()) continue;
    const std::string& raw = it->second;
    std::string v = Trim(raw);
    if (f == "uscc") {
      auto code = domain::Uscc::Parse(v);
      if (!code) {
        errors.push_back(FieldError(f, code.error().message));
      } else {
        e.uscc = *code;
      }
    } else if (f == "name") {
      if (auto err = CheckText(f, "企业名称", v, 100)) {
        errors.push_back(*err);
      } else if (CountCodePoints(v) < 2 || !HasVisibleCharacter(v)) {
        errors.push_back(FieldError(f, "企业名称不能为空，且至少2个字符"));
      } else {
        e.name = v;
      }
    } else if (f == "unit_code") {
      auto code = domain::UnitCode::Parse(v);
      if (!code || !ref.is_leaf_unit(v)) {
        std::string shown = IsValidUtf8(v) && !HasControlCharacter(v) ? v.substr(0, 32) : "";
        errors.push_back(FieldError(
            f, fmt::format("所属单位代码“{}”不是可填报的统计单位（应为地市或单列区县的6位代码）",
                           shown)));
      } else {
        e.unit_code = std::move(*code);
      }
    } else if (f == "industry_code") {
      std::string code = v;
      if (code.size() == 3 && code[0] >= 'A' && code[0] <= 'Z') code = code.substr(1);
      if (!ref.is_industry(code)) {
        std::string shown = IsValidUtf8(v) && !HasControlCharacter(v) ? v.substr(0, 32) : "";
        errors.push_back(FieldError(
            f, fmt::format("行业代码“{}”无效：应为 GB/T 4754-2017 工业大类的两位代码（06-46）",
                           shown)));
      } else {
        e.industry_code = code;
      }
    } else if (f == "production_type") {
      if (auto pt = MatchChoice(kProductionTypes, v)) {
        e.production_type = *pt;
      } else {
        errors.push_back(
            FieldError(f, fmt::format("生产类型无效：应为 {}", ChoiceList(kProductionTypes))));
      }
    } else if (f == "employees") {
      auto n = ParseInteger(v);
      if (!n || *n < 0 || *n > kMaxEmployees) {
        errors.push_back(FieldError(f, "从业人数应为 0 至 10000000 之间的整数"));
      } else {
        e.employees = *n;
      }
    } else if (f == "revenue_10k_yuan") {
      auto r = ParseDecimal(v);
      if (!r || *r < 0 || *r > kMaxRevenue) {
        errors.push_back(FieldError(f, "营业收入（万元）应为 0 至 1000000000 之间的数值"));
      } else {
        e.revenue_10k_yuan = *r + 0.0;  // -0 becomes 0
      }
    } else if (f == "ownership") {
      if (v.empty()) {
        e.ownership.reset();
      } else if (auto o = MatchChoice(kOwnerships, v)) {
        e.ownership = *o;
      } else {
        errors.push_back(FieldError(f, fmt::format("所有制类型无效：应为 {}", ChoiceList(kOwnerships))));
      }
    } else {
      // Free-text optional fields.
      std::string_view label = f == "address"         ? "地址"
                               : f == "contact_name"  ? "联系人"
                               : f == "contact_phone" ? "联系电话"
                                                      : "电子邮箱";
      size_t max = f == "address" ? 200 : f == "contact_email" ? 254 : 50;
      std::optional<std::string>* target = f == "address"        ? &e.address
                                           : f == "contact_name" ? &e.contact_name
                                           : f == "contact_phone" ? &e.contact_phone
                                                                  : &e.contact_email;
      if (auto err = CheckText(f, label, v, max)) {
        errors.push_back(*err);
      } else if (v.empty()) {
        target->reset();
      } else if (f == "contact_phone" && !LooksLikePhone(v)) {
        errors.push_back(FieldError(f, "联系电话格式不正确：应为7-20位数字，可含 - 和空格"));
      } else if (f == "contact_email" && !LooksLikeEmail(v)) {
        errors.push_back(FieldError(f, "电子邮箱格式不正确"));
      } else {
        *target = v;
      }
    }
  }
  if (!errors.empty()) return errors;
  e.size_class = ClassifySize(e.employees, e.revenue_10k_yuan);
  e.above_scale = IsAboveScale(e.revenue_10k_yuan);
  *out = std::move(e);
  return errors;
}

}  // namespace rongping
