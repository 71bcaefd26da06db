#include "store/copy.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "store/migrations.h"

namespace rongping::store {
namespace {

// A table in the order it is copied (each after the tables it refers to).
struct TableSpec {
  std::string_view name;
  std::string_view order;     // ORDER BY for copying: parents before children
  std::string_view auto_key;  // the auto-assigned key column, if any
};

constexpr std::array<TableSpec, 27> kTables = {{
    {"schema_migrations", "version", ""},
    {"units", "LENGTH(path), code", ""},
    {"industries", "code", ""},
    {"enterprises", "uscc", ""},
    {"users", "id", "id"},
    {"sessions", "token_hash", ""},
    {"login_throttle", "throttle_key", ""},
    {"agency_grants", "agency_user_id, uscc", ""},
    {"audit_log", "id", "id"},
    {"rounds", "code", ""},
    {"assessments", "id", "id"},
    {"assessment_events", "id", "id"},
    {"pledges", "id", "id"},
    {"targets", "round_code, unit_code", ""},
    {"contacts", "round_code, unit_code, role", ""},
    {"circulars", "id", "id"},
    {"assessment_changes", "seq", "seq"},
    {"jobs", "id", "id"},
    {"login_addresses", "user_id, address", ""},
    {"benchmark_packs", "id", "id"},
    {"mail_outbox", "id", "id"},
    {"reminder_batches", "id", "id"},
    {"reminders", "id", "id"},
    {"registrations", "id", "id"},
    {"support_measures", "id", "id"},
    {"support_recipients", "measure_id, uscc", ""},
    {"typical_cases", "year, uscc", ""},
}};

// Adds one value, with its type, to a row's hash.
void HashValue(crypto_generichash_state& state, const Value& v) {
  std::string bytes;
  if (std::holds_alternative<std::monostate>(v)) {
    bytes = "N";
  } else if (auto* n = std::get_if<int64_t>(&v)) {
    bytes = fmt::format("I{};", *n);
  } else if (auto* d = std::get_if<double>(&v)) {
    bytes = fmt::format("R{};", *d);
  } else {
    const auto& t = std::get<std::string>(v);
    bytes = fmt::format("T{}:", t.size()) + t;
  }
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

Result<TableSum> SumTable(Tx& tx, std::string_view table) {
  TableSum sum{std::string(table), 0, {}};
  uint64_t total = 0;
  auto scanned = tx.Scan(fmt::format("SELECT * FROM {}", table), {}, [&](const RowCursor& row) {
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, 16);
    for (int c = 0; c < row.ColumnCount(); ++c) HashValue(state, row.Get(c));
    std::array<unsigned char, 16> digest{};
    crypto_generichash_final(&state, digest.data(), digest.size());
    uint64_t h;
    std::memcpy(&h, digest.data(), sizeof h);
    total += h;
    ++sum.rows;
  });
  if (!scanned) return Fail(scanned.error());
  sum.checksum = fmt::format("{:016x}", total);
  return sum;
}

Result<std::vector<TableSum>> SumAll(Tx& tx) {
  std::vector<TableSum> out;
  for (const TableSpec& spec : kTables) {
    auto sum = SumTable(tx, spec.name);
    if (!sum) return Fail(sum.error());
    out.push_back(std::move(*sum));
  }
  return out;
}

// The tables of the database (its current schema), by name.
Result<std::set<std::string>> TablesOf(Tx& tx, std::string_view dialect) {
  auto rows = tx.Query(dialect == "sqlite"
                           ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                           : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                             "AND table_type = 'BASE TABLE'");
  if (!rows) return Fail(rows.error());
  std::set<std::string> out;
  for (const auto& r : rows->rows) out.insert(r.Text(0));
  return out;
}

// Tables of the schema that are not copied: their rows are the target's own.
// cache_versions counts writes (store/memo.h), and the copy's inserts count.
constexpr std::array<std::string_view, 1> kNotCopied = {"cache_versions"};

Result<void> CheckKnownTables(Tx& tx, std::string_view dialect, std::string_view which) {
  auto tables = TablesOf(tx, dialect);
  if (!tables) return Fail(tables.error());
  for (const auto& t : *tables) {
    if (std::find(kNotCopied.begin(), kNotCopied.end(), t) != kNotCopied.end()) continue;
    if (std::none_of(kTables.begin(), kTables.end(), [&](const TableSpec& s) { return s.name == t; })) {
      return Fail(Error::Conflict("unknown_table", fmt::format("{}数据库有本程序不认识的表“{}”，不能复制", which, t)));
    }
  }
  return {};
}

// Copies one table's rows, in batches of multi-row INSERTs.
Result<int64_t> CopyTable(Tx& source, Tx& target, const TableSpec& spec) {
  std::vector<std::string> columns;
  {
    auto probe = source.Query(fmt::format("SELECT * FROM {} LIMIT 1", spec.name));
    if (!probe) return Fail(probe.error());
    columns = probe->columns;
    if (probe->empty()) return 0;
  }
  const size_t per_row = columns.size();
  const size_t batch_rows = std::clamp<size_t>(30000 / per_row, 1, 500);
  std::string column_list;
  for (const auto& c : columns) column_list += (column_list.empty() ? "" : ", ") + c;
  std::vector<Value> params;
  params.reserve(batch_rows * per_row);
  int64_t copied = 0;
  std::optional<Error> failed;
  auto flush = [&]() {
    if (params.empty() || failed) return;
    const size_t rows = params.size() / per_row;
    std::string sql = fmt::format("INSERT INTO {} ({}) VALUES ", spec.name, column_list);
    for (size_t r = 0; r < rows; ++r) {
      sql += r ? ", (" : "(";
      for (size_t c = 0; c < per_row; ++c) sql += fmt::format("{}${}", c ? ", " : "", r * per_row + c + 1);
      sql += ")";
    }
    if (auto done = target.Exec(sql, params); !done) failed = done.error();
    copied += static_cast<int64_t>(rows);
    params.clear();
  };
  auto scanned = source.Scan(fmt::format("SELECT * FROM {} ORDER BY {}", spec.name, spec.order), {},
                             [&](const RowCursor& row) {
                               for (size_t c = 0; c < per_row; ++c) params.push_back(row.Get(static_cast<int>(c)));
                               if (params.size() >= batch_rows * per_row) flush();
                             });
  if (!scanned) return Fail(scanned.error());
  flush();
  if (failed) return Fail(*failed);
  return copied;
}

}  // namespace

Result<std::vector<TableSum>> SumTables(Db& db) {
  return InTx(db, TxMode::kRead, [](Tx& tx) { return SumAll(tx); });
}

Result<std::vector<TableCopy>> CopyDatabase(Db& from, Db& to) {
  if (sodium_init() < 0) return Fail(Error::Internal("libsodium 初始化失败"));
  auto migrated = Migrate(to);
  if (!migrated) return Fail(migrated.error());
  auto source = from.Begin(TxMode::kRead);
  if (!source) return Fail(source.error());
  Tx& src = **source;
  if (auto known = CheckKnownTables(src, from.Dialect(), "源"); !known) return Fail(known.error());
  auto version = src.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!version) return Fail(version.error());
  const int64_t latest = AllMigrations().back().version;
  if (version->rows[0].Int(0) != latest) {
    return Fail(Error::Conflict(
        "schema_version", fmt::format("源数据库的结构版本为 {}，本程序为 {}：请先用同版本的程序执行 rongping migrate",
                                      version->rows[0].Int(0), latest)));
  }
  auto copied = InTx(to, TxMode::kWrite, [&](Tx& dst) -> Result<void> {
    for (const TableSpec& spec : kTables) {
      if (spec.name == "schema_migrations") continue;
      auto rows = dst.Query(fmt::format("SELECT COUNT(*) FROM {}", spec.name));
      if (!rows) return Fail(rows.error());
      if (rows->rows[0].Int(0) != 0) {
        return Fail(Error::Conflict("target_not_empty",
                                    fmt::format("目标数据库的表“{}”已有 {} 行：请复制到一个新的空数据库",
                                                spec.name, rows->rows[0].Int(0))));
      }
    }
    // The migration history as the source has it.
    if (auto r = dst.Exec("DELETE FROM schema_migrations"); !r) return Fail(r.error());
    for (const TableSpec& spec : kTables) {
      auto n = CopyTable(src, dst, spec);
      if (!n) return Fail(n.error());
      if (!spec.auto_key.empty() && to.Dialect() == "postgresql") {
        // Keys assigned later continue after the highest copied.
        auto r = dst.Query(fmt::format("SELECT setval(pg_get_serial_sequence('{0}', '{1}'), COALESCE(MAX({1}), 1), "
                                       "MAX({1}) IS NOT NULL) FROM {0}",
                                       spec.name, spec.auto_key));
        if (!r) return Fail(r.error());
      }
    }
    return {};
  });
  if (!copied) return Fail(copied.error());
  auto from_sums = SumAll(src);
  if (!from_sums) return Fail(from_sums.error());
  auto to_sums = SumTables(to);
  if (!to_sums) return Fail(to_sums.error());
  std::vector<TableCopy> out;
  for (size_t i = 0; i < kTables.size(); ++i) {
    out.push_back({std::string(kTables[i].name), (*from_sums)[i], (*to_sums)[i]});
  }
  return out;
}

}  // namespace rongping::store
