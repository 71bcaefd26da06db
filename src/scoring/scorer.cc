#include "scoring/scorer.h"

#include <algorithm>

#include <bit>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/text.h"

namespace rongping::scoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

int ProductionTypeIndex(std::string_view production_type) {
  const auto& all = model::ProductionTypes();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == production_type) return static_cast<int>(i);
  }
  return -1;
}

bool ScoreResult::HasInconsistency(const model::Model& model) const {
  return std::any_of(broken_rules.begin(), broken_rules.end(),
                     [&](int i) { return model.consistency_rules[i].error; });
}

ScoreResult Score(const model::Model& m, const Answers& answers, int production_type) {
  // The answers are read once, in order; ask for all of them now, so that
  // memory fetches them while the result's storage is made ready.
  const auto* answer_bytes = reinterpret_cast<const char*>(answers.values.data());
  for (size_t at = 0; at < answers.values.size() * sizeof(double); at += 64) {
    __builtin_prefetch(answer_bytes + at);
  }
  ScoreResult r;
  r.model_id = m.id;
  r.model_hash = m.hash;
  r.dimensions.reserve(m.dimensions.size());
  r.indicators.reserve(m.indicators.size());
  r.key_indicators.reserve(m.key_indicators.size());
  r.questions.reserve(m.questions.size());
  // This thread's working values, kept from one call to the next: the slots,
  // the weights of the parts that apply (per indicator, per dimension, total)
  // and the shares of indicators and dimensions; every one written before read.
  thread_local std::vector<double> scratch;
  const size_t weight_count = m.indicators.size() + m.dimensions.size() + 1;
  scratch.resize(m.slot_count + weight_count + m.indicators.size() + m.dimensions.size());
  double* const slots = scratch.data();
  double* const weight_sums = slots + m.slot_count;
  double* const indicator_shares = weight_sums + weight_count;
  double* const dimension_shares = indicator_shares + m.indicators.size();
  std::fill(slots, slots + m.slot_count, kNaN);
  slots[m.production_type_slot] = production_type;
  for (size_t i = 0; i < m.questions.size(); ++i) {
    slots[m.scoring_questions[i].answer_slot] = answers.values[i];
  }
  r.level = Evaluate(m, slots, weight_sums);
  r.total = slots[m.total_slot];
  for (const auto& d : m.dimensions) r.dimensions.push_back(slots[d.score_slot]);
  for (const auto& i : m.indicators) r.indicators.push_back(slots[i.score_slot]);
  const auto& applies = m.applies[production_type];
  for (size_t i = 0; i < m.consistency_rules.size(); ++i) {
    const auto& rule = m.consistency_rules[i];
    bool checked = std::all_of(rule.questions.begin(), rule.questions.end(), [&](int qi) {
      return applies[qi] && !std::isnan(answers.values[qi]);
    });
    if (checked && !rule.expr.EvaluateBool(slots)) r.broken_rules.push_back(static_cast<int>(i));
  }
  for (const auto& k : m.key_indicators) {
    r.key_indicators.push_back(k.expr.type() == model::ExprType::kBool
                                   ? (k.expr.EvaluateBool(slots) ? 1.0 : 0.0)
                                   : k.expr.EvaluateNumber(slots));
  }
  // Each question's share of the total: its weight within its indicator,
  // the indicator's within its dimension, the dimension's within the total,
  // all among the parts that apply. The last two quotients once per node.
  const double* question_weights = weight_sums;
  const double* indicator_weights = question_weights + m.indicators.size();
  const double dimension_weights = indicator_weights[m.dimensions.size()];
  for (size_t i = 0; i < m.indicators.size(); ++i) {
    indicator_shares[i] = m.indicators[i].weight / indicator_weights[m.indicators[i].dimension];
  }
  for (size_t d = 0; d < m.dimensions.size(); ++d) {
    dimension_shares[d] = m.dimensions[d].weight / dimension_weights;
  }
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.scoring_questions[qi];
    QuestionResult& qr = r.questions.emplace_back();
    qr.applicable = applies[qi] != 0;
    qr.answered = q.type == model::QuestionType::kText ? !answers.texts[qi].empty()
                                                       : !std::isnan(answers.values[qi]);
    if (q.score_slot < 0) {
      qr.score = kNaN;
    } else {
      qr.score = slots[q.score_slot];
      if (!std::isnan(qr.score)) {
        double share = (q.weight / question_weights[q.indicator]) * indicator_shares[q.indicator] *
                       dimension_shares[m.indicators[q.indicator].dimension];
        qr.max_contribution = 100 * share;
        qr.contribution = qr.score * share;
      }
    }
    if (qr.applicable && q.required && !qr.answered) r.missing.push_back(m.questions[qi].id);
  }
  return r;
}

