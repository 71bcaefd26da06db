#include "store/migrations.h"

#include <fmt/format.h>

#include "core/time.h"

namespace rongping::store {
namespace {

// Units form the reporting tree: parent_code is the unit a unit reports to
// (顺德区 reports to 广东省 although it lies inside 佛山市, whose code is kept
// in admin_parent_code). path is "/<root>/.../<code>/" along parent_code, so
// a subtree is `path LIKE '<scope path>%'`.
constexpr std::string_view kV1 = R"SQL(
CREATE TABLE units (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_code TEXT REFERENCES units(code),
  admin_parent_code TEXT,
  kind TEXT NOT NULL,
  grp TEXT,
  above_scale BIGINT,
  path TEXT NOT NULL
);
CREATE INDEX units_path ON units(path);
CREATE TABLE industries (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  section TEXT NOT NULL,
  grp TEXT NOT NULL
);
CREATE TABLE enterprises (
  uscc TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  industry_code TEXT NOT NULL REFERENCES industries(code),
  production_type TEXT NOT NULL,
  employees BIGINT NOT NULL,
  revenue_10k_yuan DOUBLE PRECISION NOT NULL,
  size_class TEXT NOT NULL,
  above_scale BIGINT NOT NULL,
  ownership TEXT,
  address TEXT,
  contact_name TEXT,
  contact_phone TEXT,
  contact_email TEXT,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX enterprises_unit ON enterprises(unit_code);
CREATE INDEX enterprises_industry ON enterprises(industry_code);
CREATE INDEX enterprises_name ON enterprises(name);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  scope_code TEXT,
  industries TEXT,
  display_name TEXT,
  disabled BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE login_throttle (
  throttle_key TEXT PRIMARY KEY,
  failures BIGINT NOT NULL,
  last_failure_at BIGINT NOT NULL,
  locked_until BIGINT NOT NULL
);
CREATE TABLE agency_grants (
  agency_user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  uscc TEXT NOT NULL REFERENCES enterprises(uscc),
  can_submit BIGINT NOT NULL,
  granted_at TEXT NOT NULL,
  PRIMARY KEY (agency_user_id, uscc)
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT,
  request_id TEXT
);
CREATE INDEX audit_object ON audit_log(object_type, object_id);
CREATE INDEX audit_at ON audit_log(at)
)SQL";

// Rounds (评估周期), assessments with their scored result and model hash,
// the trail of every lifecycle transition, and targets as rules.
constexpr std::string_view kV2 = R"SQL(
CREATE TABLE rounds (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  year BIGINT NOT NULL,
  province_code TEXT NOT NULL REFERENCES units(code),
  models TEXT NOT NULL,
  opens_on TEXT NOT NULL,
  closes_on TEXT NOT NULL,
  deadline TEXT NOT NULL,
  review_required BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE assessments (
  id INTEGER PRIMARY KEY,
  round_code TEXT NOT NULL REFERENCES rounds(code),
  uscc TEXT NOT NULL REFERENCES enterprises(uscc),
  model_id TEXT NOT NULL,
  unit_code TEXT NOT NULL REFERENCES units(code),
  production_type TEXT NOT NULL,
  status TEXT NOT NULL,
  answers_json TEXT NOT NULL,
  version BIGINT NOT NULL,
  total DOUBLE PRECISION,
  level_index BIGINT,
  level_id TEXT,
  model_hash TEXT,
  submitted_at TEXT,
  reviewed_at TEXT,
  reviewer TEXT,
  review_reason TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (round_code, uscc, model_id)
);
CREATE INDEX assessments_round_unit ON assessments(round_code, unit_code, status);
CREATE INDEX assessments_uscc ON assessments(uscc);
CREATE TABLE assessment_events (
  id INTEGER PRIMARY KEY,
  assessment_id BIGINT NOT NULL REFERENCES assessments(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  reason TEXT
);
CREATE INDEX assessment_events_assessment ON assessment_events(assessment_id);
CREATE TABLE targets (
  round_code TEXT NOT NULL REFERENCES rounds(code),
  unit_code TEXT NOT NULL REFERENCES units(code),
  rule TEXT NOT NULL,
  PRIMARY KEY (round_code, unit_code)
)
)SQL";

// Contacts (联系人表) per unit and round, the date they are due, and
// quarterly circulars (通报): a frozen progress snapshot with its rendering.
constexpr std::string_view kV3 = R"SQL(
ALTER TABLE rounds ADD COLUMN contacts_due TEXT;
CREATE TABLE contacts (
  round_code TEXT NOT NULL REFERENCES rounds(code),
  unit_code TEXT NOT NULL REFERENCES units(code),
  role TEXT NOT NULL,
  name TEXT NOT NULL,
  department_title TEXT NOT NULL,
  phone TEXT,
  fax TEXT,
  mobile TEXT,
  email TEXT,
  submitted_by TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  PRIMARY KEY (round_code, unit_code, role)
);
CREATE TABLE circulars (
  id INTEGER PRIMARY KEY,
  round_code TEXT NOT NULL REFERENCES rounds(code),
  unit_code TEXT NOT NULL REFERENCES units(code),
  as_of TEXT NOT NULL,
  title TEXT NOT NULL,
  snapshot_json TEXT NOT NULL,
  html TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX circulars_round ON circulars(round_code, unit_code, as_of)
)SQL";

// The change feed: every write of an assessment appends its id with a
// monotonically increasing sequence, so in-memory snapshots (in this or
// another app server) catch up by reading what is newer than they have seen.
constexpr std::string_view kV4 = R"SQL(
CREATE TABLE assessment_changes (
  seq INTEGER PRIMARY KEY,
  assessment_id BIGINT NOT NULL
);
INSERT INTO assessment_changes (assessment_id) SELECT id FROM assessments ORDER BY id
)SQL";

// The scored result's dimension scores and key indicators, kept with the
// assessment (see scoring/score_vector.h) so analytics never re-parse
// answers.
constexpr std::string_view kV5 = R"SQL(
ALTER TABLE assessments ADD COLUMN score_vector TEXT
)SQL";

// Background jobs (e.g. a PDF report), in the database so that any app
// server may run a job another one queued and any may serve its result.
// A running job whose lease has run out (its server died) is taken again.
constexpr std::string_view kV6 = R"SQL(
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  owner_user_id BIGINT NOT NULL,
  input TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  lease_until BIGINT,
  error TEXT,
  result_type TEXT,
  result_name TEXT,
  result_base64 TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX jobs_status ON jobs(status, id)
)SQL";

