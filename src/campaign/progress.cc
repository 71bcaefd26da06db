#include "campaign/progress.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "campaign/rounds.h"
#include "core/time.h"

namespace rongping::campaign {
namespace {

void ApplyTarget(ProgressRow& row, const std::map<std::string, TargetRule>& targets,
                 const domain::ReferenceIndex& units, double elapsed_share) {
  auto t = targets.find(row.unit_code);
  if (t == targets.end()) return;
  auto unit = units.units.find(row.unit_code);
  std::optional<int64_t> above_scale =
      unit == units.units.end() ? std::nullopt : unit->second.above_scale;
  row.target_rule = t->second.ToString();
  row.target = t->second.RequiredCompleted(above_scale);
  if (!row.target) return;
  row.target_met = row.completed >= *row.target;
  row.gap = std::max<int64_t>(0, *row.target - row.completed);
  if (*row.target > 0) {
    row.completion_rate = static_cast<double>(row.completed) / static_cast<double>(*row.target);
  }
  row.expected_by_today = static_cast<double>(*row.target) * elapsed_share;
}

}  // namespace

ProgressTable BuildProgress(const domain::Round& round, const domain::ReferenceIndex& units,
                            const std::string& root_code,
                            const std::vector<store::UnitCounts>& counts,
                            const std::map<std::string, TargetRule>& targets,
                            const std::string& as_of) {
  ProgressTable table;
  table.round_code = round.code;
  table.round_name = round.name;
  table.root_code = root_code;
  table.as_of = as_of;
  table.completion = round.completion;
  table.entries = round.entries;
  table.counting_note = CountingNote(round);

  auto today = domain::Date::Parse(as_of);
  double elapsed = 1;
  if (today && round.deadline > round.opens_on) {
    elapsed = std::clamp(static_cast<double>(today->DaysSince(round.opens_on)) /
                             static_cast<double>(round.deadline.DaysSince(round.opens_on)),
                         0.0, 1.0);
  }

  // Rows: the root's children, each summing the counts of its subtree.
  std::vector<const domain::Unit*> children;
  for (const auto& [code, u] : units.units) {
    if (u.parent_code == root_code && code != root_code) children.push_back(&u);
  }
  std::sort(children.begin(), children.end(), [](const auto* a, const auto* b) {
    // Cities first in code order, then units carved out of them (顺德区).
    bool a_district = a->kind == "district", b_district = b->kind == "district";
    return a_district != b_district ? b_district : a->code < b->code;
  });
  for (const auto* u : children) {
    ProgressRow row;
    row.unit_code = u->code;
    row.unit_name = u->name;
    row.has_children = units.child_count.count(u->code) > 0;
    for (const auto& c : counts) {
      if (units.InSubtree(c.unit_code, u->code)) {
        row.participating += c.participating;
        row.completed += c.completed;
      }
    }
    ApplyTarget(row, targets, units, elapsed);
    table.rows.push_back(std::move(row));
  }
  // Total: the root's whole subtree (or everything).
  ProgressRow& total = table.total;
  total.unit_code = root_code;
  auto root = units.units.find(root_code);
  total.unit_name = root == units.units.end() ? "全国" : root->second.name;
  for (const auto& c : counts) {
    if (root_code.empty() || units.InSubtree(c.unit_code, root_code)) {
      total.participating += c.participating;
      total.completed += c.completed;
    }
  }
  total.has_children = !table.rows.empty();
  ApplyTarget(total, targets, units, elapsed);

  // Rank by completion rate (ties share a rank).
  std::vector<ProgressRow*> ranked;
  for (auto& r : table.rows) {
    if (r.completion_rate) ranked.push_back(&r);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const ProgressRow* a, const ProgressRow* b) {
    return *a->completion_rate > *b->completion_rate;
  });
  for (size_t i = 0; i < ranked.size(); ++i) {
    ranked[i]->rank = (i > 0 && *ranked[i]->completion_rate == *ranked[i - 1]->completion_rate)
                          ? *ranked[i - 1]->rank
                          : static_cast<int>(i + 1);
  }
  return table;
}

