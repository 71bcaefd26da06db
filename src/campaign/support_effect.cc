#include "campaign/support_effect.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "analytics/results_snapshot.h"
#include "campaign/reference.h"
#include "campaign/rounds.h"
#include "domain/reference.h"
#include "store/campaign.h"
#include "store/db.h"
#include "store/support.h"

namespace rongping::campaign {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One enterprise's result: the total, then the dimensions, then the key
// indicators (ResultColumns::Value's numbering), and its stage.
struct Values {
  std::vector<double> numbers;
  int level = 0;
};

Values ValuesOf(const analytics::ResultColumns& col, size_t row) {
  Values v;
  v.numbers.reserve(col.numeric_columns());
  for (size_t j = 0; j < col.numeric_columns(); ++j) v.numbers.push_back(col.Value(j, row));
  v.level = col.level[row];
  return v;
}

// Sums of values per numeric column, NaN left out.
struct Sums {
  std::vector<double> sum;
  std::vector<int64_t> n;
  explicit Sums(size_t columns = 0) : sum(columns, 0), n(columns, 0) {}
  void Add(size_t j, double v) {
    if (std::isnan(v)) return;
    sum[j] += v;
    ++n[j];
  }
  double Mean(size_t j) const { return n[j] ? sum[j] / static_cast<double>(n[j]) : kNaN; }
};

EffectFigures FiguresOf(const Sums& s, const model::Model& m) {
  EffectFigures f;
  f.total = s.Mean(0);
  for (size_t i = 0; i < m.dimensions.size(); ++i) f.dimensions.push_back(s.Mean(1 + i));
  for (size_t i = 0; i < m.key_indicators.size(); ++i)
    f.key_indicators.push_back(s.Mean(1 + m.dimensions.size() + i));
  return f;
}

// The comparable enterprises of one group: how many, and the sums of their
// changes.
struct Group {
  int64_t n = 0;
  Sums change;
};

using GroupKey = uint64_t;

// Groups rows by unit group, industry group and size class.
class Grouper {
 public:
  Grouper(const analytics::ResultsSnapshot& s, const domain::ReferenceIndex& index)
      : s_(s), index_(index) {}
  GroupKey KeyOf(const analytics::ResultColumns& col, size_t row) {
    const auto& a = col.AttributesOf(row);
    const uint16_t unit = a[static_cast<int>(analytics::Attribute::kUnit)];
    if (unit_group_.size() <= unit) unit_group_.resize(unit + 1, -1);
    if (unit_group_[unit] < 0)
      unit_group_[unit] = GroupOfUnit(s_.Dictionary(analytics::Attribute::kUnit)[unit]);
    return (static_cast<uint64_t>(unit_group_[unit]) << 32) |
           (static_cast<uint64_t>(a[static_cast<int>(analytics::Attribute::kIndustryGroup)])
            << 16) |
           a[static_cast<int>(analytics::Attribute::kSize)];
  }

