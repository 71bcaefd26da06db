#include "scoring/stored_answers.h"

#include <sodium.h>

#include "core/lru_cache.h"

namespace rongping::scoring {

std::string AnswersDigest(const model::Model& model, std::string_view production_type,
                          std::string_view answers_json) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  auto add = [&state](std::string_view part) {
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()), part.size());
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>("\x1f"), 1);
  };
  add(model.hash);
  add(production_type);
  add(answers_json);
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256_final(&state, reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::shared_ptr<const ScoreResult> ScoreStored(const model::Model& model, std::string_view production_type,
                                               std::string_view answers_json) {
  static LruCache<ScoreResult> scores(4096);
  const std::string key = AnswersDigest(model, production_type, answers_json);
  if (auto kept = scores.Get(key)) return kept;
  const int pt = ProductionTypeIndex(production_type);
  auto made = std::make_shared<const ScoreResult>(Score(model, ParseAnswers(model, answers_json).answers, pt < 0 ? 0 : pt));
  scores.Put(key, made);
  return made;
}

}  // namespace rongping::scoring
