#include "campaign/rounds.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "core/text.h"
#include "core/time.h"
#include "model/model.h"
#include "scoring/model_loading.h"
#include "store/audit.h"

namespace rongping::campaign {
namespace {

using Json = nlohmann::ordered_json;

}  // namespace

bool MaySetRounds(const Principal& who) {
  return who.role == Role::kProvince || who.role == Role::kMinistry;
}

bool MayAdministerRound(const Principal& who, const domain::Round& round,
                        const domain::ReferenceIndex& index) {
  if (who.role == Role::kMinistry) return true;
  return who.role == Role::kProvince && index.UnitInScope(who, round.province_code);
}

bool RoundConcerns(const Principal& who, const domain::Round& round,
                   const domain::ReferenceIndex& index) {
  switch (who.role) {
    case Role::kProvince:
    case Role::kUnit:
    case Role::kAssociation:
      return index.InSubtree(who.scope_code, round.province_code) ||
             index.InSubtree(round.province_code, who.scope_code);
    default:
      return true;
  }
}

Result<void> ValidateRound(const domain::Round& round) {
  static const std::regex kCode("[a-z0-9][a-z0-9-]{1,31}");
  if (!std::regex_match(round.code, kCode)) {
    return Fail(Error::Invalid("invalid_round", "周期代码应为2-32位小写字母、数字或连字符，如 gd-2016", "code"));
  }
  if (round.name.empty() || !IsValidUtf8(round.name) || CountCodePoints(round.name) > 100 ||
      HasControlCharacter(round.name) || !HasVisibleCharacter(round.name)) {
    return Fail(Error::Invalid("invalid_field", "周期名称不能为空，最多100个字符，不含控制字符", "name"));
  }
  if (round.closes_on < round.opens_on) {
    return Fail(Error::Invalid("invalid_field", "截止日期不能早于开始日期", "closes_on"));
  }
  if (round.deadline < round.opens_on) {
    return Fail(Error::Invalid("invalid_field", "目标完成日期不能早于开始日期", "deadline"));
  }
  if (round.year < 2000 || round.year > 2100) {
    return Fail(Error::Invalid("invalid_field", "year 应为 2000 至 2100 的整数", "year"));
  }
  if (round.models.empty()) {
    return Fail(Error::Invalid("invalid_field", "models 应为至少含一个模型标识的数组", "models"));
  }
  // Paragraphs may break lines; nothing else invisible.
  std::string pledge_lines = round.pledge;
  std::replace(pledge_lines.begin(), pledge_lines.end(), '\n', ' ');
  if (!IsValidUtf8(round.pledge) || CountCodePoints(round.pledge) > 2000 || HasControlCharacter(pledge_lines) ||
      (!round.pledge.empty() && !HasVisibleCharacter(round.pledge))) {
    return Fail(Error::Invalid("invalid_field", "真实性承诺最多2000个字符，不含换行以外的控制字符", "pledge"));
  }
  for (const auto& m : round.models) {
    if (!scoring::SharedModel(m)) {
      std::string shown = IsValidUtf8(m) && !HasControlCharacter(m) ? m.substr(0, 40) : "?";
      return Fail(Error::Invalid("unknown_model", fmt::format("未知的模型“{}”", shown), "models"));
    }
  }
  return {};
}

Result<domain::Round> PutRound(store::Db& db, const Principal& who, domain::Round round,
                                    const std::string& request_id, const CountingRules& rules) {
  if (!MaySetRounds(who)) {
    return Fail(Error::Forbidden("只有省级及以上管理员可以设置评估周期"));
  }
  return InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<domain::Round> {
    auto index = store::LoadReferenceIndex(tx);
    if (!index) return Fail(index.error());
    auto existing = store::FindRound(tx, round.code);
    if (!existing) return Fail(existing.error());
    if (*existing && !MayAdministerRound(who, **existing, *index)) {
      return Fail(Error::NotFound("评估周期不存在"));
    }
    if (auto valid = ValidateRound(round); !valid) return Fail(valid.error());
    auto province = index->units.find(round.province_code);
    if (province == index->units.end() || province->second.kind != "province" ||
        !index->UnitInScope(who, round.province_code)) {
      return Fail(Error::Invalid("invalid_field", "province_code 不是您管辖的省级单位", "province_code"));
    }
    const domain::Round& base = *existing ? **existing : round;
    round.completion = rules.completion.value_or(base.completion);
    round.entries = rules.entries.value_or(base.entries);
    if (*existing && ((*existing)->province_code != round.province_code ||
                      (*existing)->completion != round.completion || (*existing)->entries != round.entries)) {
      auto used = store::RoundHasAssessments(tx, round.code);
      if (!used) return Fail(used.error());
      if (*used) {
        return Fail(Error::Conflict("round_in_use", "该评估周期已有企业参评，不能更改所属省份或统计口径"));
      }
    }
    if (auto r = store::UpsertRound(tx, round); !r) return Fail(r.error());
    std::optional<std::string> before;
    if (*existing) before = RoundToJson(**existing).dump();
    if (auto r = store::RecordAudit(tx, {0, "", who.username, "round.put", "round", round.code, before,
                                         RoundToJson(round).dump(), request_id});
        !r) {
      return Fail(r.error());
    }
    return round;
  });
}

