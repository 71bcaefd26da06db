#include "store/units.h"

#include <algorithm>

#include <fmt/format.h>

#include "store/memo.h"

namespace rongping::store {

Result<int64_t> UpsertUnits(Tx& tx, std::vector<domain::Unit> units) {
  auto existing = ListUnits(tx);
  if (!existing) return Fail(existing.error());
  std::map<std::string, domain::Unit> all;
  for (auto& u : *existing) all[u.code] = u;
  for (auto& u : units) all[u.code] = u;

  // Reporting parent: a carved-out district reports to its parent's parent.
  for (auto& [code, u] : all) {
    u.parent_code = u.admin_parent_code;
    if (u.kind == "district" && !u.admin_parent_code.empty()) {
      auto it = all.find(u.admin_parent_code);
      if (it == all.end()) {
        return Fail(Error::Invalid("unknown_parent",
                                   fmt::format("单位 {} 的上级单位 {} 不存在", code,
                                               u.admin_parent_code),
                                   "parent_code"));
      }
      u.parent_code = it->second.admin_parent_code;
    }
    if (!u.parent_code.empty() && !all.count(u.parent_code)) {
      return Fail(Error::Invalid(
          "unknown_parent", fmt::format("单位 {} 的上级单位 {} 不存在", code, u.parent_code),
          "parent_code"));
    }
  }
  // Paths along reporting parents; detects cycles.
  std::vector<std::string> order;
  for (auto& [code, u] : all) {
    std::string path = "/" + code + "/";
    std::string p = u.parent_code;
    int depth = 0;
    while (!p.empty()) {
      if (++depth > 16) {
        return Fail(Error::Invalid("unit_cycle", fmt::format("单位 {} 的上级关系存在循环", code),
                                   "parent_code"));
      }
      path = "/" + p + path;
      p = all[p].parent_code;
    }
    u.path = path;
  }
  // Parents before children for the foreign key.
  std::vector<const domain::Unit*> sorted;
  for (auto& [code, u] : all) sorted.push_back(&u);
  std::sort(sorted.begin(), sorted.end(), [](const domain::Unit* a, const domain::Unit* b) {
    return a->path.size() != b->path.size() ? a->path.size() < b->path.size() : a->code < b->code;
  });
  int64_t written = 0;
  for (const domain::Unit* u : sorted) {
    auto r = tx.Exec(
        "INSERT INTO units (code, name, parent_code, admin_parent_code, kind, grp, above_scale, "
        "path) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO UPDATE SET "
        "name = excluded.name, parent_code = excluded.parent_code, admin_parent_code = "
        "excluded.admin_parent_code, kind = excluded.kind, grp = excluded.grp, above_scale = "
        "excluded.above_scale, path = excluded.path",
        {u->code, u->name, u->parent_code.empty() ? Value{} : Value{u->parent_code},
         u->admin_parent_code.empty() ? Value{} : Value{u->admin_parent_code}, u->kind,
         u->group.empty() ? Value{} : Value{u->group}, Nullable(u->above_scale), u->path});
    if (!r) return Fail(r.error());
    written += *r;
  }
  return written;
}

Result<int64_t> UpsertIndustries(Tx& tx, const std::vector<domain::Industry>& industries) {
  int64_t written = 0;
  for (const auto& i : industries) {
    auto r = tx.Exec(
        "INSERT INTO industries (code, name, section, grp) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (code) DO UPDATE SET name = excluded.name, section = excluded.section, "
        "grp = excluded.grp",
        {i.code, i.name, i.section, i.group});
    if (!r) return Fail(r.error());
    written += *r;
  }
  return written;
}

Result<std::vector<domain::Unit>> ListUnits(Tx& tx) {
  auto rows = tx.Query(
      "SELECT code, name, parent_code, admin_parent_code, kind, grp, above_scale, path "
      "FROM units ORDER BY path");
  if (!rows) return Fail(rows.error());
  std::vector<domain::Unit> out;
  for (const auto& r : rows->rows) {
    domain::Unit u;
    u.code = domain::UnitCode::FromStored(r.Text(0));
    u.name = r.Text(1);
    u.parent_code = r.Text(2);
    u.admin_parent_code = r.Text(3);
    u.kind = r.Text(4);
    u.group = r.Text(5);
    if (!r.IsNull(6)) u.above_scale = r.Int(6);
    u.path = r.Text(7);
    out.push_back(std::move(u));
  }
  return out;
}

Result<std::vector<domain::Industry>> ListIndustries(Tx& tx) {
  auto rows = tx.Query("SELECT code, name, section, grp FROM industries ORDER BY code");
  if (!rows) return Fail(rows.error());
  std::vector<domain::Industry> out;
  for (const auto& r : rows->rows) {
    out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3)});
  }
  return out;
}

Result<std::shared_ptr<const domain::ReferenceIndex>> SharedReferenceIndex(Tx& tx) {
  using Shared = std::shared_ptr<const domain::ReferenceIndex>;
  if (tx.reference_index()) return tx.reference_index();
  auto versions = ReadStoreVersions(tx);
  if (!versions) return Fail(versions.error());
  const int64_t version = versions->of(MemoKind::kReferenceLists);
  // Lists kept at the version this transaction sees are the ones it would
  // read, in a write transaction too: had it written them, the version it
  // sees would be one it made.
  Shared shared = std::static_pointer_cast<const domain::ReferenceIndex>(
      tx.db().FindMemo(MemoKind::kReferenceLists, version, ""));
  if (!shared && tx.mode() == TxMode::kWrite) {
    // What a write transaction reads may yet be rolled back, so it keeps
    // nothing: the committed lists are read and kept by a read of their own,
    // and used when they are the version this transaction sees. Writes take
    // turns, so at most one waits on a second connection.
    struct Committed {
      int64_t version;
      Shared index;
    };
    auto committed = InTx(tx.db(), TxMode::kRead, [](Tx& read) -> Result<Committed> {
      auto index = SharedReferenceIndex(read);
      if (!index) return Fail(index.error());
      auto seen = ReadStoreVersions(read);
      if (!seen) return Fail(seen.error());
      return Committed{seen->of(MemoKind::kReferenceLists), *index};
    });
    if (committed && committed->version == version) shared = committed->index;
  }
  if (!shared) {
    auto index = LoadReferenceIndex(tx);
    if (!index) return Fail(index.error());
    shared = std::make_shared<const domain::ReferenceIndex>(std::move(*index));
    if (tx.mode() == TxMode::kRead) tx.db().KeepMemo(MemoKind::kReferenceLists, version, "", shared);
  }
  tx.set_reference_index(shared);
  return shared;
}

Result<domain::ReferenceIndex> LoadReferenceIndex(Tx& tx) {
  domain::ReferenceIndex index;
  auto units = ListUnits(tx);
  if (!units) return Fail(units.error());
  for (auto& u : *units) {
    if (!u.parent_code.empty()) ++index.child_count[u.parent_code];
    index.units.emplace(u.code, std::move(u));
  }
  auto industries = ListIndustries(tx);
  if (!industries) return Fail(industries.error());
  for (auto& i : *industries) index.industries.emplace(i.code, std::move(i));
  return index;
}

}  // namespace rongping::store