double BestAnswer(const model::Question& q) {
  switch (q.type) {
    case model::QuestionType::kSingle: {
      size_t best = 0;
      for (size_t i = 1; i < q.options.size(); ++i) {
        if (q.options[i].score > q.options[best].score) best = i;
      }
      return static_cast<double>(best);
    }
    case model::QuestionType::kMultiple: {
      uint64_t bits = 0;
      for (size_t i = 0; i < q.options.size(); ++i) {
        if (!q.options[i].exclusive) bits |= uint64_t{1} << i;
      }
      return static_cast<double>(bits);
    }
    case model::QuestionType::kNumber:
    case model::QuestionType::kPercent: {
      auto best = q.points.front();
      for (const auto& p : q.points) {
        if (p.second > best.second) best = p;
      }
      return std::clamp(best.first, q.min, q.max);
    }
    case model::QuestionType::kYesNo: return 1;
    case model::QuestionType::kText: return kNaN;
  }
  return kNaN;
}

std::vector<std::string> LevelReachabilityProblems(const model::Model& m) {
  std::vector<std::string> problems;
  Answers best;
  for (const auto& q : m.questions) {
    best.values.push_back(BestAnswer(q));
    best.texts.emplace_back();
  }
  int top = 0;
  std::string top_type;
  for (size_t pt = 0; pt < model::ProductionTypes().size(); ++pt) {
    const auto& name = model::ProductionTypes()[pt];
    if (!m.AllowsProductionType(name)) continue;
    auto r = Score(m, best, static_cast<int>(pt));
    if (r.level >= top) {
      top = r.level;
      top_type = name;
    }
  }
  if (top + 1 < static_cast<int>(m.levels.size())) {
    problems.push_back(fmt::format(
        "等级“{}”不可达：所有题目都取最优答案时最高只能达到“{}”", m.levels[top + 1].title,
        m.levels[top].title));
  }
  return problems;
}

ParsedAnswers ParseAnswers(const model::Model& m, std::string_view json_text) {
  ParsedAnswers out;
  out.answers.values.assign(m.questions.size(), kNaN);
  out.answers.texts.assign(m.questions.size(), {});
  auto parsed = ParseJsonText<nlohmann::json>(json_text);
  if (!parsed) {
    out.problems.push_back({"", "答案" + parsed.error().message});
    return out;
  }
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) {
    out.problems.push_back({"", "答案应为 JSON 对象：题目标识 → 答案"});
    return out;
  }
  for (const auto& [key, v] : j.items()) {
    int qi = m.QuestionIndex(key);
    std::string shown = IsValidUtf8(key) && key.size() <= 64 ? key : "(无法显示)";
    if (qi < 0) {
      out.problems.push_back({shown, fmt::format("未知的题目“{}”", shown)});
      continue;
    }
    const auto& q = m.questions[qi];
    auto problem = [&](std::string message) { out.problems.push_back({q.id, std::move(message)}); };
    if (v.is_null()) continue;  // explicitly unanswered
    switch (q.type) {
      case model::QuestionType::kSingle: {
        if (!v.is_string()) {
          problem("应为选项标识（字符串）");
          break;
        }
        int idx = q.OptionIndex(v.get<std::string>());
        if (idx < 0) {
          problem(fmt::format("没有选项“{}”", IsValidUtf8(v.get<std::string>()) ? v.get<std::string>().substr(0, 32) : "?"));
        } else {
          out.answers.values[qi] = idx;
        }
        break;
      }
      case model::QuestionType::kMultiple: {
        if (!v.is_array()) {
          problem("应为选项标识的数组");
          break;
        }
        uint64_t bits = 0;
        bool ok = true, exclusive = false;
        for (const auto& item : v) {
          int idx = item.is_string() ? q.OptionIndex(item.get<std::string>()) : -1;
          if (idx < 0) {
            problem(item.is_string() ? fmt::format("没有选项“{}”", IsValidUtf8(item.get<std::string>()) ? item.get<std::string>().substr(0, 32) : "?")
                                     : "选项应为字符串");
            ok = false;
            break;
          }
          bits |= uint64_t{1} << idx;
          exclusive = exclusive || q.options[idx].exclusive;
        }
        if (ok && exclusive && std::popcount(bits) > 1) {
          problem("“以上均无”类选项不能与其他选项同时选择");
          ok = false;
        }
        if (ok) out.answers.values[qi] = static_cast<double>(bits);
        break;
      }
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent: {
        if (!v.is_number()) {
          problem("应为数值");
          break;
        }
        double x = v.get<double>();
        if (!std::isfinite(x)) {
          problem("数值无效");
        } else if (x < q.min || x > q.max) {
          problem(fmt::format("应在 {} 至 {} 之间{}", q.min, q.max, q.unit.empty() ? "" : "（" + q.unit + "）"));
        } else if (q.integer && x != std::floor(x)) {
          problem("应为整数");
        } else {
          out.answers.values[qi] = x + 0.0;
        }
        break;
      }
      case model::QuestionType::kYesNo:
        if (!v.is_boolean()) {
          problem("应为 true 或 false");
        } else {
          out.answers.values[qi] = v.get<bool>() ? 1 : 0;
        }
        break;
      case model::QuestionType::kText: {
        if (!v.is_string()) {
          problem("应为文本");
          break;
        }
        std::string t = v.get<std::string>();
        if (!IsValidUtf8(t) || HasControlCharacter(t)) {
          problem("含有无效字符");
        } else if (CountCodePoints(t) > q.max_length) {
          problem(fmt::format("最多 {} 个字符", q.max_length));
        } else {
          out.answers.texts[qi] = t;
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace rongping::scoring
