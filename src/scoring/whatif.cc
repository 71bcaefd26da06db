#include "scoring/whatif.h"

#include <cmath>
#include <limits>

namespace rongping::scoring {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Move {
  int question;
  double to;
  double cost;
};

// Every single improvement of one answer and what it costs.
std::vector<Move> CandidateMoves(const model::Model& m, const Answers& a, int pt, PathCost mode) {
  std::vector<Move> moves;
  // Applicability depends only on the production type: score once to know it.
  auto base = Score(m, a, pt);
  for (size_t qi = 0; qi < m.questions.size(); ++qi) {
    const auto& q = m.questions[qi];
    if (!q.scored() || !base.questions[qi].applicable) continue;
    double v = a.values[qi];
    double current = std::isnan(base.questions[qi].score) ? 0 : base.questions[qi].score;
    bool unanswered = std::isnan(v);
    auto add = [&](double to, double effort) {
      moves.push_back({static_cast<int>(qi), to, mode == PathCost::kCount ? 1.0 : effort});
    };
    switch (q.type) {
      case model::QuestionType::kSingle: {
        int from = unanswered ? -1 : static_cast<int>(v);
        double effort = 0;
        for (int k = from + 1; k < static_cast<int>(q.options.size()); ++k) {
          effort += q.options[k].effort;
          if (q.options[k].score > current || unanswered) add(k, effort);
        }
        break;
      }
      case model::QuestionType::kMultiple: {
        auto bits = unanswered ? uint64_t{0} : static_cast<uint64_t>(v);
        for (size_t k = 0; k < q.options.size(); ++k) {
          if (q.options[k].exclusive || (bits & (uint64_t{1} << k))) continue;
          uint64_t next = bits | (uint64_t{1} << k);
          for (size_t x = 0; x < q.options.size(); ++x) {
            if (q.options[x].exclusive) next &= ~(uint64_t{1} << x);
          }
          add(static_cast<double>(next), q.options[k].effort);
        }
        break;
      }
      case model::QuestionType::kNumber:
      case model::QuestionType::kPercent: {
        int crossed = 0;
        for (const auto& [x, y] : q.points) {
          if (!unanswered && x <= v) continue;
          ++crossed;
          if (y > current && x >= q.min && x <= q.max) add(x, crossed);
        }
        break;
      }
      case model::QuestionType::kYesNo:
        if (unanswered || v == 0) add(1, 1);
        break;
      case model::QuestionType::kText: break;
    }
  }
  return moves;
}

AnswerChange Change(const Move& mv) { return {mv.question, mv.to}; }

Answers Apply(const Answers& a, const std::vector<Move>& moves) {
  Answers out = a;
  for (const auto& mv : moves) out.values[mv.question] = mv.to;
  return out;
}

}  // namespace

ScoreResult WhatIf(const model::Model& m, const Answers& base, int pt,
                   const std::vector<AnswerChange>& changes) {
  Answers a = base;
  for (const auto& c : changes) a.values[c.question] = c.value;
  return Score(m, a, pt);
}

PathResult PathToNextLevel(const model::Model& m, const Answers& a, int pt, PathCost mode) {
  PathResult result;
  auto now = Score(m, a, pt);
  result.current_level = result.target_level = now.level;
  result.total_after = now.total;
  if (now.level + 1 >= static_cast<int>(m.levels.size())) return result;
  result.target_level = now.level + 1;
  const int target = result.target_level;
  auto moves = CandidateMoves(m, a, pt, mode);
  auto reaches = [&](const std::vector<Move>& chosen, double* total) {
    auto r = Score(m, Apply(a, chosen), pt);
    if (total) *total = r.total;
    return r.level >= target;
  };

  std::vector<Move> best;
  double best_cost = std::numeric_limits<double>::infinity();
  // One change, then pairs of changes to different questions: each the
  // cheapest that reaches the target, the first in order on a tie.
  std::vector<AnswerVariant> variants;
  for (const auto& mv : moves) variants.push_back({Change(mv), {}});
  const auto singles = ScoreVariants(m, a, pt, variants);
  for (size_t i = 0; i < moves.size(); ++i) {
    if (singles.levels[i] >= target && moves[i].cost < best_cost) {
      best = {moves[i]};
      best_cost = moves[i].cost;
    }
  }
  if (best.empty() && moves.size() <= 400) {
    std::vector<std::pair<size_t, size_t>> pairs;
    variants.clear();
    for (size_t i = 0; i < moves.size(); ++i) {
      for (size_t j = i + 1; j < moves.size(); ++j) {
        if (moves[i].question == moves[j].question) continue;
        pairs.emplace_back(i, j);
        variants.push_back({Change(moves[i]), Change(moves[j])});
      }
    }
    const auto scored = ScoreVariants(m, a, pt, variants);
    for (size_t k = 0; k < pairs.size(); ++k) {
      const auto [i, j] = pairs[k];
      double cost = moves[i].cost + moves[j].cost;
      if (cost < best_cost && scored.levels[k] >= target) {
        best = {moves[i], moves[j]};
        best_cost = cost;
      }
    }
  }
  if (best.empty()) {
    // Greedy: the best gain in total per cost, until the level is reached.
    std::vector<Move> chosen;
    Answers current = a;
    double current_total = now.total;
    for (int step = 0; step < 200; ++step) {
      if (reaches(chosen, nullptr)) break;
      auto options = CandidateMoves(m, current, pt, mode);
      if (options.empty()) break;
      int pick = -1;
      double pick_ratio = -1;
      variants.clear();
      for (const auto& option : options) variants.push_back({Change(option), {}});
      const auto totals = ScoreVariants(m, current, pt, variants).totals;
      for (size_t i = 0; i < options.size(); ++i) {
        double ratio = (totals[i] - current_total + 1e-6) / options[i].cost;
        if (ratio > pick_ratio) {
          pick_ratio = ratio;
          pick = static_cast<int>(i);
        }
      }
      // Replace an earlier move on the same question.
      Move mv = options[pick];
      bool merged = false;
      for (auto& c : chosen) {
        if (c.question == mv.question) {
          c.to = mv.to;
          c.cost += mv.cost;
          merged = true;
        }
      }
      if (!merged) chosen.push_back(mv);
      current = Apply(a, chosen);
      current_total = Score(m, current, pt).total;
    }
    if (!reaches(chosen, nullptr)) return result;
    // Prune: drop every step the level does not need, most expensive first.
    std::stable_sort(chosen.begin(), chosen.end(),
                     [](const Move& x, const Move& y) { return x.cost > y.cost; });
    for (size_t i = 0; i < chosen.size();) {
      std::vector<Move> without = chosen;
      without.erase(without.begin() + i);
      if (reaches(without, nullptr)) {
        chosen = std::move(without);
      } else {
        ++i;
      }
    }
    best = chosen;
  }
  std::sort(best.begin(), best.end(),
            [](const Move& x, const Move& y) { return x.question < y.question; });
  result.reachable = true;
  for (const auto& mv : best) {
    result.steps.push_back({mv.question, a.values[mv.question], mv.to, mv.cost});
    result.total_cost += mv.cost;
  }
  reaches(best, &result.total_after);
  return result;
}

}  // namespace rongping::scoring