 private:
  // The unit below the province on `unit`'s reporting path (itself for a
  // province), as a small number.
  int64_t GroupOfUnit(const std::string& unit) {
    std::string group = unit;
    if (auto it = index_.units.find(unit); it != index_.units.end()) {
      const std::string& path = it->second.path;  // "/440000/440600/440606/"
      const size_t second = path.find('/', 1);
      if (second != std::string::npos && second + 1 < path.size()) {
        group = path.substr(second + 1, path.find('/', second + 1) - second - 1);
      }
    }
    return groups_.emplace(group, static_cast<int64_t>(groups_.size())).first->second;
  }
  const analytics::ResultsSnapshot& s_;
  const domain::ReferenceIndex& index_;
  std::vector<int64_t> unit_group_;
  std::map<std::string, int64_t> groups_;
};

struct Chosen {
  domain::Round before, after;
  std::vector<EffectRound> rounds;
};

EffectRound RefOf(const domain::Round& r) { return {r.code, r.name, r.year}; }

Result<Chosen> ChooseRounds(store::Db& db, analytics::ResultsSnapshot& results,
                            const domain::ReferenceIndex& index, const domain::SupportMeasure& m,
                            const EffectQuery& q) {
  auto province = ProvinceRounds(db, index.ProvinceOf(m.unit_code));
  if (!province) return Fail(province.error());
  // Those with results to compare.
  std::vector<domain::Round> rounds = std::move(*province);
  std::erase_if(rounds, [&](const domain::Round& r) { return results.ModelsOf(r.code).empty(); });
  Chosen out;
  for (const auto& r : rounds) out.rounds.push_back(RefOf(r));
  auto pick = [&](const std::string& code, const std::string& field,
                  bool before) -> Result<domain::Round> {
    if (!code.empty()) {
      for (const auto& r : rounds) {
        if (r.code == code) return r;
      }
      return Fail(
          Error::Invalid("invalid_parameter", "所选评估周期不是本省已有评估结果的评估周期", field));
    }
    const domain::Round* found = nullptr;
    for (const auto& r : rounds) {
      if (before ? r.year <= m.year : r.year > m.year) found = &r;
    }
    if (!found) {
      return Fail(Error::NotFound(
          before ? fmt::format("尚无 {} 年及以前的评估结果，无法得到支持前的情况", m.year)
                 : fmt::format("尚无 {} 年以后的评估结果，支持后的变化要待下一轮评估", m.year)));
    }
    return *found;
  };
  auto before = pick(q.before, "before", true);
  if (!before) return Fail(before.error());
  auto after = pick(q.after, "after", false);
  if (!after) return Fail(after.error());
  auto position = [&](const domain::Round& r) {
    return std::find_if(rounds.begin(), rounds.end(),
                        [&](const domain::Round& x) { return x.code == r.code; });
  };
  if (position(*before) >= position(*after)) {
    return Fail(
        Error::Invalid("invalid_parameter", "支持前的评估周期应早于支持后的评估周期", "before"));
  }
  out.before = std::move(*before);
  out.after = std::move(*after);
  return out;
}

// The model whose results both rounds have.
Result<std::string> ChooseModel(const analytics::ResultsSnapshot& results, const Chosen& c,
                                const std::string& asked) {
  auto before = results.ModelsOf(c.before.code);
  for (const auto& id : results.ModelsOf(c.after.code)) {
    if ((asked.empty() || id == asked) &&
        std::find(before.begin(), before.end(), id) != before.end())
      return id;
  }
  return Fail(Error::NotFound("两个评估周期没有同一评估模型的评估结果，无法比较"));
}

}  // namespace

