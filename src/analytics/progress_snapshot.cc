#include "analytics/progress_snapshot.h"

#include <mutex>

namespace rongping::analytics {

uint16_t ProgressSnapshot::UnitIndex(std::string_view code) {
  if (auto it = unit_index_.find(code); it != unit_index_.end()) return it->second;
  auto index = static_cast<uint16_t>(unit_codes_.size());
  unit_index_.emplace(std::string(code), index);
  unit_codes_.emplace_back(code);
  return index;
}

void ProgressSnapshot::Apply(const store::AssessmentChange& c) {
  // Look up before inserting: most changes hit known rounds and enterprises.
  auto ri = round_index_.find(c.round_code);
  if (ri == round_index_.end()) {
    ri = round_index_.emplace(std::string(c.round_code), static_cast<uint32_t>(rounds_.size())).first;
    rounds_.emplace_back();
  }
  Round& round = rounds_[ri->second];
  auto si = round.slot_of.find(c.uscc);
  if (si == round.slot_of.end()) {
    si = round.slot_of.emplace(std::string(c.uscc), static_cast<uint32_t>(round.enterprises.size())).first;
    round.enterprises.emplace_back();
  }
  Enterprise& e = round.enterprises[si->second];
  e.unit = UnitIndex(c.unit_code);
  auto count = [&](char status, int delta) {
    e.assessments += delta;
    if (status == 'a') e.approved += delta;
    if (status == 's') e.submitted += delta;
  };
  char status = c.status.empty() ? 'd' : c.status[0];
  auto [ai, new_assessment] = assessments_.emplace(c.id, Assessment{ri->second, si->second, status});
  if (!new_assessment) count(ai->second.status, -1);
  ai->second.status = status;
  count(status, +1);
}

Result<void> ProgressSnapshot::CatchUp(store::Db& db) {
  return feed_.Run(db, /*local_only=*/false, [&] { return ReadFeed(db); });
}

Result<void> ProgressSnapshot::Current(store::Db& db) {
  return feed_.Run(db, feed_.followed(), [&] { return ReadFeed(db); });
}

Result<void> ProgressSnapshot::ReadFeed(store::Db& db) {
  // A change read from the feed, kept until it is applied.
  struct Pending {
    int64_t id;
    std::string round_code, uscc, unit_code, status;
  };
  std::vector<Pending> pending;
  auto scan = [&pending](store::Tx& tx, int64_t after, int64_t limit) {
    return store::ScanChanges(tx, after, limit, [&pending](const store::AssessmentChange& c) {
      pending.push_back({c.id, std::string(c.round_code), std::string(c.uscc), std::string(c.unit_code),
                         std::string(c.status)});
    });
  };
  auto apply = [&](bool keep) {
    if (keep && !pending.empty()) {
      std::unique_lock lock(mu_);
      for (const auto& c : pending) Apply({c.id, c.round_code, c.uscc, c.unit_code, c.status});
    }
    pending.clear();
  };
  return feed_.ReadAll(db, scan, apply);
}

std::vector<store::UnitCounts> ProgressSnapshot::Count(std::string_view round_code,
                                                       store::Completion completion,
                                                       store::EntryCount entries) const {
  std::shared_lock lock(mu_);
  std::vector<store::UnitCounts> out;
  auto ri = round_index_.find(round_code);
  if (ri == round_index_.end()) return out;
  std::vector<int64_t> participating(unit_codes_.size()), completed(unit_codes_.size());
  const bool submitted_counts = completion == store::Completion::kSubmitted;
  for (const Enterprise& e : rounds_[ri->second].enterprises) {
    const int done = e.approved + (submitted_counts ? e.submitted : 0);
    if (entries == store::EntryCount::kAssessment) {
      participating[e.unit] += e.assessments;
      completed[e.unit] += done;
    } else {
      participating[e.unit] += e.assessments > 0;
      completed[e.unit] += done > 0;
    }
  }
  for (size_t u = 0; u < unit_codes_.size(); ++u) {
    if (participating[u] > 0) out.push_back({unit_codes_[u], participating[u], completed[u]});
  }
  return out;
}

size_t ProgressSnapshot::assessments() const {
  std::shared_lock lock(mu_);
  return assessments_.size();
}

}  // namespace rongping::analytics