Result<void> PutTarget(store::Db& db, const Principal& who, const std::string& round_code,
                       const std::string& unit_code, const TargetRule& rule,
                       const std::string& request_id) {
  if (!MaySetRounds(who)) {
    return Fail(Error::Forbidden("只有省级及以上管理员可以设置目标"));
  }
  return InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    auto round = store::FindRound(tx, round_code);
    if (!round) return Fail(round.error());
    auto index = store::LoadReferenceIndex(tx);
    if (!index) return Fail(index.error());
    if (!*round || !MayAdministerRound(who, **round, *index)) {
      return Fail(Error::NotFound("评估周期不存在"));
    }
    if (!index->InSubtree(unit_code, (*round)->province_code) || !index->UnitInScope(who, unit_code)) {
      return Fail(Error::NotFound("该评估周期所在省份中没有这个单位"));
    }
    auto before = store::FindTarget(tx, round_code, unit_code);
    if (!before) return Fail(before.error());
    const std::string text = rule.ToString();
    if (auto r = store::UpsertTarget(tx, round_code, unit_code, text); !r) return Fail(r.error());
    std::optional<std::string> before_json;
    if (*before) before_json = Json{{"rule", **before}}.dump();
    return store::RecordAudit(tx, {0, "", who.username, "target.put", "target",
                                   round_code + "/" + unit_code, before_json,
                                   Json{{"rule", text}}.dump(), request_id});
  });
}

std::string CountingNote(const domain::Round& round) {
  const bool per_assessment = round.entries == store::EntryCount::kAssessment;
  const std::string_view entry = per_assessment ? "评估条目数（一家企业的每份答卷各计一条）" : "企业数（每家企业只计一次）";
  const std::string_view done = round.completion == store::Completion::kApproved
                                    ? "完成评估获得评分并在系统中上报、且经审核通过的"
                                    : "完成评估获得评分并在系统中上报的（含待审核和审核通过，不含退回修改的）";
  return fmt::format("注：参与评估数指系统中有评估记录的{}，完成评估数指{}{}。", entry, done, entry);
}

Result<domain::Date> ParseRoundDate(std::string_view field, std::string_view text) {
  auto date = domain::Date::Parse(text);
  if (!date) {
    return Fail(Error::Invalid("invalid_field", fmt::format("{} 应为日期，如 2016-06-30", field),
                               std::string(field)));
  }
  return *date;
}

std::vector<Stage> RoundStages(const domain::Round& round) {
  std::vector<Stage> out;
  for (const auto& id : round.models) {
    auto m = scoring::SharedModel(id);
    if (!m) continue;
    for (const auto& level : (*m)->levels) {
      if (std::none_of(out.begin(), out.end(), [&](const Stage& s) { return s.id == level.id; })) {
        out.push_back({level.id, level.title});
      }
    }
  }
  return out;
}

Json RoundToJson(const domain::Round& r, std::optional<domain::Date> today) {
  Json j = {{"code", r.code},
            {"name", r.name},
            {"year", r.year},
            {"province_code", r.province_code},
            {"models", r.models},
            {"opens_on", r.opens_on.ToString()},
            {"closes_on", r.closes_on.ToString()},
            {"deadline", r.deadline.ToString()},
            {"review_required", r.review_required},
            {"contacts_due", r.contacts_due ? Json(r.contacts_due->ToString()) : Json(nullptr)},
            {"completion", store::CompletionName(r.completion)},
            {"entries", store::EntryCountName(r.entries)},
            {"pledge", r.pledge},
            {"counting_note", CountingNote(r)}};
  if (today) {
    const domain::RoundState state = domain::StateOn(r, *today);
    j["state"] = domain::RoundStateName(state);
    j["state_label"] = domain::RoundStateLabel(state);
    Json stages = Json::array();
    for (const auto& s : RoundStages(r)) stages.push_back({{"id", s.id}, {"title", s.title}});
    j["stages"] = std::move(stages);
  }
  return j;
}

Result<std::vector<domain::Round>> ListRounds(store::Db& db) {
  return store::InTx(db, store::TxMode::kRead, [](store::Tx& tx) { return store::ListRounds(tx); });
}

Result<std::vector<domain::Round>> ProvinceRounds(store::Db& db, const std::string& province_code) {
  auto all = ListRounds(db);
  if (!all) return Fail(all.error());
  std::erase_if(*all, [&](const domain::Round& r) { return r.province_code != province_code; });
  std::sort(all->begin(), all->end(), [](const domain::Round& a, const domain::Round& b) {
    return a.year != b.year ? a.year < b.year : a.opens_on < b.opens_on;
  });
  return all;
}

Result<domain::Round> GetRound(store::Db& db, const std::string& code) {
  auto round = store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) { return store::FindRound(tx, code); });
  if (!round) return Fail(round.error());
  if (!*round) return Fail(Error::NotFound("评估周期不存在"));
  return std::move(**round);
}

}  // namespace rongping::campaign
