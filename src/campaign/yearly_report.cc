#include "campaign/yearly_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "analytics/datamap.h"
#include "analytics/datamap_scope.h"
#include "analytics/results_snapshot.h"
#include "campaign/circulars.h"
#include "campaign/contacts.h"
#include "campaign/progress.h"
#include "campaign/reference.h"
#include "campaign/rounds.h"
#include "campaign/support.h"
#include "campaign/support_effect.h"
#include "domain/reference.h"
#include "report/circular_html.h"
#include "report/html.h"

namespace rongping::campaign {
namespace {

using report::Block;
using report::NumberStyle;
using report::Table;
using Cell = report::TableCell;

const char* const kNumerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

// "增加12家" / "减少3家" / "持平"; "提高1.2个百分点" / "降低…" / "持平".
std::string Change(double d, const char* unit, int decimals, const char* up = "增加",
                   const char* down = "减少") {
  const double shown = std::round(std::fabs(d) * std::pow(10, decimals)) / std::pow(10, decimals);
  if (shown == 0) return "持平";
  return fmt::format("{}{:.{}f}{}", d > 0 ? up : down, shown, decimals, unit);
}

// The province's round of `year` (the latest opened), and of the latest
// year before it.
struct Rounds {
  domain::Round current;
  std::optional<domain::Round> previous;
};

Result<Rounds> FindRounds(store::Db& db, const std::string& province, int year) {
  auto mine = ProvinceRounds(db, province);
  if (!mine) return Fail(mine.error());
  Rounds out;
  bool found = false;
  for (const auto& r : *mine) {
    if (r.year == year) {
      out.current = r;
      found = true;
    } else if (r.year < year) {
      out.previous = r;
    }
  }
  if (!found) return Fail(Error::NotFound(fmt::format("本省没有 {} 年的评估周期", year)));
  return out;
}

// The total row first, then the units.
std::vector<const domain::ProgressRow*> RowsOf(const domain::ProgressTable& t) {
  std::vector<const domain::ProgressRow*> rows = {&t.total};
  for (const auto& r : t.rows) rows.push_back(&r);
  return rows;
}

// What the summary says, each figure taken from the tables.
struct Figures {
  std::string region;
  int64_t participating = 0, completed = 0;
  std::optional<int64_t> target;
  std::optional<double> rate;
  std::optional<int64_t> previous_completed;
  int met = 0, with_target = 0;
  std::optional<double> mean_total, previous_mean_total;
  std::string upper_levels;  // e.g. 集成提升及以上
  std::optional<double> upper_share, previous_upper_share;
  size_t circulars = 0;
  size_t measures = 0;
  int64_t supported = 0;
  size_t cases = 0;
  int64_t contacts_asked = 0, contacts_submitted = 0;
};

Block ProgressBlock(const domain::ProgressTable& now,
                    const std::optional<domain::ProgressTable>& before, Figures& f) {
  Table t;
  t.header = {"属地",   "参与评估数", "完成评估数",     "目标",
              "完成率", "排名",       "上年完成评估数", "较上年变化"};
  t.total_rows = 1;
  std::map<std::string, int64_t> last_year;
  if (before) {
    for (const auto* r : RowsOf(*before)) last_year[r->unit_code] = r->completed;
  }
  for (const auto* r : RowsOf(now)) {
    auto prior = last_year.find(r->unit_code);
    const bool known = prior != last_year.end();
    t.rows.push_back({Cell::Text(r == &now.total ? f.region : r->unit_name),
                      Cell::Number(double(r->participating)), Cell::Number(double(r->completed)),
                      r->target ? Cell::Number(double(*r->target)) : Cell::Text("未设定"),
                      Cell::Maybe(r->completion_rate, NumberStyle::kPercent, 1),
                      r->rank ? Cell::Number(*r->rank) : Cell::Text(""),
                      known ? Cell::Number(double(prior->second)) : Cell::Text(""),
                      known
                          ? Cell::Styled(double(r->completed - prior->second), NumberStyle::kSigned)
                          : Cell::Text("")});
    if (r != &now.total && r->target) {
      ++f.with_target;
      if (r->target_met.value_or(false)) ++f.met;
    }
  }
  f.participating = now.total.participating;
  f.completed = now.total.completed;
  f.target = now.total.target;
  f.rate = now.total.completion_rate;
  if (auto prior = last_year.find(now.total.unit_code); prior != last_year.end())
    f.previous_completed = prior->second;
  return Block::TableOf(fmt::format("各地评估进展（截至{}）", report::ChineseDate(now.as_of)),
                        std::move(t));
}

Block CircularsBlock(store::Db& db, const Principal& who, const domain::Round& round,
                     const std::string& root, Figures& f, Result<void>* error) {
  auto list = circulars::List(db, &who, round.code);
  if (!list) {
    *error = Fail(list.error());
    return Block::Paragraph("");
  }
  Table t;
  t.header = {"截至日期", "通报", "参与评估数", "完成评估数", "完成率"};
  t.text_columns = {0, 1};
  std::vector<circulars::CircularSummary> mine;
  for (const auto& c : *list) {
    if (c.unit_code == root) mine.push_back(c);
  }
  std::sort(mine.begin(), mine.end(),
            [](const auto& a, const auto& b) { return a.as_of < b.as_of; });
  for (const auto& c : mine) {
    auto full = circulars::Get(db, &who, c.id);
    if (!full) {
      *error = Fail(full.error());
      return Block::Paragraph("");
    }
    const auto& total = full->table.total;
    t.rows.push_back({Cell::Text(report::ChineseDate(c.as_of)), Cell::Text(c.title),
                      Cell::Number(double(total.participating)),
                      Cell::Number(double(total.completed)),
                      Cell::Maybe(total.completion_rate, NumberStyle::kPercent, 1)});
  }
  f.circulars = mine.size();
  if (mine.empty()) return Block::Paragraph("本年度尚未发布进展通报。");
  return Block::TableOf("本年度进展通报", std::move(t));
}

// The data map of `round` for the region, grouped `by`; nullopt when the
// round has no results.
Result<std::optional<analytics::DataMap>> DataMapOf(const analytics::ResultsSnapshot& results,
                                                    const domain::ReferenceIndex& index,
                                                    const Principal& who, const std::string& root,
                                                    const std::string& round,
                                                    const std::string& model,
                                                    analytics::Attribute by, int64_t k) {
  analytics::DataMapQuery q;
  q.round = round;
  q.model = model;
  q.by = by;
  q.k = k;
  auto scoped = analytics::ScopeDataMapQuery(index, who, root, &q);
  if (!scoped) return Fail(scoped.error());
  auto map = analytics::BuildDataMap(results, q);
  if (!map) {
    if (map.error().kind == ErrorKind::kNotFound) return std::optional<analytics::DataMap>();
    return Fail(map.error());
  }
  return std::optional<analytics::DataMap>(std::move(*map));
}

// The share of the cell's enterprises at level `from` or above, in %.
std::optional<double> UpperShare(const analytics::DataMapCell& c, size_t from) {
  if (!c.n || *c.n == 0) return std::nullopt;
  int64_t upper = 0;
  for (size_t i = from; i < c.level_counts.size(); ++i) upper += c.level_counts[i];
  return 100.0 * static_cast<double>(upper) / static_cast<double>(*c.n);
}

std::vector<Block> LevelBlocks(const analytics::DataMap& now,
                               const std::optional<analytics::DataMap>& before, Figures& f) {
  const model::Model& m = *now.model;
  const auto& t = now.total;
  const analytics::DataMapCell* p = before ? &before->total : nullptr;
  Table levels;
  levels.header = {"发展阶段", "本年企业数", "本年占比", "上年占比", "变化（百分点）"};
  auto share = [](const analytics::DataMapCell* c, size_t i) -> std::optional<double> {
    if (!c || !c->n || *c->n == 0 || i >= c->level_counts.size()) return std::nullopt;
    return static_cast<double>(c->level_counts[i]) / static_cast<double>(*c->n);
  };
  for (size_t i = 0; i < m.levels.size(); ++i) {
    auto a = share(&t, i), b = share(p, i);
    levels.rows.push_back(
        {Cell::Text(m.levels[i].title),
         t.n ? Cell::Number(double(t.level_counts[i])) : Cell::Text(""),
         Cell::Maybe(a, NumberStyle::kPercent, 1), Cell::Maybe(b, NumberStyle::kPercent, 1),
         a && b ? Cell::Styled((*a - *b) * 100, NumberStyle::kSigned, 1) : Cell::Text("")});
  }
  Table keys;
  keys.header = {"关键指标", "本年", "上年", "变化"};
  for (size_t i = 0; i < m.key_indicators.size(); ++i) {
    const auto& k = m.key_indicators[i];
    auto value = [&](const analytics::DataMapCell* c) -> std::optional<double> {
      if (!c || !c->n || i >= c->key_indicators.size() || std::isnan(c->key_indicators[i]))
        return std::nullopt;
      return c->key_indicators[i];
    };
    auto a = value(&t), b = value(p);
    const std::string unit = k.share ? "%" : k.unit;
    keys.rows.push_back(
        {Cell::Text(unit.empty() ? k.title : fmt::format("{}（{}）", k.title, unit)),
         Cell::Maybe(a, NumberStyle::kPlain, 1), Cell::Maybe(b, NumberStyle::kPlain, 1),
         a && b ? Cell::Styled(*a - *b, NumberStyle::kSigned, 1) : Cell::Text("")});
  }
  const size_t from = m.levels.size() >= 2 ? m.levels.size() - 2 : 0;
  f.upper_levels = m.levels[from].title + "及以上";
  f.upper_share = UpperShare(t, from);
  if (p) f.previous_upper_share = UpperShare(*p, from);
  f.mean_total = t.mean_total;
  if (p) f.previous_mean_total = p->mean_total;
  return {Block::TableOf("发展阶段分布", std::move(levels)),
          Block::TableOf("关键指标", std::move(keys))};
}

Block DataMapBlock(const analytics::DataMap& map, const std::string& caption,
                   const std::string& key_title, const std::string& total_label,
                   const std::function<std::string(const std::string&)>& label) {
  const model::Model& m = *map.model;
  Table t;
  t.header = {key_title, "完成评估企业数", "平均总分"};
  for (const auto& l : m.levels) t.header.push_back(l.title + "占比");
  t.total_rows = 1;
  auto row = [&](const analytics::DataMapCell& c, const std::string& name) {
    std::vector<Cell> r = {Cell::Text(name), c.n ? Cell::Number(double(*c.n)) : Cell::Text(""),
                           Cell::Maybe(c.mean_total, NumberStyle::kPlain, 1)};
    for (size_t i = 0; i < m.levels.size(); ++i) {
      const bool shown = c.n && *c.n > 0 && i < c.level_counts.size();
      r.push_back(
          shown ? Cell::Styled(double(c.level_counts[i]) / double(*c.n), NumberStyle::kPercent, 1)
                : Cell::Text(""));
    }
    t.rows.push_back(std::move(r));
  };
  row(map.total, total_label);
  for (const auto& c : map.cells) row(c, label(c.key));
  return Block::TableOf(caption, std::move(t));
}

// The measures of the region's units, of the year and the year before.
Block PolicyBlock(store::Db& db, analytics::ResultsSnapshot& results, const Principal& who,
                  const domain::ReferenceIndex& index, const std::string& root, int year,
                  const std::string& after_round, int64_t k, Figures& f, Result<void>* error) {
  std::vector<domain::SupportMeasure> measures;
  for (int y : {year - 1, year}) {
    auto list = ListMeasures(db, who, y, nullptr);
    if (!list) {
      *error = Fail(list.error());
      return Block::Paragraph("");
    }
    for (auto& m : *list) {
      if (index.InSubtree(m.unit_code, root)) measures.push_back(std::move(m));
    }
  }
  Table t;
  t.header = {"支持措施",     "类型",     "年度",         "金额（万元）",
              "受支持企业数", "总分变化", "可比企业变化", "差异"};
  t.text_columns = {0, 1};
  for (const auto& m : measures) {
    EffectQuery q;
    q.after = after_round;
    auto effect = ComputeMeasureEffect(db, results, who, m.id, q, k);
    const bool compared = effect && effect->with_both > 0;
    const bool matched = effect && effect->matched > 0;
    t.rows.push_back(
        {Cell::Text(m.name), Cell::Text(std::string(domain::SupportKindLabel(m.kind))),
         Cell::Text(std::to_string(m.year)), Cell::Maybe(m.amount_10k_yuan, NumberStyle::kPlain, 2),
         Cell::Number(double(m.recipients)),
         compared ? Cell::Styled(effect->change.total, NumberStyle::kSigned, 2) : Cell::Text(""),
         matched ? Cell::Styled(effect->comparable_change.total, NumberStyle::kSigned, 2)
                 : Cell::Text(""),
         matched ? Cell::Styled(effect->difference.total, NumberStyle::kSigned, 2)
                 : Cell::Text("")});
    f.supported += m.recipients;
  }
  f.measures = measures.size();
  if (measures.empty()) return Block::Paragraph("本年度及上年度尚未记录政策支持措施。");
  return Block::TableOf("政策支持措施及支持前后对比", std::move(t));
}

std::string SummaryText(const Figures& f, int year) {
  std::string s = fmt::format("{}年，{}共有{}家企业参与两化融合评估诊断和对标引导，完成评估{}家",
                              year, f.region, f.participating, f.completed);
  if (f.target && f.rate) {
    s += fmt::format("，为目标（{}家）的{:.1f}%", *f.target, *f.rate * 100);
  }
  if (f.previous_completed) {
    s += fmt::format("；完成评估数较上年（{}家）{}", *f.previous_completed,
                     Change(double(f.completed - *f.previous_completed), "家", 0));
  }
  s += "。";
  if (f.with_target > 0)
    s += fmt::format("设定目标的{}个地区中，{}个已完成目标。", f.with_target, f.met);
  if (f.upper_share) {
    s += fmt::format("完成评估的企业中，达到{}阶段的占{:.1f}%", f.upper_levels, *f.upper_share);
    if (f.previous_upper_share) {
      s += fmt::format("，较上年{}", Change(*f.upper_share - *f.previous_upper_share, "个百分点", 1,
                                            "提高", "降低"));
    }
    if (f.mean_total) s += fmt::format("；平均总分{:.1f}分", *f.mean_total);
    if (f.mean_total && f.previous_mean_total) {
      s += fmt::format("，较上年{}",
                       Change(*f.mean_total - *f.previous_mean_total, "分", 1, "提高", "降低"));
    }
    s += "。";
  }
  s += f.circulars > 0 ? fmt::format("全年发布进展通报{}期；", f.circulars)
                       : std::string("全年未发布进展通报；");
  s += f.measures > 0
           ? fmt::format("记录政策支持措施{}项、支持企业{}家次；", f.measures, f.supported)
           : std::string("尚未记录政策支持措施；");
  s += f.cases > 0 ? fmt::format("总结典型经验{}个。", f.cases) : std::string("尚未总结典型经验。");
  if (f.contacts_asked > 0) {
    s += fmt::format("应报送联系人表的{}个单位中，已报送{}个。", f.contacts_asked,
                     f.contacts_submitted);
  }
  return s;
}

}  // namespace

Result<report::Document> BuildYearlyReport(store::Db& db, analytics::ResultsSnapshot& results,
                                           const Principal* who,
                                           const YearlyReportRequest& request) {
  Principal cli;
  cli.role = Role::kMinistry;
  cli.username = "cli";
  const Principal& caller = who ? *who : cli;
  if (!IsRegionAdmin(caller.role))
    return Fail(Error::Forbidden("只有主管部门管理员可以生成工作报告"));
  auto today = domain::Date::Parse(request.today);
  if (!today) return Fail(Error::Internal("today 不是日期"));
  if (request.year < 2000 || request.year > today->year()) {
    return Fail(Error::Invalid(
        "invalid_parameter", fmt::format("年度应为 2000 至 {} 之间的年份", today->year()), "year"));
  }
  auto index = LoadReference(db);
  if (!index) return Fail(index.error());
  std::string root = request.unit.empty() ? caller.scope_code : request.unit;
  if (root.empty())
    return Fail(Error::Invalid("invalid_parameter", "请选择报告的地区（省级单位代码）", "unit"));
  if (!(*index)->units.count(root))
    return Fail(Error::Invalid("invalid_parameter", "单位不存在", "unit"));
  if (!(*index)->UnitInScope(caller, root)) return Fail(Error::NotFound("单位不存在"));
  auto rounds = FindRounds(db, (*index)->ProvinceOf(root), request.year);
  if (!rounds) return Fail(rounds.error());
  const std::string year_end = fmt::format("{}-12-31", request.year);
  const std::string as_of = std::min(request.today, year_end);
  if (auto r = results.Current(db); !r) return Fail(r.error());

  Figures f;
  f.region = report::RegionWord((*index)->UnitName(root));
  report::Document d;
  d.title = fmt::format("{}{}年两化融合评估诊断和对标引导工作报告", (*index)->UnitName(root),
                        request.year);
  d.date_line = domain::Date::Of(as_of).ToChinese();
  std::vector<Block> body;
  auto section = [&](const std::string& title) { body.push_back(Block::Heading(title)); };

  // Participation against targets, this year and last.
  auto now = LoadProgress(db, &caller, rounds->current.code, root, as_of, nullptr, request.today);
  if (!now) return Fail(now.error());
  std::optional<domain::ProgressTable> before;
  if (rounds->previous) {
    auto prior =
        LoadProgress(db, &caller, rounds->previous->code, root,
                     std::min(request.today, fmt::format("{}-12-31", rounds->previous->year)),
                     nullptr, request.today);
    if (prior) before = std::move(*prior);
  }
  section("评估进展");
  body.push_back(ProgressBlock(*now, before, f));
  body.push_back(Block::Note(now->counting_note));
  Result<void> error;
  section("进展通报");
  body.push_back(CircularsBlock(db, caller, rounds->current, root, f, &error));
  if (!error) return Fail(error.error());

  // Stages, key indicators and the data map, with the data map's suppression.
  auto models = results.ModelsOf(rounds->current.code);
  const std::string model = models.empty() ? "" : models.front();
  const int64_t k = request.min_group_size;
  auto by_unit = DataMapOf(results, **index, caller, root, rounds->current.code, model,
                           analytics::Attribute::kUnit, k);
  if (!by_unit) return Fail(by_unit.error());
  section("发展水平");
  if (!*by_unit) {
    body.push_back(Block::Paragraph("本年度尚无完成评估的企业。"));
  } else {
    std::optional<analytics::DataMap> last;
    if (rounds->previous) {
      auto prior = DataMapOf(results, **index, caller, root, rounds->previous->code, model,
                             analytics::Attribute::kUnit, k);
      if (!prior) return Fail(prior.error());
      last = std::move(*prior);
    }
    for (auto& b : LevelBlocks(**by_unit, last, f)) body.push_back(std::move(b));
    auto by_group = DataMapOf(results, **index, caller, root, rounds->current.code, model,
                              analytics::Attribute::kIndustryGroup, k);
    if (!by_group) return Fail(by_group.error());
    section("数据地图");
    // A region without units below it has no table of them.
    const auto& cells = (*by_unit)->cells;
    if (!(cells.size() == 1 && cells.front().key == root)) {
      body.push_back(
          DataMapBlock(**by_unit, "各地发展水平", "属地", f.region,
                       [&](const std::string& code) { return (*index)->UnitName(code); }));
    }
    if (*by_group) {
      body.push_back(DataMapBlock(**by_group, "各行业组发展水平", "行业组", f.region,
                                  [](const std::string& group) { return group; }));
    }
    body.push_back(Block::Note(fmt::format(
        "注：不足{}家企业的组及可据以推算出其数值的组不予显示（以“—”表示），与数据地图的规则相同。",
        k)));
  }

  section("政策联动");
  body.push_back(PolicyBlock(db, results, caller, **index, root, request.year, rounds->current.code,
                             k, f, &error));
  if (!error) return Fail(error.error());

  section("典型经验");
  auto cases = ListCases(db, caller, request.year);
  if (!cases) return Fail(cases.error());
  std::erase_if(*cases, [&](const CaseView& c) { return !(*index)->InSubtree(c.unit_code, root); });
  f.cases = cases->size();
  if (cases->empty()) body.push_back(Block::Paragraph("本年度尚未标记典型经验。"));
  for (size_t i = 0; i < cases->size(); ++i) {
    const auto& c = (*cases)[i];
    body.push_back(
        Block::Paragraph(fmt::format("（{}）{}（{}，{}）。{}", kNumerals[std::min<size_t>(i, 9)],
                                     c.c.title, c.name, c.unit_name, c.c.text)));
  }

  section("联系人表报送情况");
  auto contacts = GetContactsOverview(db, caller, rounds->current.code, as_of);
  if (contacts) {
    // The units of the report's region that the round asks for a form.
    std::string missing;
    for (const auto& e : contacts->entries) {
      if (!(*index)->InSubtree(e.unit_code, root)) continue;
      ++f.contacts_asked;
      if (e.contacts) {
        ++f.contacts_submitted;
      } else {
        missing += (missing.empty() ? "" : "、") + e.unit_name;
      }
    }
    body.push_back(Block::Paragraph(
        f.contacts_asked == 0
            ? std::string("本地区无须报送联系人表。")
            : fmt::format("应报送联系人表的单位{}个，已报送{}个{}。", f.contacts_asked,
                          f.contacts_submitted, missing.empty() ? "" : "，未报送：" + missing)));
  } else {
    body.push_back(Block::Paragraph("本地区无须报送联系人表。"));
  }

  d.blocks.push_back(Block::Heading("总体情况"));
  d.blocks.push_back(Block::Paragraph(SummaryText(f, request.year)));
  for (auto& b : body) d.blocks.push_back(std::move(b));
  size_t heading = 0, table = 0;
  for (auto& b : d.blocks) {
    if (b.kind == Block::Kind::kHeading)
      b.text = fmt::format("{}、{}", kNumerals[std::min<size_t>(heading++, 9)], b.text);
    if (b.kind == Block::Kind::kTable) b.text = fmt::format("表{} {}", ++table, b.text);
  }
  return d;
}

}  // namespace rongping::campaign
