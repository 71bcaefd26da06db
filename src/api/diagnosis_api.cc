// GET /api/v1/rounds/{round}/enterprises/{uscc}/diagnosis: 自诊断 and 自对标
// for one enterprise — its score, stage and key indicators, benchmarks
// against the peers (with the group and n), priorities with the model's
// advice, the path to the next stage and the trend across rounds.
// GET …/report.html: the same as a print-ready page (report/diagnosis_html.h).
// POST …/report.pdf: queues that page's rendering to PDF by headless
// Chromium (a job, see GET /api/v1/jobs/{id}).
#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include "analytics/benchmark_pack.h"
#include "analytics/diagnosis.h"
#include "api/access.h"
#include "api/app.h"
#include "api/json_util.h"
#include "core/lru_cache.h"
#include "core/size_class.h"
#include "core/time.h"
#include "core/uscc.h"
#include "report/diagnosis_html.h"
#include "report/pdf.h"
#include "campaign/enterprise_diagnosis.h"
#include "domain/job.h"
#include "domain/enterprise.h"
#include "scoring/result_json.h"
#include "scoring/stored_answers.h"
#include "scoring/whatif.h"

namespace rongping::api {
namespace {

Json Round2(double v) { return std::isnan(v) ? Json(nullptr) : Json(std::round(v * 100) / 100); }

Json SummaryJson(const analytics::Summary& s, double scale = 1) {
  if (s.n == 0) return {{"n", 0}};
  return {{"n", s.n},           {"mean", Round2(s.mean * scale)}, {"p25", Round2(s.p25 * scale)},
          {"median", Round2(s.median * scale)}, {"p75", Round2(s.p75 * scale)},
          {"p90", Round2(s.p90 * scale)}};
}

// Figures of a group of a benchmark pack, as SummaryJson gives the
// region's: per column n, mean and quantiles (a share's quantiles are null).
Json PackFigureJson(const std::optional<analytics::PackFigure>& f, double scale = 1) {
  if (!f) return {{"n", nullptr}, {"withheld", true}};
  const double nan = std::nan("");
  return SummaryJson({f->n, f->mean, nan, f->p25, f->median, f->p75, f->p90, nan}, scale);
}

// Puts out["dimensions"] and out["key_indicators"]: per dimension of `m`
// the figures `dimension(i)` gives, per key indicator those
// `key_indicator(i, scale)` gives (scale 100 for a share, shown in %), each
// with the column's id and title (and a key indicator's type).
template <typename Dimension, typename KeyIndicator>
void PutModelColumns(const model::Model& m, Json& out, Dimension dimension, KeyIndicator key_indicator) {
  Json dims = Json::array();
  for (size_t i = 0; i < m.dimensions.size(); ++i) {
    Json b = dimension(i);
    b["id"] = m.dimensions[i].id;
    b["title"] = m.dimensions[i].title;
    dims.push_back(std::move(b));
  }
  out["dimensions"] = std::move(dims);
  Json keys = Json::array();
  for (size_t i = 0; i < m.key_indicators.size(); ++i) {
    const auto& k = m.key_indicators[i];
    Json b = key_indicator(i, k.share ? 100 : 1);
    b["id"] = k.id;
    b["title"] = k.title;
    b["type"] = k.share ? "share" : "mean";
    keys.push_back(std::move(b));
  }
  out["key_indicators"] = std::move(keys);
}

// The enterprise against the peers of the national benchmark pack of its
// model (全国同行业、同规模), or null with a message saying why there are none.
Json NationalBenchmarksJson(const campaign::EnterpriseDiagnosis& d) {
  if (d.national_pack_unreadable) return {{"peer_group", nullptr}, {"message", "暂时无法读取全国基准数据，请稍后再试"}};
  if (!d.national_pack) return {{"peer_group", nullptr}, {"message", "尚未导入本模型（当前版本）的全国基准数据包，暂无全国对标"}};
  const model::Model& m = *d.view.model;
  const analytics::BenchmarkPack& p = *d.national_pack;
  Json out{{"scope", p.source.scope},
           {"source",
            {{"installation", p.source.installation},
             {"round", p.source.round},
             {"round_title", p.source.round_title},
             {"as_of", p.source.as_of}}},
           {"source_label", fmt::format("数据来源：{}，{}，截至 {}", p.source.installation, p.source.round_title,
                                        p.source.as_of)}};
  // The pack's groups know no units: the enterprise's industry and size.
  auto peers = analytics::FindPackPeers(
      p, {d.key.industry_division, d.key.industry_group, "", "", d.key.size_class, ""},
      {d.labels.industry_division, d.labels.industry_group, "", "", d.labels.size_class, ""});
  if (!peers) {
    out["peer_group"] = nullptr;
    out["message"] = fmt::format("{}基准数据中没有可比的对标组", p.source.scope);
    return out;
  }
  const analytics::PackGroup& g = *peers->group;
  out["peer_group"] = {{"label", peers->label}, {"n", g.n}};
  out["total"] = PackFigureJson(g.figures[0]);
  PutModelColumns(
      m, out, [&](size_t i) { return PackFigureJson(g.figures[1 + i]); },
      [&](size_t i, double scale) { return PackFigureJson(g.figures[1 + m.dimensions.size() + i], scale); });
  return out;
}

Json BenchmarkJson(const analytics::Benchmark& b) {
  Json j = SummaryJson(b.peers);
  j["percentile_rank"] = b.percentile_rank ? Round2(*b.percentile_rank) : Json(nullptr);
  return j;
}

// The path to the next stage of the answers: a search that scores
// thousands of candidate changes (tens of milliseconds), a pure function of
// the model, production type and answers, so each server keeps the most
// recent ones (never stale).
Json PathToNextLevelJson(const model::Model& m, const std::string& answers_json, const std::string& production_type) {
  static LruCache<Json> paths(4096);
  const std::string key = scoring::AnswersDigest(m, production_type, answers_json);
  if (auto kept = paths.Get(key)) return *kept;
  auto answers = scoring::ParseAnswers(m, answers_json);
  auto path = std::make_shared<const Json>(scoring::PathToJson(
      m, scoring::PathToNextLevel(m, answers.answers, scoring::ProductionTypeIndex(production_type))));
  paths.Put(key, path);
  return *path;
}

// The region's peer figures of the diagnosis.
Json RegionalBenchmarksJson(const model::Model& m, const analytics::Diagnosis& d, int64_t min_group_size) {
  Json bench;
  if (!d.has_peers) {
    bench["peer_group"] = nullptr;
    bench["message"] = fmt::format("对标组不足 {} 家企业，暂不显示对标数据", min_group_size);
    return bench;
  }
  bench["peer_group"] = {{"id", d.peer_group_id}, {"label", d.peer_group_label}, {"n", d.peer_n}};
  bench["total"] = BenchmarkJson(d.total);
  PutModelColumns(
      m, bench, [&](size_t i) { return BenchmarkJson(d.dimensions[i]); },
      [&](size_t i, double scale) { return SummaryJson(d.key_indicators[i], scale); });
  return bench;
}

// The weakest dimensions, most urgent first, with the model's advice on
// their weakest indicators.
Json PrioritiesJson(const model::Model& m, const analytics::Diagnosis& d, const scoring::ScoreResult& result) {
  Json priorities = Json::array();
  for (const auto& p : d.priorities) {
    Json advice = Json::array();
    for (int i : p.weakest_indicators) {
      const auto& ind = m.indicators[i];
      auto text = m.indicator_advice.find(ind.id);
      advice.push_back({{"indicator", ind.id},
                        {"title", ind.title},
                        {"score", Round2(result.indicators[i])},
                        {"advice", text == m.indicator_advice.end() ? "" : text->second}});
    }
    priorities.push_back({{"dimension", m.dimensions[p.dimension].id},
                          {"title", m.dimensions[p.dimension].title},
                          {"score", Round2(p.score)},
                          {"gap_to_p75", Round2(p.gap_p75)},
                          {"gap_to_p90", Round2(p.gap_p90)},
                          {"weight", Round2(p.weight)},
                          {"indicators", std::move(advice)}});
  }
  return priorities;
}

Json TrendJson(const std::vector<store::RoundAssessment>& history) {
  Json trend = Json::array();
  for (const auto& [a, round_name] : history) {
    trend.push_back({{"round", a.round_code},
                     {"round_name", round_name},
                     {"model", a.model_id},
                     {"status", domain::AssessmentStatusName(a.status)},
                     {"status_label", domain::AssessmentStatusLabel(a.status)},
                     {"total", a.total ? Round2(*a.total) : Json(nullptr)},
                     {"level", a.level_id ? Json(*a.level_id) : Json(nullptr)},
                     {"level_title", LevelTitleJson(a.model_id, a.level_id)}});
  }
  return trend;
}

// The diagnosis's JSON from what it is made of.
Json DiagnosisJson(Context& c, const campaign::EnterpriseDiagnosis& d) {
  const model::Model& m = *d.view.model;
  const auto& result = d.view.result;
  Json out = scoring::ResultToJson(m, result, false);
  out["round"] = d.view.record.round_code;
  out["round_name"] = d.view.round_name;
  out["uscc"] = d.view.record.uscc.str();
  out["enterprise_name"] = d.view.enterprise.name;
  out["status"] = domain::AssessmentStatusName(d.view.record.status);
  out["scored_on_submission"] = d.view.record.total.has_value();
  out["benchmarks"] = RegionalBenchmarksJson(m, d.diagnosis, c.options.min_group_size);
  out["national_benchmarks"] = NationalBenchmarksJson(d);
  out["priorities"] = PrioritiesJson(m, d.diagnosis, result);
  out["path_to_next_level"] = PathToNextLevelJson(m, d.view.record.answers_json, d.view.record.production_type);
  auto advice = m.level_advice.find(m.levels[result.level].id);
  out["level_advice"] = advice == m.level_advice.end() ? "" : advice->second;
  out["trend"] = TrendJson(d.history);
  if (const auto& p = d.view.pledge) out["pledge"] = {{"text", p->text}, {"username", p->username}, {"at", p->at}};
  return out;
}

// Everything a diagnosis's JSON is a function of: the assessment (its id
// and version: every change of it makes a new version), the model, the
// enterprise's fields it shows and groups peers by, the round's name, the
// enterprise's rounds as the trend shows them (with their names), the
// results snapshot's position, the reference lists and the national pack
// (by address), and the minimum group size. (The submission's pledge is
// written with the submission: the version covers it.)
std::string DiagnosisKey(const campaign::EnterpriseDiagnosis& d, int64_t min_group_size) {
  const domain::Assessment& a = d.view.record;
  const Enterprise& e = d.view.enterprise;
  std::string key = fmt::format(
      "{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", a.id, a.version,
      d.view.model->hash, e.name, e.unit_code.str(), e.industry_code, SizeClassName(e.size_class), d.view.round_name,
      d.stamp.results_seq, static_cast<const void*>(d.index.get()), static_cast<const void*>(d.national_pack.get()),
      min_group_size, a.round_code, a.uscc.str());
  for (const auto& [h, round_name] : d.history) {
    fmt::format_to(std::back_inserter(key), "\x1e{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", h.round_code, round_name,
                   h.model_id, domain::AssessmentStatusName(h.status),
                   h.total ? fmt::format("{:a}", *h.total) : "-", h.level_id.value_or("-"));
  }
  return key;
}

// Finished diagnoses (the body only: a JSON tree takes several times its
// text), holding the reference lists and national pack their keys name.
LruCache<KeptJson>& KeptDiagnoses() {
  static LruCache<KeptJson> kept(1024);  // a diagnosis is ~17 KB: at most ~20 MB
  return kept;
}

// The same diagnoses, found by the caller, the enterprise and the stamp of
// the read that made them (campaign::StampedDiagnosisKey): a request that
// finds one there costs one statement. Mostly the same bodies as
// KeptDiagnoses holds.
LruCache<KeptJson>& StampedDiagnoses() {
  static LruCache<KeptJson> kept(1024);
  return kept;
}

// The enterprises' rounds and results positions at which StampedDiagnoses
// holds a diagnosis for some caller: at any other, the stamp's statement
// cannot find one, and is not run (while submissions move the position,
// a diagnosis costs what a full read costs, not one statement more).
LruCache<bool>& StampedPositions() {
  static LruCache<bool> kept(1024);
  return kept;
}

std::string PositionKey(const std::string& round, const std::string& uscc, int64_t results_seq) {
  return fmt::format("{}\x1f{}\x1f{}", round, uscc, results_seq);
}

// The diagnosis this request's caller read at the stamp the enterprise has
// now, the caller put in `*who`; null when none is kept (or when no
// caller's is kept at the results position the snapshot shows, without a
// statement).
Result<std::shared_ptr<const KeptJson>> FindStampedDiagnosis(Context& c, const http::Request& req,
                                                             const std::string& round,
                                                             const std::string& uscc,
                                                             Principal* who) {
  if (!StampedPositions().Get(PositionKey(round, uscc, c.results.last_seq()))) return nullptr;
  auto now = campaign::ReadDiagnosisStamp(
      c.db, c.results, [&](store::Tx& tx) { return KeptPrincipal(c, req, tx); }, uscc);
  if (!now) return Fail(now.error());
  if (!now->who) return nullptr;
  auto key = campaign::StampedDiagnosisKey(*now->who, round, uscc, now->stamp);
  auto kept = key ? StampedDiagnoses().Get(*key) : nullptr;
  if (kept) *who = std::move(*now->who);
  return kept;
}

// The diagnosis of the enterprise `uscc` in `round` as the request's caller
// may see it (kNotFound outside its scope), the caller put in `*who`: when
// the caller's session is kept in memory and this caller read the same
// stamp before, its diagnosis as then; otherwise read afresh with the
// session in one transaction, and made again only when what it is made of
// changed.
Result<std::shared_ptr<const KeptJson>> BuildDiagnosis(Context& c, const http::Request& req, const std::string& round,
                                                       const std::string& uscc, Principal* who) {
  auto stamped = FindStampedDiagnosis(c, req, round, uscc, who);
  if (!stamped || *stamped) return stamped;
  auto d = campaign::ReadEnterpriseDiagnosis(
      c.db, c.lifecycle, c.results, c.benchmark_packs,
      [&](store::Tx& tx) { return Authenticate(c, req, tx); }, round, uscc, who);
  if (!d) return Fail(d.error());
  const auto stamped_key = campaign::StampedDiagnosisKey(*who, round, uscc, d->stamp);
  const std::string key = DiagnosisKey(*d, c.options.min_group_size);
  auto made = KeptDiagnoses().Get(key);
  if (!made) {
    if (auto completed = campaign::CompleteDiagnosis(c.db, c.results, c.options.min_group_size, *d);
        !completed) {
      return Fail(completed.error());
    }
    made = std::make_shared<const KeptJson>(
        KeptJson{{d->index, d->national_pack}, JsonResponse(DiagnosisJson(c, *d)).body});
    // A pack that could not be read is not kept: the next request tries again.
    if (d->national_pack_unreadable) return made;
    KeptDiagnoses().Put(key, made);
  }
  if (stamped_key) {
    StampedDiagnoses().Put(*stamped_key, made);
    StampedPositions().Put(PositionKey(round, uscc, d->stamp.results_seq),
                           std::make_shared<const bool>(true));
  }
  return made;
}

// Runs `respond` on the diagnosis the request asks for, or answers its error.
template <typename F>
http::Response WithDiagnosis(Context& c, http::Request& req, F&& respond) {
  const std::string round = req.path_params["round"];
  const std::string uscc = NormalizeUscc(req.path_params["uscc"]);
  Principal who;
  auto diagnosis = BuildDiagnosis(c, req, round, uscc, &who);
  if (!diagnosis) return ErrorToResponse(diagnosis.error());
  return respond(who, **diagnosis, fmt::format("report-{}-{}", round, uscc));
}

std::string ReportHtml(const Json& diagnosis, const Clock& clock) {
  return report::DiagnosisToHtml(nlohmann::json(diagnosis), clock.TodayInChina());
}

// The job kind that renders a report page (the job's input) to PDF.

}  // namespace

void RegisterDiagnosisRoutes(http::Router& router, Context& c) {
  router.Add("GET", "/api/v1/rounds/{round}/enterprises/{uscc}/diagnosis", LoggedIn(), [&c](http::Request& r) {
    return WithDiagnosis(c, r, [](const Principal&, const KeptJson& d, const std::string&) { return d.Response(); });
  });
  router.Add("GET", "/api/v1/rounds/{round}/enterprises/{uscc}/report.html", LoggedIn(), [&c](http::Request& r) {
    return WithDiagnosis(c, r, [&c](const Principal&, const KeptJson& d, const std::string& name) {
      return HtmlPageResponse(ReportHtml(Json::parse(d.body), c.clock), name + ".html");
    });
  });
  // The report's charts as images, for the web app's result page: the same
  // drawing as in the report.
  router.Add("GET", "/api/v1/rounds/{round}/enterprises/{uscc}/charts/{chart}", LoggedIn(), [&c](http::Request& r) {
    const std::string file = r.path_params["chart"];
    const bool svg_file = file.size() > 4 && file.ends_with(".svg");
    const std::string chart = svg_file ? file.substr(0, file.size() - 4) : "";
    return WithDiagnosis(c, r, [&](const Principal&, const KeptJson& d, const std::string& name) {
      auto svg = report::DiagnosisChartSvg(nlohmann::json(Json::parse(d.body)), chart);
      if (!svg) return ErrorToResponse(Error::NotFound("没有这个图表：" + file + "（可用 radar.svg、key-indicators.svg）"));
      http::Response resp;
      resp.content_type = "image/svg+xml; charset=utf-8";
      resp.body = std::move(*svg);
      resp.SetHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
      resp.SetHeader("Content-Disposition", fmt::format("inline; filename=\"{}-{}.svg\"", name, chart));
      return resp;
    });
  });
  // The page is made now, with what the caller may see; only its rendering
  // waits in the queue.
  router.Add("POST", "/api/v1/rounds/{round}/enterprises/{uscc}/report.pdf", LoggedIn(),
             [&c](http::Request& r) {
               return WithDiagnosis(
                   c, r, [&c](const Principal& who, const KeptJson& kept, const std::string& name) {
                     const Json d = Json::parse(kept.body);
                     // Saved under the document's title:
                     // 两化融合评估诊断报告（企业，评估周期）.pdf.
                     const std::string title = fmt::format("两化融合评估诊断报告（{}，{}）.pdf",
                                                           d["enterprise_name"].get<std::string>(),
                                                           d["round_name"].get<std::string>());
                     return QueuePdf(c, who.user_id, ReportHtml(d, c.clock), title);
                   });
             });
}

}  // namespace rongping::api
