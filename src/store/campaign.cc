#include "store/campaign.h"

#include <iterator>
#include <type_traits>
#include <variant>

#include <fmt/format.h>

#include "core/text.h"
#include "core/time.h"
#include "core/uscc.h"
#include "store/memo.h"
#include "store/scope.h"

namespace rongping::store {
namespace {

// Dates were checked when the round was written; one that does not parse
// now was changed outside rongping, and is reported, not guessed.
Result<domain::Round> RoundFromRow(const Row& r) {
  domain::Round round;
  round.code = r.Text(0);
  round.name = r.Text(1);
  round.year = r.Int(2);
  round.province_code = r.Text(3);
  round.models = SplitCodes(r.Text(4));
  for (auto [column, target] :
       {std::pair{5, &round.opens_on}, {6, &round.closes_on}, {7, &round.deadline}}) {
    auto date = domain::Date::Parse(r.Text(column));
    if (!date) {
      return Fail(
          Error::Internal(fmt::format("评估周期 {} 的日期“{}”无效", round.code, r.Text(column))));
    }
    *target = *date;
  }
  round.review_required = r.Int(8) != 0;
  if (auto due = r.OptText(9)) {
    round.contacts_due = domain::Date::Parse(*due);
    if (!round.contacts_due) {
      return Fail(
          Error::Internal(fmt::format("评估周期 {} 的联系人表截止日期“{}”无效", round.code, *due)));
    }
  }
  round.completion = ParseCompletion(r.Text(10)).value_or(Completion::kApproved);
  round.entries = ParseEntryCount(r.Text(11)).value_or(EntryCount::kEnterprise);
  round.pledge = r.Text(12);
  return round;
}

constexpr std::string_view kRoundColumns =
    "code, name, year, province_code, models, opens_on, closes_on, deadline, review_required, "
    "contacts_due, completion, entries, pledge";

constexpr std::string_view kAssessmentColumns =
    "a.id, a.round_code, a.uscc, a.model_id, a.unit_code, a.production_type, a.status, "
    "a.answers_json, a.version, a.total, a.level_index, a.level_id, a.model_hash, a.submitted_at, "
    "a.reviewed_at, a.reviewer, a.review_reason, a.created_at, a.updated_at, a.score_vector";
// The same columns without the two large ones (answers, score vector), read
// as empty: for lists that show neither.
constexpr std::string_view kAssessmentSummaryColumns =
    "a.id, a.round_code, a.uscc, a.model_id, a.unit_code, a.production_type, a.status, "
    "'', a.version, a.total, a.level_index, a.level_id, a.model_hash, a.submitted_at, "
    "a.reviewed_at, a.reviewer, a.review_reason, a.created_at, a.updated_at, NULL";

// A status as stored; one rongping does not know was written outside it,
// and is reported rather than read as some other status.
Result<domain::AssessmentStatus> StoredStatus(const std::string& name) {
  auto status = domain::ParseAssessmentStatus(name);
  if (!status) return Fail(Error::Internal(fmt::format("答卷状态“{}”无效", name)));
  return *status;
}

Result<domain::Assessment> AssessmentFromRow(const Row& r) {
  domain::Assessment a;
  a.id = r.Int(0);
  a.round_code = r.Text(1);
  a.uscc = domain::Uscc::FromStored(r.Text(2));
  a.model_id = r.Text(3);
  a.unit_code = domain::UnitCode::FromStored(r.Text(4));
  a.production_type = r.Text(5);
  auto status = StoredStatus(r.Text(6));
  if (!status) return Fail(status.error());
  a.status = *status;
  a.answers_json = r.Text(7);
  a.version = r.Int(8);
  if (!r.IsNull(9)) a.total = r.Real(9);
  if (!r.IsNull(10)) a.level_index = r.Int(10);
  a.level_id = r.OptText(11);
  a.model_hash = r.OptText(12);
  a.submitted_at = r.OptText(13);
  a.reviewed_at = r.OptText(14);
  a.reviewer = r.OptText(15);
  a.review_reason = r.OptText(16);
  a.created_at = r.Text(17);
  a.updated_at = r.Text(18);
  a.score_vector = r.OptText(19);
  return a;
}

}  // namespace

Result<void> UpsertRound(Tx& tx, const domain::Round& r) {
  return Done(tx.Exec(
      "INSERT INTO rounds (code, name, year, province_code, models, opens_on, closes_on, deadline, "
      "review_required, created_at, contacts_due, completion, entries, pledge) VALUES ($1, $2, $3, $4, "
      "$5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
      "year = excluded.year, province_code = excluded.province_code, models = excluded.models, "
      "opens_on = excluded.opens_on, closes_on = excluded.closes_on, deadline = excluded.deadline, "
      "review_required = excluded.review_required, contacts_due = excluded.contacts_due, "
      "completion = excluded.completion, entries = excluded.entries, pledge = excluded.pledge",
      {r.code, r.name, r.year, r.province_code, JoinCodes(r.models), r.opens_on.ToString(),
       r.closes_on.ToString(), r.deadline.ToString(), int64_t{r.review_required ? 1 : 0}, tx.Now(),
       r.contacts_due ? Value(r.contacts_due->ToString()) : Value(),
       std::string(CompletionName(r.completion)), std::string(EntryCountName(r.entries)), r.pledge}));
}

Result<std::optional<domain::Round>> FindRound(Tx& tx, std::string_view code) {
  return Memoized<domain::Round>(tx, MemoKind::kRounds, std::string(code), [code](Tx& t) -> Result<std::optional<domain::Round>> {
    static const std::string kSql = fmt::format("SELECT {} FROM rounds WHERE code = $1", kRoundColumns);
    auto rows = t.Query(kSql, {std::string(code)});
    if (!rows) return Fail(rows.error());
    if (rows->empty()) return std::optional<domain::Round>{};
    auto round = RoundFromRow(rows->rows[0]);
    if (!round) return Fail(round.error());
    return std::optional<domain::Round>{std::move(*round)};
  });
}

Result<bool> RoundHasAssessments(Tx& tx, std::string_view code) {
  auto rows = tx.Query("SELECT 1 FROM assessments WHERE round_code = $1 LIMIT 1", {std::string(code)});
  if (!rows) return Fail(rows.error());
  return !rows->empty();
}

Result<std::vector<domain::Round>> ListRounds(Tx& tx) {
  auto rows = tx.Query(fmt::format("SELECT {} FROM rounds ORDER BY year DESC, code", kRoundColumns));
  if (!rows) return Fail(rows.error());
  std::vector<domain::Round> out;
  for (const auto& r : rows->rows) {
    auto round = RoundFromRow(r);
    if (!round) return Fail(round.error());
    out.push_back(std::move(*round));
  }
  return out;
}

Result<std::optional<domain::Assessment>> FindAssessment(Tx& tx, std::string_view round_code,
                                                       std::string_view uscc) {
  static const std::string kSql = fmt::format(
      "SELECT {} FROM assessments a WHERE a.round_code = $1 AND a.uscc = $2 ORDER BY a.id LIMIT 1",
      kAssessmentColumns);
  auto rows = tx.Query(kSql, {std::string(round_code), std::string(uscc)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<domain::Assessment>{};
  auto a = AssessmentFromRow(rows->rows[0]);
  if (!a) return Fail(a.error());
  return std::optional<domain::Assessment>{std::move(*a)};
}

Result<domain::Assessment> SaveAssessment(Tx& tx, domain::Assessment a, int64_t expected_version) {
  std::string now = tx.Now();
  a.updated_at = now;
  std::vector<Value> params = {a.round_code,
                               a.uscc,
                               a.model_id,
                               a.unit_code,
                               a.production_type,
                               std::string(domain::AssessmentStatusName(a.status)),
                               a.answers_json,
                               Nullable(a.total),
                               Nullable(a.level_index),
                               Nullable(a.level_id),
                               Nullable(a.model_hash),
                               Nullable(a.submitted_at),
                               Nullable(a.reviewed_at),
                               Nullable(a.reviewer),
                               Nullable(a.review_reason),
                               now,
                               Nullable(a.score_vector)};
  if (a.id == 0) {
    if (expected_version != 0) {
      return Fail(Error::Conflict("stale_version", "答卷已被删除或尚未创建，请刷新后重试"));
    }
    a.created_at = now;
    a.version = 1;
    params.push_back(now);
    auto rows = tx.Query(
        "INSERT INTO assessments (round_code, uscc, model_id, unit_code, production_type, status, "
        "answers_json, total, level_index, level_id, model_hash, submitted_at, reviewed_at, "
        "reviewer, review_reason, updated_at, score_vector, created_at, version) VALUES ($1, $2, $3, "
        "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, 1) RETURNING id",
        params);
    if (!rows) {
      if (rows.error().kind == ErrorKind::kConflict) {
        return Fail(Error::Conflict("stale_version", "答卷已由他人创建，请刷新后重试"));
      }
      return Fail(rows.error());
    }
    a.id = rows->rows[0].Int(0);
    tx.NoteFeedAppend();
    if (auto c = tx.Exec("INSERT INTO assessment_changes (assessment_id) VALUES ($1)", {a.id}); !c) {
      return Fail(c.error());
    }
    return a;
  }
  params.push_back(a.id);
  params.push_back(expected_version);
  auto changed = tx.Exec(
      "UPDATE assessments SET round_code = $1, uscc = $2, model_id = $3, unit_code = $4, "
      "production_type = $5, status = $6, answers_json = $7, total = $8, level_index = $9, "
      "level_id = $10, model_hash = $11, submitted_at = $12, reviewed_at = $13, reviewer = $14, "
      "review_reason = $15, updated_at = $16, score_vector = $17, version = version + 1 WHERE id = $18 "
      "AND version = $19",
      params);
  if (!changed) return Fail(changed.error());
  if (*changed == 0) {
    return Fail(Error::Conflict("stale_version", "答卷已在别处修改（版本已变化），请刷新后重试"));
  }
  a.version = expected_version + 1;
  tx.NoteFeedAppend();
  if (auto c = tx.Exec("INSERT INTO assessment_changes (assessment_id) VALUES ($1)", {a.id}); !c) {
    return Fail(c.error());
  }
  return a;
}

Result<void> RecordAssessmentEvent(Tx& tx, const domain::AssessmentEvent& e) {
  return Done(tx.Exec(
      "INSERT INTO assessment_events (assessment_id, at, actor, from_status, to_status, reason) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      {e.assessment_id, e.at.empty() ? tx.Now() : e.at, e.actor,
       e.from_status ? Value(std::string(domain::AssessmentStatusName(*e.from_status))) : Value(),
       std::string(domain::AssessmentStatusName(e.to_status)), Nullable(e.reason)}));
}

Result<void> RecordPledge(Tx& tx, int64_t assessment_id, const domain::Pledge& pledge) {
  return Done(tx.Exec("INSERT INTO pledges (assessment_id, at, username, text) VALUES ($1, $2, $3, $4)",
                      {assessment_id, pledge.at, pledge.username, pledge.text}));
}

Result<std::optional<domain::Pledge>> FindPledge(Tx& tx, const domain::Assessment& assessment) {
  if (!assessment.submitted_at) return std::optional<domain::Pledge>();
  auto rows = tx.Query(
      "SELECT text, username, at FROM pledges WHERE assessment_id = $1 AND at = $2 ORDER BY id DESC LIMIT 1",
      {assessment.id, *assessment.submitted_at});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<domain::Pledge>();
  const auto& r = rows->rows[0];
  return std::optional<domain::Pledge>(domain::Pledge{r.Text(0), r.Text(1), r.Text(2)});
}

Result<std::vector<domain::AssessmentEvent>> ListAssessmentEvents(Tx& tx, int64_t assessment_id) {
  auto rows = tx.Query(
      "SELECT assessment_id, at, actor, from_status, to_status, reason FROM assessment_events "
      "WHERE assessment_id = $1 ORDER BY id",
      {assessment_id});
  if (!rows) return Fail(rows.error());
  std::vector<domain::AssessmentEvent> out;
  for (const auto& r : rows->rows) {
    std::optional<domain::AssessmentStatus> from;
    if (!r.IsNull(3)) {
      auto s = StoredStatus(r.Text(3));
      if (!s) return Fail(s.error());
      from = *s;
    }
    auto to = StoredStatus(r.Text(4));
    if (!to) return Fail(to.error());
    out.push_back({r.Int(0), r.Text(1), r.Text(2), from, *to, r.OptText(5)});
  }
  return out;
}

Result<ChangeBatch> ScanChanges(Tx& tx, int64_t after_seq, int64_t limit,
                                const std::function<void(const AssessmentChange&)>& on_change) {
  ChangeBatch batch;
  batch.last_seq = after_seq;
  int64_t read = 0;
  auto scanned = tx.Scan(
      "SELECT c.seq, a.id, a.round_code, a.uscc, a.unit_code, a.status FROM assessment_changes c "
      "JOIN assessments a ON a.id = c.assessment_id WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
      {after_seq, limit}, [&](const RowCursor& r) {
        ++read;
        batch.last_seq = r.Int(0);
        on_change({r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5)});
      });
  if (!scanned) return Fail(scanned.error());
  batch.more = read == limit;
  return batch;
}

Result<std::vector<UnitCounts>> CountByUnit(Tx& tx, std::string_view round_code, const CountQuery& query) {
  std::vector<Value> params{std::string(round_code)};
  std::string filter;
  if (!query.industries.empty()) {
    std::string in;
    for (const auto& code : query.industries) {
      params.push_back(code);
      in += fmt::format("{}${}", in.empty() ? "" : ", ", params.size());
    }
    filter = fmt::format(" AND a.uscc IN (SELECT uscc FROM enterprises WHERE industry_code IN ({}))", in);
  }
  // The status of each assessment: now, or as its last event before the
  // instant left it (an assessment without an event before it did not exist).
  std::string status = "a.status";
  if (!query.before.empty()) {
    params.push_back(query.before);
    const size_t at = params.size();
    status = fmt::format(
        "(SELECT ev.to_status FROM assessment_events ev WHERE ev.assessment_id = a.id AND ev.at < ${} "
        "ORDER BY ev.at DESC, ev.id DESC LIMIT 1)",
        at);
  }
  // One row per assessment (its unit, enterprise, status as counted, and the
  // round's rules), then counted per unit by entry.
  const std::string sql = fmt::format(
      "WITH s AS (SELECT a.unit_code AS unit, a.uscc AS uscc, a.id AS id, {} AS status, r.completion AS "
      "completion, r.entries AS entries FROM assessments a JOIN rounds r ON r.code = a.round_code "
      "WHERE a.round_code = $1{}), c AS (SELECT unit, CASE WHEN entries = 'assessment' THEN "
      "CAST(id AS TEXT) ELSE uscc END AS entry, CASE WHEN status = 'approved' OR (status = 'submitted' "
      "AND completion = 'submitted') THEN 1 ELSE 0 END AS done FROM s WHERE status IS NOT NULL) "
      "SELECT unit, COUNT(DISTINCT entry), COUNT(DISTINCT CASE WHEN done = 1 THEN entry END) FROM c "
      "GROUP BY unit ORDER BY unit",
      status, filter);
  auto rows = tx.Query(sql, params);
  if (!rows) return Fail(rows.error());
  std::vector<UnitCounts> out;
  for (const auto& r : rows->rows) out.push_back({r.Text(0), r.Int(1), r.Int(2)});
  return out;
}

Result<AssessmentPage> ListAssessments(Tx& tx, const Principal& who,
                                       const domain::AssessmentQuery& query) {
  std::vector<Value> params{query.round};
  std::string where = "a.round_code = $1 AND " + EnterpriseScopeCondition(who, params);
  auto add = [&](std::string condition, Value value) {
    params.push_back(std::move(value));
    where += " AND " + fmt::format(fmt::runtime(condition), params.size());
  };
  if (!query.unit.empty()) where += " AND " + UnitSubtreeCondition("a.unit_code", query.unit, params);
  if (query.status) add("a.status = ${}", std::string(domain::AssessmentStatusName(*query.status)));
  if (!query.industry.empty()) add("e.industry_code = ${}", query.industry);
  if (!query.level.empty()) add("a.level_id = ${}", query.level);
  // A China day runs from the end of the day before to its own end, in UTC.
  if (query.submitted_from)
    add("a.submitted_at >= ${}", ChinaDayEndUtc(query.submitted_from->AddDays(-1).ToString()));
  if (query.submitted_to)
    add("a.submitted_at < ${}", ChinaDayEndUtc(query.submitted_to->ToString()));
  if (!query.text.empty()) {
    params.push_back("%" + EscapeLike(query.text) + "%");
    params.push_back(EscapeLike(NormalizeUscc(query.text)) + "%");
    where += fmt::format(" AND (e.name LIKE ${} ESCAPE '\\' OR a.uscc LIKE ${} ESCAPE '\\')",
                         params.size() - 1, params.size());
  }
  const std::string from =
      "FROM assessments a JOIN enterprises e ON e.uscc = a.uscc WHERE " + where;
  auto count = tx.Query("SELECT COUNT(*) " + from, params);
  if (!count) return Fail(count.error());
  AssessmentPage page;
  page.total = count->rows[0].Int(0);
  params.push_back(query.limit);
  params.push_back(query.offset);
  // The default walks migration 12's index. A submission time or total
  // that is not there comes last in both directions and on both backends
  // (SQLite and PostgreSQL put NULL at opposite ends).
  const char* direction = query.descending ? " DESC" : "";
  std::string order;
  switch (query.order) {
    case domain::AssessmentOrder::kUpdated: order = fmt::format("a.updated_at{}, a.id", direction); break;
    case domain::AssessmentOrder::kSubmitted:
      order = fmt::format("a.submitted_at IS NULL, a.submitted_at{}, a.id", direction);
      break;
    case domain::AssessmentOrder::kTotal: order = fmt::format("a.total IS NULL, a.total{}, a.id", direction); break;
  }
  auto rows = tx.Query(fmt::format("SELECT {}, e.name {} ORDER BY {} LIMIT ${} OFFSET ${}", kAssessmentSummaryColumns,
                                   from, order, params.size() - 1, params.size()),
                       params);
  if (!rows) return Fail(rows.error());
  for (const auto& r : rows->rows) {
    auto a = AssessmentFromRow(r);
    if (!a) return Fail(a.error());
    page.items.push_back({std::move(*a), r.Text(20)});
  }
  return page;
}

std::string_view OutstandingName(Outstanding o) {
  switch (o) {
    case Outstanding::kNotStarted: return "not_started";
    case Outstanding::kDraft: return "draft";
    case Outstanding::kRejected: return "rejected";
    case Outstanding::kWaitingReview: return "waiting_review";
  }
  return "";
}

std::optional<Outstanding> ParseOutstanding(std::string_view name) {
  for (auto o : kOutstandingKinds) {
    if (OutstandingName(o) == name) return o;
  }
  return std::nullopt;
}

Result<OutstandingPage> ListOutstanding(Tx& tx, const Principal& who, const OutstandingQuery& query) {
  std::vector<Value> params{query.round, int64_t{query.review_required ? 1 : 0}, query.submitted_before};
  const std::string where =
      EnterpriseScopeCondition(who, params) + " AND " + UnitSubtreeCondition("e.unit_code", query.unit, params);
  // Each enterprise of the region with its kind of outstanding ('' when it
  // has none): the state names are OutstandingName's.
  const std::string outstanding = fmt::format(
      "WITH o AS (SELECT e.uscc, e.name, e.unit_code, e.contact_name, e.contact_phone, e.contact_email, "
      "CASE WHEN a.id IS NULL THEN 'not_started' WHEN a.status = 'draft' THEN 'draft' "
      "WHEN a.status = 'rejected' THEN 'rejected' WHEN a.status = 'submitted' AND $2 = 1 AND "
      "a.submitted_at < $3 THEN 'waiting_review' ELSE '' END AS state, "
      "CASE WHEN a.status = 'submitted' THEN a.submitted_at ELSE a.updated_at END AS since "
      "FROM enterprises e LEFT JOIN assessments a ON a.uscc = e.uscc AND a.round_code = $1 WHERE {}) ",
      where);
  OutstandingPage page;
  auto counts = tx.Query(outstanding + "SELECT state, COUNT(*) FROM o WHERE state <> '' GROUP BY state", params);
  if (!counts) return Fail(counts.error());
  for (const auto& r : counts->rows) {
    if (auto o = ParseOutstanding(r.Text(0))) page.counts[*o] = r.Int(1);
  }
  for (const auto& [state, n] : page.counts) {
    if (!query.state || *query.state == state) page.total += n;
  }
  std::string filter = "state <> ''";
  if (query.state) {
    params.push_back(std::string(OutstandingName(*query.state)));
    filter = fmt::format("state = ${}", params.size());
  }
  params.push_back(query.limit);
  params.push_back(query.offset);
  auto rows = tx.Query(
      outstanding + fmt::format("SELECT uscc, name, unit_code, contact_name, contact_phone, contact_email, state, "
                                "since, (SELECT MAX(r.created_at) FROM reminders r WHERE r.recipient_kind = "
                                "'enterprise' AND r.recipient = o.uscc AND r.round_code = $1) "
                                "FROM o WHERE {} ORDER BY CASE state WHEN 'not_started' THEN 0 WHEN "
                                "'draft' THEN 1 WHEN 'rejected' THEN 2 ELSE 3 END, unit_code, name, uscc "
                                "LIMIT ${} OFFSET ${}",
                                filter, params.size() - 1, params.size()),
      params);
  if (!rows) return Fail(rows.error());
  for (const auto& r : rows->rows) {
    page.rows.push_back({r.Text(0), r.Text(1), r.Text(2), r.OptText(3), r.OptText(4), r.OptText(5),
                         ParseOutstanding(r.Text(6)).value_or(Outstanding::kNotStarted), r.OptText(7), r.OptText(8)});
  }
  return page;
}

Result<std::vector<RoundAssessment>> ListEnterpriseAssessments(Tx& tx, std::string_view uscc) {
  auto rows = tx.Query(fmt::format("SELECT {}, r.name FROM assessments a JOIN rounds r ON r.code = "
                                   "a.round_code WHERE a.uscc = $1 ORDER BY r.year, r.opens_on, a.id",
                                   kAssessmentSummaryColumns),
                       {std::string(uscc)});
  if (!rows) return Fail(rows.error());
  std::vector<RoundAssessment> out;
  for (const auto& r : rows->rows) {
    auto a = AssessmentFromRow(r);
    if (!a) return Fail(a.error());
    out.push_back({std::move(*a), r.Text(20)});
  }
  return out;
}

Result<std::string> ReadEnterpriseStamp(Tx& tx, std::string_view uscc) {
  static const std::string kSql = fmt::format(
      "SELECT {}, e.version, e.name, e.unit_code, e.industry_code, e.size_class, "
      "a.id, a.version, a.round_code, a.model_id, a.status, a.total, a.level_id "
      "FROM cache_versions v LEFT JOIN enterprises e ON e.uscc = $1 "
      "LEFT JOIN assessments a ON a.uscc = e.uscc ORDER BY a.id",
      kStoreVersionColumns);
  auto rows = tx.Query(kSql, {std::string(uscc)});
  if (!rows) return Fail(rows.error());
  if (auto versions = KeepStoreVersions(tx, *rows); !versions) return Fail(versions.error());
  // Each value with its type (and a text with its length), so that no two
  // different rows make the same text; reals exactly.
  std::string stamp;
  for (const Row& r : rows->rows) {
    stamp += '\x1e';
    for (size_t i = 0; i < r.size(); ++i) {
      std::visit(
          [&stamp](const auto& v) {
            using V = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<V, std::monostate>)
              stamp += "\x1fn";
            else if constexpr (std::is_same_v<V, int64_t>)
              fmt::format_to(std::back_inserter(stamp), "\x1fi{}", v);
            else if constexpr (std::is_same_v<V, double>)
              fmt::format_to(std::back_inserter(stamp), "\x1fr{:a}", v);
            else
              fmt::format_to(std::back_inserter(stamp), "\x1ft{}:{}", v.size(), v);
          },
          r[i]);
    }
  }
  return stamp;
}

