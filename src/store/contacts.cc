#include "store/contacts.h"

namespace rongping::store {
namespace {

Value NullIfEmpty(const std::string& v) {
  if (v.empty()) return std::monostate{};
  return v;
}

}  // namespace

Result<std::optional<std::string>> FirstContactsSubmittedAt(Tx& tx, std::string_view round_code,
                                                            std::string_view unit_code) {
  auto rows = tx.Query("SELECT MIN(submitted_at) FROM contacts WHERE round_code = $1 AND unit_code = $2",
                       {std::string(round_code), std::string(unit_code)});
  if (!rows) return Fail(rows.error());
  if (rows->empty() || rows->rows[0].IsNull(0)) return std::optional<std::string>();
  return std::optional<std::string>(rows->rows[0].Text(0));
}

Result<void> ReplaceUnitContacts(Tx& tx, std::string_view round_code, std::string_view unit_code,
                                 const std::vector<ContactRow>& rows) {
  const std::string round(round_code), unit(unit_code);
  if (auto r = tx.Exec("DELETE FROM contacts WHERE round_code = $1 AND unit_code = $2", {round, unit}); !r) {
    return Fail(r.error());
  }
  for (const ContactRow& c : rows) {
    auto r = tx.Exec(
        "INSERT INTO contacts (round_code, unit_code, role, name, department_title, phone, fax, mobile, email, "
        "submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        {round, unit, c.role, c.name, c.department_title, NullIfEmpty(c.phone), NullIfEmpty(c.fax),
         NullIfEmpty(c.mobile), NullIfEmpty(c.email), c.submitted_by, c.submitted_at});
    if (!r) return Fail(r.error());
  }
  return {};
}

namespace {

Result<std::vector<ContactRow>> SelectContactRows(Tx& tx, std::string_view where, const std::vector<Value>& params) {
  auto rows = tx.Query(
      "SELECT unit_code, role, name, department_title, phone, fax, mobile, email, submitted_by, submitted_at "
      "FROM contacts WHERE " + std::string(where) + " ORDER BY unit_code, role",
      params);
  if (!rows) return Fail(rows.error());
  std::vector<ContactRow> out;
  for (const Row& r : rows->rows) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7),
                   r.Text(8), r.Text(9)});
  }
  return out;
}

}  // namespace

Result<std::vector<ContactRow>> ListContactRows(Tx& tx, std::string_view round_code) {
  return SelectContactRows(tx, "round_code = $1", {std::string(round_code)});
}

Result<std::vector<ContactRow>> ListUnitContactRows(Tx& tx, std::string_view round_code, std::string_view unit_code) {
  return SelectContactRows(tx, "round_code = $1 AND unit_code = $2", {std::string(round_code), std::string(unit_code)});
}

}  // namespace rongping::store
