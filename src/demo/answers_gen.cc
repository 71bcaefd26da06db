#include "demo/answers_gen.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <numeric>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/random.h"
#include "core/size_class.h"
#include "core/text.h"
#include "importer/reference.h"
#include "importer/table.h"

namespace rongping::demo {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---------------------------------------------------------------------------
// Randomness: only this generator and exactly specified IEEE arithmetic, so a
// seed gives the same answers everywhere (see population.cc for the same
// reasoning).
// ---------------------------------------------------------------------------

// Mixes two values into a seed.
uint64_t Mix(uint64_t a, uint64_t b) {
  uint64_t x = a ^ (b * 0xD1B54A32D192ED03ULL);
  SplitMix64(x);
  return SplitMix64(x);
}


double Logistic(double x) { return 1.0 / (1.0 + PortableExp(-x)); }

// Stream tags, so the streams of one enterprise are independent.
constexpr uint64_t kLatentStream = 0x6C6174656E74ULL;     // "latent"
constexpr uint64_t kPersistStream = 0x70657273697374ULL;  // "persist"
constexpr uint64_t kRoundStream = 0x726F756E64ULL;        // "round"
constexpr uint64_t kReconcileStream = 0x7265636F6E63ULL;  // "reconc"

uint64_t EnterpriseSeed(uint64_t seed, const SyntheticEnterprise& e) {
  return Mix(seed, HashString(e.uscc.empty() ? e.name : e.uscc));
}

// ---------------------------------------------------------------------------
// Reading the model.
// ---------------------------------------------------------------------------

struct QuestionLevel {
  int level = 1;           // the first level (index into model.levels, >= 1) whose rule reads it
  bool via_total = false;  // only through the total score
};

// For each question, the first level whose rule reads it, directly or through
// derived values, indicator, dimension or total scores; 1 when no rule does.
std::vector<QuestionLevel> ComputeQuestionLevels(const model::Model& m) {
  const size_t slots = static_cast<size_t>(std::max(m.slot_count, 0));
  std::vector<int> slot_question(slots, -1);
  std::vector<std::vector<int>> children(slots);
  auto valid = [&](int s) { return s >= 0 && static_cast<size_t>(s) < slots; };
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.questions[qi];
    if (valid(q.answer_slot)) slot_question[q.answer_slot] = static_cast<int>(qi);
    if (valid(q.score_slot)) slot_question[q.score_slot] = static_cast<int>(qi);
  }
  for (const auto& d : m.derived) {
    if (valid(d.slot)) children[d.slot] = d.expr.slots_read();
  }
  for (const auto& ind : m.indicators) {
    if (!valid(ind.score_slot)) continue;
    for (int qi : ind.questions) children[ind.score_slot].push_back(m.questions[qi].score_slot);
  }
  for (const auto& dim : m.dimensions) {
    if (!valid(dim.score_slot)) continue;
    for (int ii : dim.indicators) children[dim.score_slot].push_back(m.indicators[ii].score_slot);
  }
  if (valid(m.total_slot)) {
    for (const auto& dim : m.dimensions) children[m.total_slot].push_back(dim.score_slot);
  }

  // Questions a rule reads without going through the total, then with it.
  auto reached = [&](const model::CompiledExpr& rule, bool through_total) {
    std::vector<char> seen(slots, 0), questions(m.questions.size(), 0);
    std::vector<int> stack(rule.slots_read().begin(), rule.slots_read().end());
    while (!stack.empty()) {
      int s = stack.back();
      stack.pop_back();
      if (!valid(s) || seen[s] || (!through_total && s == m.total_slot)) continue;
      seen[s] = 1;
      if (slot_question[s] >= 0) questions[slot_question[s]] = 1;
      for (int c : children[s]) stack.push_back(c);
    }
    return questions;
  };
  std::vector<int> direct(m.questions.size(), 0), any(m.questions.size(), 0);
  for (size_t li = 1; li < m.levels.size(); ++li) {
    if (!m.levels[li].rule) continue;
    auto d = reached(*m.levels[li].rule, false);
    auto a = reached(*m.levels[li].rule, true);
    for (size_t qi = 0; qi < m.questions.size(); ++qi) {
      if (d[qi] && direct[qi] == 0) direct[qi] = static_cast<int>(li);
      if (a[qi] && any[qi] == 0) any[qi] = static_cast<int>(li);
    }
  }
  std::vector<QuestionLevel> out(m.questions.size());
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    if (direct[qi] > 0) {
      out[qi].level = direct[qi];
    } else if (any[qi] > 0) {
      out[qi] = {any[qi], true};
    }
  }
  return out;
}

