#include "importer/assessment_import.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "campaign/lifecycle.h"
#include "core/json_parse.h"
#include "core/text.h"
#include "core/time.h"
#include "core/uscc.h"
#include "scoring/score_vector.h"
#include "store/audit.h"
#include "store/campaign.h"
#include "store/enterprises.h"
#include "store/units.h"
#include "scoring/model_loading.h"

namespace rongping {
namespace {

using Json = nlohmann::json;

struct Pending {
  int line;
  domain::Assessment record;
  std::string at;  // updated_at as an event time (UTC, milliseconds)
};

}  // namespace

Result<ImportReport> ImportAssessments(store::Db& db, std::string_view jsonl,
                                       const ImportOptions& options) {
  ImportReport report;
  std::vector<Pending> valid;
  std::set<std::pair<std::string, std::string>> seen;
  auto loaded = InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<bool> {
    std::map<std::string, std::optional<domain::Round>> rounds;
    int line = 0;
    size_t start = 0;
    while (start < jsonl.size()) {
      size_t end = jsonl.find('\n', start);
      if (end == std::string_view::npos) end = jsonl.size();
      std::string_view text = jsonl.substr(start, end - start);
      start = end + 1;
      ++line;
      if (Trim(text).empty()) continue;
      ++report.rows;
      size_t before = report.errors.size();
      auto error = [&](std::string column, std::string message) {
        report.errors.push_back({line, std::move(column), std::move(message)});
      };
      Json j;
      if (auto parsed = ParseJsonText<Json>(text)) {
        j = std::move(*parsed);
      } else {
        error("", parsed.error().message);
      }
      if (report.errors.size() == before && !j.is_object()) error("", "应为 JSON 对象");
      if (report.errors.size() > before) {
        ++report.invalid_rows;
        continue;
      }
      for (const auto& [key, value] : j.items()) {
        static const std::set<std::string> kKnown = {"uscc", "round", "model", "status", "answers",
                                                     "updated_at"};
        if (!kKnown.count(key)) error(IsValidUtf8(key) ? key.substr(0, 40) : "?", "未知字段");
      }
      auto str = [&](const char* key) -> std::string {
        auto it = j.find(key);
        if (it == j.end() || !it->is_string()) {
          error(key, fmt::format("缺少字段 {} 或不是字符串", key));
          return {};
        }
        return it->get<std::string>();
      };
      std::string uscc_raw = str("uscc"), round_code = str("round"), model_id = str("model"),
                  status = str("status"), updated_at = str("updated_at");
      if (report.errors.size() > before) {
        ++report.invalid_rows;
        continue;
      }
      auto uscc = domain::Uscc::Parse(uscc_raw);
      if (!uscc) error("uscc", uscc.error().message);
      if (!domain::ParseAssessmentStatus(status)) {
        error("status", "status 应为 draft、submitted、approved 或 rejected");
      }
      auto updated = ParseRfc3339(updated_at);
      if (!updated || updated_at.size() > 35) {
        error("updated_at", "updated_at 应为 RFC 3339 时间，如 2016-05-20T09:30:00+08:00");
      }
      auto round_it = rounds.find(round_code);
      if (round_it == rounds.end()) {
        auto r = store::FindRound(tx, round_code);
        if (!r) return Fail(r.error());
        round_it = rounds.emplace(round_code, *r).first;
      }
      if (!round_it->second) error("round", fmt::format("评估周期“{}”不存在", round_code.substr(0, 40)));
      std::optional<Enterprise> enterprise;
      if (uscc) {
        auto e = options.principal ? store::FindEnterprise(tx, *options.principal, *uscc)
                                   : store::FindEnterpriseUnscoped(tx, *uscc);
        if (!e) return Fail(e.error());
        if (!*e) {
          error("uscc", "企业未登记（请先导入企业）");
        } else {
          enterprise = **e;
        }
        if (!seen.insert({round_code, *uscc}).second) error("uscc", "同一企业在同一评估周期重复出现");
      }
      std::shared_ptr<const model::Model> m;
      if (round_it->second) {
        const auto& models = round_it->second->models;
        if (std::find(models.begin(), models.end(), model_id) == models.end()) {
          error("model", fmt::format("评估周期未提供模型“{}”", model_id.substr(0, 40)));
        } else if (auto loaded_model = scoring::SharedModel(model_id)) {
          m = *loaded_model;
        } else {
          error("model", loaded_model.error().message);
        }
      }
      auto answers = j.find("answers");
      if (answers == j.end() || !answers->is_object()) {
        error("answers", "answers 应为对象");
      } else if (m && enterprise) {
        auto parsed = scoring::ParseAnswers(*m, answers->dump());
        for (const auto& p : parsed.problems) error("answers." + p.question, p.message);
        if (parsed.problems.empty()) {
          int pt = scoring::ProductionTypeIndex(enterprise->production_type);
          auto result = scoring::Score(*m, parsed.answers, pt);
          if (status != "draft" && !result.missing.empty()) {
            error("answers", fmt::format("状态为 {} 的答卷须答完全部必答题，缺 {} 题（如 {}）", status,
                                         result.missing.size(), result.missing.front()));
          }
          // A submitted (or reviewed) assessment must hold together, as at submission.
          std::vector<Error> inconsistencies;
          if (status != "draft" && campaign::InconsistencyError(*m, result, &inconsistencies)) {
            for (const auto& e : inconsistencies) error(e.field, e.message);
          }
          domain::Assessment a;
          a.round_code = round_code;
          a.uscc = *uscc;
          a.model_id = model_id;
          a.unit_code = enterprise->unit_code;
          a.production_type = enterprise->production_type;
          a.status = *domain::ParseAssessmentStatus(status);
          a.answers_json = answers->dump();
          if (status != "draft") {
            a.total = result.total;
            a.level_index = result.level;
            a.level_id = m->levels[result.level].id;
            a.model_hash = m->hash;
            a.score_vector = scoring::EncodeScoreVector(result);
            // Stored as every time is (UTC, milliseconds), so that times
            // compare as text: "+08:00" as given would sort 8 hours late.
            a.submitted_at = updated ? FormatRfc3339Millis(*updated) : updated_at;
            if (status != "submitted") {
              a.reviewed_at = a.submitted_at;
              a.reviewer = options.actor;
            }
          }
          if (report.errors.size() == before) valid.push_back({line, std::move(a), FormatRfc3339Millis(*updated)});
        }
      }
      if (report.errors.size() > before) ++report.invalid_rows;
    }
    return true;
  });
  if (!loaded) return Fail(loaded.error());
  if (report.invalid_rows > 0 && !options.skip_invalid) return report;

