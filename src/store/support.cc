#include "store/support.h"

#include <fmt/format.h>

namespace rongping::store {
namespace {

constexpr std::string_view kMeasureColumns =
    "m.id, m.name, m.kind, m.year, m.amount_10k_yuan, m.unit_code, m.note, m.created_by, "
    "m.created_at, "
    "m.updated_at, m.version, (SELECT COUNT(*) FROM support_recipients r WHERE r.measure_id = "
    "m.id)";

domain::SupportMeasure MeasureFrom(const Row& r) {
  domain::SupportMeasure m;
  m.id = r.Int(0);
  m.name = r.Text(1);
  m.kind = r.Text(2);
  m.year = static_cast<int>(r.Int(3));
  if (!r.IsNull(4)) m.amount_10k_yuan = r.Real(4);
  m.unit_code = r.Text(5);
  m.note = r.Text(6);
  m.created_by = r.Text(7);
  m.created_at = r.Text(8);
  m.updated_at = r.Text(9);
  m.version = r.Int(10);
  m.recipients = r.Int(11);
  return m;
}

constexpr std::string_view kCaseColumns =
    "year, uscc, unit_code, title, body, measure_id, marked_by, marked_at";

domain::TypicalCase CaseFrom(const Row& r) {
  domain::TypicalCase c;
  c.year = static_cast<int>(r.Int(0));
  c.uscc = r.Text(1);
  c.unit_code = r.Text(2);
  c.title = r.Text(3);
  c.text = r.Text(4);
  if (!r.IsNull(5)) c.measure_id = r.Int(5);
  c.marked_by = r.Text(6);
  c.marked_at = r.Text(7);
  return c;
}

}  // namespace

Result<domain::SupportMeasure> InsertSupportMeasure(Tx& tx, domain::SupportMeasure m) {
  m.created_at = m.updated_at = tx.Now();
  m.version = 1;
  auto rows = tx.Query(
      "INSERT INTO support_measures (name, kind, year, amount_10k_yuan, unit_code, note, "
      "created_by, created_at, "
      "updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) RETURNING id",
      {m.name, m.kind, int64_t{m.year}, Nullable(m.amount_10k_yuan), m.unit_code, m.note,
       m.created_by, m.created_at});
  if (!rows) return Fail(rows.error());
  m.id = rows->rows.at(0).Int(0);
  m.recipients = 0;
  return m;
}

Result<domain::SupportMeasure> UpdateSupportMeasure(Tx& tx, domain::SupportMeasure m) {
  auto changed = tx.Exec(
      "UPDATE support_measures SET name = $1, kind = $2, year = $3, amount_10k_yuan = $4, note = "
      "$5, "
      "updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8",
      {m.name, m.kind, int64_t{m.year}, Nullable(m.amount_10k_yuan), m.note, tx.Now(), m.id,
       m.version});
  if (!changed) return Fail(changed.error());
  auto now = FindSupportMeasure(tx, m.id);
  if (!now) return Fail(now.error());
  if (!*now) return Fail(Error::NotFound("支持措施不存在"));
  if (*changed == 0) {
    return Fail(Error::Conflict("version_conflict", "该支持措施已被他人修改，请刷新后重试"));
  }
  return **now;
}

Result<bool> DeleteSupportMeasure(Tx& tx, int64_t id) {
  // Cases keep their text without the measure; recipients go with it.
  if (auto r = tx.Exec("UPDATE typical_cases SET measure_id = NULL WHERE measure_id = $1", {id});
      !r) {
    return Fail(r.error());
  }
  if (auto r = tx.Exec("DELETE FROM support_recipients WHERE measure_id = $1", {id}); !r)
    return Fail(r.error());
  auto deleted = tx.Exec("DELETE FROM support_measures WHERE id = $1", {id});
  if (!deleted) return Fail(deleted.error());
  return *deleted > 0;
}

Result<std::optional<domain::SupportMeasure>> FindSupportMeasure(Tx& tx, int64_t id) {
  auto rows = tx.Query(
      fmt::format("SELECT {} FROM support_measures m WHERE m.id = $1", kMeasureColumns), {id});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<domain::SupportMeasure>();
  return std::optional<domain::SupportMeasure>(MeasureFrom(rows->rows[0]));
}

Result<std::vector<domain::SupportMeasure>> ListSupportMeasures(Tx& tx, int year) {
  auto rows = tx.Query(fmt::format("SELECT {} FROM support_measures m WHERE $1 = 0 OR m.year = $1 "
                                   "ORDER BY m.year DESC, m.id",
                                   kMeasureColumns),
                       {int64_t{year}});
  if (!rows) return Fail(rows.error());
  std::vector<domain::SupportMeasure> out;
  for (const Row& r : rows->rows) out.push_back(MeasureFrom(r));
  return out;
}

Result<std::vector<domain::SupportRecipient>> ListSupportRecipients(Tx& tx, int64_t measure_id) {
  auto rows = tx.Query(
      "SELECT uscc, amount_10k_yuan, note, added_by, added_at FROM support_recipients WHERE "
      "measure_id = $1 "
      "ORDER BY uscc",
      {measure_id});
  if (!rows) return Fail(rows.error());
  std::vector<domain::SupportRecipient> out;
  for (const Row& r : rows->rows) {
    domain::SupportRecipient s{r.Text(0), std::nullopt, r.Text(2), r.Text(3), r.Text(4)};
    if (!r.IsNull(1)) s.amount_10k_yuan = r.Real(1);
    out.push_back(std::move(s));
  }
  return out;
}

Result<Upserted> UpsertSupportRecipient(Tx& tx, int64_t measure_id,
                                        const domain::SupportRecipient& r) {
  auto rows = tx.Query(
      "SELECT amount_10k_yuan, note FROM support_recipients WHERE measure_id = $1 AND uscc = $2",
      {measure_id, r.uscc});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) {
    auto added = tx.Exec(
        "INSERT INTO support_recipients (measure_id, uscc, amount_10k_yuan, note, added_by, "
        "added_at) "
        "VALUES ($1, $2, $3, $4, $5, $6)",
        {measure_id, r.uscc, Nullable(r.amount_10k_yuan), r.note, r.added_by, tx.Now()});
    if (!added) return Fail(added.error());
    return Upserted::kInserted;
  }
  const Row& old = rows->rows[0];
  const std::optional<double> old_amount =
      old.IsNull(0) ? std::nullopt : std::optional<double>(old.Real(0));
  if (old_amount == r.amount_10k_yuan && old.Text(1) == r.note) return Upserted::kUnchanged;
  auto changed = tx.Exec(
      "UPDATE support_recipients SET amount_10k_yuan = $1, note = $2 WHERE measure_id = $3 AND "
      "uscc = $4",
      {Nullable(r.amount_10k_yuan), r.note, measure_id, r.uscc});
  if (!changed) return Fail(changed.error());
  return Upserted::kUpdated;
}

