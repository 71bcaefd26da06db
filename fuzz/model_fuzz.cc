// libFuzzer target for the model loader and validator, and for scoring the
// models it accepts.
//
// Any input must load or be rejected with problems, never crash or hang.
// An accepted model is then scored on answers made from the input bytes:
// totals stay within 0-100 and the level is one of the model's.
//
//   scripts/fuzz            (builds with clang++-14 -fsanitize=fuzzer and runs it)
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "model/model.h"
#include "scoring/model_loading.h"
#include "scoring/scorer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto outcome = rongping::scoring::LoadModel(text, "fuzz.json");
  if (!outcome.model) {
    if (outcome.problems.empty()) std::abort();  // a rejection always says why
    return 0;
  }
  const auto& m = *outcome.model;
  rongping::scoring::Answers answers;
  for (size_t i = 0; i < m.questions.size(); ++i) {
    const auto& q = m.questions[i];
    uint8_t b = size ? data[i % size] : 0;
    double v = std::nan("");
    switch (q.type) {
      case rongping::model::QuestionType::kSingle: v = b % q.options.size(); break;
      case rongping::model::QuestionType::kMultiple: v = b & ((1u << std::min<size_t>(q.options.size(), 8)) - 1); break;
      case rongping::model::QuestionType::kYesNo: v = b % 2; break;
      case rongping::model::QuestionType::kNumber:
      case rongping::model::QuestionType::kPercent:
        v = std::isfinite(q.min) ? q.min + b : b;
        if (v > q.max) v = q.max;
        break;
      case rongping::model::QuestionType::kText: break;
    }
    answers.values.push_back(v);
    answers.texts.emplace_back();
  }
  for (int pt = 0; pt < 4; ++pt) {
    auto r = rongping::scoring::Score(m, answers, pt);
    if (!(r.total >= 0 && r.total <= 100)) std::abort();
    if (r.level < 0 || r.level >= static_cast<int>(m.levels.size())) std::abort();
  }
  return 0;
}
