#include "campaign/contact_form.h"

#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace rongping::campaign {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<ContactRoleInfo, kContactRoleCount> kRoles = {{
    {"leader", "工作负责人"},
    {"liaison", "工作联系人"},
    {"platform_admin", "省级评估服务分平台管理员"},
}};

struct FieldInfo {
  std::string_view id;
  std::string_view label;
  std::string Contact::*member;
};

const std::array<FieldInfo, 6> kFields = {{
    {"name", "姓名", &Contact::name},
    {"department_title", "部门及职务", &Contact::department_title},
    {"phone", "电话", &Contact::phone},
    {"fax", "传真", &Contact::fax},
    {"mobile", "手机", &Contact::mobile},
    {"email", "电子邮件", &Contact::email},
}};

constexpr size_t kNameMin = 2, kNameMax = 20, kDepartmentMax = 50, kEmailMax = 254;

std::optional<size_t> RoleIndexIn(std::string_view id) {
  for (size_t i = 0; i < kRoles.size(); ++i) {
    if (kRoles[i].id == id) return i;
  }
  return std::nullopt;
}

// A key as it may be shown in a message and a field path.
std::string Shown(std::string_view key) {
  return IsValidUtf8(key) && !HasControlCharacter(key) && key.size() <= 64 ? std::string(key)
                                                                           : "(无法显示)";
}

// Full-width digits (０-９) and hyphen (－) as ASCII, as people type them in
// Chinese input methods.
std::string AsciiDigits(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    if (i + 2 < s.size() && b(0) == 0xEF && b(1) == 0xBC) {
      if (b(2) >= 0x90 && b(2) <= 0x99) {
        out += static_cast<char>('0' + (b(2) - 0x90));
        i += 2;
        continue;
      }
      if (b(2) == 0x8D) {
        out += '-';
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// 区号-号码[-分机]: area code 0 plus 2-3 digits, number of 7-8 digits, e.g.
// 020-83134276, 0755-12345678, 010-68208275-123.
bool IsLandline(std::string_view v) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dash = v.find('-', start);
    parts.push_back(v.substr(start, dash == std::string_view::npos ? v.npos : dash - start));
    if (dash == std::string_view::npos) break;
    start = dash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) return false;
  for (auto p : parts) {
    if (!AllDigits(p)) return false;
  }
  if (parts[0].size() < 3 || parts[0].size() > 4 || parts[0][0] != '0') return false;
  if (parts[1].size() < 7 || parts[1].size() > 8 || parts[1][0] == '0') return false;
  return parts.size() == 2 || parts[2].size() <= 6;
}

// 11 digits, 1 then 3-9: 13800138000.
bool IsMobile(std::string_view v) {
  return v.size() == 11 && AllDigits(v) && v[0] == '1' && v[1] >= '3' && v[1] <= '9';
}

bool IsEmail(std::string_view v) {
  if (v.size() > kEmailMax) return false;
  auto at = v.find('@');
  if (at == std::string_view::npos || v.find('@', at + 1) != std::string_view::npos) return false;
  auto local = v.substr(0, at), domain = v.substr(at + 1);
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  static constexpr std::string_view kLocalPunct = ".!#$%&'*+/=?^_`{|}~-";
  for (char c : local) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && kLocalPunct.find(c) == std::string_view::npos) return false;
  }
  size_t labels = 0;
  std::string_view last;
  size_t start = 0;
  while (true) {
    size_t dot = domain.find('.', start);
    auto label = domain.substr(start, dot == std::string_view::npos ? domain.npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return false;
    }
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2 || last.size() < 2) return false;
  return std::all_of(last.begin(), last.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

Error FieldError(std::string code, std::string field, std::string message) {
  return Error::Invalid(std::move(code), std::move(message), std::move(field));
}

// Validates one person; appends problems to `errors`.
void ValidateContact(const ContactRoleInfo& role, const Json& person, Contact* out,
                     std::vector<Error>& errors) {
  const std::string prefix = std::string(role.id) + ".";
  for (const auto& item : person.items()) {
    const std::string& key = item.key();
    bool known = std::any_of(kFields.begin(), kFields.end(),
                             [&](const FieldInfo& f) { return f.id == key; });
    if (!known) {
      errors.push_back(FieldError("unknown_field", prefix + Shown(key),
                                  fmt::format("{}：未知字段“{}”", role.label, Shown(key))));
    }
  }
  Contact c;
  std::set<std::string_view> broken;  // fields already reported as unreadable
  for (const auto& f : kFields) {
    const std::string path = prefix + std::string(f.id);
    auto it = person.find(std::string(f.id));
    if (it == person.end() || it->is_null()) continue;
    if (!it->is_string()) {
      errors.push_back(
          FieldError("wrong_type", path, fmt::format("{}的{}应为字符串", role.label, f.label)));
      broken.insert(f.id);
      continue;
    }
    const std::string& raw = it->get_ref<const std::string&>();
    if (!IsValidUtf8(raw)) {
      errors.push_back(FieldError("invalid_field", path,
                                  fmt::format("{}的{}含有无效的 UTF-8 编码", role.label, f.label)));
      broken.insert(f.id);
      continue;
    }
    std::string v = Trim(raw);
    if (HasControlCharacter(v)) {
      errors.push_back(FieldError("invalid_field", path,
                                  fmt::format("{}的{}含有不可见的控制字符", role.label, f.label)));
      broken.insert(f.id);
      continue;
    }
    if (f.id == "phone" || f.id == "fax" || f.id == "mobile") v = AsciiDigits(v);
    c.*f.member = std::move(v);
  }
  auto bad = [&](std::string_view id) { return broken.count(id) > 0; };

  // 姓名
  if (!bad("name")) {
    size_t n = CountCodePoints(c.name);
    if (n == 0 || !HasVisibleCharacter(c.name)) {
      errors.push_back(
          FieldError("missing_field", prefix + "name", fmt::format("请填写{}的姓名", role.label)));
    } else if (n < kNameMin || n > kNameMax) {
      errors.push_back(FieldError(
          "invalid_field", prefix + "name",
          fmt::format("{}的姓名应为{}-{}个字符，实际{}个", role.label, kNameMin, kNameMax, n)));
    }
  }
  // 部门及职务
  if (!bad("department_title")) {
    size_t n = CountCodePoints(c.department_title);
    if (n == 0) {
      errors.push_back(FieldError("missing_field", prefix + "department_title",
                                  fmt::format("请填写{}的部门及职务", role.label)));
    } else if (n > kDepartmentMax) {
      errors.push_back(FieldError("invalid_field", prefix + "department_title",
                                  fmt::format("{}的部门及职务过长：最多{}个字符，实际{}个",
                                              role.label, kDepartmentMax, n)));
    }
  }
  // 电话 / 手机: at least one.
  if (c.phone.empty() && c.mobile.empty() && !bad("phone") && !bad("mobile")) {
    errors.push_back(FieldError("missing_field", prefix + "phone",
                                fmt::format("{}的电话和手机至少填写一项", role.label)));
  }
  for (auto [id, label, value] : {std::tuple{"phone", "电话", &c.phone}, {"fax", "传真", &c.fax}}) {
    if (!value->empty() && !IsLandline(*value)) {
      errors.push_back(FieldError(
          "invalid_field", prefix + id,
          fmt::format("{}的{}格式不正确：应为“区号-号码”，如 020-83134276（可加 -分机号）",
                      role.label, label)));
    }
  }
  if (!c.mobile.empty() && !IsMobile(c.mobile)) {
    errors.push_back(
        FieldError("invalid_field", prefix + "mobile",
                   fmt::format("{}的手机号码格式不正确：应为以13至19开头的11位数字，如 13800138000",
                               role.label)));
  }
  if (!c.email.empty() && !IsEmail(c.email)) {
    errors.push_back(
        FieldError("invalid_field", prefix + "email",
                   fmt::format("{}的电子邮件格式不正确，应如 name@example.com", role.label)));
  }
  *out = std::move(c);
}

Json OptText(const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); }

}  // namespace