// Addresses each account has logged in from: an account throttled by
// failures from elsewhere still lets its owner in from a known address.
constexpr std::string_view kV7 = R"SQL(
CREATE TABLE login_addresses (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  last_login_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, address)
)
)SQL";

// What a round counts (store::Completion, store::EntryCount); rounds made
// before keep what review_required meant for them. Each assessment's last
// event before an instant, for counts as of a day, by index.
constexpr std::string_view kV8 = R"SQL(
ALTER TABLE rounds ADD COLUMN completion TEXT NOT NULL DEFAULT 'approved';
UPDATE rounds SET completion = CASE WHEN review_required = 0 THEN 'submitted' ELSE 'approved' END;
ALTER TABLE rounds ADD COLUMN entries TEXT NOT NULL DEFAULT 'enterprise';
CREATE INDEX assessment_events_history ON assessment_events(assessment_id, at, id)
)SQL";

// Benchmark packs loaded from other installations, one per model and
// province ('' for the whole installation; store/benchmarks.h).
constexpr std::string_view kV9 = R"SQL(
CREATE TABLE benchmark_packs (
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL,
  model_id TEXT NOT NULL,
  province_code TEXT NOT NULL,
  model_version TEXT NOT NULL,
  model_hash TEXT NOT NULL,
  installation TEXT NOT NULL,
  scope TEXT NOT NULL,
  round_code TEXT NOT NULL,
  round_title TEXT NOT NULL,
  as_of TEXT NOT NULL,
  group_count BIGINT NOT NULL,
  loaded_at TEXT NOT NULL,
  loaded_by TEXT NOT NULL,
  body TEXT NOT NULL,
  UNIQUE (model_id, province_code)
)
)SQL";

// The version of the reference lists (units, industries): one row more per
// write of them, so that a server keeps the lists in memory and reads them
// again only when the newest version differs (store::SharedReferenceIndex).
constexpr std::string_view kV11 = R"SQL(
CREATE TABLE reference_versions (
  version BIGINT PRIMARY KEY
)
)SQL";

// The review queue lists a round's assessments most recently changed first,
// a page at a time: in this order a page is read without sorting them all.
constexpr std::string_view kV12 = R"SQL(
CREATE INDEX assessments_round_updated ON assessments(round_code, updated_at DESC, id)
)SQL";