bool IsAutomationQuestion(const model::Question& q) {
  for (std::string_view word : {"自动", "数控", "DCS", "PLC"}) {
    if (q.text.find(word) != std::string::npos) return true;
  }
  return false;
}

std::map<std::string, size_t> HeaderIndex(const importer::Table& t) {
  std::map<std::string, size_t> idx;
  for (size_t i = 0; i < t.header.size(); ++i) idx[t.header[i]] = i;
  return idx;
}

std::string Cell(const std::vector<std::string>& row, const std::map<std::string, size_t>& idx,
                 const std::string& column) {
  auto it = idx.find(column);
  if (it == idx.end() || it->second >= row.size()) return {};
  return row[it->second];
}

}  // namespace

std::vector<IndustryInfo> ShippedIndustries() {
  std::vector<IndustryInfo> out;
  auto table = importer::ReadCsv(kIndustriesCsv);
  if (!table) return out;
  auto idx = HeaderIndex(*table);
  for (const auto& row : table->rows) {
    out.push_back({Cell(row, idx, "code"), Cell(row, idx, "name"), Cell(row, idx, "group")});
  }
  return out;
}

std::vector<UnitInfo> ShippedGuangdongUnits() {
  std::vector<UnitInfo> out;
  auto table = importer::ReadCsv(kGuangdongUnitsCsv);
  if (!table) return out;
  auto idx = HeaderIndex(*table);
  for (const auto& row : table->rows) {
    if (Cell(row, idx, "kind") == "province" || Cell(row, idx, "parent_code").empty()) continue;
    UnitInfo u{Cell(row, idx, "code"), Cell(row, idx, "name"), Cell(row, idx, "group"), 0};
    std::string above = Cell(row, idx, "above_scale_2015");
    if (!above.empty() && std::all_of(above.begin(), above.end(),
                                      [](char c) { return c >= '0' && c <= '9'; })) {
      u.above_scale = std::stoll(above);
    }
    out.push_back(std::move(u));
  }
  return out;
}

