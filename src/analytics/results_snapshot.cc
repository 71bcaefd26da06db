#include "analytics/results_snapshot.h"

#include <cmath>
#include <mutex>

#include <fmt/format.h>

#include "campaign/lifecycle.h"
#include "scoring/score_vector.h"

namespace rongping::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The changed assessments with what the snapshot needs; completed only.
constexpr std::string_view kChangedRows =
    "SELECT c.seq, a.id, a.round_code, a.model_id, a.uscc, a.status, r.review_required, a.total, "
    "a.level_index, a.score_vector, a.unit_code, e.industry_code, COALESCE(i.grp, ''), "
    "e.size_class, e.production_type, COALESCE(e.ownership, '') FROM assessment_changes c "
    "JOIN assessments a ON a.id = c.assessment_id JOIN rounds r ON r.code = a.round_code "
    "JOIN enterprises e ON e.uscc = a.uscc LEFT JOIN industries i ON i.code = e.industry_code "
    "WHERE c.seq > $1 ORDER BY c.seq LIMIT $2";

}  // namespace

uint16_t ResultsSnapshot::Intern(Attribute a, const std::string& value) {
  auto& map = intern_[static_cast<int>(a)];
  if (auto it = map.find(value); it != map.end()) return it->second;
  auto& dict = dictionaries_[static_cast<int>(a)];
  auto index = static_cast<uint16_t>(dict.size());
  map.emplace(value, index);
  dict.push_back(value);
  return index;
}

void ResultsSnapshot::Remove(int64_t id) {
  auto w = where_.find(id);
  if (w == where_.end()) return;
  ResultColumns& c = columns_.at(w->second);
  uint32_t row = c.row_of.at(id);
  uint32_t last = static_cast<uint32_t>(c.total.size() - 1);
  auto move_last = [&](auto& column) {
    column[row] = std::move(column[last]);
    column.pop_back();
  };
  if (row != last) c.row_of[c.assessment_id[last]] = row;
  move_last(c.uscc);
  for (auto& a : c.attributes) move_last(a);
  move_last(c.total);
  move_last(c.level);
  for (auto& d : c.dimensions) move_last(d);
  for (auto& k : c.key_indicators) move_last(k);
  move_last(c.assessment_id);
  c.row_of.erase(id);
  where_.erase(w);
}

Result<void> ResultsSnapshot::CatchUp(store::Db& db) {
  std::unique_lock lock(mu_);
  for (;;) {
    auto rows = InTx(db, store::TxMode::kRead, [&](store::Tx& tx) {
      return tx.Query(kChangedRows, {last_seq_, int64_t{50000}});
    });
    if (!rows) return Fail(rows.error());
    for (const auto& r : rows->rows) {
      last_seq_ = r.Int(0);
      int64_t id = r.Int(1);
      Remove(id);
      std::string status = r.Text(5);
      bool completed = status == "approved" || (status == "submitted" && r.Int(6) == 0);
      if (!completed || r.IsNull(7) || r.IsNull(9)) continue;
      auto m = campaign::LifecycleService::CachedModel(r.Text(3));
      if (!m) continue;  // a model no longer shipped: its results are not mapped
      scoring::ScoreVector v;
      if (!scoring::DecodeScoreVector(r.Text(9), (*m)->dimensions.size(),
                                      (*m)->key_indicators.size(), &v)) {
        continue;
      }
      std::string key = Key(r.Text(2), r.Text(3));
      ResultColumns& c = columns_[key];
      if (!c.model) {
        c.model = *m;
        c.dimensions.resize((*m)->dimensions.size());
        c.key_indicators.resize((*m)->key_indicators.size());
      }
      c.row_of[id] = static_cast<uint32_t>(c.total.size());
      c.assessment_id.push_back(id);
      c.uscc.push_back(r.Text(4));
      const std::string values[kAttributeCount] = {r.Text(10), r.Text(11), r.Text(12),
                                                   r.Text(13), r.Text(14), r.Text(15)};
      for (int a = 0; a < kAttributeCount; ++a) {
        c.attributes[a].push_back(Intern(static_cast<Attribute>(a), values[a]));
      }
      c.total.push_back(r.Real(7));
      c.level.push_back(static_cast<int8_t>(r.Int(8)));
      for (size_t d = 0; d < v.dimensions.size(); ++d) c.dimensions[d].push_back(v.dimensions[d]);
      for (size_t k = 0; k < v.key_indicators.size(); ++k) {
        c.key_indicators[k].push_back(v.key_indicators[k]);
      }
      where_[id] = key;
    }
    if (static_cast<int64_t>(rows->size()) < 50000) return {};
  }
}

std::vector<std::string> ResultsSnapshot::ModelsOf(std::string_view round) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  std::string prefix = std::string(round) + "\x1f";
  for (const auto& [key, c] : columns_) {
    if (key.rfind(prefix, 0) == 0 && !c.total.empty()) out.push_back(c.model->id);
  }
  return out;
}

int64_t ResultsSnapshot::last_seq() const {
  std::shared_lock lock(mu_);
  return last_seq_;
}

size_t ResultsSnapshot::rows() const {
  std::shared_lock lock(mu_);
  return where_.size();
}

}  // namespace rongping::analytics
