// Scoring GB/T 23020 assessments.
//
// 1,000,000 synthetic assessments of the shipped gbt23020-2013 model are
// generated once in memory (SplitMix64, fixed seed; a random valid answer
// for every question: option index, bitmask of non-exclusive options, number
// in [min, last point], yes/no; random production type), outside every timed
// region, as columns answers[q][i] plus production types.
//
//   BM_ScoreOne             scoring::Score for one assessment, with the full
//                           result (dimensions, indicators, contributions,
//                           key indicators, missing list), cycling through
//                           4,096 assessments (their answers out of the
//                           cache). Target <= 1.5 us.
//   BM_ScoreOneInCache      the same cycling through 8 (answers in the cache,
//                           as right after parsing them).
//   BM_EvaluateOne          scoring::Evaluate on a prepared slot array: the
//                           core without result assembly.
//   BM_PathToNextLevel      scoring::PathToNextLevel (the diagnosis's path to
//                           the next stage) for one assessment, cycling
//                           through the first 256.
//   BM_ScoreBatch/threads:N scoring::ScoreBatch over all 1,000,000, wall time.
//                           Target >= 5,000,000 assessments/s on 2 cores.
//                           items_per_cpu_second: per second of CPU time of
//                           all threads, i.e. per dedicated core; unlike the
//                           wall time it holds up when the machine is shared.
//   BM_SqliteTotals         the baseline: the same totals from one SQL query
//                           in SQLite (in memory) over a long table
//                           answers(assessment, question, value) and
//                           assessments(id, production_type). Question scores
//                           (a CASE per question generated from the model),
//                           applicable(question, production_type) (the
//                           model's applies_if evaluated for each production
//                           type) and the weights all come from the loaded
//                           model; the weighted means go up indicator ->
//                           dimension -> total with GROUP BY, leaving out
//                           questions that do not apply and renormalising like
//                           scorer.cc. Every SQL total is checked against
//                           ScoreBatch (|difference| <= 1e-9) before timing;
//                           a mismatch fails the benchmark.
//
// The SQL baseline runs on the first 100,000 assessments (8.9 million answer
// rows): at 1,000,000 loading and querying would take several minutes.
// Compare per-assessment throughput (items_per_second). The environment
// variable RONGPING_BENCH_SQL_ASSESSMENTS changes that size.
//
//   build/scoring_benchmark
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "model/model.h"
#include "scoring/model_loading.h"
#include "scoring/scorer.h"
#include "scoring/whatif.h"

