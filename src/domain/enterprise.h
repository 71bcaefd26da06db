// The enterprise record and the validation every input path shares (API,
// CSV/XLSX import, demo).
#ifndef RONGPING_DOMAIN_ENTERPRISE_H_
#define RONGPING_DOMAIN_ENTERPRISE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/size_class.h"
#include "domain/unit_code.h"
#include "domain/uscc.h"

namespace rongping {

// What a region admin is told when registering (or importing) a USCC that
// an enterprise outside its region already holds: the same words whether or
// not the code exists, so that registration does not reveal enterprises out
// of scope. The attempt is audited for the province that holds the code.
inline constexpr std::string_view kUsccUnavailableMessage =
    "无法登记该统一社会信用代码，请联系省级主管部门";

struct Enterprise {
  domain::Uscc uscc;  // the 统一社会信用代码
  std::string name;
  domain::UnitCode unit_code;  // leaf reporting unit
  std::string industry_code;  // GB/T 4754-2017 division, two digits
  std::string production_type;  // discrete_mass | discrete_small_batch | process | mixed
  int64_t employees = 0;
  double revenue_10k_yuan = 0;  // 营业收入, 万元
  SizeClass size_class = SizeClass::kMicro;
  bool above_scale = false;
  std::optional<std::string> ownership;  // state | private | foreign | hmt | collective | other
  std::optional<std::string> address;
  std::optional<std::string> contact_name;
  std::optional<std::string> contact_phone;
  std::optional<std::string> contact_email;
  int64_t version = 0;
  std::string created_at;
  std::string updated_at;
};

// Which enterprises to list, and how: filters, order and page.
struct EnterpriseQuery {
  std::string unit;      // unit code: its whole reporting subtree
  std::string industry;  // division code, or an industry group name (e.g. 电子信息)
  std::string q;         // substring of the name, or a prefix of the USCC
  std::string size;      // size class machine name
  std::string sort = "name";  // name | uscc | revenue | employees | updated_at
  bool descending = false;
  int64_t page = 1;           // 1-based
  int64_t per_page = 20;      // 1..500
};

// One page of a listing, and how many match in all.
struct EnterprisePage {
  std::vector<Enterprise> items;
  int64_t total = 0;
};

// Field values as text, as they arrive from a form, JSON or a spreadsheet
// cell. A field that is absent is nullopt (for PATCH: leave unchanged).
using EnterpriseFields = std::map<std::string, std::string, std::less<>>;

// The field names accepted on input, in the import column order.
const std::vector<std::string_view>& EnterpriseFieldNames();
// Fields a new enterprise must have.
const std::vector<std::string_view>& RequiredEnterpriseFields();

// What validation needs to know about reference data.
struct EnterpriseReference {
  // True when `code` is a reporting unit that can hold enterprises (a leaf).
  std::function<bool(std::string_view code)> is_leaf_unit;
  // True when `code` is a known GB/T 4754 division.
  std::function<bool(std::string_view code)> is_industry;
};

// Applies `fields` on top of `base` (a blank record for a new enterprise) and
// validates the result. Returns every problem found, one Error per field, in
// field order; empty on success, in which case `out` holds the record with
// its size class and above-scale flag computed. Unknown field names are
// errors. When `require_all` is true the required fields must be present.
std::vector<Error> ApplyEnterpriseFields(const EnterpriseFields& fields, const Enterprise& base,
                                         bool require_all, const EnterpriseReference& ref,
                                         Enterprise* out);

// A value an enterprise field may take, as stored and sent, and its 中文 label.
struct LabelledValue {
  std::string_view value;
  std::string_view label;
};

// The production types a record may have, in the order forms list them.
std::span<const LabelledValue> ProductionTypes();

// 中文 labels of production types and ownership kinds, for display.
std::string_view ProductionTypeLabel(std::string_view production_type);
std::string_view OwnershipLabel(std::string_view ownership);

}  // namespace rongping

#endif  // RONGPING_DOMAIN_ENTERPRISE_H_
