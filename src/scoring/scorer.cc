#include "scoring/scorer.h"

#include <algorithm>

#include <bit>
#include <cmath>
#include <limits>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/text.h"

namespace rongping::scoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double Piecewise(const std::vector<std::pair<double, double>>& points, double x) {
  if (x <= points.front().first) return points.front().second;
  for (size_t i = 1; i < points.size(); ++i) {
    if (x <= points[i].first) {
      const auto& [x0, y0] = points[i - 1];
      const auto& [x1, y1] = points[i];
      return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
    }
  }
  return points.back().second;
}

double QuestionScore(const model::Question& q, double v) {
  if (std::isnan(v)) return 0;
  switch (q.type) {
    case model::QuestionType::kSingle: return q.options[static_cast<size_t>(v)].score;
    case model::QuestionType::kMultiple: {
      auto bits = static_cast<uint64_t>(v);
      double sum = 0;
      for (size_t i = 0; i < q.options.size(); ++i) {
        if (bits & (uint64_t{1} << i)) sum += q.options[i].score;
      }
      return std::min(sum, q.cap);
    }
    case model::QuestionType::kNumber:
    case model::QuestionType::kPercent: return Piecewise(q.points, v);
    case model::QuestionType::kYesNo: return v != 0 ? q.yes_score : q.no_score;
    case model::QuestionType::kText: return 0;
  }
  return 0;
}


}  // namespace

int ProductionTypeIndex(std::string_view production_type) {
  const auto& all = model::ProductionTypes();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == production_type) return static_cast<int>(i);
  }
  return -1;
}

// Weighted mean of the non-NaN slots of terms [begin, end); NaN when none.
static double WeightedMean(const std::vector<model::Model::Term>& terms, int begin, int end,
                    const double* s) {
  double sum = 0, weights = 0;
  for (int t = begin; t < end; ++t) {
    double v = s[terms[t].slot];
    if (std::isnan(v)) continue;
    sum += terms[t].weight * v;
    weights += terms[t].weight;
  }
  return weights > 0 ? sum / weights : kNaN;
}

int Evaluate(const model::Model& m, double* s) {
  // Applicability (by production type, precomputed) and question scores.
  // Not applicable: answer and score are NaN.
  const auto& applies = m.applies[static_cast<size_t>(s[m.production_type_slot])];
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.questions[qi];
    if (!applies[qi]) {
      s[q.answer_slot] = kNaN;
      if (q.score_slot >= 0) s[q.score_slot] = kNaN;
      continue;
    }
    if (q.score_slot >= 0) s[q.score_slot] = QuestionScore(q, s[q.answer_slot]);
  }
  for (const auto& d : m.derived) {
    s[d.slot] = d.expr.type() == model::ExprType::kBool ? (d.expr.EvaluateBool(s) ? 1.0 : 0.0)
                                                        : d.expr.EvaluateNumber(s);
  }
  for (size_t i = 0; i < m.indicators.size(); ++i) {
    s[m.indicators[i].score_slot] =
        WeightedMean(m.indicator_terms, m.indicator_begin[i], m.indicator_begin[i + 1], s);
  }
  for (size_t d = 0; d < m.dimensions.size(); ++d) {
    s[m.dimensions[d].score_slot] =
        WeightedMean(m.dimension_terms, m.dimension_begin[d], m.dimension_begin[d + 1], s);
  }
  double total = 0, weights = 0;
  for (const auto& d : m.dimensions) {
    double v = s[d.score_slot];
    if (std::isnan(v)) continue;
    total += d.weight * v;
    weights += d.weight;
  }
  s[m.total_slot] = weights > 0 ? total / weights : 0;
  int level = 0;
  for (size_t i = 1; i < m.levels.size(); ++i) {
    if (!m.levels[i].rule->EvaluateBool(s)) break;
    level = static_cast<int>(i);
  }
  return level;
}

bool ScoreResult::HasInconsistency(const model::Model& model) const {
  return std::any_of(broken_rules.begin(), broken_rules.end(),
                     [&](int i) { return model.consistency_rules[i].error; });
}