// A round's 真实性承诺 (empty: none asked), and each confirmation of it:
// who confirmed which text when, for the submission it came with.
constexpr std::string_view kV13 = R"SQL(
ALTER TABLE rounds ADD COLUMN pledge TEXT NOT NULL DEFAULT '';
CREATE TABLE pledges (
  id INTEGER PRIMARY KEY,
  assessment_id BIGINT NOT NULL REFERENCES assessments(id),
  at TEXT NOT NULL,
  username TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX pledges_assessment ON pledges(assessment_id, id)
)SQL";

// The mail outbox: every e-mail the platform sends, queued | sent | failed,
// leased by the server sending it. 督办 reminders: a batch is one sending
// (at once, or scheduled for due_at) by one official to a selection in a
// region; each reminder is what one recipient (an enterprise by USCC, or a
// unit owing its 联系人表) was sent, shown to it as an in-app notice
// (read_at) and e-mailed to its addresses (mail_id; mail_error says why
// not). Users gain the address a unit's reminders are sent to.
constexpr std::string_view kV14 = R"SQL(
ALTER TABLE users ADD COLUMN email TEXT;
CREATE TABLE mail_outbox (
  id INTEGER PRIMARY KEY,
  recipients TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  error TEXT
);
CREATE INDEX mail_outbox_queue ON mail_outbox(state, lease_until);
CREATE TABLE reminder_batches (
  id INTEGER PRIMARY KEY,
  round_code TEXT NOT NULL REFERENCES rounds(code),
  unit_code TEXT NOT NULL,
  target TEXT NOT NULL,
  states TEXT NOT NULL,
  recipients TEXT NOT NULL,
  message TEXT NOT NULL,
  sender_id BIGINT NOT NULL REFERENCES users(id),
  sender_name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  state TEXT NOT NULL,
  sent_at TEXT,
  reminded BIGINT NOT NULL DEFAULT 0,
  skipped BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX reminder_batches_due ON reminder_batches(state, due_at);
CREATE INDEX reminder_batches_sender ON reminder_batches(sender_id, created_at);
CREATE INDEX reminder_batches_round ON reminder_batches(round_code, id);
CREATE TABLE reminders (
  id INTEGER PRIMARY KEY,
  batch_id BIGINT NOT NULL REFERENCES reminder_batches(id),
  round_code TEXT NOT NULL,
  recipient TEXT NOT NULL,
  recipient_kind TEXT NOT NULL,
  recipient_name TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  state TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  read_at TEXT,
  email TEXT,
  mail_id BIGINT REFERENCES mail_outbox(id),
  mail_error TEXT
);
CREATE INDEX reminders_recipient ON reminders(recipient_kind, recipient, created_at);
CREATE INDEX reminders_batch ON reminders(batch_id, id)
)SQL";

// Account administration: a password an official issued (must be changed at
// the next login), the last login, and for an agency the province admin's
// unit that registered it (who administers it besides the ministry).
constexpr std::string_view kV15 = R"SQL(
ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login_at TEXT;
ALTER TABLE users ADD COLUMN home_unit TEXT
)SQL";

// Enterprise self-registration (企业注册): what an enterprise submitted
// (its record's fields as JSON, the username it asked for, the address it
// came from), waiting for its unit admin, and the decision.
constexpr std::string_view kV16 = R"SQL(
CREATE TABLE registrations (
  id INTEGER PRIMARY KEY,
  uscc TEXT NOT NULL,
  unit_code TEXT NOT NULL,
  fields_json TEXT NOT NULL,
  username TEXT NOT NULL,
  contact_email TEXT NOT NULL,
  remote_address TEXT NOT NULL,
  created_at TEXT NOT NULL,
  state TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  reason TEXT,
  user_id BIGINT REFERENCES users(id)
);
CREATE INDEX registrations_state ON registrations(state, unit_code, id);
CREATE INDEX registrations_address ON registrations(remote_address, created_at)
)SQL";

// Assessment times imported before they were normalised kept the offset
// they came with ("2016-05-01T09:00:00+08:00"), which compares as text 8
// hours late against the UTC times everything else stores: rewritten as
// UTC with milliseconds. A time that does not parse is left as it is.
Result<void> TimesInUtc(Tx& tx) {
  auto rows = tx.Query(
      "SELECT id, submitted_at, reviewed_at FROM assessments WHERE (submitted_at IS NOT NULL AND "
      "submitted_at NOT LIKE '%Z') OR (reviewed_at IS NOT NULL AND reviewed_at NOT LIKE '%Z')");
  if (!rows) return Fail(rows.error());
  auto utc = [](const std::optional<std::string>& text) -> Value {
    if (!text) return Value();
    auto seconds = ParseRfc3339(*text);
    return seconds ? FormatRfc3339Millis(*seconds) : *text;
  };
  for (const auto& r : rows->rows) {
    auto done = tx.Exec("UPDATE assessments SET submitted_at = $2, reviewed_at = $3 WHERE id = $1",
                        {r.Int(0), utc(r.OptText(1)), utc(r.OptText(2))});
    if (!done) return Fail(done.error());
  }
  return {};
}