namespace rongping {
namespace {

constexpr size_t kAssessments = 1'000'000;
constexpr size_t kDefaultSqlAssessments = 100'000;
constexpr size_t kSample = 4096;  // distinct inputs cycled through by the per-assessment benchmarks
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// SplitMix64: small, fast and the same on every platform.
struct Rng {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
};

// A random valid answer: an option index, a bitmask of non-exclusive
// options, a number in [min, last point] (integer when asked), yes/no.
double RandomAnswer(const model::Question& q, Rng& rng) {
  switch (q.type) {
    case model::QuestionType::kSingle: return static_cast<double>(rng.Below(q.options.size()));
    case model::QuestionType::kMultiple: {
      uint64_t bits = rng.Next(), mask = 0;
      for (size_t i = 0; i < q.options.size(); ++i) {
        if (!q.options[i].exclusive && (bits >> i & 1)) mask |= uint64_t{1} << i;
      }
      return static_cast<double>(mask);
    }
    case model::QuestionType::kNumber:
    case model::QuestionType::kPercent: {
      double lo = std::isfinite(q.min) ? q.min : q.points.front().first;
      double hi = std::min(q.max, q.points.back().first);
      if (hi < lo) hi = lo;
      double x = lo + (hi - lo) * rng.Unit();
      return q.integer ? std::floor(x) : x;
    }
    case model::QuestionType::kYesNo: return static_cast<double>(rng.Below(2));
    case model::QuestionType::kText: return kNaN;
  }
  return kNaN;
}

struct Data {
  std::shared_ptr<const model::Model> model;
  std::vector<std::vector<double>> answers;  // answers[q][i]
  std::vector<int> types;
  std::vector<scoring::Answers> sample;        // the first kSample assessments, for Score
  std::vector<std::vector<double>> slot_sample;  // the same as prepared slot arrays
};

const Data& GetData() {
  static const Data data = [] {
    auto start = std::chrono::steady_clock::now();
    Data d;
    auto m = scoring::ResolveModel("gbt23020-2013");
    if (!m) {
      fmt::print(stderr, "cannot load gbt23020-2013\n");
      std::abort();
    }
    d.model = *m;
    const model::Model& mod = *d.model;
    std::vector<int> allowed;
    for (size_t t = 0; t < model::ProductionTypes().size(); ++t) {
      if (mod.AllowsProductionType(model::ProductionTypes()[t])) allowed.push_back(static_cast<int>(t));
    }
    Rng rng{20261201};
    const size_t nq = mod.questions.size();
    d.answers.resize(nq);
    for (auto& column : d.answers) column.resize(kAssessments);
    d.types.resize(kAssessments);
    for (size_t i = 0; i < kAssessments; ++i) {
      d.types[i] = allowed[rng.Below(allowed.size())];
      for (size_t q = 0; q < nq; ++q) d.answers[q][i] = RandomAnswer(mod.questions[q], rng);
    }
    for (size_t i = 0; i < kSample; ++i) {
      scoring::Answers a;
      std::vector<double> slots(mod.slot_count, kNaN);
      slots[mod.production_type_slot] = d.types[i];
      for (size_t q = 0; q < nq; ++q) {
        a.values.push_back(d.answers[q][i]);
        a.texts.emplace_back();
        slots[mod.questions[q].answer_slot] = d.answers[q][i];
      }
      d.sample.push_back(std::move(a));
      d.slot_sample.push_back(std::move(slots));
    }
    fmt::print(stderr, "generated {} assessments x {} questions in {:.1f} s\n", kAssessments, nq,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    return d;
  }();
  return data;
}

// ScoreBatch totals of all assessments, computed once (for the SQL check).
const scoring::BatchResult& ReferenceTotals() {
  static const scoring::BatchResult r = [] {
    const Data& d = GetData();
    return scoring::ScoreBatch(*d.model, d.answers, d.types, 2);
  }();
  return r;
}

// CPU time of the whole process (all threads), in seconds.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Runs one(i) once per iteration, i cycling through 0 … inputs - 1; one
// item per iteration.
template <typename F>
void Cycle(benchmark::State& state, size_t inputs, F one) {
  size_t i = 0;
  for (auto _ : state) {
    one(i);
    i = (i + 1) % inputs;
  }
  state.SetItemsProcessed(state.iterations());
}

// Score of one assessment after another, cycling through the first `inputs`.
void ScoreCycling(benchmark::State& state, size_t inputs) {
  const Data& d = GetData();
  Cycle(state, inputs, [&](size_t i) {
    auto r = scoring::Score(*d.model, d.sample[i], d.types[i]);
    benchmark::DoNotOptimize(r.total);
  });
}

void BM_ScoreOne(benchmark::State& state) { ScoreCycling(state, kSample); }
BENCHMARK(BM_ScoreOne)->Unit(benchmark::kNanosecond);

// The same over 8 assessments, whose answers stay in the cache: as when the
// server scores answers it has just parsed (a draft, a submission).
void BM_ScoreOneInCache(benchmark::State& state) { ScoreCycling(state, 8); }
BENCHMARK(BM_ScoreOneInCache)->Unit(benchmark::kNanosecond);

void BM_EvaluateOne(benchmark::State& state) {
  const Data& d = GetData();
  // Evaluate only writes NaN into the answer slots of questions that do not
  // apply, so a prepared array can be evaluated again with the same result.
  auto slots = d.slot_sample;
  Cycle(state, kSample, [&](size_t i) {
    int level = scoring::Evaluate(*d.model, slots[i].data());
    benchmark::DoNotOptimize(level);
  });
}
BENCHMARK(BM_EvaluateOne)->Unit(benchmark::kNanosecond);

void BM_PathToNextLevel(benchmark::State& state) {
  const Data& d = GetData();
  Cycle(state, 256, [&](size_t i) {
    auto r = scoring::PathToNextLevel(*d.model, d.sample[i], d.types[i]);
    benchmark::DoNotOptimize(r.total_after);
  });
}
BENCHMARK(BM_PathToNextLevel)->Unit(benchmark::kMicrosecond);

void BM_ScoreBatch(benchmark::State& state) {
  const Data& d = GetData();
  const int threads = static_cast<int>(state.range(0));
  // Sanity check once: ScoreBatch agrees with Score on the sample.
  static const bool checked = [&] {
    const auto& r = ReferenceTotals();
    for (size_t i = 0; i < kSample; ++i) {
      auto one = scoring::Score(*d.model, d.sample[i], d.types[i]);
      if (one.total != r.totals[i] || one.level != r.levels[i]) return false;
    }
    return true;
  }();
  if (!checked) {
    state.SkipWithError("ScoreBatch differs from Score");
    return;
  }
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    auto r = scoring::ScoreBatch(*d.model, d.answers, d.types, threads);
    benchmark::DoNotOptimize(r.totals.data());
  }
  const double cpu = ProcessCpuSeconds() - cpu_start;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kAssessments));
  state.counters["items_per_cpu_second"] = static_cast<double>(state.iterations() * kAssessments) / cpu;
}
BENCHMARK(BM_ScoreBatch)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