ScoreResult Score(const model::Model& m, const Answers& answers, int production_type) {
  std::vector<double> slots(m.slot_count, kNaN);
  slots[m.production_type_slot] = production_type;
  for (size_t i = 0; i < m.questions.size(); ++i) {
    slots[m.questions[i].answer_slot] = answers.values[i];
  }
  ScoreResult r;
  r.model_id = m.id;
  r.model_hash = m.hash;
  r.level = Evaluate(m, slots.data());
  r.total = slots[m.total_slot];
  for (const auto& d : m.dimensions) r.dimensions.push_back(slots[d.score_slot]);
  for (const auto& i : m.indicators) r.indicators.push_back(slots[i.score_slot]);
  for (size_t i = 0; i < m.consistency_rules.size(); ++i) {
    const auto& rule = m.consistency_rules[i];
    bool checked = std::all_of(rule.questions.begin(), rule.questions.end(), [&](int qi) {
      return m.applies[production_type][qi] && !std::isnan(answers.values[qi]);
    });
    if (checked && !rule.expr.EvaluateBool(slots.data())) r.broken_rules.push_back(static_cast<int>(i));
  }
  for (const auto& k : m.key_indicators) {
    r.key_indicators.push_back(k.expr.type() == model::ExprType::kBool
                                   ? (k.expr.EvaluateBool(slots.data()) ? 1.0 : 0.0)
                                   : k.expr.EvaluateNumber(slots.data()));
  }
  // Each question's share of the total: its weight within its indicator,
  // the indicator's within its dimension, the dimension's within the total,
  // all among the parts that apply.
  double dim_weights = 0;
  for (const auto& d : m.dimensions) {
    if (!std::isnan(slots[d.score_slot])) dim_weights += d.weight;
  }
  r.questions.resize(m.questions.size());
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.questions[qi];
    QuestionResult& qr = r.questions[qi];
    qr.applicable = !(q.applies_if && std::isnan(slots[q.answer_slot]) &&
                      (q.score_slot < 0 || std::isnan(slots[q.score_slot])));
    qr.answered = q.type == model::QuestionType::kText ? !answers.texts[qi].empty()
                                                       : !std::isnan(answers.values[qi]);
    if (!q.scored()) {
      qr.score = kNaN;
    } else {
      qr.score = slots[q.score_slot];
      if (!std::isnan(qr.score)) {
        const auto& ind = m.indicators[q.indicator];
        const auto& dim = m.dimensions[ind.dimension];
        double q_weights = 0, i_weights = 0;
        for (int other : ind.questions) {
          if (!std::isnan(slots[m.questions[other].score_slot])) q_weights += m.questions[other].weight;
        }
        for (int other : dim.indicators) {
          if (!std::isnan(slots[m.indicators[other].score_slot])) i_weights += m.indicators[other].weight;
        }
        double share = (q.weight / q_weights) * (ind.weight / i_weights) * (dim.weight / dim_weights);
        qr.max_contribution = 100 * share;
        qr.contribution = qr.score * share;
      }
    }
    if (qr.applicable && q.required && !qr.answered) r.missing.push_back(q.id);
  }
  return r;
}

BatchResult ScoreBatch(const model::Model& m, const std::vector<std::vector<double>>& answers,
                       const std::vector<int>& production_types, int threads) {
  const size_t n = production_types.size();
  BatchResult out;
  out.totals.resize(n);
  out.levels.resize(n);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto work = [&](size_t begin, size_t end) {
    std::vector<double> slots(m.slot_count);
    for (size_t i = begin; i < end; ++i) {
      std::fill(slots.begin(), slots.end(), kNaN);
      slots[m.production_type_slot] = production_types[i];
      for (size_t q = 0; q < m.questions.size(); ++q) slots[m.questions[q].answer_slot] = answers[q][i];
      out.levels[i] = Evaluate(m, slots.data());
      out.totals[i] = slots[m.total_slot];
    }
  };
  std::vector<std::thread> pool;
  size_t chunk = (n + threads - 1) / threads;
  for (int t = 0; t < threads; ++t) {
    size_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back(work, begin, end);
  }
  for (auto& th : pool) th.join();
  return out;
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
    if (!m.production_types.empty() &&
        std::find(m.production_types.begin(), m.production_types.end(), name) ==
            m.production_types.end()) {
      continue;
    }
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
