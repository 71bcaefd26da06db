// libFuzzer target for the answers of a draft (PUT …/assessment, POST
// /models/{id}/score, `rongping score`): the input is the answers JSON,
// read against each shipped model and scored for every production type.
//
// Any bytes are read or refused with problems, never a crash; a score is a
// number in 0-100 and its level one of the model's.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/model.h"
#include "scoring/model_loading.h"
#include "scoring/scorer.h"

namespace {

const std::vector<std::shared_ptr<const rongping::model::Model>>& Models() {
  static const auto* models = [] {
    auto* out = new std::vector<std::shared_ptr<const rongping::model::Model>>();
    for (const char* id : {"gbt23020-2013", "sme-digital-2022"}) {
      auto m = rongping::scoring::SharedModel(id);
      if (!m) std::abort();
      out->push_back(*m);
    }
    return out;
  }();
  return *models;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& m : Models()) {
    auto parsed = rongping::scoring::ParseAnswers(*m, text);
    if (parsed.answers.values.size() != m->questions.size()) std::abort();
    if (!parsed.problems.empty()) continue;
    for (int pt = 0; pt < 4; ++pt) {
      auto r = rongping::scoring::Score(*m, parsed.answers, pt);
      if (!(r.total >= 0 && r.total <= 100)) std::abort();
      if (r.level < 0 || r.level >= static_cast<int>(m->levels.size())) std::abort();
    }
  }
  return 0;
}