Result<void> UpsertTarget(Tx& tx, std::string_view round_code, std::string_view unit_code,
                          std::string_view rule) {
  return Done(tx.Exec(
      "INSERT INTO targets (round_code, unit_code, rule) VALUES ($1, $2, $3) "
      "ON CONFLICT (round_code, unit_code) DO UPDATE SET rule = excluded.rule",
      {std::string(round_code), std::string(unit_code), std::string(rule)}));
}

Result<std::optional<std::string>> FindTarget(Tx& tx, std::string_view round_code,
                                              std::string_view unit_code) {
  auto rows = tx.Query("SELECT rule FROM targets WHERE round_code = $1 AND unit_code = $2",
                       {std::string(round_code), std::string(unit_code)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<std::string>{};
  return std::optional<std::string>{rows->rows[0].Text(0)};
}

Result<std::vector<std::pair<std::string, std::string>>> ListTargets(Tx& tx,
                                                                     std::string_view round_code) {
  auto rows = tx.Query("SELECT unit_code, rule FROM targets WHERE round_code = $1",
                       {std::string(round_code)});
  if (!rows) return Fail(rows.error());
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : rows->rows) out.emplace_back(r.Text(0), r.Text(1));
  return out;
}

Result<Grant> FindGrant(Tx& tx, int64_t agency_user_id, std::string_view uscc) {
  auto rows = tx.Query("SELECT can_submit FROM agency_grants WHERE agency_user_id = $1 AND uscc = $2",
                       {agency_user_id, std::string(uscc)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return Grant{};
  return Grant{true, rows->rows[0].Int(0) != 0};
}

Result<void> PutGrant(Tx& tx, int64_t agency_user_id, std::string_view uscc, bool can_submit) {
  return Done(tx.Exec(
      "INSERT INTO agency_grants (agency_user_id, uscc, can_submit, granted_at) VALUES ($1, $2, $3, "
      "$4) ON CONFLICT (agency_user_id, uscc) DO UPDATE SET can_submit = excluded.can_submit, "
      "granted_at = excluded.granted_at",
      {agency_user_id, std::string(uscc), int64_t{can_submit ? 1 : 0}, tx.Now()}));
}

Result<bool> DeleteGrant(Tx& tx, int64_t agency_user_id, std::string_view uscc) {
  auto n = tx.Exec("DELETE FROM agency_grants WHERE agency_user_id = $1 AND uscc = $2",
                   {agency_user_id, std::string(uscc)});
  if (!n) return Fail(n.error());
  return *n > 0;
}

Result<std::vector<domain::AgencyGrant>> ListGrants(Tx& tx, std::string_view uscc) {
  auto rows = tx.Query(
      "SELECT u.username, u.display_name, g.can_submit, g.granted_at FROM agency_grants g JOIN "
      "users u ON u.id = g.agency_user_id WHERE g.uscc = $1 ORDER BY u.username",
      {std::string(uscc)});
  if (!rows) return Fail(rows.error());
  std::vector<domain::AgencyGrant> out;
  for (const auto& r : rows->rows) out.push_back({r.Text(0), r.Text(1), r.Int(2) != 0, r.Text(3)});
  return out;
}

}  // namespace rongping::store