Result<MeasureEffect> ComputeMeasureEffect(store::Db& db, analytics::ResultsSnapshot& results,
                                           const Principal& who, int64_t id,
                                           const EffectQuery& query, int64_t min_group_size) {
  auto detail = GetMeasure(db, who, id);
  if (!detail) return Fail(detail.error());
  auto index = LoadReference(db);
  if (!index) return Fail(index.error());
  if (auto r = results.Current(db); !r) return Fail(r.error());
  auto chosen = ChooseRounds(db, results, **index, detail->measure, query);
  if (!chosen) return Fail(chosen.error());
  auto model_id = ChooseModel(results, *chosen, query.model);
  if (!model_id) return Fail(model_id.error());
  auto supported = store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) {
    return store::SupportedEnterprises(tx, static_cast<int>(chosen->before.year),
                                       static_cast<int>(chosen->after.year));
  });
  if (!supported) return Fail(supported.error());

  MeasureEffect out;
  out.before = RefOf(chosen->before);
  out.after = RefOf(chosen->after);
  out.rounds = chosen->rounds;
  out.min_group_size = min_group_size;
  out.recipients = static_cast<int64_t>(detail->recipients.size());
  std::map<std::string, size_t, std::less<>> recipient_of;  // USCC -> index in enterprises
  for (const auto& r : detail->recipients) {
    recipient_of.emplace(r.recipient.uscc, out.enterprises.size());
    out.enterprises.push_back({r.recipient.uscc, r.name, r.unit_name, {}, {}, {}, {}});
    supported->insert(r.recipient.uscc);
  }

  // After: the recipients' results and groups, and the comparable
  // enterprises of those groups.
  std::vector<std::optional<Values>> after(out.enterprises.size()), before(out.enterprises.size());
  std::vector<GroupKey> group_of(out.enterprises.size());
  std::unordered_map<std::string, std::pair<GroupKey, Values>> comparable_after;
  results.Read(
      out.after.code, *model_id,
      [&](const analytics::ResultColumns& col, const analytics::ResultsSnapshot& s) {
        out.model = col.model;
        Grouper grouper(s, **index);
        std::set<GroupKey> groups;
        for (size_t row = 0; row < col.rows(); ++row) {
          auto it = recipient_of.find(std::string_view(col.uscc[row].data(), col.uscc[row].size()));
          if (it == recipient_of.end()) continue;
          after[it->second] = ValuesOf(col, row);
          group_of[it->second] = grouper.KeyOf(col, row);
          groups.insert(group_of[it->second]);
        }
        for (size_t row = 0; row < col.rows() && !groups.empty(); ++row) {
          const GroupKey key = grouper.KeyOf(col, row);
          if (!groups.count(key)) continue;
          std::string uscc = analytics::ToString(col.uscc[row]);
          if (supported->count(uscc)) continue;
          comparable_after.emplace(std::move(uscc), std::make_pair(key, ValuesOf(col, row)));
        }
      });
  if (!out.model) return Fail(Error::NotFound("支持后的评估周期尚无该模型的评估结果"));
  const model::Model& m = *out.model;
  const size_t columns = 1 + m.dimensions.size() + m.key_indicators.size();

  // Before: the same enterprises' results; the comparable ones' changes
  // summed by group.
  std::map<GroupKey, Group> group_sums;
  results.Read(
      out.before.code, *model_id,
      [&](const analytics::ResultColumns& col, const analytics::ResultsSnapshot&) {
        for (size_t row = 0; row < col.rows(); ++row) {
          std::string uscc = analytics::ToString(col.uscc[row]);
          if (auto it = recipient_of.find(uscc); it != recipient_of.end()) {
            before[it->second] = ValuesOf(col, row);
            continue;
          }
          auto c = comparable_after.find(uscc);
          if (c == comparable_after.end()) continue;
          Group& g = group_sums.try_emplace(c->second.first, Group{0, Sums(columns)}).first->second;
          ++g.n;
          for (size_t j = 0; j < columns; ++j)
            g.change.Add(j, c->second.second.numbers[j] - col.Value(j, row));
        }
      });

  Sums before_sums(columns), after_sums(columns), change_sums(columns), matched_sums(columns),
      comparable_sums(columns);
  out.levels_before.assign(m.levels.size(), 0);
  out.levels_after.assign(m.levels.size(), 0);
  std::set<GroupKey> matched_groups;
  for (size_t i = 0; i < out.enterprises.size(); ++i) {
    EnterpriseEffect& e = out.enterprises[i];
    if (before[i]) e.before = StagedScore{before[i]->numbers[0], before[i]->level};
    if (after[i]) e.after = StagedScore{after[i]->numbers[0], after[i]->level};
    if (!before[i] || !after[i]) continue;
    ++out.with_both;
    ++out.levels_before[before[i]->level];
    ++out.levels_after[after[i]->level];
    for (size_t j = 0; j < columns; ++j) {
      before_sums.Add(j, before[i]->numbers[j]);
      after_sums.Add(j, after[i]->numbers[j]);
      change_sums.Add(j, after[i]->numbers[j] - before[i]->numbers[j]);
    }
    auto g = group_sums.find(group_of[i]);
    if (g == group_sums.end() || g->second.n < min_group_size) continue;
    ++out.matched;
    matched_groups.insert(g->first);
    e.comparable_change = g->second.change.Mean(0);
    e.comparable_n = g->second.n;
    for (size_t j = 0; j < columns; ++j) {
      const double own = after[i]->numbers[j] - before[i]->numbers[j];
      if (std::isnan(own) || g->second.change.n[j] < min_group_size) continue;
      matched_sums.Add(j, own);
      comparable_sums.Add(j, g->second.change.Mean(j));
    }
  }
  for (GroupKey key : matched_groups) out.comparable_enterprises += group_sums[key].n;
  out.before_figures = FiguresOf(before_sums, m);
  out.after_figures = FiguresOf(after_sums, m);
  out.change = FiguresOf(change_sums, m);
  out.matched_change = FiguresOf(matched_sums, m);
  out.comparable_change = FiguresOf(comparable_sums, m);
  Sums difference(columns);
  for (size_t j = 0; j < columns; ++j)
    difference.Add(j, matched_sums.Mean(j) - comparable_sums.Mean(j));
  out.difference = FiguresOf(difference, m);
  std::stable_sort(out.enterprises.begin(), out.enterprises.end(),
                   [](const EnterpriseEffect& a, const EnterpriseEffect& b) {
                     const bool a_both = a.before && a.after, b_both = b.before && b.after;
                     if (a_both != b_both) return a_both;
                     return a_both &&
                            a.after->total - a.before->total > b.after->total - b.before->total;
                   });
  out.measure = std::move(*detail);
  return out;
}