const std::array<ContactRoleInfo, kContactRoleCount>& ContactRoles() { return kRoles; }

std::optional<size_t> ContactRoleIndex(std::string_view id) { return RoleIndexIn(id); }

std::optional<std::string_view> ContactRoleLabel(std::string_view id) {
  if (auto i = ContactRoleIndex(id)) return kRoles[*i].label;
  return std::nullopt;
}

const Contact* ContactForm::Find(std::string_view id) const {
  if (auto i = ContactRoleIndex(id)) return &contacts[*i];
  return nullptr;
}

std::vector<Error> ValidateContactForm(const Json& body, ContactForm* out) {
  std::vector<Error> errors;
  if (!body.is_object()) {
    errors.push_back(
        FieldError("wrong_type", "",
                   "联系人表应为对象：{\"leader\":{…},\"liaison\":{…},\"platform_admin\":{…}}"));
    return errors;
  }
  for (const auto& [key, value] : body.items()) {
    if (!RoleIndexIn(key)) {
      errors.push_back(FieldError(
          "unknown_field", Shown(key),
          fmt::format("未知字段“{}”：联系人表只有 leader（工作负责人）、liaison（工作联系人）、"
                      "platform_admin（省级评估服务分平台管理员）",
                      Shown(key))));
    }
  }
  ContactForm form;
  for (size_t i = 0; i < kRoles.size(); ++i) {
    const auto& role = kRoles[i];
    auto it = body.find(std::string(role.id));
    if (it == body.end() || it->is_null()) {
      errors.push_back(FieldError("missing_field", std::string(role.id),
                                  fmt::format("缺少{}（{}）", role.label, role.id)));
      continue;
    }
    if (!it->is_object()) {
      errors.push_back(FieldError("wrong_type", std::string(role.id),
                                  fmt::format("{}（{}）应为对象，含 name、department_title、phone、"
                                              "fax、mobile、email",
                                              role.label, role.id)));
      continue;
    }
    ValidateContact(role, *it, &form.contacts[i], errors);
  }
  if (errors.empty() && out) *out = std::move(form);
  return errors;
}

Json ContactFormToJson(const ContactForm& form) {
  Json out = Json::object();
  for (size_t i = 0; i < kRoles.size(); ++i) {
    const Contact& c = form.contacts[i];
    out[std::string(kRoles[i].id)] = {{"role_label", kRoles[i].label},
                                      {"name", c.name},
                                      {"department_title", c.department_title},
                                      {"phone", OptText(c.phone)},
                                      {"fax", OptText(c.fax)},
                                      {"mobile", OptText(c.mobile)},
                                      {"email", OptText(c.email)}};
  }
  return out;
}

}  // namespace rongping::campaign