AnswerGenerator::AnswerGenerator(std::shared_ptr<const model::Model> model,
                                 std::vector<IndustryInfo> industries, AnswerGenParams params)
    : model_(std::move(model)), params_(std::move(params)) {
  if (industries.empty()) industries = ShippedIndustries();
  for (const auto& i : industries) industry_group_[i.code] = i.group;

  const model::Model& m = *model_;
  const auto levels = ComputeQuestionLevels(m);
  plans_.resize(m.questions.size());
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.questions[qi];
    QuestionPlan& p = plans_[qi];
    p.level = levels[qi].level;
    p.via_total = levels[qi].via_total;
    question_level_.push_back(p.level);
    p.difficulty = params_.level_step * (p.level - 1) +
                   params_.level_step * params_.top_level_extra * std::max(0, p.level - 2) +
                   (p.via_total ? params_.total_cut_difficulty : 0);
    p.automation = IsAutomationQuestion(q);
    switch (q.type) {
      case model::QuestionType::kMultiple: {
        std::vector<size_t> order;
        p.option_rank.assign(q.options.size(), -1);
        for (size_t i = 0; i < q.options.size(); ++i) {
          if (q.options[i].exclusive) {
            if (p.exclusive_option < 0) p.exclusive_option = static_cast<int>(i);
          } else {
            order.push_back(i);
          }
        }
        // Lowest score first; among equal scores, the option listed first.
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
          return q.options[a].score < q.options[b].score;
        });
        for (size_t r = 0; r < order.size(); ++r) {
          p.option_rank[order[r]] =
              order.size() > 1 ? static_cast<double>(r) / static_cast<double>(order.size() - 1) : 0;
        }
        break;
      }
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent: {
        p.min = std::isfinite(q.min) ? q.min : -1e9;
        p.max = std::isfinite(q.max) ? q.max : 1e9;
        if (q.type == model::QuestionType::kPercent) {
          p.min = std::max(p.min, 0.0);
          p.max = std::min(p.max, 100.0);
        }
        if (q.points.empty()) {
          p.worst_x = std::isfinite(q.min) ? q.min : 0;
          p.best_x = std::isfinite(q.max) ? q.max : 100;
        } else {
          // The first x with the best score, and the worst-scoring x nearest
          // to it (so a measure with an optimum in the middle moves toward it).
          size_t best = 0;
          for (size_t i = 1; i < q.points.size(); ++i) {
            if (q.points[i].second > q.points[best].second) best = i;
          }
          double worst_score = std::numeric_limits<double>::infinity();
          size_t worst = 0;
          for (size_t i = 0; i < q.points.size(); ++i) {
            double s = q.points[i].second;
            size_t d = i > best ? i - best : best - i;
            size_t dw = worst > best ? worst - best : best - worst;
            if (s < worst_score || (s == worst_score && d < dw)) {
              worst_score = s;
              worst = i;
            }
          }
          p.best_x = q.points[best].first;
          p.worst_x = q.points[worst].first;
        }
        const double span = std::abs(p.best_x - p.worst_x);
        p.step = q.integer ? 1 : span <= 5 ? 0.01 : span <= 5000 ? 0.1 : 1;
        // A follow-up: right after a yes/no of the same indicator.
        if (qi > 0 && m.questions[qi - 1].type == model::QuestionType::kYesNo &&
            m.questions[qi - 1].indicator == q.indicator) {
          p.follows = static_cast<int>(qi - 1);
        }
        break;
      }
      case model::QuestionType::kYesNo:
        p.yes_better = q.yes_score >= q.no_score;
        break;
      default:
        break;
    }
  }

  auto shifts = params_.question_shift;
  if (shifts.empty()) {
    if (auto table = importer::ReadCsv(kGeneratorCalibrationCsv)) {
      auto idx = HeaderIndex(*table);
      for (const auto& row : table->rows) {
        if (Cell(row, idx, "model") != m.id) continue;
        shifts[Cell(row, idx, "question")] = std::strtod(Cell(row, idx, "shift").c_str(), nullptr);
      }
    }
  }
  for (const auto& [question, shift] : shifts) {
    const int qi = m.QuestionIndex(question);
    if (qi >= 0) plans_[static_cast<size_t>(qi)].difficulty += shift;
  }

  const auto& types = model::ProductionTypes();
  std::vector<double> slots(static_cast<size_t>(std::max(m.slot_count, 1)), kNaN);
  applies_.assign(types.size(), std::vector<bool>(m.questions.size(), true));
  for (size_t pt = 0; pt < types.size(); ++pt) {
    slots[m.production_type_slot] = static_cast<double>(pt);
    for (size_t qi = 0; qi < m.questions.size(); ++qi) {
      const auto& q = m.questions[qi];
      applies_[pt][qi] = !q.applies_if || q.applies_if->EvaluateBool(slots.data());
    }
  }
}

bool AnswerGenerator::Applies(const SyntheticEnterprise& e) const {
  const model::Model& m = *model_;
  if (!m.industry_codes.empty() &&
      std::find(m.industry_codes.begin(), m.industry_codes.end(), e.industry_code) ==
          m.industry_codes.end()) {
    return false;
  }
  return m.AllowsProductionType(e.production_type);
}

double AnswerGenerator::Maturity(const SyntheticEnterprise& e, int round, uint64_t seed) const {
  const AnswerGenParams& p = params_;
  Rng rng(Mix(EnterpriseSeed(seed, e), kLatentStream));
  double latent = p.base;
  switch (ClassifySize(e.employees, e.revenue_10k_yuan)) {
    case SizeClass::kLarge: latent += p.large; break;
    case SizeClass::kMedium: latent += p.medium; break;
    case SizeClass::kSmall: latent += p.small; break;
    case SizeClass::kMicro: latent += p.micro; break;
  }
  if (auto g = industry_group_.find(e.industry_code); g != industry_group_.end()) {
    if (auto s = p.group_shift.find(g->second); s != p.group_shift.end()) latent += s->second;
  }
  latent += p.enterprise_sigma * rng.Normal();
  for (int r = 1; r <= round; ++r) latent += p.round_growth + p.round_sigma * rng.Noise();
  for (int r = round; r < 0; ++r) latent -= p.round_growth + p.round_sigma * rng.Noise();
  return latent;
}

