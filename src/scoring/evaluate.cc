// The scoring kernel: Evaluate, ScoreBatch and ScoreVariants (scorer.h).
//
// Assessments are evaluated in blocks of N (1 for one assessment, kBatchBlock
// in a batch), slot by slot: slot s of assessment j is at s * N + j. Each
// step is a loop over the block with no branch that depends on the answers,
// which the compiler turns into vector instructions (this file is built with
// -O3 -fno-trapping-math; the loops are cloned for AVX2). The arithmetic of
// each assessment is the same operations in the same order whatever N is, so
// a total is the same to the bit alone or in a batch.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <thread>
#include <vector>

#include "core/vector_clones.h"
#include "scoring/scorer.h"

namespace rongping::scoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kBatchBlock = 64;

template <size_t N>
struct Block {
  double* slots;
  double* column(int slot) const { return slots + static_cast<size_t>(slot) * N; }
};

// Four lanes as one value (GCC's vector extension: one AVX register, or
// two SSE2 registers for the x86-64 clone), and a lane mask of -1 or 0.
using Lanes4 = double __attribute__((vector_size(32)));
using Mask4 = int64_t __attribute__((vector_size(32)));

// (By pointer and reference: a vector passed by value would take another
// calling convention in the AVX2 clone.)
[[gnu::always_inline]] inline void Load4(const double* p, Lanes4* v) {
  std::memcpy(v, p, sizeof *v);
}
[[gnu::always_inline]] inline void Store4(double* p, const Lanes4& v) {
  std::memcpy(p, &v, sizeof v);
}

// Runs f(), a loop over a batch's block: in a function of its own (GCC 12
// vectorizes such loops only there), compiled for AVX2 and for any x86-64.
template <typename F>
[[gnu::noinline, RONGPING_VECTOR_CLONES]] void Vectorized(const F& f) {
  f();
}

// f() for a block of N lanes: inline for a single assessment. f and what it
// calls are always_inline, so that they are compiled into each clone.
template <size_t N, typename F>
inline void OnBlock(const F& f) {
  if constexpr (N == 1) {
    f();
  } else {
    Vectorized(f);
  }
}

// One question's score in each lane from its answer; an unanswered
// question scores 0.
template <size_t N>
[[gnu::always_inline]] inline void ScoreSingle(const double* scores, uint32_t count,
                                               const double* answer, double* score) {
  constexpr uint32_t kHeld = 16;  // options held in registers; a longer list takes the plain loop
  if (N % 4 != 0 || count > kHeld) {
    for (size_t j = 0; j < N; ++j) {
      const double v = answer[j];
      score[j] = std::isnan(v) ? 0 : scores[std::isnan(v) ? 0 : static_cast<size_t>(v)];
    }
  } else {
    Lanes4 index[kHeld], value[kHeld];
    for (uint32_t o = 0; o < count; ++o) {
      index[o] = Lanes4{} + static_cast<double>(o);
      value[o] = Lanes4{scores[o], scores[o], scores[o], scores[o]};
    }
    for (size_t j = 0; j < N; j += 4) {
      Lanes4 v;
      Load4(answer + j, &v);
      Lanes4 r = {};  // no option matches a NaN
      for (uint32_t o = 0; o < count; ++o) r = v == index[o] ? value[o] : r;
      Store4(score + j, r);
    }
  }
}

// Adding score * 0 for an option not chosen changes no bit: option scores
// are finite and not negative, and the sum starts at +0.
template <size_t N>
[[gnu::always_inline]] inline void ScoreMultiple(const double* scores, uint32_t count, double cap,
                                                 const double* answer, double* score) {
  double sum[N] = {};
  uint64_t bits[N];
  for (size_t j = 0; j < N; ++j)
    bits[j] = std::isnan(answer[j]) ? 0 : static_cast<uint64_t>(answer[j]);
  for (uint32_t i = 0; i < count; ++i) {
    for (size_t j = 0; j < N; ++j) sum[j] += scores[i] * static_cast<double>((bits[j] >> i) & 1);
  }
  for (size_t j = 0; j < N; ++j) {
    const double capped = std::min(sum[j], cap);
    score[j] = std::isnan(answer[j]) ? 0 : capped;
  }
}

