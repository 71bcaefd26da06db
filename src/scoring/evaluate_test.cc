// The scoring kernel (evaluate.cc) against the scorer it replaced, kept
// here as the reference: question by question from model::Question, the
// expressions one at a time, the weighted means with a branch per term.
// Totals, levels and every slot must be the same to the bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/random.h"
#include "model/model.h"
#include "scoring/model_loading.h"
#include "scoring/scorer.h"

namespace rongping::scoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

uint64_t Bits(double v) {
  uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

double ReferencePiecewise(const std::vector<std::pair<double, double>>& points, double x) {
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

double ReferenceQuestionScore(const model::Question& q, double v) {
  if (std::isnan(v)) return 0;
  switch (q.type) {
    case model::QuestionType::kSingle:
      return q.options[static_cast<size_t>(v)].score;
    case model::QuestionType::kMultiple: {
      auto bits = static_cast<uint64_t>(v);
      double sum = 0;
      for (size_t i = 0; i < q.options.size(); ++i) {
        if (bits & (uint64_t{1} << i)) sum += q.options[i].score;
      }
      return std::min(sum, q.cap);
    }
    case model::QuestionType::kNumber:
    case model::QuestionType::kPercent:
      return ReferencePiecewise(q.points, v);
    case model::QuestionType::kYesNo:
      return v != 0 ? q.yes_score : q.no_score;
    case model::QuestionType::kText:
      return 0;
  }
  return 0;
}

double ReferenceMean(const std::vector<std::pair<int, double>>& parts, const double* s) {
  double sum = 0, weights = 0;
  for (const auto& [slot, weight] : parts) {
    if (std::isnan(s[slot])) continue;
    sum += weight * s[slot];
    weights += weight;
  }
  return weights > 0 ? sum / weights : kNaN;
}

int ReferenceEvaluate(const model::Model& m, double* s) {
  const auto pt = static_cast<size_t>(s[m.production_type_slot]);
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.questions[qi];
    if (!m.applies[pt][qi]) {
      s[q.answer_slot] = kNaN;
      if (q.score_slot >= 0) s[q.score_slot] = kNaN;
    } else if (q.score_slot >= 0) {
      s[q.score_slot] = ReferenceQuestionScore(q, s[q.answer_slot]);
    }
  }
  for (const auto& d : m.derived) {
    s[d.slot] = d.expr.type() == model::ExprType::kBool ? (d.expr.EvaluateBool(s) ? 1.0 : 0.0)
                                                        : d.expr.EvaluateNumber(s);
  }
  for (const auto& ind : m.indicators) {
    std::vector<std::pair<int, double>> parts;
    for (int q : ind.questions)
      parts.emplace_back(m.questions[q].score_slot, m.questions[q].weight);
    s[ind.score_slot] = ReferenceMean(parts, s);
  }
  std::vector<std::pair<int, double>> dimensions;
  for (const auto& dim : m.dimensions) {
    std::vector<std::pair<int, double>> parts;
    for (int i : dim.indicators)
      parts.emplace_back(m.indicators[i].score_slot, m.indicators[i].weight);
    s[dim.score_slot] = ReferenceMean(parts, s);
    dimensions.emplace_back(dim.score_slot, dim.weight);
  }
  const double total = ReferenceMean(dimensions, s);
  s[m.total_slot] = std::isnan(total) ? 0 : total;
  int level = 0;
  for (size_t i = 1; i < m.levels.size(); ++i) {
    if (!m.levels[i].rule->EvaluateBool(s)) break;
    level = static_cast<int>(i);
  }
  return level;
}

// Random assessments as columns: every kind of valid answer, about one in
// eight unanswered, every production type the model allows.
struct Population {
  std::vector<std::vector<double>> answers;  // answers[q][i]
  std::vector<int> types;
};

Population RandomPopulation(const model::Model& m, size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<int> allowed;
  for (size_t t = 0; t < model::ProductionTypes().size(); ++t) {
    if (m.AllowsProductionType(model::ProductionTypes()[t])) allowed.push_back(static_cast<int>(t));
  }
  Population p;
  p.answers.assign(m.questions.size(), std::vector<double>(n));
  p.types.resize(n);
  for (size_t i = 0; i < n; ++i) {
    p.types[i] = allowed[rng.Next() % allowed.size()];
    for (size_t qi = 0; qi < m.questions.size(); ++qi) {
      const auto& q = m.questions[qi];
      double& v = p.answers[qi][i];
      const uint64_t r = rng.Next();
      if (r % 8 == 0 || q.type == model::QuestionType::kText) {
        v = kNaN;
        continue;
      }
      switch (q.type) {
        case model::QuestionType::kSingle:
          v = static_cast<double>((r >> 8) % q.options.size());
          break;
        case model::QuestionType::kMultiple: {
          uint64_t mask = 0;
          for (size_t o = 0; o < q.options.size(); ++o) {
            if (!q.options[o].exclusive && ((r >> (8 + o)) & 1)) mask |= uint64_t{1} << o;
          }
          v = static_cast<double>(mask);
          break;
        }
        case model::QuestionType::kNumber:
        case model::QuestionType::kPercent: {
          // Across the points and beyond them, on the points now and then.
          const double lo = q.points.front().first - 10, hi = q.points.back().first + 10;
          if ((r >> 8) % 5 == 0) {
            v = q.points[(r >> 16) % q.points.size()].first;
          } else {
            v = lo + (hi - lo) * static_cast<double>(r >> 11) * 0x1.0p-53;
          }
          break;
        }
        case model::QuestionType::kYesNo:
          v = static_cast<double>((r >> 8) & 1);
          break;
        case model::QuestionType::kText:
          break;
      }
    }
  }
  return p;
}

void ExpectKernelMatchesReference(const std::string& model_id, size_t n) {
  auto loaded = SharedModel(model_id);
  ASSERT_TRUE(loaded) << loaded.error().message;
  const model::Model& m = **loaded;
  const Population p = RandomPopulation(m, n, 20261206);
  const BatchResult batch = ScoreBatch(m, p.answers, p.types, 2);
  ASSERT_EQ(batch.totals.size(), n);
  std::vector<double> reference(m.slot_count), alone(m.slot_count);
  size_t levels_seen[8] = {};
  for (size_t i = 0; i < n; ++i) {
    std::fill(reference.begin(), reference.end(), kNaN);
    reference[m.production_type_slot] = p.types[i];
    for (size_t q = 0; q < m.questions.size(); ++q)
      reference[m.questions[q].answer_slot] = p.answers[q][i];
    alone = reference;
    const int level = ReferenceEvaluate(m, reference.data());
    ASSERT_EQ(Bits(batch.totals[i]), Bits(reference[m.total_slot]))
        << model_id << " assessment " << i;
    ASSERT_EQ(batch.levels[i], level) << model_id << " assessment " << i;
    ++levels_seen[std::min<size_t>(static_cast<size_t>(level), 7)];
    if (i % 101 == 0) {  // one at a time: every slot, not only the total
      ASSERT_EQ(Evaluate(m, alone.data()), level);
      for (int s = 0; s < m.slot_count; ++s) {
        ASSERT_EQ(Bits(alone[s]), Bits(reference[s]))
            << model_id << " assessment " << i << " slot " << s;
      }
    }
  }
  // The population reaches more than one level, or the levels prove little.
  EXPECT_GT(
      std::count_if(std::begin(levels_seen), std::end(levels_seen), [](size_t c) { return c > 0; }),
      1)
      << model_id;
}

TEST(ScoringKernel, AMillionGbt23020AssessmentsMatchTheReferenceScorerToTheBit) {
  ExpectKernelMatchesReference("gbt23020-2013", 1'000'000);
}

TEST(ScoringKernel, TheSmeModelMatchesTheReferenceScorerToTheBit) {
  ExpectKernelMatchesReference("sme-digital-2022", 100'000);
}

// Blocks are 64 wide: batches of every size around that give the same
// result as the whole (a partial last block, one thread's share).
TEST(ScoringKernel, EveryBatchSizeGivesTheSameBits) {
  auto loaded = SharedModel("gbt23020-2013");
  ASSERT_TRUE(loaded);
  const model::Model& m = **loaded;
  const Population p = RandomPopulation(m, 300, 7);
  const BatchResult whole = ScoreBatch(m, p.answers, p.types, 1);
  for (size_t n : {0, 1, 2, 63, 64, 65, 127, 128, 129, 300}) {
    for (int threads : {1, 2, 3}) {
      std::vector<std::vector<double>> answers;
      for (const auto& column : p.answers) answers.emplace_back(column.begin(), column.begin() + n);
      const std::vector<int> types(p.types.begin(), p.types.begin() + n);
      const BatchResult part = ScoreBatch(m, answers, types, threads);
      ASSERT_EQ(part.totals.size(), n);
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(Bits(part.totals[i]), Bits(whole.totals[i])) << n << " " << threads << " " << i;
        ASSERT_EQ(part.levels[i], whole.levels[i]);
      }
    }
  }
}

// Score's share of the total for each question, to the bit, against the
// formula written out: its weight among its indicator's applying questions,
// the indicator's among its dimension's, the dimension's among the total's,
// each sum of weights taken over the reference scorer's slots in model order.
TEST(ScoringKernel, ScoreSharesMatchTheFormulaToTheBit) {
  for (const char* model_id : {"gbt23020-2013", "sme-digital-2022"}) {
    auto loaded = SharedModel(model_id);
    ASSERT_TRUE(loaded);
    const model::Model& m = **loaded;
    const Population p = RandomPopulation(m, 20'000, 11);
    std::vector<double> s(m.slot_count);
    for (size_t i = 0; i < p.types.size(); ++i) {
      Answers answers;
      std::fill(s.begin(), s.end(), kNaN);
      s[m.production_type_slot] = p.types[i];
      for (size_t q = 0; q < m.questions.size(); ++q) {
        answers.values.push_back(p.answers[q][i]);
        answers.texts.emplace_back();
        s[m.questions[q].answer_slot] = p.answers[q][i];
      }
      ReferenceEvaluate(m, s.data());
      const ScoreResult r = Score(m, answers, p.types[i]);
      auto applying = [&](const auto& parts, auto slot_and_weight) {
        double sum = 0;
        for (int part : parts) {
          auto [slot, weight] = slot_and_weight(part);
          if (!std::isnan(s[slot])) sum += weight;
        }
        return sum;
      };
      double dimensions = 0;
      for (const auto& dim : m.dimensions) {
        if (!std::isnan(s[dim.score_slot])) dimensions += dim.weight;
      }
      for (size_t qi = 0; qi < m.questions.size(); ++qi) {
        const auto& q = m.questions[qi];
        if (q.score_slot < 0 || std::isnan(s[q.score_slot])) continue;
        const auto& ind = m.indicators[q.indicator];
        const auto& dim = m.dimensions[ind.dimension];
        const double questions = applying(ind.questions, [&](int k) {
          return std::pair{m.questions[k].score_slot, m.questions[k].weight};
        });
        const double indicators = applying(dim.indicators, [&](int k) {
          return std::pair{m.indicators[k].score_slot, m.indicators[k].weight};
        });
        const double share =
            (q.weight / questions) * (ind.weight / indicators) * (dim.weight / dimensions);
        ASSERT_EQ(Bits(r.questions[qi].max_contribution), Bits(100 * share))
            << model_id << " assessment " << i << " question " << q.id;
        ASSERT_EQ(Bits(r.questions[qi].contribution), Bits(s[q.score_slot] * share))
            << model_id << " assessment " << i << " question " << q.id;
      }
    }
  }
}

// Each variant's total and level are Score's for the answers with its
// changes applied (one or two; to a value or to unanswered), across blocks.
TEST(ScoringKernel, VariantsScoreAsTheirAnswersAlone) {
  auto loaded = SharedModel("gbt23020-2013");
  ASSERT_TRUE(loaded);
  const model::Model& m = **loaded;
  const Population p = RandomPopulation(m, 400, 99);
  Rng rng(5);
  for (size_t base = 0; base < 3; ++base) {
    Answers answers;
    for (size_t q = 0; q < m.questions.size(); ++q) {
      answers.values.push_back(p.answers[q][base]);
      answers.texts.emplace_back();
    }
    std::vector<AnswerVariant> variants;
    for (size_t k = 0; k < 150; ++k) {  // values taken from other assessments
      auto change = [&] {
        const auto q = static_cast<int>(rng.Below(m.questions.size()));
        return AnswerChange{q, p.answers[static_cast<size_t>(q)][rng.Below(400)]};
      };
      variants.push_back({change(), k % 3 == 0 ? AnswerChange{} : change()});
    }
    const BatchResult r = ScoreVariants(m, answers, p.types[base], variants);
    ASSERT_EQ(r.totals.size(), variants.size());
    for (size_t k = 0; k < variants.size(); ++k) {
      Answers changed = answers;
      changed.values[static_cast<size_t>(variants[k].first.question)] = variants[k].first.value;
      if (variants[k].second.question >= 0) {
        changed.values[static_cast<size_t>(variants[k].second.question)] = variants[k].second.value;
      }
      const ScoreResult alone = Score(m, changed, p.types[base]);
      ASSERT_EQ(Bits(r.totals[k]), Bits(alone.total)) << "variant " << k;
      ASSERT_EQ(r.levels[k], alone.level) << "variant " << k;
    }
  }
}

}  // namespace
}  // namespace rongping::scoring