  auto written = InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    for (size_t i = 0; i < valid.size(); ++i) {
      auto& a = valid[i].record;
      auto existing = store::FindAssessment(tx, a.round_code, a.uscc);
      if (!existing) return Fail(existing.error());
      std::optional<domain::AssessmentStatus> from;
      int64_t version = 0;
      if (*existing) {
        a.id = (*existing)->id;
        version = (*existing)->version;
        from = (*existing)->status;
      }
      auto saved = store::SaveAssessment(tx, a, version);
      if (!saved) return Fail(saved.error());
      *existing ? ++report.updated : ++report.inserted;
      // The event carries the time the file gives, so that counts as of an
      // earlier day (progress, circulars) see the assessment from then on.
      if (auto e = store::RecordAssessmentEvent(
              tx, {saved->id, valid[i].at, options.actor, from, saved->status, std::string("导入历史答卷")});
          !e) {
        return Fail(e.error());
      }
      if (auto r = store::RecordAudit(
              tx, {0, "", options.actor, "assessment.import", "assessment",
                   a.round_code + "/" + a.uscc.str(),
                   from ? std::optional<std::string>(fmt::format(
                              R"({{"status":"{}"}})", domain::AssessmentStatusName(*from)))
                        : std::nullopt,
                   fmt::format(R"({{"status":"{}","model_hash":"{}"}})",
                               domain::AssessmentStatusName(saved->status),
                               saved->model_hash.value_or("")),
                   options.request_id});
          !r) {
        return Fail(r.error());
      }
      if (options.progress && (i % 5000 == 0 || i + 1 == valid.size())) options.progress(i + 1, valid.size());
    }
    return true;
  });
  if (!written) return Fail(written.error());
  report.written = true;
  return report;
}

}  // namespace rongping
