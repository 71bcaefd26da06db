#include "campaign/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>

#include "campaign/rounds.h"
#include "core/text.h"
#include "core/time.h"
#include "scoring/model_loading.h"
#include "scoring/score_vector.h"
#include "scoring/stored_answers.h"
#include "store/audit.h"
#include "store/enterprises.h"
#include "store/units.h"

namespace rongping::campaign {
namespace {

// Everything a transition needs, read in its transaction.
struct Context {
  domain::Round round;
  Enterprise enterprise;
  std::optional<domain::Assessment> existing;
  FillInRights rights;  // the caller's
};

Result<FillInRights> RightsOf(store::Tx& tx, const Principal& who, const std::string& uscc) {
  if (who.role == Role::kEnterprise) return FillInRights{true, true};
  if (who.role != Role::kAgency) return FillInRights{};
  auto grant = store::FindGrant(tx, who.user_id, uscc);
  if (!grant) return Fail(grant.error());
  return FillInRights{grant->exists, grant->exists && grant->can_submit};
}

Result<Context> Load(store::Tx& tx, const Principal& who, const std::string& round,
                     const std::string& uscc) {
  auto r = store::FindRound(tx, round);
  if (!r) return Fail(r.error());
  if (!*r) return Fail(Error::NotFound(fmt::format("评估周期“{}”不存在", round.substr(0, 40))));
  auto e = store::FindEnterprise(tx, who, uscc);
  if (!e) return Fail(e.error());
  if (!*e) return Fail(Error::NotFound("未找到该企业"));
  // A round is its province's: an enterprise of another province has no
  // assessment in it, whoever asks.
  auto index = store::SharedReferenceIndex(tx);
  if (!index) return Fail(index.error());
  if (!(*index)->InSubtree((*e)->unit_code, (*r)->province_code)) return Fail(Error::NotFound("该企业不属于本评估周期所在的省份"));
  auto a = store::FindAssessment(tx, round, uscc);
  if (!a) return Fail(a.error());
  auto rights = RightsOf(tx, who, uscc);
  if (!rights) return Fail(rights.error());
  return Context{**r, **e, *a, *rights};
}

bool ModelFits(const model::Model& m, const Enterprise& e) {
  auto has = [](const std::vector<std::string>& list, const std::string& v) {
    return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  return has(m.industry_codes, e.industry_code) && has(m.production_types, e.production_type);
}

// The round's first model that applies to the enterprise.
Result<std::shared_ptr<const model::Model>> ChooseModel(const domain::Round& round,
                                                        const Enterprise& e) {
  for (const auto& id : round.models) {
    auto m = scoring::SharedModel(id);
    if (m && ModelFits(**m, e)) return m;
  }
  return Fail(Error::Invalid("no_model",
                             fmt::format("评估周期“{}”没有适用于该企业（行业 {}、{}）的评估模型",
                                         round.name, e.industry_code, e.production_type)));
}

// The view of `record` for the caller of `ctx`, scored now, with its guide.
AssessmentView ViewOf(const Context& ctx, domain::Assessment record,
                      std::shared_ptr<const model::Model> m, domain::Date today,
                      std::optional<scoring::ScoreResult> result = std::nullopt) {
  if (!result) result = *scoring::ScoreStored(*m, record.production_type, record.answers_json);
  AssessmentGuide guide = GuideFor(record, ctx.round, today, ctx.rights);
  return {std::move(record), std::move(m), std::move(*result), ctx.enterprise, {}, std::move(guide),
          ctx.round.name, std::nullopt};
}

// kForbidden unless the caller of `ctx` may fill in (or submit).
Result<void> MayFillIn(const Principal& who, const Context& ctx, bool submit) {
  if (submit ? ctx.rights.submit : ctx.rights.fill_in) return {};
  if (who.role == Role::kAgency) {
    return Fail(Error::Forbidden(submit ? "企业未授权本机构代为提交" : "企业未授权本机构代为填报"));
  }
  return Fail(Error::Forbidden("只有企业本身或经授权的服务机构可以填报答卷"));
}

Result<void> Transition(store::Tx& tx, const Principal& who, domain::Assessment& record,
                        int64_t expected_version, const std::optional<domain::AssessmentStatus>& from,
                        const std::string& reason, const std::string& request_id,
                        const std::string& action) {
  auto saved = store::SaveAssessment(tx, record, expected_version);
  if (!saved) return Fail(saved.error());
  record = *saved;
  if (!from || *from != record.status) {
    auto ev = store::RecordAssessmentEvent(
        tx, {record.id, "", who.username, from, record.status,
             reason.empty() ? std::nullopt : std::optional<std::string>(reason)});
    if (!ev) return ev;
  }
  std::string after = fmt::format(
      R"({{"round":"{}","status":"{}","version":{},"total":{},"level":"{}","model_hash":"{}"}})",
      record.round_code, domain::AssessmentStatusName(record.status), record.version,
      record.total ? fmt::format("{}", *record.total) : "null", record.level_id.value_or(""),
      record.model_hash.value_or(""));
  return store::RecordAudit(
      tx, {0, "", who.username, action, "assessment", record.round_code + "/" + record.uscc.str(),
           from ? std::optional<std::string>(
                      fmt::format(R"({{"status":"{}"}})", domain::AssessmentStatusName(*from)))
                : std::nullopt,
           after, request_id});
}

}  // namespace

Result<scoring::ParsedAnswers> ParseAnswersStrictly(const model::Model& m, const std::string& json,
                                                    std::vector<Error>* details) {
  auto parsed = scoring::ParseAnswers(m, json);
  if (parsed.problems.empty()) return parsed;
  std::vector<Error> errors;
  for (const auto& p : parsed.problems) {
    errors.push_back(Error::Invalid("invalid_answer",
                                    p.question.empty() ? p.message : p.question + "：" + p.message,
                                    p.question.empty() ? "answers" : "answers." + p.question));
  }
  Error first = errors.front();
  first.message = fmt::format("答卷有 {} 处问题：{}", errors.size(), first.message);
  if (details) *details = std::move(errors);
  return Fail(first);
}

std::optional<Error> InconsistencyError(const model::Model& m, const scoring::ScoreResult& result,
                                        std::vector<Error>* details) {
  std::vector<Error> errors;
  for (int i : result.broken_rules) {
    const auto& rule = m.consistency_rules[i];
    if (!rule.error) continue;
    std::string questions;
    for (int q : rule.questions) questions += (questions.empty() ? "" : "、") + m.questions[q].id;
    errors.push_back(Error::Invalid("inconsistent_answers",
                                    fmt::format("{}（逻辑校验 {}，涉及题目 {}）", rule.message, rule.id, questions),
                                    "answers." + m.questions[rule.questions.front()].id));
  }
  if (errors.empty()) return std::nullopt;
  Error first = errors.front();
  first.message = fmt::format("答卷有 {} 处前后矛盾，不能提交：{}", errors.size(), first.message);
  if (details) *details = std::move(errors);
  return first;
}

LifecycleService::LifecycleService(store::Db& db, const Clock& clock) : db_(db), clock_(clock) {}

Result<AssessmentView> LifecycleService::Get(const Principal& who, const std::string& round,
                                             const std::string& uscc) {
  return InTx(db_, store::TxMode::kRead, [&](store::Tx& tx) { return Get(tx, who, round, uscc); });
}

Result<AssessmentView> LifecycleService::Get(store::Tx& tx, const Principal& who, const std::string& round,
                                             const std::string& uscc) {
  auto ctx = Load(tx, who, round, uscc);
  if (!ctx) return Fail(ctx.error());
  if (!ctx->existing) return Fail(Error::NotFound("该企业在本评估周期尚无答卷"));
  auto m = scoring::SharedModel(ctx->existing->model_id);
  if (!m) return Fail(m.error());
  return ViewOf(*ctx, *ctx->existing, *m, domain::Date::TodayInChina(clock_));
}

Result<AssessmentView> LifecycleService::GetWithHistory(const Principal& who, const std::string& round,
                                                        const std::string& uscc) {
  std::vector<domain::AssessmentEvent> history;
  std::optional<domain::Pledge> pledge;
  auto ctx = InTx(db_, store::TxMode::kRead, [&](store::Tx& tx) -> Result<Context> {
    auto loaded = Load(tx, who, round, uscc);
    if (!loaded || !loaded->existing) return loaded;
    auto events = store::ListAssessmentEvents(tx, loaded->existing->id);
    if (!events) return Fail(events.error());
    history = std::move(*events);
    auto found = store::FindPledge(tx, *loaded->existing);
    if (!found) return Fail(found.error());
    pledge = std::move(*found);
    return loaded;
  });
  if (!ctx) return Fail(ctx.error());
  if (!ctx->existing) return Fail(Error::NotFound("该企业在本评估周期尚无答卷"));
  auto m = scoring::SharedModel(ctx->existing->model_id);
  if (!m) return Fail(m.error());
  AssessmentView view = ViewOf(*ctx, *ctx->existing, *m, domain::Date::TodayInChina(clock_));
  view.history = std::move(history);
  view.pledge = std::move(pledge);
  return view;
}

namespace {

Result<std::optional<domain::Date>> OptionalDate(std::string_view field, const std::string& text) {
  if (text.empty()) return std::optional<domain::Date>();
  auto date = domain::Date::Parse(text);
  if (!date)
    return Fail(Error::Invalid(
        "invalid_parameter", fmt::format("{} 应为日期，如 2016-06-30", field), std::string(field)));
  return std::optional<domain::Date>(*date);
}

// The request as a query, checked against what needs no store: status,
// dates, search text.
Result<domain::AssessmentQuery> QueryOf(const AssessmentListRequest& r) {
  domain::AssessmentQuery q{r.round,      r.unit,       std::nullopt, r.industry, r.level,
                            std::nullopt, std::nullopt, r.text,       r.limit,    r.offset};
  if (!r.status.empty()) {
    q.status = domain::ParseAssessmentStatus(r.status);
    if (!q.status) {
      return Fail(Error::Invalid("invalid_parameter",
                                 "status 应为 draft、submitted、approved 或 rejected", "status"));
    }
  }
  auto from = OptionalDate("submitted_from", r.submitted_from);
  if (!from) return Fail(from.error());
  auto to = OptionalDate("submitted_to", r.submitted_to);
  if (!to) return Fail(to.error());
  if (*from && *to && **to < **from) {
    return Fail(Error::Invalid("invalid_parameter", "submitted_to 不能早于 submitted_from",
                               "submitted_to"));
  }
  q.submitted_from = *from;
  q.submitted_to = *to;
  if (!r.sort.empty()) {
    const bool descending = r.sort[0] == '-';
    const std::string_view by = std::string_view(r.sort).substr(descending ? 1 : 0);
    if (by == "updated_at") {
      q.order = domain::AssessmentOrder::kUpdated;
    } else if (by == "submitted_at") {
      q.order = domain::AssessmentOrder::kSubmitted;
    } else if (by == "total") {
      q.order = domain::AssessmentOrder::kTotal;
    } else {
      return Fail(Error::Invalid("invalid_parameter",
                                 "sort 应为 updated_at、submitted_at 或 total，前加 - 表示从大到小", "sort"));
    }
    q.descending = descending;
  }
  if (!IsValidUtf8(r.text) || HasControlCharacter(r.text) || CountCodePoints(r.text) > 50) {
    return Fail(Error::Invalid("invalid_parameter", "搜索内容最多50个字符，不含控制字符", "q"));
  }
  return q;
}

// Whether `level` is a stage of one of the round's models.
bool IsStageOf(const domain::Round& round, const std::string& level) {
  const auto stages = RoundStages(round);
  return std::any_of(stages.begin(), stages.end(), [&](const Stage& s) { return s.id == level; });
}

}  // namespace

Result<store::AssessmentPage> LifecycleService::List(const Principal& who,
                                                     const AssessmentListRequest& request) {
  auto query = QueryOf(request);
  if (!query) return Fail(query.error());
  return InTx(db_, store::TxMode::kRead, [&](store::Tx& tx) -> Result<store::AssessmentPage> {
    auto found = store::FindRound(tx, request.round);
    if (!found) return Fail(found.error());
    if (!*found) return Fail(Error::NotFound("评估周期不存在"));
    auto shared = store::SharedReferenceIndex(tx);
    if (!shared) return Fail(shared.error());
    const domain::ReferenceIndex* index = shared->get();
    if (!RoundConcerns(who, **found, *index)) return Fail(Error::NotFound("评估周期不存在"));
    if (!query->unit.empty() && !index->units.count(query->unit)) {
      return Fail(Error::Invalid("invalid_parameter", "unit 不是已登记的单位代码", "unit"));
    }
    if (!query->industry.empty() && !index->IsIndustry(query->industry)) {
      return Fail(
          Error::Invalid("invalid_parameter", "industry 不是国民经济行业大类代码", "industry"));
    }
    if (!query->level.empty() && !IsStageOf(**found, query->level)) {
      return Fail(
          Error::Invalid("invalid_parameter", "level 不是本评估周期模型的发展阶段", "level"));
    }
    return store::ListAssessments(tx, who, *query);
  });
}

Result<AssessmentView> LifecycleService::SaveDraft(const Principal& who, const std::string& round,
                                                   const std::string& uscc,
                                                   const std::string& answers_json,
                                                   int64_t expected_version,
                                                   const std::string& request_id,
                                                   std::vector<Error>* details) {
  return writes_.Write([&](store::Tx& tx) -> Result<AssessmentView> {
    auto ctx = Load(tx, who, round, uscc);
    if (!ctx) return Fail(ctx.error());
    if (auto denied = MayFillIn(who, *ctx, false); !denied) return Fail(denied.error());
    const domain::Date today = domain::Date::TodayInChina(clock_);
    const domain::RoundState state = domain::StateOn(ctx->round, today);
    if (state == domain::RoundState::kNotOpen) {
      return Fail(Error::Invalid(
          "round_not_open",
          fmt::format("评估周期将于 {} 开始，现在还不能填报", ctx->round.opens_on.ToString())));
    }
    if (state == domain::RoundState::kClosed) {
      return Fail(Error::Invalid("round_closed", fmt::format("评估周期已于 {} 截止，不能再修改答卷",
                                                             ctx->round.closes_on.ToString())));
    }
    domain::Assessment record;
    std::optional<domain::AssessmentStatus> from;
    std::shared_ptr<const model::Model> m;
    if (ctx->existing) {
      record = *ctx->existing;
      from = record.status;
      if (record.status == domain::AssessmentStatus::kSubmitted || record.status == domain::AssessmentStatus::kApproved) {
        return Fail(Error::Conflict(
            "not_editable", record.status == domain::AssessmentStatus::kSubmitted ? "答卷已提交待审核，如需修改请先撤回"
                                                         : "答卷已审核通过，不能再修改"));
      }
      auto loaded = scoring::SharedModel(record.model_id);
      if (!loaded) return Fail(loaded.error());
      m = *loaded;
    } else {
      auto chosen = ChooseModel(ctx->round, ctx->enterprise);
      if (!chosen) return Fail(chosen.error());
      m = *chosen;
      record.round_code = ctx->round.code;
      record.uscc = ctx->enterprise.uscc;
      record.model_id = m->id;
    }
    auto parsed = ParseAnswersStrictly(*m, answers_json, details);
    if (!parsed) return Fail(parsed.error());
    record.unit_code = ctx->enterprise.unit_code;
    record.production_type = ctx->enterprise.production_type;
    record.answers_json = answers_json;
    record.status = domain::AssessmentStatus::kDraft;
    record.total.reset();
    record.level_index.reset();
    record.level_id.reset();
    record.model_hash.reset();
    record.score_vector.reset();
    if (auto t = Transition(tx, who, record, expected_version, from, "", request_id,
                            "assessment.save_draft");
        !t) {
      return Fail(t.error());
    }
    return ViewOf(*ctx, std::move(record), m, today);
  });
}

Result<AssessmentView> LifecycleService::Submit(const Principal& who, const std::string& round,
                                                const std::string& uscc, bool override_close, bool pledged,
                                                const std::string& request_id,
                                                std::vector<Error>* details) {
  return writes_.Write([&](store::Tx& tx) -> Result<AssessmentView> {
    auto ctx = Load(tx, who, round, uscc);
    if (!ctx) return Fail(ctx.error());
    const domain::Date today = domain::Date::TodayInChina(clock_);
    const domain::RoundState state = domain::StateOn(ctx->round, today);
    const bool closed = state == domain::RoundState::kClosed;
    // Only province and ministry admins can override, and only once the
    // round has closed; anyone else's request follows the normal rules.
    const bool may_override = who.role == Role::kProvince || who.role == Role::kMinistry;
    if (override_close && may_override && !closed) {
      return Fail(Error::Forbidden("评估周期尚未截止，请由企业自行提交"));
    }
    const bool admin_override = override_close && may_override && closed;
    if (state == domain::RoundState::kNotOpen) {
      return Fail(Error::Invalid(
          "round_not_open",
          fmt::format("评估周期将于 {} 开始，现在还不能提交", ctx->round.opens_on.ToString())));
    }
    if (!admin_override) {
      if (auto denied = MayFillIn(who, *ctx, true); !denied) return Fail(denied.error());
      if (closed) {
        return Fail(Error::Invalid(
            "round_closed",
            fmt::format("评估周期已于 {} 截止，不能再提交；如有特殊情况请联系省级主管部门",
                        ctx->round.closes_on.ToString())));
      }
    }
    if (!ctx->existing) return Fail(Error::NotFound("尚无答卷：请先填写并保存"));
    domain::Assessment record = *ctx->existing;
    if (record.status == domain::AssessmentStatus::kSubmitted || record.status == domain::AssessmentStatus::kApproved) {
      return Fail(Error::Conflict("already_submitted",
                                  record.status == domain::AssessmentStatus::kSubmitted ? "答卷已提交，正在等待审核" : "答卷已审核通过"));
    }
    auto m = scoring::SharedModel(record.model_id);
    if (!m) return Fail(m.error());
    auto parsed = ParseAnswersStrictly(**m, record.answers_json, details);
    if (!parsed) return Fail(parsed.error());
    int pt = scoring::ProductionTypeIndex(record.production_type);
    auto result = scoring::Score(**m, parsed->answers, pt);
    if (!result.missing.empty()) {
      std::vector<Error> errors;
      for (const auto& id : result.missing) {
        const auto& q = (*m)->questions[(*m)->QuestionIndex(id)];
        errors.push_back(Error::Invalid("missing_answer", fmt::format("尚未回答：{}", q.text),
                                        "answers." + id));
      }
      Error first = Error::Invalid(
          "incomplete", fmt::format("还有 {} 道必答题未回答，不能提交", errors.size()), errors[0].field);
      if (details) *details = std::move(errors);
      return Fail(first);
    }
    if (auto inconsistent = InconsistencyError(**m, result, details)) return Fail(*inconsistent);
    if (!ctx->round.pledge.empty() && !pledged) {
      return Fail(Error::Invalid("pledge_required", "提交前请阅读并确认真实性承诺", "pledge"));
    }
    std::optional<domain::AssessmentStatus> from = record.status;
    record.status = domain::AssessmentStatus::kSubmitted;
    record.total = result.total;
    record.level_index = result.level;
    record.level_id = (*m)->levels[result.level].id;
    record.model_hash = (*m)->hash;
    record.score_vector = scoring::EncodeScoreVector(result);
    record.submitted_at = clock_.NowRfc3339();
    record.reviewed_at.reset();
    record.reviewer.reset();
    record.review_reason.reset();
    std::string reason = admin_override ? "管理员代为提交（截止后特批）" : "";
    if (auto t = Transition(tx, who, record, record.version, from, reason, request_id,
                            admin_override ? "assessment.submit_override" : "assessment.submit");
        !t) {
      return Fail(t.error());
    }
    // The warnings the enterprise submitted with, kept with the submission.
    std::string warnings;
    for (int i : result.broken_rules) {
      const auto& rule = (*m)->consistency_rules[i];
      if (!rule.error) warnings += fmt::format("{}\"{}\"", warnings.empty() ? "" : ",", rule.id);
    }
    if (!warnings.empty()) {
      if (auto a = store::RecordAudit(
              tx, {0, "", who.username, "assessment.submit_warnings", "assessment",
                   record.round_code + "/" + record.uscc.str(), std::nullopt,
                   fmt::format(R"({{"warnings":[{}]}})", warnings), request_id});
          !a) {
        return Fail(a.error());
      }
    }
    std::optional<domain::Pledge> pledge;
    if (!ctx->round.pledge.empty()) {
      pledge = domain::Pledge{ctx->round.pledge, who.username, *record.submitted_at};
      if (auto r = store::RecordPledge(tx, record.id, *pledge); !r) return Fail(r.error());
    }
    AssessmentView view = ViewOf(*ctx, std::move(record), *m, today, std::move(result));
    view.pledge = std::move(pledge);
    return view;
  });
}

Result<AssessmentView> LifecycleService::Review(const Principal& who, const std::string& round,
                                                const std::string& uscc, bool approve,
                                                const std::string& reason,
                                                const std::string& request_id) {
  if (!IsRegionAdmin(who.role)) {
    // Out-of-scope enterprises stay invisible; in scope, the role is refused.
    auto ctx = InTx(db_, store::TxMode::kRead, [&](store::Tx& tx) { return Load(tx, who, round, uscc); });
    if (!ctx) return Fail(ctx.error());
    return Fail(Error::Forbidden("只有主管部门管理员可以审核答卷"));
  }
  if (!approve && reason.empty()) {
    return Fail(Error::Invalid("reason_required", "驳回时请填写原因，企业将看到该原因", "reason"));
  }
  return writes_.Write([&](store::Tx& tx) -> Result<AssessmentView> {
    auto ctx = Load(tx, who, round, uscc);
    if (!ctx) return Fail(ctx.error());
    if (!ctx->existing) return Fail(Error::NotFound("该企业在本评估周期尚无答卷"));
    domain::Assessment record = *ctx->existing;
    if (record.status != domain::AssessmentStatus::kSubmitted) {
      return Fail(Error::Conflict("not_submitted",
                                  fmt::format("只能审核待审核的答卷，当前状态为“{}”", domain::AssessmentStatusLabel(record.status))));
    }
    std::optional<domain::AssessmentStatus> from = record.status;
    record.status = approve ? domain::AssessmentStatus::kApproved : domain::AssessmentStatus::kRejected;
    record.reviewed_at = clock_.NowRfc3339();
    record.reviewer = who.username;
    record.review_reason = reason.empty() ? std::nullopt : std::optional<std::string>(reason);
    if (auto t = Transition(tx, who, record, record.version, from, reason, request_id,
                            approve ? "assessment.approve" : "assessment.reject");
        !t) {
      return Fail(t.error());
    }
    auto m = scoring::SharedModel(record.model_id);
    if (!m) return Fail(m.error());
    return ViewOf(*ctx, std::move(record), *m, domain::Date::TodayInChina(clock_));
  });
}

Result<AssessmentView> LifecycleService::Withdraw(const Principal& who, const std::string& round,
                                                  const std::string& uscc,
                                                  const std::string& request_id) {
  return writes_.Write([&](store::Tx& tx) -> Result<AssessmentView> {
    auto ctx = Load(tx, who, round, uscc);
    if (!ctx) return Fail(ctx.error());
    if (auto denied = MayFillIn(who, *ctx, true); !denied) return Fail(denied.error());
    if (!ctx->existing || ctx->existing->status != domain::AssessmentStatus::kSubmitted) {
      return Fail(Error::Conflict("not_withdrawable", "只能撤回已提交、尚未审核的答卷"));
    }
    const domain::Date today = domain::Date::TodayInChina(clock_);
    if (domain::StateOn(ctx->round, today) == domain::RoundState::kClosed) {
      return Fail(Error::Invalid(
          "round_closed", fmt::format("评估周期已于 {} 截止，撤回后将不能再提交，因此不能撤回",
                                      ctx->round.closes_on.ToString())));
    }
    domain::Assessment record = *ctx->existing;
    std::optional<domain::AssessmentStatus> from = record.status;
    record.status = domain::AssessmentStatus::kDraft;
    record.submitted_at.reset();
    record.total.reset();
    record.level_index.reset();
    record.level_id.reset();
    record.model_hash.reset();
    record.score_vector.reset();
    if (auto t = Transition(tx, who, record, record.version, from, "企业撤回", request_id,
                            "assessment.withdraw");
        !t) {
      return Fail(t.error());
    }
    auto m = scoring::SharedModel(record.model_id);
    if (!m) return Fail(m.error());
    return ViewOf(*ctx, std::move(record), *m, today);
  });
}

AssessmentGuide GuideFor(const domain::Assessment& a, const domain::Round& round,
                         domain::Date today, FillInRights rights) {
  using domain::AssessmentStatus;
  AssessmentGuide g;
  g.round_state = domain::StateOn(round, today);
  const bool open = g.round_state == domain::RoundState::kOpen;
  const bool changeable =
      a.status == AssessmentStatus::kDraft || a.status == AssessmentStatus::kRejected;
  g.can_edit = open && changeable && rights.fill_in;
  g.can_submit = open && changeable && rights.submit;
  g.can_withdraw = open && a.status == AssessmentStatus::kSubmitted && rights.submit;
  auto closed = [&] {
    return fmt::format("评估周期已于{}截止，答卷只能查看；如有特殊情况请联系省级主管部门。",
                       round.closes_on.ToChinese());
  };
  switch (a.status) {
    case AssessmentStatus::kDraft:
      g.next_step = g.round_state == domain::RoundState::kNotOpen
                        ? fmt::format("评估周期将于{}开始填报。", round.opens_on.ToChinese())
                    : open ? fmt::format("答卷尚未提交：填完必答题后请提交，截止日期为{}。",
                                         round.closes_on.ToChinese())
                           : "答卷未在截止前提交。" + closed();
      break;
    case AssessmentStatus::kSubmitted:
      g.next_step = round.review_required ? "已提交，等待主管部门审核。" : "已提交。";
      if (g.can_withdraw) g.next_step += "审核前如需修改，可先撤回答卷，改好后再提交。";
      break;
    case AssessmentStatus::kApproved:
      g.next_step = "已通过审核，评估结果有效。";
      break;
    case AssessmentStatus::kRejected:
      g.next_step = fmt::format("答卷已被退回，原因：{}。", a.review_reason.value_or("未说明"));
      g.next_step += open ? std::string("请按退回原因修改答卷后重新提交。") : closed();
      break;
  }
  return g;
}

}  // namespace rongping::campaign