std::vector<report::Table> EffectTables(const MeasureEffect& e) {
  using Cell = report::TableCell;
  const model::Model& m = *e.model;
  auto maybe = [](double v, int decimals, report::NumberStyle style = report::NumberStyle::kPlain) {
    return std::isnan(v) ? Cell::Text("") : Cell::Styled(v, style, decimals);
  };
  report::Table summary;
  summary.title = fmt::format("{}：支持前后对比", e.measure.measure.name);
  summary.sheet_name = "支持前后对比";
  summary.title_in_sheet = true;
  summary.caption =
      fmt::format("支持前：{}；支持后：{}；评估模型：{}", e.before.name, e.after.name, m.title);
  summary.header = {"指标", "支持前", "支持后", "变化", "可比企业变化", "差异"};
  auto row = [&](const std::string& label, size_t at, bool share) {
    auto pick = [&](const EffectFigures& f) {
      return at == 0                     ? f.total
             : at <= m.dimensions.size() ? f.dimensions[at - 1]
                                         : f.key_indicators[at - 1 - m.dimensions.size()];
    };
    const auto style = share ? report::NumberStyle::kPercent : report::NumberStyle::kPlain;
    const int decimals = share ? 1 : 2;
    summary.rows.push_back({Cell::Text(label), maybe(pick(e.before_figures), decimals, style),
                            maybe(pick(e.after_figures), decimals, style),
                            maybe(pick(e.change), decimals, style),
                            maybe(pick(e.comparable_change), decimals, style),
                            maybe(pick(e.difference), decimals, style)});
  };
  row("总分", 0, false);
  for (size_t i = 0; i < m.dimensions.size(); ++i) row(m.dimensions[i].title, 1 + i, false);
  for (size_t i = 0; i < m.key_indicators.size(); ++i) {
    const auto& k = m.key_indicators[i];
    row(k.unit.empty() ? k.title : fmt::format("{}（{}）", k.title, k.unit),
        1 + m.dimensions.size() + i, k.share);
  }
  summary.notes = {
      fmt::format(
          "受支持企业 {} 家，其中两期均有评估结果 {} 家；与可比企业比较的 {} 家，可比企业 {} 家。",
          e.recipients, e.with_both, e.matched, e.comparable_enterprises),
      fmt::format("可比企业：同一地市（或省直管县）、同一行业组、同一规模、两期均有评估结果且未获支"
                  "持的企业；"
                  "不足 {} 家的组不予比较，也不显示。",
                  e.min_group_size),
      "变化、可比企业变化与差异均为两期之差的平均值；布尔型指标为具备比例的变化（百分点）。"};
  report::Table detail;
  detail.title = "受支持企业明细";
  detail.sheet_name = "企业明细";
  detail.header = {"统一社会信用代码", "企业名称",   "所属单位", "支持前总分",      "支持前阶段",
                   "支持后总分",       "支持后阶段", "变化",     "同组可比企业变化"};
  detail.text_columns = {0, 1, 2, 4, 6};
  for (const auto& x : e.enterprises) {
    auto score = [&](const std::optional<StagedScore>& s) {
      return s ? Cell::Number(s->total, 2) : Cell::Text("");
    };
    auto stage = [&](const std::optional<StagedScore>& s) {
      return Cell::Text(s ? m.levels[s->level].title : "无结果");
    };
    const std::optional<double> change =
        x.before && x.after ? std::optional<double>(x.after->total - x.before->total)
                            : std::nullopt;
    detail.rows.push_back({Cell::Text(x.uscc), Cell::Text(x.name), Cell::Text(x.unit_name),
                           score(x.before), stage(x.before), score(x.after), stage(x.after),
                           Cell::Maybe(change, report::NumberStyle::kSigned, 2),
                           Cell::Maybe(x.comparable_change, report::NumberStyle::kSigned, 2)});
  }
  return {summary, detail};
}

}  // namespace rongping::campaign