// Linear between the points (x strictly increasing), flat outside: with i
// points left of v, v lies in (x[i-1], x[i]].
template <size_t N>
[[gnu::always_inline]] inline void ScorePiecewise(const double* x, const double* y, uint32_t count,
                                                  const double* answer, double* score) {
  const uint32_t last = count - 1;
  if constexpr (N % 4 != 0) {
    for (size_t j = 0; j < N; ++j) {
      const double v = answer[j];
      uint32_t i = 0;
      for (uint32_t k = 0; k < count; ++k) i += x[k] < v ? 1 : 0;
      double r = i == 0 ? y[0] : y[last];
      if (i > 0 && i <= last) r = y[i - 1] + (y[i] - y[i - 1]) * (v - x[i - 1]) / (x[i] - x[i - 1]);
      score[j] = std::isnan(v) ? 0 : r;
    }
  } else {
    // Every segment's line, kept in the lanes whose v lies in it.
    const Lanes4 zero = {};
    for (size_t j = 0; j < N; j += 4) {
      Lanes4 v;
      Load4(answer + j, &v);
      Lanes4 left = zero;
      for (uint32_t k = 0; k < count; ++k) left += x[k] < v ? zero + 1.0 : zero;
      const Lanes4 first = {y[0], y[0], y[0], y[0]}, end = {y[last], y[last], y[last], y[last]};
      Lanes4 r = left == 0.0 ? first : end;
      for (uint32_t k = 1; k <= last; ++k) {
        const Lanes4 line = y[k - 1] + (y[k] - y[k - 1]) * (v - x[k - 1]) / (x[k] - x[k - 1]);
        r = left == static_cast<double>(k) ? line : r;
      }
      const Lanes4 answered = v == v ? r : zero;
      Store4(score + j, answered);
    }
  }
}

template <size_t N>
[[gnu::always_inline]] inline void ScoreYesNo(double yes, double no, const double* answer,
                                              double* score) {
  for (size_t j = 0; j < N; ++j) {
    const double v = answer[j];
    const double r = v != 0 ? yes : no;
    score[j] = std::isnan(v) ? 0 : r;
  }
}

// NaN in the lanes where `applies` is 0.
template <size_t N>
[[gnu::always_inline]] inline void KeepWhere(const double* applies, double* column) {
  for (size_t j = 0; j < N; ++j) {
    const double v = column[j];
    column[j] = applies[j] != 0 ? v : kNaN;
  }
}

// Question scores, and NaN in the answer and score slots of the questions
// that do not apply to an assessment's production type.
template <size_t N>
void ScoreQuestions(const model::Model& m, Block<N> b, const unsigned* types) {
  // Per lane 1 or 0: whether a question with this applies_to applies, for
  // the few distinct applies_to a model has (made when first needed).
  struct Applicability {
    const unsigned* types;
    uint32_t applies_to[4];
    double lanes[4][N];
    size_t count = 0;
    size_t next = 0;
    const double* For(uint32_t mask) {
      for (size_t k = 0; k < count; ++k) {
        if (applies_to[k] == mask) return lanes[k];
      }
      const size_t k = count < 4 ? count++ : next++ % 4;
      applies_to[k] = mask;
      for (size_t j = 0; j < N; ++j) lanes[k][j] = (mask >> types[j]) & 1 ? 1.0 : 0.0;
      return lanes[k];
    }
  } applicability{types, {}, {}};
  for (const auto& q : m.scoring_questions) {
    double* answer = b.column(q.answer_slot);
    double* score = q.score_slot >= 0 ? b.column(q.score_slot) : nullptr;
    switch (q.type) {
      case model::QuestionType::kSingle:
        OnBlock<N>([&]() __attribute__((always_inline)) {
          ScoreSingle<N>(m.option_scores.data() + q.first, q.count, answer, score);
        });
        break;
      case model::QuestionType::kMultiple:
        OnBlock<N>([&]() __attribute__((always_inline)) {
          ScoreMultiple<N>(m.option_scores.data() + q.first, q.count, q.cap, answer, score);
        });
        break;
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent:
        OnBlock<N>([&]() __attribute__((always_inline)) {
          ScorePiecewise<N>(m.point_x.data() + q.first, m.point_y.data() + q.first, q.count, answer,
                            score);
        });
        break;
      case model::QuestionType::kYesNo:
        OnBlock<N>([&]() __attribute__((always_inline)) {
          ScoreYesNo<N>(q.yes_score, q.no_score, answer, score);
        });
        break;
      case model::QuestionType::kText:
        break;
    }
    if (q.applies_to != m.all_production_types) {
      const double* applies = applicability.For(q.applies_to);
      OnBlock<N>([&]() __attribute__((always_inline)) {
        if (score) KeepWhere<N>(applies, score);
        KeepWhere<N>(applies, answer);
      });
    }
  }
}

