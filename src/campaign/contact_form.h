// The contacts form (联系人表) itself: its three roles and six fields, and
// the validation of a unit's form as people fill it in. Pure: no storage.
#ifndef RONGPING_CAMPAIGN_CONTACT_FORM_H_
#define RONGPING_CAMPAIGN_CONTACT_FORM_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"

namespace rongping::campaign {

struct ContactRoleInfo {
  std::string_view id;     // leader | liaison | platform_admin
  std::string_view label;  // 工作负责人 | 工作联系人 | 省级评估服务分平台管理员
};
inline constexpr size_t kContactRoleCount = 3;
// The roles in the form's order.
const std::array<ContactRoleInfo, kContactRoleCount>& ContactRoles();
// The 中文 label of a role id, or nullopt for an unknown id.
std::optional<std::string_view> ContactRoleLabel(std::string_view id);
// The position of a role id in ContactRoles(), or nullopt for an unknown id.
std::optional<size_t> ContactRoleIndex(std::string_view id);

// One person of the form. Optional fields are empty when not given.
struct Contact {
  std::string name;              // 姓名
  std::string department_title;  // 部门及职务
  std::string phone;             // 电话, 区号-号码
  std::string fax;               // 传真, 区号-号码
  std::string mobile;            // 手机, 11 digits
  std::string email;             // 电子邮件
};

// A unit's form: one contact per role, indexed as ContactRoles().
struct ContactForm {
  std::array<Contact, kContactRoleCount> contacts;
  // The contact of role `id`, or nullptr for an unknown id.
  const Contact* Find(std::string_view id) const;
};

// Validates a form given as JSON:
//   {"leader":{...},"liaison":{...},"platform_admin":{...}}
// with each person {"name","department_title","phone","fax","mobile","email"}
// (strings; null or absent for the optional ones). All three roles are
// required. Per person: name 2-20 characters; department_title required, at
// most 50; at least one of phone and mobile; phone and fax as 区号-号码 (e.g.
// 020-83134276, optionally -分机); mobile 11 digits 1[3-9]xxxxxxxxx; email a
// valid address. Values are trimmed and full-width digits and hyphens are
// read as ASCII. Returns every problem (kInvalid, field a path such as
// "leader.mobile", 中文 message); empty when valid, and then fills *out.
std::vector<Error> ValidateContactForm(const nlohmann::ordered_json& body, ContactForm* out);

// {"leader":{"role_label","name","department_title","phone","fax","mobile",
// "email"},...}; empty optional fields are null.
nlohmann::ordered_json ContactFormToJson(const ContactForm& form);

}  // namespace rongping::campaign

#endif  // RONGPING_CAMPAIGN_CONTACT_FORM_H_