Result<bool> DeleteSupportRecipient(Tx& tx, int64_t measure_id, const std::string& uscc) {
  auto deleted = tx.Exec("DELETE FROM support_recipients WHERE measure_id = $1 AND uscc = $2",
                         {measure_id, uscc});
  if (!deleted) return Fail(deleted.error());
  return *deleted > 0;
}

Result<std::set<std::string>> SupportedEnterprises(Tx& tx, int first_year, int last_year) {
  auto rows = tx.Query(
      "SELECT DISTINCT r.uscc FROM support_recipients r JOIN support_measures m ON m.id = "
      "r.measure_id "
      "WHERE m.year >= $1 AND m.year <= $2",
      {int64_t{first_year}, int64_t{last_year}});
  if (!rows) return Fail(rows.error());
  std::set<std::string> out;
  for (const Row& r : rows->rows) out.insert(r.Text(0));
  return out;
}

Result<void> UpsertTypicalCase(Tx& tx, const domain::TypicalCase& c) {
  auto gone = DeleteTypicalCase(tx, c.year, c.uscc);
  if (!gone) return Fail(gone.error());
  auto added = tx.Exec(
      "INSERT INTO typical_cases (year, uscc, unit_code, title, body, measure_id, marked_by, "
      "marked_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {int64_t{c.year}, c.uscc, c.unit_code, c.title, c.text, Nullable(c.measure_id), c.marked_by,
       tx.Now()});
  if (!added) return Fail(added.error());
  return {};
}

Result<bool> DeleteTypicalCase(Tx& tx, int year, const std::string& uscc) {
  auto deleted =
      tx.Exec("DELETE FROM typical_cases WHERE year = $1 AND uscc = $2", {int64_t{year}, uscc});
  if (!deleted) return Fail(deleted.error());
  return *deleted > 0;
}

Result<std::optional<domain::TypicalCase>> FindTypicalCase(Tx& tx, int year,
                                                           const std::string& uscc) {
  auto rows = tx.Query(
      fmt::format("SELECT {} FROM typical_cases WHERE year = $1 AND uscc = $2", kCaseColumns),
      {int64_t{year}, uscc});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<domain::TypicalCase>();
  return std::optional<domain::TypicalCase>(CaseFrom(rows->rows[0]));
}

Result<std::vector<domain::TypicalCase>> ListTypicalCases(Tx& tx, int year) {
  auto rows = tx.Query(fmt::format("SELECT {} FROM typical_cases WHERE $1 = 0 OR year = $1 "
                                   "ORDER BY year DESC, marked_at, uscc",
                                   kCaseColumns),
                       {int64_t{year}});
  if (!rows) return Fail(rows.error());
  std::vector<domain::TypicalCase> out;
  for (const Row& r : rows->rows) out.push_back(CaseFrom(r));
  return out;
}

}  // namespace rongping::store
