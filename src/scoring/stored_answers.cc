#include "scoring/stored_answers.h"

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>

#include "core/lru_cache.h"

namespace rongping::scoring {

// SHA-256 by OpenSSL, which uses the processor's SHA instructions where
// there are some (four times libsodium's portable code on a 6 KB answer
// sheet: the digest is made on every read of an assessment).
std::string AnswersDigest(const model::Model& model, std::string_view production_type,
                          std::string_view answers_json) {
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  bool ok = sha256 != nullptr && context && EVP_DigestInit_ex(context.get(), sha256, nullptr) == 1;
  for (std::string_view part : {std::string_view(model.hash), production_type, answers_json}) {
    ok = ok && EVP_DigestUpdate(context.get(), part.data(), part.size()) == 1 &&
         EVP_DigestUpdate(context.get(), "\x1f", 1) == 1;
  }
  std::string digest(32, '\0');
  unsigned int size = 0;
  ok = ok && EVP_DigestFinal_ex(context.get(), reinterpret_cast<unsigned char*>(digest.data()), &size) == 1;
  if (!ok || size != digest.size()) throw std::runtime_error("SHA-256 unavailable in OpenSSL");
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
