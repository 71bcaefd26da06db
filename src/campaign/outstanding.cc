#include "campaign/outstanding.h"

#include <fmt/format.h>

#include "campaign/rounds.h"
#include "core/time.h"
#include "domain/date.h"
#include "domain/principal.h"
#include "store/units.h"

namespace rongping::campaign {

std::string OutstandingLabel(store::Outstanding state, int64_t waiting_days) {
  switch (state) {
    case store::Outstanding::kNotStarted: return "未开始填报";
    case store::Outstanding::kDraft: return "草稿未提交";
    case store::Outstanding::kRejected: return "已退回未重新提交";
    case store::Outstanding::kWaitingReview:
      return waiting_days > 0 ? fmt::format("已提交待审核超过 {} 天", waiting_days) : "已提交待审核";
  }
  return "";
}

Result<std::string> OfficialRegion(const Principal& who, const domain::Round& round,
                                   const domain::ReferenceIndex& index, const std::string& unit) {
  std::string region = unit;
  if (region.empty()) {
    region = who.role == Role::kMinistry || index.InSubtree(round.province_code, who.scope_code)
                 ? round.province_code
                 : who.scope_code;
  }
  if (!index.units.count(region) || !index.UnitInScope(who, region) ||
      !index.InSubtree(region, round.province_code)) {
    return Fail(Error::Invalid("invalid_parameter", "unit 不是您管辖范围内、本评估周期所在省的单位", "unit"));
  }
  return region;
}

Result<OutstandingList> ListOutstanding(store::Db& db, const Clock& clock, const Principal& who,
                                        const OutstandingRequest& request) {
  if (!IsRegionAdmin(who.role)) return Fail(Error::Forbidden("只有主管部门管理员可以查看督办清单"));
  std::optional<store::Outstanding> state;
  if (!request.state.empty()) {
    state = store::ParseOutstanding(request.state);
    if (!state) {
      return Fail(Error::Invalid("invalid_parameter",
                                 "state 应为 not_started、draft、rejected 或 waiting_review", "state"));
    }
  }
  if (request.waiting_days < 0 || request.waiting_days > 365) {
    return Fail(Error::Invalid("invalid_parameter", "waiting_days 应为 0 至 365 的整数", "waiting_days"));
  }
  const int64_t now_millis = clock.NowMillis();
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<OutstandingList> {
    auto found = store::FindRound(tx, request.round);
    if (!found) return Fail(found.error());
    auto shared = store::SharedReferenceIndex(tx);
    if (!shared) return Fail(shared.error());
    const domain::ReferenceIndex& index = **shared;
    if (!*found || !RoundConcerns(who, **found, index)) return Fail(Error::NotFound("评估周期不存在"));
    const domain::Round& round = **found;
    auto region = OfficialRegion(who, round, index, request.unit);
    if (!region) return Fail(region.error());
    store::OutstandingQuery query{round.code,
                                  *region,
                                  state,
                                  round.review_required,
                                  Clock::Rfc3339OfMillis(now_millis - request.waiting_days * 86'400'000),
                                  request.limit,
                                  request.offset};
    auto page = store::ListOutstanding(tx, who, query);
    if (!page) return Fail(page.error());
    OutstandingList list{round, index.UnitName(*region), request.waiting_days,
                         domain::Date::TodayInChina(clock).ToString(), std::move(*page), {}};
    for (const auto& row : list.page.rows) list.unit_names.emplace(row.unit_code, index.UnitName(row.unit_code));
    return list;
  });
}

report::Table OutstandingTable(const OutstandingList& list) {
  report::Table table;
  const auto day = domain::Date::Parse(list.as_of);
  table.title = "两化融合评估督办清单";
  table.sheet_name = "督办清单";
  table.title_in_sheet = true;
  table.caption = fmt::format("属地：{}；评估周期：{}；统计日期：{}", list.region_name, list.round.name,
                              day ? day->ToChinese() : list.as_of);
  table.header = {"属地", "企业名称", "统一社会信用代码", "督办事项", "最近变动", "最近提醒", "联系人", "联系电话", "电子邮箱"};
  table.text_columns = {0, 1, 2, 3, 4, 5, 6, 7, 8};
  // A stored time as the day officials write: 2026年12月7日.
  auto chinese_day = [](const std::optional<std::string>& at) -> std::string {
    const auto day = at ? ChinaDateOf(*at) : std::nullopt;
    const auto date = day ? domain::Date::Parse(*day) : std::nullopt;
    return date ? date->ToChinese() : "";
  };
  for (const auto& r : list.page.rows) {
    const auto unit = list.unit_names.find(r.unit_code);
    using Cell = report::TableCell;
    table.rows.push_back({Cell::Text(unit == list.unit_names.end() ? r.unit_code : unit->second), Cell::Text(r.name),
                          Cell::Text(r.uscc), Cell::Text(OutstandingLabel(r.state, list.waiting_days)),
                          Cell::Text(chinese_day(r.since)), Cell::Text(chinese_day(r.reminded_at)),
                          Cell::Text(r.contact_name.value_or("")),
                          Cell::Text(r.contact_phone.value_or("")), Cell::Text(r.contact_email.value_or(""))});
  }
  int64_t counted = 0;
  std::string counts;
  for (const auto& [state, n] : list.page.counts) {
    counted += n;
    counts += fmt::format("{}{} {} 家", counts.empty() ? "" : "，", OutstandingLabel(state, list.waiting_days), n);
  }
  table.notes.push_back(fmt::format("合计 {} 家{}{}", counted, counts.empty() ? "" : "：", counts));
  if (list.page.total > static_cast<int64_t>(list.page.rows.size())) {
    table.notes.push_back(fmt::format("本表列出前 {} 家，其余请按属地分别导出", list.page.rows.size()));
  }
  return table;
}

}  // namespace rongping::campaign