// ---------------------------------------------------------------------------
// The SQLite baseline.

// A double as an SQL REAL literal that reads back as the same double.
std::string Real(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

// The score of question q as an SQL expression over `v` (the answer, not
// NULL), exactly as scorer.cc's QuestionScore computes it.
std::string QuestionScoreSql(const model::Question& q, std::string_view v) {
  switch (q.type) {
    case model::QuestionType::kSingle: {
      std::string s = fmt::format("CASE {}", v);
      for (size_t i = 0; i < q.options.size(); ++i) {
        s += fmt::format(" WHEN {} THEN {}", i, Real(q.options[i].score));
      }
      return s + " END";
    }
    case model::QuestionType::kMultiple: {
      // sum += score for each set bit, in option order, then min(sum, cap).
      std::string sum;
      for (size_t i = 0; i < q.options.size(); ++i) {
        if (q.options[i].score == 0) continue;  // adding 0.0 changes nothing
        if (!sum.empty()) sum += " + ";
        sum += fmt::format("((CAST({} AS INTEGER) >> {}) & 1) * {}", v, i, Real(q.options[i].score));
      }
      if (sum.empty()) sum = "0.0";
      return fmt::format("min({}, {})", sum, Real(q.cap));
    }
    case model::QuestionType::kNumber:
    case model::QuestionType::kPercent: {
      const auto& p = q.points;
      std::string s = fmt::format("CASE WHEN {} <= {} THEN {}", v, Real(p[0].first), Real(p[0].second));
      for (size_t i = 1; i < p.size(); ++i) {
        const auto& [x0, y0] = p[i - 1];
        const auto& [x1, y1] = p[i];
        s += fmt::format(" WHEN {v} <= {x1} THEN {y0} + ({y1} - {y0}) * ({v} - {x0}) / ({x1} - {x0})",
                         fmt::arg("v", v), fmt::arg("x0", Real(x0)), fmt::arg("y0", Real(y0)),
                         fmt::arg("x1", Real(x1)), fmt::arg("y1", Real(y1)));
      }
      return s + fmt::format(" ELSE {} END", Real(p.back().second));
    }
    case model::QuestionType::kYesNo:
      return fmt::format("CASE WHEN {} <> 0 THEN {} ELSE {} END", v, Real(q.yes_score), Real(q.no_score));
    case model::QuestionType::kText: return "NULL";
  }
  return "NULL";
}

// The schema, the model tables and the query, all generated from the model.
struct SqlScript {
  std::string model_tables;  // questions, indicators, dimensions, applicable + the view
  std::string query;         // assessment, total for every assessment, by id
};

// Whether question q applies to production type t, by evaluating its
// applies_if with the C++ model. applies_if may read only production_type.
bool Applies(const model::Model& m, const model::Question& q, int t, bool* ok) {
  if (!q.applies_if) return true;
  for (int s : q.applies_if->slots_read()) {
    if (s != m.production_type_slot) *ok = false;
  }
  std::vector<double> slots(m.slot_count, kNaN);
  slots[m.production_type_slot] = t;
  return q.applies_if->EvaluateBool(slots.data());
}

std::optional<SqlScript> GenerateSql(const model::Model& m) {
  SqlScript out;
  std::string& t = out.model_tables;
  t += "CREATE TABLE questions (question INTEGER PRIMARY KEY, indicator INTEGER NOT NULL, weight REAL NOT NULL);\n";
  t += "CREATE TABLE indicators (indicator INTEGER PRIMARY KEY, dimension INTEGER NOT NULL, weight REAL NOT NULL);\n";
  t += "CREATE TABLE dimensions (dimension INTEGER PRIMARY KEY, weight REAL NOT NULL);\n";
  t += "CREATE TABLE applicable (question INTEGER, production_type INTEGER, "
       "PRIMARY KEY (question, production_type)) WITHOUT ROWID;\n";
  bool ok = true;
  std::string score_case = "CASE a.question";
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.questions[qi];
    if (!q.scored()) continue;
    t += fmt::format("INSERT INTO questions VALUES ({}, {}, {});\n", qi, q.indicator, Real(q.weight));
    for (int pt = 0; pt < static_cast<int>(model::ProductionTypes().size()); ++pt) {
      if (Applies(m, q, pt, &ok)) t += fmt::format("INSERT INTO applicable VALUES ({}, {});\n", qi, pt);
    }
    score_case += fmt::format("\n    WHEN {} THEN {}", qi, QuestionScoreSql(q, "a.value"));
  }
  score_case += "\n  END";
  if (!ok) return std::nullopt;
  for (size_t ii = 0; ii < m.indicators.size(); ++ii) {
    t += fmt::format("INSERT INTO indicators VALUES ({}, {}, {});\n", ii, m.indicators[ii].dimension,
                     Real(m.indicators[ii].weight));
  }
  for (size_t di = 0; di < m.dimensions.size(); ++di) {
    t += fmt::format("INSERT INTO dimensions VALUES ({}, {});\n", di, Real(m.dimensions[di].weight));
  }
  // Each applicable question's score; an unanswered one (value NULL) scores 0.
  // CROSS JOIN fixes the join order: one sequential scan of answers with a
  // primary-key lookup in the two small tables. (Left to itself the planner
  // scans applicable and seeks into answers per assessment; about 15% slower.)
  t += "CREATE VIEW question_scores AS\n"
       "SELECT a.assessment AS assessment, a.question AS question,\n"
       "  CASE WHEN a.value IS NULL THEN 0.0 ELSE " + score_case + " END AS score\n"
       "FROM answers a\n"
       "CROSS JOIN assessments e ON e.id = a.assessment\n"
       "CROSS JOIN applicable p ON p.question = a.question AND p.production_type = e.production_type;\n";
  // Weighted means up the tree. Parts with nothing applicable produce no
  // group row, so they drop out and the weights of the rest renormalise; a
  // total with nothing applicable is 0.
  out.query =
      "WITH ind AS (\n"
      "  SELECT s.assessment, q.indicator, SUM(q.weight * s.score) / SUM(q.weight) AS score\n"
      "  FROM question_scores s JOIN questions q ON q.question = s.question\n"
      "  GROUP BY s.assessment, q.indicator),\n"
      "dim AS (\n"
      "  SELECT ind.assessment, i.dimension, SUM(i.weight * ind.score) / SUM(i.weight) AS score\n"
      "  FROM ind JOIN indicators i ON i.indicator = ind.indicator\n"
      "  GROUP BY ind.assessment, i.dimension),\n"
      "tot AS (\n"
      "  SELECT dim.assessment, SUM(d.weight * dim.score) / SUM(d.weight) AS total\n"
      "  FROM dim JOIN dimensions d ON d.dimension = dim.dimension\n"
      "  GROUP BY dim.assessment)\n"
      "SELECT e.id, COALESCE(tot.total, 0.0) FROM assessments e LEFT JOIN tot ON tot.assessment = e.id\n"
      "ORDER BY e.id";
  return out;
}