// What read transactions may keep in memory between them (store/memo.h):
// one counter per kind, which every write to the kind's tables increments in
// the writing transaction, by database triggers, so that writes from other
// app servers and by hand are counted too. The users' columns a principal
// is made of count; a login's last_login_at does not. A session inserted
// changes no kept value; one updated or deleted does.
constexpr std::string_view kV17 = R"SQL(
CREATE TABLE cache_versions (
  accounts BIGINT NOT NULL,
  rounds BIGINT NOT NULL,
  benchmark_packs BIGINT NOT NULL
);
INSERT INTO cache_versions (accounts, rounds, benchmark_packs) VALUES (0, 0, 0)
)SQL";

// A table's writes that a counter of cache_versions counts.
struct CountedWrites {
  std::string_view table, events, counter;
};

// Makes the triggers that count `writes`, each in the writing transaction;
// on PostgreSQL also one function per counter of `new_counters`.
Result<void> CountWrites(Tx& tx, std::initializer_list<std::string_view> new_counters,
                         std::initializer_list<CountedWrites> writes) {
  const bool postgres = tx.db().Dialect() == "postgresql";
  if (postgres) {
    for (std::string_view counter : new_counters) {
      auto made = tx.Exec(fmt::format(
          "CREATE FUNCTION cache_versions_{0}() RETURNS trigger LANGUAGE plpgsql AS "
          "'BEGIN UPDATE cache_versions SET {0} = {0} + 1; RETURN NULL; END'",
          counter));
      if (!made) return Fail(made.error());
    }
  }
  int n = 0;
  for (const CountedWrites& w : writes) {
    const std::string name = fmt::format("{}_cache_version_{}", w.table, ++n);
    const std::string sql = fmt::format(
        fmt::runtime(postgres ? "CREATE TRIGGER {0} AFTER {1} ON {2} FOR EACH ROW EXECUTE FUNCTION cache_versions_{3}()"
                 : "CREATE TRIGGER {0} AFTER {1} ON {2} BEGIN UPDATE cache_versions SET {3} = {3} + 1; END"),
        name, w.events, w.table, w.counter);
    if (auto made = tx.Exec(sql); !made) return Fail(made.error());
  }
  return {};
}

Result<void> CacheVersionTriggers(Tx& tx) {
  constexpr std::string_view kPrincipalColumns =
      "username, password_hash, role, scope_code, industries, display_name, disabled, email, "
      "must_change_password, home_unit";
  const std::string user_update = fmt::format("UPDATE OF {}", kPrincipalColumns);
  return CountWrites(tx, {"accounts", "rounds", "benchmark_packs"},
                     {
                         {"sessions", "UPDATE", "accounts"},
                         {"sessions", "DELETE", "accounts"},
                         {"users", user_update, "accounts"},
                         {"users", "DELETE", "accounts"},
                         {"rounds", "INSERT", "rounds"},
                         {"rounds", "UPDATE", "rounds"},
                         {"rounds", "DELETE", "rounds"},
                         {"benchmark_packs", "INSERT", "benchmark_packs"},
                         {"benchmark_packs", "UPDATE", "benchmark_packs"},
                         {"benchmark_packs", "DELETE", "benchmark_packs"},
                     });
}

// The reference lists (units, industries) counted as the other kinds are,
// by triggers (an edit by hand included), in place of migration 11's table
// that the program added a row to when it wrote them.
constexpr std::string_view kV18 = R"SQL(
ALTER TABLE cache_versions ADD COLUMN reference_lists BIGINT NOT NULL DEFAULT 0;
DROP TABLE reference_versions
)SQL";

Result<void> ReferenceListTriggers(Tx& tx) {
  return CountWrites(tx, {"reference_lists"},
                     {
                         {"units", "INSERT", "reference_lists"},
                         {"units", "UPDATE", "reference_lists"},
                         {"units", "DELETE", "reference_lists"},
                         {"industries", "INSERT", "reference_lists"},
                         {"industries", "UPDATE", "reference_lists"},
                         {"industries", "DELETE", "reference_lists"},
                     });
}