GeneratedAnswers AnswerGenerator::Generate(const SyntheticEnterprise& e, int round, uint64_t seed,
                                           double completeness) const {
  const model::Model& m = *model_;
  const AnswerGenParams& p = params_;
  GeneratedAnswers out;
  int pt = scoring::ProductionTypeIndex(e.production_type);
  if (pt < 0) pt = 0;
  out.production_type = pt;
  out.maturity = Maturity(e, round, seed);

  // Automation strength of 原材料 process enterprises.
  double automation = 0;
  {
    auto g = industry_group_.find(e.industry_code);
    const bool materials = g != industry_group_.end() && g->second == "原材料";
    if (e.production_type == "process") {
      automation = materials ? p.automation_bonus : 0.5 * p.automation_bonus;
    } else if (e.production_type == "mixed" && materials) {
      automation = 0.5 * p.automation_bonus;
    }
  }

  const uint64_t es = EnterpriseSeed(seed, e);
  Rng persist(Mix(es, kPersistStream));
  Rng per_round(Mix(Mix(es, kRoundStream), static_cast<uint64_t>(static_cast<int64_t>(round))));

  const auto& applies = applies_[static_cast<size_t>(pt)];
  auto to_answer = [&](size_t qi) {
    const auto& q = m.questions[qi];
    return applies[qi] && (q.type != model::QuestionType::kText || q.required);
  };
  for (size_t qi = 0; qi < m.questions.size(); ++qi) out.applicable += to_answer(qi) ? 1 : 0;
  completeness = std::clamp(std::isnan(completeness) ? 1.0 : completeness, 0.0, 1.0);
  const size_t target =
      completeness >= 1 ? out.applicable
                        : static_cast<size_t>(std::floor(completeness * out.applicable + 0.5));

  const size_t n = m.questions.size();
  out.answers.values.assign(n, kNaN);
  out.answers.texts.assign(n, {});
  std::array<double, model::kMaxMultiChoiceOptions> draws{};
  for (size_t qi = 0; qi < n; ++qi) {
    const auto& q = m.questions[qi];
    const QuestionPlan& plan = plans_[qi];
    // Draw the same amount for every question whether or not it is answered,
    // so that each question's randomness stays put.
    const double persistent_noise = persist.Noise();
    const size_t n_draws =
        q.type == model::QuestionType::kMultiple
            ? std::min(q.options.size(), draws.size())
            : q.type == model::QuestionType::kYesNo ? 1 : 0;
    for (size_t i = 0; i < n_draws; ++i) draws[i] = persist.Uniform();
    const double round_noise = per_round.Noise();
    if (!to_answer(qi) || out.answered >= target) continue;

    const bool numeric =
        q.type == model::QuestionType::kNumber || q.type == model::QuestionType::kPercent;
    const double z = out.maturity - plan.difficulty + (plan.automation ? automation : 0) +
                     (numeric ? p.number_sigma : p.question_sigma) * persistent_noise +
                     p.question_round_sigma * round_noise;
    double value = kNaN;
    switch (q.type) {
      case model::QuestionType::kSingle: {
        if (q.options.empty()) break;
        const double u = Logistic(p.choice_scale * z);
        size_t idx = static_cast<size_t>(std::floor(u * static_cast<double>(q.options.size())));
        value = static_cast<double>(std::min(idx, q.options.size() - 1));
        break;
      }
      case model::QuestionType::kMultiple: {
        uint64_t bits = 0;
        for (size_t i = 0; i < n_draws; ++i) {
          if (plan.option_rank[i] < 0) continue;
          const double prob =
              Logistic(p.choice_scale * z + p.multi_bias - p.multi_rank_span * plan.option_rank[i]);
          if (draws[i] < prob) bits |= uint64_t{1} << i;
        }
        if (bits == 0 && plan.exclusive_option >= 0) bits = uint64_t{1} << plan.exclusive_option;
        value = static_cast<double>(bits);
        break;
      }
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent: {
        double x;
        const bool declined =
            plan.follows >= 0 && !std::isnan(out.answers.values[plan.follows]) &&
            (out.answers.values[plan.follows] != 0) != plans_[plan.follows].yes_better;
        if (declined) {
          x = plan.worst_x;
        } else {
          const double u = Logistic(p.number_scale * z);
          const double t = p.number_low + (p.number_high - p.number_low) * u;
          x = plan.worst_x + t * (plan.best_x - plan.worst_x);
          // A "lower is better" measure with a positive best (inventory days)
          // runs past it at most to half of it.
          if (t > 1 && plan.best_x < plan.worst_x && plan.best_x > 0) {
            const double past = p.number_high > 1 ? (t - 1) / (p.number_high - 1) : 0;
            x = plan.best_x * (1 - 0.5 * std::min(past, 1.0));
          }
        }
        const double inv = 1.0 / plan.step;
        x = std::round(x * inv) / inv;
        if (q.integer) x = std::round(x);
        x = std::clamp(x, plan.min, plan.max);
        if (q.integer && x != std::floor(x)) x = std::ceil(x);
        value = x + 0.0;  // no negative zero
        break;
      }
      case model::QuestionType::kYesNo: {
        const bool better = draws[0] < Logistic(p.choice_scale * z + p.yesno_bias);
        value = better == plan.yes_better ? 1 : 0;
        break;
      }
      case model::QuestionType::kText:
        out.answers.texts[qi] = "无";
        ++out.answered;
        continue;
    }
    if (!std::isnan(value)) {
      out.answers.values[qi] = value;
      ++out.answered;
    }
  }
  Reconcile(out.answers, pt, out.maturity, Mix(es, kReconcileStream));
  out.json = AnswersToJson(m, out.answers);
  return out;
}

