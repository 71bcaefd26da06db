// JSON form of an enterprise, for the API and the audit trail.
#ifndef RONGPING_ENTERPRISE_ENTERPRISE_JSON_H_
#define RONGPING_ENTERPRISE_ENTERPRISE_JSON_H_

#include <nlohmann/json_fwd.hpp>

#include "domain/enterprise.h"

namespace rongping {

// Fields: uscc, name, unit_code, industry_code, production_type,
// production_type_label, employees, revenue_10k_yuan, size_class,
// size_class_label, above_scale, ownership, address, contact_*, version,
// created_at, updated_at.
nlohmann::ordered_json EnterpriseToJson(const Enterprise& e);

// Compact JSON text of the stored fields, for audit before/after values.
std::string EnterpriseAuditJson(const Enterprise& e);

// The members of a request body as the text fields ApplyEnterpriseFields
// validates, leaving out member `skip` (e.g. "version"). Strings are accepted
// everywhere, numbers only for employees and revenue_10k_yuan; null clears an
// optional field; anything else is kInvalid "wrong_type" naming the field.
Result<EnterpriseFields> EnterpriseFieldsFromJson(const nlohmann::ordered_json& body, std::string_view skip);

}  // namespace rongping

#endif  // RONGPING_ENTERPRISE_ENTERPRISE_JSON_H_
