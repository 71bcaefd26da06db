#include "scoring/model_loading.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "scoring/scorer.h"

namespace rongping::scoring {

model::LoadOutcome LoadModel(std::string_view json_text, std::string_view source) {
  model::LoadOutcome outcome = model::ParseModel(json_text, source);
  if (!outcome.model) return outcome;
  // With every answer at its best the top level must be reached, else the
  // levels above the one reached are unreachable.
  for (const auto& problem : LevelReachabilityProblems(*outcome.model)) {
    outcome.problems.push_back(fmt::format("{}: /levels: {}", source, problem));
  }
  if (!outcome.problems.empty()) outcome.model = nullptr;
  return outcome;
}

model::LoadOutcome LoadModelFile(const std::string& path) {
  std::string file = path;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) file = (std::filesystem::path(path) / "model.json").string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return {nullptr, {fmt::format("{}: 无法读取文件", file)}};
  std::ostringstream ss;
  ss << in.rdbuf();
  return LoadModel(ss.str(), file);
}

Result<std::shared_ptr<const model::Model>> ResolveModel(const std::string& id_or_path) {
  for (const auto& [id, text] : model::BuiltinModelFiles()) {
    if (id == id_or_path) {
      auto outcome = LoadModel(text, fmt::format("models/{}/model.json", id));
      if (!outcome.model) return Fail(Error::Internal(outcome.problems.front()));
      return outcome.model;
    }
  }
  std::error_code ec;
  if (!std::filesystem::exists(id_or_path, ec)) {
    std::string known;
    for (const auto& [id, text] : model::BuiltinModelFiles()) known += (known.empty() ? "" : "、") + std::string(id);
    return Fail(Error::NotFound(fmt::format("未找到模型“{}”：内置模型有 {}，或给出模型文件路径", id_or_path, known)));
  }
  auto outcome = LoadModelFile(id_or_path);
  if (!outcome.model) {
    std::string all;
    for (const auto& p : outcome.problems) all += p + "\n";
    return Fail(Error::Invalid("invalid_model", all));
  }
  return outcome.model;
}

Result<std::shared_ptr<const model::Model>> SharedModel(const std::string& id_or_path) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const model::Model>, std::less<>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(id_or_path); it != cache.end()) return it->second;
  auto m = ResolveModel(id_or_path);
  if (m) cache.emplace(id_or_path, *m);
  return m;
}

}  // namespace rongping::scoring