// out[j] = the weighted mean of the terms that are not NaN in lane j, or
// `if_none` when every one is. Skipping a NaN term adds +0 to both sums,
// which changes no bit: every term and weight is at least +0, so neither sum
// is ever -0. A block adds eight lanes at a time, its sums in registers.
// For a single assessment, `weight_sum` (unless null) receives the sum of
// the weights of the terms that are not NaN.
template <size_t N>
[[gnu::always_inline]] inline void WeightedMean(const model::Model::Term* terms, int count,
                                                Block<N> b, double if_none, double* out,
                                                double* weight_sum = nullptr) {
  if constexpr (N % 8 != 0) {
    for (size_t j = 0; j < N; ++j) {
      double sum = 0, weights = 0;
      for (int t = 0; t < count; ++t) {
        const double x = b.column(terms[t].slot)[j];
        if (std::isnan(x)) continue;
        sum += terms[t].weight * x;
        weights += terms[t].weight;
      }
      out[j] = weights > 0 ? sum / weights : if_none;
      if (N == 1 && weight_sum) *weight_sum = weights;
    }
  } else {
    const Lanes4 zero = {}, none = {if_none, if_none, if_none, if_none};
    for (size_t j0 = 0; j0 < N; j0 += 8) {
      Lanes4 sum[2] = {}, weights[2] = {};
      for (int t = 0; t < count; ++t) {
        const double* v = b.column(terms[t].slot) + j0;
        const double weight = terms[t].weight;
        for (int h = 0; h < 2; ++h) {
          Lanes4 x;
          Load4(v + 4 * h, &x);
          const Mask4 present = x == x;
          sum[h] += present ? weight * x : zero;
          weights[h] += present ? Lanes4{weight, weight, weight, weight} : zero;
        }
      }
      for (int h = 0; h < 2; ++h) {
        const Lanes4 mean = sum[h] / weights[h];
        const Lanes4 r = weights[h] > zero ? mean : none;
        Store4(out + j0 + 4 * h, r);
      }
    }
  }
}

// Each node's score (indicators' or dimensions'): the weighted mean of its
// terms; NaN when none applies. For a single assessment, weight_sums[i]
// (unless null) receives node i's sum of applying weights.
template <size_t N, typename Node>
void WeightedMeans(const std::vector<model::Model::Term>& terms, const std::vector<int>& begin,
                   const std::vector<Node>& nodes, Block<N> b, double* weight_sums) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    OnBlock<N>([&]() __attribute__((always_inline)) {
      WeightedMean(terms.data() + begin[i], begin[i + 1] - begin[i], b, kNaN,
                   b.column(nodes[i].score_slot), weight_sums ? weight_sums + i : nullptr);
    });
  }
}

// 1 or 0 as EvaluateBool would say, in place.
template <size_t N>
[[gnu::always_inline]] inline void ToBool(double* v) {
  for (size_t j = 0; j < N; ++j) v[j] = (!std::isnan(v[j]) && v[j] != 0) ? 1.0 : 0.0;
}

// An expression's value in each lane: for one assessment from the
// interpreter that stops at the first false of an `and` (the same bits).
template <size_t N>
void EvaluateExpr(const model::CompiledExpr& e, const double* slots, double* scratch, double* out) {
  if constexpr (N == 1) {
    out[0] = e.EvaluateNumber(slots);
  } else {
    e.EvaluateBlock(slots, N, N, scratch, out);
  }
}

// Evaluates a block whose production-type and answer slots are filled (a
// production type in every lane, also lanes the caller will not read).
// `scratch` holds m.block_stack * N doubles (none for N = 1). For N = 1,
// `weight_sums` is Evaluate's (or null); null for blocks.
template <size_t N>
void EvaluateColumns(const model::Model& m, double* slots, int* levels, double* scratch,
                     double* weight_sums = nullptr) {
  const Block<N> b{slots};
  unsigned types[N];
  const double* production_type = b.column(m.production_type_slot);
  for (size_t j = 0; j < N; ++j) types[j] = static_cast<unsigned>(production_type[j]);

  ScoreQuestions(m, b, types);
  for (const auto& d : m.derived) {
    double* out = b.column(d.slot);
    EvaluateExpr<N>(d.expr, slots, scratch, out);
    if (d.expr.type() == model::ExprType::kBool)
      OnBlock<N>([&]() __attribute__((always_inline)) { ToBool<N>(out); });
  }
  double* const dimension_sums = weight_sums ? weight_sums + m.indicators.size() : nullptr;
  WeightedMeans(m.indicator_terms, m.indicator_begin, m.indicators, b, weight_sums);
  WeightedMeans(m.dimension_terms, m.dimension_begin, m.dimensions, b, dimension_sums);
  // The total: the same mean over the dimensions, 0 when none applies.
  OnBlock<N>([&]() __attribute__((always_inline)) {
    WeightedMean(m.total_terms.data(), static_cast<int>(m.total_terms.size()), b, 0.0,
                 b.column(m.total_slot), weight_sums ? dimension_sums + m.dimensions.size() : nullptr);
  });
  // The level: the last of the rules that hold one after another.
  double rule[N];
  for (size_t j = 0; j < N; ++j) levels[j] = 0;
  for (size_t i = 1; i < m.levels.size(); ++i) {
    EvaluateExpr<N>(*m.levels[i].rule, slots, scratch, rule);
    const int below = static_cast<int>(i) - 1;
    for (size_t j = 0; j < N; ++j) {
      const bool holds = !std::isnan(rule[j]) && rule[j] != 0;
      levels[j] = holds && levels[j] == below ? static_cast<int>(i) : levels[j];
    }
  }
}

}  // namespace