Result<ProgressInputs> ReadProgressInputs(store::Db& db, const Principal* who,
                                          const std::string& round_code, const std::string& unit_code,
                                          const std::string& as_of, analytics::ProgressSnapshot* snapshot,
                                          const std::string& today) {
  if (who && !IsRegionAdmin(who->role) && who->role != Role::kAssociation) {
    return Fail(Error::Forbidden("进度表仅供主管部门和行业协会查看"));
  }
  // An association sees its own industries' participation in its region; a
  // day before today is counted from the event history.
  const bool by_industry = who && who->role == Role::kAssociation;
  const bool historical = as_of < today;
  if (by_industry || historical) snapshot = nullptr;
  ProgressInputs in;
  in.as_of = as_of;
  if (snapshot) {
    if (auto r = snapshot->Current(db); !r) return Fail(r.error());
    in.snapshot_seq = snapshot->last_seq();
  }
  auto read = InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<void> {
    auto round = store::FindRound(tx, round_code);
    if (!round) return Fail(round.error());
    if (!*round) return Fail(Error::NotFound("评估周期不存在"));
    in.round = std::move(**round);
    auto shared = store::SharedReferenceIndex(tx);
    if (!shared) return Fail(shared.error());
    in.index = std::move(*shared);
    const domain::ReferenceIndex& units = *in.index;
    if (who && !RoundConcerns(*who, in.round, units)) return Fail(Error::NotFound("评估周期不存在"));
    in.root = unit_code;
    if (in.root.empty()) {
      bool regional = who && (who->role == Role::kProvince || who->role == Role::kUnit ||
                              who->role == Role::kAssociation);
      in.root = regional ? who->scope_code : in.round.province_code;
    }
    if (!units.units.count(in.root)) return Fail(Error::NotFound("单位不存在"));
    if (who && who->role != Role::kMinistry && !units.UnitInScope(*who, in.root)) {
      return Fail(Error::NotFound("单位不存在"));
    }
    if (!snapshot) {
      store::CountQuery query;
      if (by_industry) query.industries = who->industries;
      if (historical) query.before = ChinaDayEndUtc(as_of);
      auto counts = store::CountByUnit(tx, round_code, query);
      if (!counts) return Fail(counts.error());
      in.counts = std::move(*counts);
    }
    auto target_rows = store::ListTargets(tx, round_code);
    if (!target_rows) return Fail(target_rows.error());
    in.target_rows = std::move(*target_rows);
    return {};
  });
  if (!read) return Fail(read.error());
  return in;
}

ProgressTable BuildProgress(const ProgressInputs& in, const analytics::ProgressSnapshot* snapshot) {
  std::map<std::string, TargetRule> targets;
  for (const auto& [unit, text] : in.target_rows) {
    auto rule = ParseTargetRule(text);
    if (rule) targets[unit] = *rule;
  }
  const std::vector<store::UnitCounts> counts =
      in.counts ? *in.counts : snapshot->Count(in.round.code, in.round.completion, in.round.entries);
  return BuildProgress(in.round, *in.index, in.root, counts, targets, in.as_of);
}

std::string ProgressKey(const ProgressInputs& in) {
  if (in.counts) return "";
  const domain::Round& r = in.round;
  std::string key = fmt::format(
      "{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", r.code, r.name,
      r.year, r.province_code, fmt::join(r.models, ","), r.opens_on.ToString(), r.closes_on.ToString(),
      r.deadline.ToString(), r.review_required, r.contacts_due ? r.contacts_due->ToString() : "-",
      static_cast<int>(r.completion), static_cast<int>(r.entries), in.root, in.as_of, in.snapshot_seq,
      static_cast<const void*>(in.index.get()));
  for (const auto& [unit, text] : in.target_rows) fmt::format_to(std::back_inserter(key), "\x1e{}\x1f{}", unit, text);
  return key;
}

Result<ProgressTable> LoadProgress(store::Db& db, const Principal* who,
                                   const std::string& round_code, const std::string& unit_code,
                                   const std::string& as_of,
                                   analytics::ProgressSnapshot* snapshot, const std::string& today) {
  auto in = ReadProgressInputs(db, who, round_code, unit_code, as_of, snapshot, today);
  if (!in) return Fail(in.error());
  return BuildProgress(*in, snapshot);
}

}  // namespace rongping::campaign