void AnswerGenerator::Reconcile(scoring::Answers& answers, int pt, double maturity, uint64_t seed) const {
  const model::Model& m = *model_;
  if (m.consistency_rules.empty()) return;
  // More developed answers than `value` for question qi, nearest first.
  auto step_ups = [&](size_t qi, double value) {
    const auto& q = m.questions[qi];
    const QuestionPlan& plan = plans_[qi];
    std::vector<double> out;
    switch (q.type) {
      case model::QuestionType::kSingle:
        for (double v = value + 1; v < static_cast<double>(q.options.size()); ++v) out.push_back(v);
        break;
      case model::QuestionType::kMultiple: {
        uint64_t bits = static_cast<uint64_t>(value);
        if (plan.exclusive_option >= 0) bits &= ~(uint64_t{1} << plan.exclusive_option);
        std::vector<size_t> open;
        for (size_t i = 0; i < q.options.size() && i < 64; ++i) {
          if (!(bits >> i & 1) && plan.option_rank[i] >= 0) open.push_back(i);
        }
        std::stable_sort(open.begin(), open.end(),
                         [&](size_t a, size_t b) { return plan.option_rank[a] < plan.option_rank[b]; });
        for (size_t i : open) out.push_back(static_cast<double>(bits | uint64_t{1} << i));
        break;
      }
      case model::QuestionType::kYesNo:
        if ((value != 0) != plan.yes_better) out.push_back(plan.yes_better ? 1 : 0);
        break;
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent:
        if (value != plan.best_x) out.push_back(std::clamp(plan.best_x, plan.min, plan.max) + 0.0);
        break;
      case model::QuestionType::kText:
        break;
    }
    return out;
  };
  // Less developed answers than `value` for question qi, nearest first.
  auto step_downs = [&](size_t qi, double value) {
    const auto& q = m.questions[qi];
    const QuestionPlan& plan = plans_[qi];
    std::vector<double> out;
    switch (q.type) {
      case model::QuestionType::kSingle:
        for (double v = value - 1; v >= 0; --v) out.push_back(v);
        break;
      case model::QuestionType::kMultiple: {
        const auto bits = static_cast<uint64_t>(value);
        std::vector<size_t> chosen;
        for (size_t i = 0; i < q.options.size() && i < 64; ++i) {
          if ((bits >> i & 1) && plan.option_rank[i] >= 0) chosen.push_back(i);
        }
        std::stable_sort(chosen.begin(), chosen.end(),
                         [&](size_t a, size_t b) { return plan.option_rank[a] > plan.option_rank[b]; });
        for (size_t i : chosen) {
          uint64_t less = bits & ~(uint64_t{1} << i);
          if (less == 0 && plan.exclusive_option >= 0) less = uint64_t{1} << plan.exclusive_option;
          out.push_back(static_cast<double>(less));
        }
        break;
      }
      case model::QuestionType::kYesNo:
        if ((value != 0) == plan.yes_better) out.push_back(plan.yes_better ? 0 : 1);
        break;
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent:
        if (value != plan.worst_x) out.push_back(std::clamp(plan.worst_x, plan.min, plan.max) + 0.0);
        break;
      case model::QuestionType::kText:
        break;
    }
    return out;
  };
  auto holds = [&](size_t rule) {
    auto r = scoring::Score(m, answers, pt);
    return std::find(r.broken_rules.begin(), r.broken_rules.end(), static_cast<int>(rule)) == r.broken_rules.end();
  };
  for (int pass = 0; pass < 16; ++pass) {
    auto result = scoring::Score(m, answers, pt);
    bool changed = false;
    for (int index : result.broken_rules) {
      const auto& rule = m.consistency_rules[index];
      if (!rule.error || holds(index)) continue;  // an earlier repair may have mended it
      bool fixed = false;
      // Raise the evidence (the questions after the first) or lower the claim.
      double difficulty = 0;
      for (size_t k = 1; k < rule.questions.size(); ++k) difficulty += plans_[rule.questions[k]].difficulty;
      if (rule.questions.size() > 1) difficulty /= static_cast<double>(rule.questions.size() - 1);
      Rng draw(Mix(seed, static_cast<uint64_t>(index)));
      const bool raise = rule.questions.size() > 1 && draw.Uniform() < Logistic(maturity - difficulty);
      auto try_values = [&](int qi, const std::vector<double>& candidates) {
        const double was = answers.values[qi];
        for (double v : candidates) {
          answers.values[qi] = v;
          if (holds(index)) return true;
        }
        answers.values[qi] = was;
        return false;
      };
      if (raise) {
        for (size_t k = 1; k < rule.questions.size() && !fixed; ++k) {
          const int qi = rule.questions[k];
          fixed = try_values(qi, step_ups(qi, answers.values[qi]));
        }
      }
      for (size_t k = 0; k < rule.questions.size() && !fixed; ++k) {
        const int qi = rule.questions[k];
        fixed = try_values(qi, step_downs(qi, answers.values[qi]));
      }
      if (!fixed) {  // no single step mends it: the first question at its least
        const int qi = rule.questions.front();
        auto downs = step_downs(qi, answers.values[qi]);
        if (!downs.empty()) answers.values[qi] = downs.back();
      }
      changed = true;
    }
    if (!changed) return;
  }
}