// 政策联动: support measures, the enterprises that received each, and the
// cases marked as examples (典型经验) for a year.
constexpr std::string_view kV19 = R"SQL(
CREATE TABLE support_measures (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  year BIGINT NOT NULL,
  amount_10k_yuan DOUBLE PRECISION,
  unit_code TEXT NOT NULL REFERENCES units(code),
  note TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX support_measures_year ON support_measures(year);
CREATE TABLE support_recipients (
  measure_id BIGINT NOT NULL REFERENCES support_measures(id) ON DELETE CASCADE,
  uscc TEXT NOT NULL REFERENCES enterprises(uscc),
  amount_10k_yuan DOUBLE PRECISION,
  note TEXT NOT NULL,
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (measure_id, uscc)
);
CREATE INDEX support_recipients_uscc ON support_recipients(uscc);
CREATE TABLE typical_cases (
  year BIGINT NOT NULL,
  uscc TEXT NOT NULL REFERENCES enterprises(uscc),
  unit_code TEXT NOT NULL REFERENCES units(code),
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  measure_id BIGINT REFERENCES support_measures(id) ON DELETE SET NULL,
  marked_by TEXT NOT NULL,
  marked_at TEXT NOT NULL,
  PRIMARY KEY (year, uscc)
)
)SQL";

}  // namespace

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> kAll = {
      {1, "units, industries, enterprises, users, sessions, audit", kV1},
      {2, "rounds, assessments, assessment events, targets", kV2},
      {3, "contacts, contact due dates, circulars", kV3},
      {4, "assessment change feed", kV4},
      {5, "score vectors on assessments", kV5},
      {6, "background jobs", kV6},
      {7, "known login addresses", kV7},
      {8, "what a round counts as completed, and as an entry", kV8},
      {9, "benchmark packs", kV9},
      {10, "assessment times in UTC", "", TimesInUtc},
      {11, "versions of the reference lists", kV11},
      {12, "the review queue's order", kV12},
      {13, "the authenticity pledge", kV13},
      {14, "督办 reminders and users' e-mail addresses", kV14},
      {15, "account administration", kV15},
      {16, "enterprise self-registration", kV16},
      {17, "versions of what read transactions keep", kV17, CacheVersionTriggers},
      {18, "versions of the reference lists by trigger", kV18, ReferenceListTriggers},
      {19, "support measures, their recipients, typical cases", kV19},
  };
  return kAll;
}

Result<MigrationReport> Migrate(Db& db) {
  MigrationReport report;
  auto current = InTx(db, TxMode::kWrite, [](Tx& tx) -> Result<int> {
    if (auto r = tx.ExecScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
            "name TEXT NOT NULL, applied_at TEXT NOT NULL)");
        !r) {
      return Fail(r.error());
    }
    auto rows = tx.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!rows) return Fail(rows.error());
    return static_cast<int>(rows->rows[0].Int(0));
  });
  if (!current) return Fail(current.error());
  report.from_version = report.to_version = *current;
  const auto& all = AllMigrations();
  if (!all.empty() && *current > all.back().version) {
    return Fail(Error::Conflict(
        "schema_too_new", fmt::format("数据库结构版本 {} 高于本程序支持的版本 {}，请升级程序",
                                      *current, all.back().version)));
  }
  for (const Migration& m : all) {
    if (m.version <= *current) continue;
    auto applied = InTx(db, TxMode::kWrite, [&](Tx& tx) -> Result<bool> {
      // Re-check under the writer lock: another process may have migrated.
      auto rows = tx.Query("SELECT 1 FROM schema_migrations WHERE version = $1",
                           {int64_t{m.version}});
      if (!rows) return Fail(rows.error());
      if (!rows->empty()) return false;
      if (!m.ddl.empty()) {
        if (auto r = tx.ExecScript(m.ddl); !r) return Fail(r.error());
      }
      if (m.data) {
        if (auto r = m.data(tx); !r) return Fail(r.error());
      }
      if (auto r = tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) "
                           "VALUES ($1, $2, $3)",
                           {int64_t{m.version}, std::string(m.name), tx.Now()});
          !r) {
        return Fail(r.error());
      }
      return true;
    });
    if (!applied) return Fail(applied.error());
    if (*applied) ++report.applied;
    report.to_version = m.version;
  }
  return report;
}

}  // namespace rongping::store
