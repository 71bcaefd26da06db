#include "store/circulars.h"

namespace rongping::store {

Result<std::optional<int64_t>> FindCircularOn(Tx& tx, std::string_view round_code, std::string_view unit_code,
                                              std::string_view as_of) {
  auto rows = tx.Query("SELECT id FROM circulars WHERE round_code = $1 AND unit_code = $2 AND as_of = $3",
                       {std::string(round_code), std::string(unit_code), std::string(as_of)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows->rows[0].Int(0));
}

Result<std::optional<CircularRecord>> FindPreviousCircular(Tx& tx, std::string_view round_code,
                                                           std::string_view unit_code, std::string_view as_of) {
  auto rows = tx.Query(
      "SELECT id, as_of, title, snapshot_json, created_by, created_at FROM circulars WHERE round_code = $1 AND "
      "unit_code = $2 AND as_of < $3 ORDER BY as_of DESC, id DESC LIMIT 1",
      {std::string(round_code), std::string(unit_code), std::string(as_of)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<CircularRecord>();
  const Row& r = rows->rows[0];
  CircularRecord c;
  c.id = r.Int(0);
  c.round_code = std::string(round_code);
  c.unit_code = std::string(unit_code);
  c.as_of = r.Text(1);
  c.title = r.Text(2);
  c.snapshot_json = r.Text(3);
  c.created_by = r.Text(4);
  c.created_at = r.Text(5);
  return std::optional<CircularRecord>(std::move(c));
}

Result<int64_t> InsertCircular(Tx& tx, const CircularRecord& c) {
  auto inserted = tx.Query(
      "INSERT INTO circulars (round_code, unit_code, as_of, title, snapshot_json, html, created_by, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {c.round_code, c.unit_code, c.as_of, c.title, c.snapshot_json, c.html, c.created_by, c.created_at});
  if (!inserted) return Fail(inserted.error());
  return inserted->rows.at(0).Int(0);
}

Result<std::vector<CircularRecord>> ListCirculars(Tx& tx, std::string_view round_code) {
  auto rows = tx.Query(
      "SELECT id, round_code, unit_code, as_of, title, created_by, created_at FROM circulars WHERE round_code = $1 "
      "ORDER BY as_of DESC, id DESC",
      {std::string(round_code)});
  if (!rows) return Fail(rows.error());
  std::vector<CircularRecord> out;
  for (const Row& r : rows->rows) {
    CircularRecord c;
    c.id = r.Int(0);
    c.round_code = r.Text(1);
    c.unit_code = r.Text(2);
    c.as_of = r.Text(3);
    c.title = r.Text(4);
    c.created_by = r.Text(5);
    c.created_at = r.Text(6);
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::optional<CircularRecord>> FindCircular(Tx& tx, int64_t id) {
  auto rows = tx.Query(
      "SELECT id, round_code, unit_code, as_of, title, snapshot_json, html, created_by, created_at FROM circulars "
      "WHERE id = $1",
      {id});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<CircularRecord>();
  const Row& r = rows->rows[0];
  return std::optional<CircularRecord>(CircularRecord{r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
                                                      r.Text(5), r.Text(6), r.Text(7), r.Text(8)});
}

}  // namespace rongping::store