int Evaluate(const model::Model& m, double* slots, double* weight_sums) {
  int level = 0;
  EvaluateColumns<1>(m, slots, &level, nullptr, weight_sums);
  return level;
}

namespace {

// Evaluates assessments [begin, end) in blocks of kBatchBlock into
// out.totals and out.levels: fill(first, len, block) puts the production
// types and answers of assessments [first, first + len) in the block's
// lanes; lanes past len keep what they held (valid answers of an earlier
// block, or unanswered with production type 0).
template <typename Fill>
void EvaluateInBlocks(const model::Model& m, size_t begin, size_t end, BatchResult& out,
                      const Fill& fill) {
  constexpr size_t N = kBatchBlock;
  std::vector<double> slots(static_cast<size_t>(m.slot_count) * N,
                            kNaN);  // those not written stay NaN
  std::vector<double> scratch(m.block_stack * N);
  const Block<N> block{slots.data()};
  std::fill_n(block.column(m.production_type_slot), N, 0.0);
  int levels[N];
  for (size_t first = begin; first < end; first += N) {
    const size_t len = std::min(N, end - first);
    fill(first, len, block);
    EvaluateColumns<N>(m, slots.data(), levels, scratch.data());
    std::copy_n(levels, len, out.levels.data() + first);
    std::copy_n(block.column(m.total_slot), len, out.totals.data() + first);
  }
}

}  // namespace

BatchResult ScoreBatch(const model::Model& m, const std::vector<std::vector<double>>& answers,
                       const std::vector<int>& production_types, int threads) {
  const size_t n = production_types.size();
  BatchResult out;
  out.totals.resize(n);
  out.levels.resize(n);
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  auto fill = [&](size_t first, size_t len, Block<kBatchBlock> block) {
    double* type = block.column(m.production_type_slot);
    for (size_t j = 0; j < len; ++j) type[j] = production_types[first + j];
    for (size_t q = 0; q < m.questions.size(); ++q) {
      std::copy_n(answers[q].data() + first, len, block.column(m.scoring_questions[q].answer_slot));
    }
  };
  std::vector<std::thread> pool;
  size_t chunk = (n + threads - 1) / threads;
  chunk = (chunk + kBatchBlock - 1) / kBatchBlock * kBatchBlock;
  for (int t = 0; t < threads; ++t) {
    size_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back([&, begin, end] { EvaluateInBlocks(m, begin, end, out, fill); });
  }
  for (auto& th : pool) th.join();
  return out;
}

BatchResult ScoreVariants(const model::Model& m, const Answers& answers, int production_type,
                          const std::vector<AnswerVariant>& variants) {
  BatchResult out;
  out.totals.resize(variants.size());
  out.levels.resize(variants.size());
  EvaluateInBlocks(
      m, 0, variants.size(), out, [&](size_t first, size_t len, Block<kBatchBlock> block) {
        std::fill_n(block.column(m.production_type_slot), kBatchBlock,
                    static_cast<double>(production_type));
        for (size_t q = 0; q < m.questions.size(); ++q) {
          std::fill_n(block.column(m.scoring_questions[q].answer_slot), kBatchBlock,
                      answers.values[q]);
        }
        for (size_t j = 0; j < len; ++j) {
          for (const AnswerChange& change :
               {variants[first + j].first, variants[first + j].second}) {
            if (change.question < 0) continue;
            block.column(m.scoring_questions[static_cast<size_t>(change.question)].answer_slot)[j] =
                change.value;
          }
        }
      });
  return out;
}

}  // namespace rongping::scoring