std::string AnswersToJson(const model::Model& m, const scoring::Answers& answers) {
  std::string out;
  out.reserve(32 * m.questions.size());
  out += '{';
  bool first = true;
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.questions[qi];
    const double v = qi < answers.values.size() ? answers.values[qi] : kNaN;
    const bool is_text = q.type == model::QuestionType::kText;
    if (is_text ? (qi >= answers.texts.size() || answers.texts[qi].empty()) : std::isnan(v)) {
      continue;
    }
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, q.id);
    out += ':';
    switch (q.type) {
      case model::QuestionType::kSingle: {
        const auto i = static_cast<size_t>(v);
        AppendJsonString(out, i < q.options.size() ? q.options[i].id : std::string());
        break;
      }
      case model::QuestionType::kMultiple: {
        const auto bits = static_cast<uint64_t>(v);
        out += '[';
        bool first_option = true;
        for (size_t i = 0; i < q.options.size() && i < 64; ++i) {
          if (!(bits & (uint64_t{1} << i))) continue;
          if (!first_option) out += ',';
          first_option = false;
          AppendJsonString(out, q.options[i].id);
        }
        out += ']';
        break;
      }
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent: out += fmt::format("{}", v); break;
      case model::QuestionType::kYesNo: out += v != 0 ? "true" : "false"; break;
      case model::QuestionType::kText: AppendJsonString(out, answers.texts[qi]); break;
    }
  }
  out += '}';
  return out;
}

}  // namespace rongping::demo