size_t SqlAssessments() {
  if (const char* env = std::getenv("RONGPING_BENCH_SQL_ASSESSMENTS")) {
    size_t n = std::strtoull(env, nullptr, 10);
    if (n > 0) return std::min(n, kAssessments);
  }
  return kDefaultSqlAssessments;
}

struct SqlFixture {
  sqlite3* db = nullptr;
  std::string query;
  size_t n = 0;
  std::string error;  // set when setting up or verifying failed

  SqlFixture() {
    const Data& d = GetData();
    auto start = std::chrono::steady_clock::now();
    const model::Model& m = *d.model;
    n = SqlAssessments();
    auto script = GenerateSql(m);
    if (!script) {
      error = "applies_if reads more than production_type";
      return;
    }
    query = script->query;
    sqlite3_open(":memory:", &db);
    Exec("PRAGMA cache_size=-1048576; PRAGMA temp_store=MEMORY;");
    Exec("CREATE TABLE assessments (id INTEGER PRIMARY KEY, production_type INTEGER NOT NULL);"
         "CREATE TABLE answers (assessment INTEGER NOT NULL, question INTEGER NOT NULL, value REAL,"
         " PRIMARY KEY (assessment, question)) WITHOUT ROWID;");
    Exec("BEGIN");
    Exec(script->model_tables);
    sqlite3_stmt* ins_a = Prepare("INSERT INTO assessments VALUES (?1, ?2)");
    sqlite3_stmt* ins = Prepare("INSERT INTO answers VALUES (?1, ?2, ?3)");
    for (size_t i = 0; i < n && error.empty(); ++i) {
      sqlite3_bind_int64(ins_a, 1, static_cast<int64_t>(i));
      sqlite3_bind_int(ins_a, 2, d.types[i]);
      Step(ins_a);
      for (size_t q = 0; q < m.questions.size(); ++q) {
        sqlite3_bind_int64(ins, 1, static_cast<int64_t>(i));
        sqlite3_bind_int64(ins, 2, static_cast<int64_t>(q));
        double v = d.answers[q][i];
        if (std::isnan(v)) {
          sqlite3_bind_null(ins, 3);
        } else {
          sqlite3_bind_double(ins, 3, v);
        }
        Step(ins);
      }
    }
    sqlite3_finalize(ins_a);
    sqlite3_finalize(ins);
    Exec("COMMIT; ANALYZE;");
    if (!error.empty()) return;
    fmt::print(stderr, "BM_SqliteTotals: loaded {} assessments ({} answer rows) in {:.1f} s\n", n,
               n * m.questions.size(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    // Verify once: every SQL total equals ScoreBatch's within 1e-9.
    std::vector<double> totals;
    if (!RunQuery(&totals)) return;
    const auto& ref = ReferenceTotals();
    if (totals.size() != n) {
      error = fmt::format("SQL returned {} totals for {} assessments", totals.size(), n);
      return;
    }
    double worst = 0;
    for (size_t i = 0; i < n; ++i) {
      double diff = std::fabs(totals[i] - ref.totals[i]);
      if (!(diff <= 1e-9)) {
        error = fmt::format("assessment {}: SQL total {} != ScoreBatch total {}", i, totals[i], ref.totals[i]);
        return;
      }
      worst = std::max(worst, diff);
    }
    fmt::print(stderr, "BM_SqliteTotals: {} SQL totals match ScoreBatch (largest difference {:g})\n", n,
               worst);
  }
  ~SqlFixture() { sqlite3_close(db); }

  void Exec(const std::string& sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK && error.empty()) {
      error = msg ? msg : "sqlite error";
    }
    sqlite3_free(msg);
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK && error.empty()) {
      error = sqlite3_errmsg(db);
    }
    return stmt;
  }
  void Step(sqlite3_stmt* stmt) {
    if (sqlite3_step(stmt) != SQLITE_DONE && error.empty()) error = sqlite3_errmsg(db);
    sqlite3_reset(stmt);
  }
  // Runs the totals query; totals[i] for assessment i.
  bool RunQuery(std::vector<double>* totals) {
    sqlite3_stmt* stmt = Prepare(query);
    if (!stmt) return false;
    totals->clear();
    totals->reserve(n);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) totals->push_back(sqlite3_column_double(stmt, 1));
    if (rc != SQLITE_DONE && error.empty()) error = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    return error.empty();
  }
};

void BM_SqliteTotals(benchmark::State& state) {
  static SqlFixture fixture;
  if (!fixture.error.empty()) {
    state.SkipWithError(fixture.error.c_str());
    return;
  }
  std::vector<double> totals;
  const double cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    if (!fixture.RunQuery(&totals)) {
      state.SkipWithError(fixture.error.c_str());
      break;
    }
  }
  const double cpu = ProcessCpuSeconds() - cpu_start;
  state.counters["assessments"] = static_cast<double>(fixture.n);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(fixture.n));
  state.counters["items_per_cpu_second"] = static_cast<double>(state.iterations() * fixture.n) / cpu;
}
BENCHMARK(BM_SqliteTotals)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace rongping

BENCHMARK_MAIN();
