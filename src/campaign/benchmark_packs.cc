#include "campaign/benchmark_packs.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "campaign/rounds.h"
#include "core/json_parse.h"
#include "core/text.h"
#include "core/time.h"
#include "model/model.h"
#include "scoring/model_loading.h"
#include "store/audit.h"
#include "store/campaign.h"
#include "store/units.h"

namespace rongping::campaign {
namespace {

bool MayLoadPacks(const Actor& actor) { return actor.user == nullptr || MaySetRounds(*actor.user); }

// The province whose pack the actor loads and removes: its own for a
// province admin, the whole installation ("") for the ministry and the
// operator.
std::string PackProvince(const Actor& actor) {
  return actor.user && actor.user->role == Role::kProvince ? actor.user->scope_code : std::string();
}

// A model id as rounds and packs name them: never a path.
bool IsModelId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  }) && id.front() != '.';
}

Result<std::shared_ptr<const model::Model>> InstalledModel(std::string_view id) {
  auto m = IsModelId(id) ? scoring::SharedModel(std::string(id))
                         : Result<std::shared_ptr<const model::Model>>(Fail(Error::NotFound()));
  if (!m) {
    return Fail(Error::Invalid("unknown_model",
                               IsModelId(id) ? fmt::format("本平台没有模型“{}”，不能导入它的基准数据包", id)
                                             : std::string("基准数据包的模型标识无效"),
                               "model.id"));
  }
  return m;
}

std::string SourceJson(const domain::LoadedBenchmarkPack& p) {
  return nlohmann::json{{"model", p.model_id},       {"province", p.province_code},
                        {"model_version", p.model_version},
                        {"installation", p.installation}, {"scope", p.scope},
                        {"round", p.round},            {"as_of", p.as_of},
                        {"groups", p.groups},          {"digest", p.digest}}
      .dump();
}

}  // namespace

std::string Actor::AuditName() const { return user ? user->username : "cli:" + cli_command; }

Result<ExportedPack> ExportBenchmarkPack(store::Db& db, analytics::ResultsSnapshot& results, const Actor& actor,
                                         const std::string& round_code, const std::string& model_id, int64_t k,
                                         const std::string& installation, const Clock& clock) {
  struct RoundAndScope {
    domain::Round round;
    std::string scope;
  };
  auto found = store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<RoundAndScope> {
    auto round = store::FindRound(tx, round_code);
    if (!round) return Fail(round.error());
    if (!*round) return Fail(Error::NotFound("没有这个评估轮次：" + round_code));
    auto index = store::LoadReferenceIndex(tx);
    if (!index) return Fail(index.error());
    if (actor.user && !MayAdministerRound(*actor.user, **round, *index)) {
      return Fail(Error::NotFound("没有这个评估轮次：" + round_code));
    }
    auto unit = index->units.find((*round)->province_code);
    std::string scope = (*round)->province_code.empty() || (*round)->province_code == "000000" ? "全国"
                        : unit == index->units.end()                                          ? (*round)->province_code
                                                                                              : unit->second.name;
    return RoundAndScope{std::move(**round), std::move(scope)};
  });
  if (!found) return Fail(found.error());
  const domain::Round& round = found->round;
  std::string chosen = model_id;
  if (chosen.empty()) {
    if (round.models.size() != 1) {
      return Fail(Error::Invalid("model_required",
                                 fmt::format("评估轮次 {} 提供多个模型（{}），请指定导出哪一个", round.code,
                                             fmt::join(round.models, "、")),
                                 "model"));
    }
    chosen = round.models.front();
  }
  if (std::find(round.models.begin(), round.models.end(), chosen) == round.models.end()) {
    return Fail(Error::Invalid("unknown_model", fmt::format("评估轮次 {} 没有模型“{}”", round.code, chosen), "model"));
  }
  if (installation.size() > 150 || HasControlCharacter(installation)) {
    return Fail(Error::Invalid("invalid_field", "来源平台名称最多 50 个汉字，不能含控制字符", "installation"));
  }
  auto m = scoring::SharedModel(chosen);
  if (!m) return Fail(m.error());
  if (auto r = results.Current(db); !r) return Fail(r.error());
  analytics::PackSource source{installation.empty() ? found->scope + "两化融合评估诊断平台" : installation,
                               found->scope, round.code, round.name, clock.TodayInChina(), clock.NowRfc3339()};
  auto pack = analytics::BuildBenchmarkPack(results, round.code, **m, k, std::move(source));
  return ExportedPack{analytics::BenchmarkPackToJson(pack),
                      fmt::format("基准数据包-{}-{}.json", round.code, chosen),
                      fmt::format("benchmarks-{}-{}.json", round.code, chosen),
                      static_cast<int64_t>(pack.groups.size())};
}

Result<domain::LoadedBenchmarkPack> LoadBenchmarkPack(store::Db& db, const Actor& actor, std::string_view json,
                                                     std::string_view expected_model, int64_t min_group_size,
                                                     const Clock& clock) {
  if (!MayLoadPacks(actor)) return Fail(Error::Forbidden("只有省级和部级管理员可以导入基准数据包"));
  if (!expected_model.empty() && !InstalledModel(expected_model)) return Fail(Error::NotFound("本平台没有这个模型"));
  // The model the pack names, read before the whole pack is checked against it.
  auto head = ParseJsonText<nlohmann::json>(json);
  if (!head) {
    Error e = head.error();
    e.message = "基准数据包" + e.message;
    return Fail(std::move(e));
  }
  const nlohmann::json* id = head->is_object() && (*head)["model"].is_object() ? &(*head)["model"]["id"] : nullptr;
  if (!id || !id->is_string()) {
    return Fail(Error::Invalid("invalid_benchmark_pack", "基准数据包 model.id：缺少模型", "model.id"));
  }
  if (!expected_model.empty() && id->get<std::string>() != expected_model) {
    return Fail(Error::Invalid("model_mismatch", fmt::format("基准数据包属于另一个模型，不是“{}”", expected_model),
                               "model.id"));
  }
  auto m = InstalledModel(id->get<std::string>());
  if (!m) return Fail(m.error());
  // A pack less strict about small groups than this installation is
  // refused before anything else is read of it.
  const nlohmann::json& k = (*head)["min_group_size"];
  if (k.is_number_integer() && k.get<int64_t>() < min_group_size) {
    return Fail(Error::Invalid("group_size_too_small",
                               fmt::format("基准数据包的最小分组规模为 {}，小于本平台的 {}：请按不少于 {} 家重新导出",
                                           k.get<int64_t>(), min_group_size, min_group_size),
                               "min_group_size"));
  }
  auto pack = analytics::ParseBenchmarkPack(json, **m);
  if (!pack) return Fail(pack.error());
  domain::LoadedBenchmarkPack stored;
  stored.model_id = pack->model_id;
  stored.province_code = PackProvince(actor);
  stored.model_version = pack->model_version;
  stored.model_hash = pack->model_hash;
  stored.installation = pack->source.installation;
  stored.scope = pack->source.scope;
  stored.round = pack->source.round;
  stored.round_title = pack->source.round_title;
  stored.as_of = pack->source.as_of;
  stored.groups = static_cast<int64_t>(pack->groups.size());
  stored.loaded_at = clock.NowRfc3339();
  stored.loaded_by = actor.AuditName();
  stored.body = std::string(json);
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<domain::LoadedBenchmarkPack> {
    auto before = store::FindBenchmarkPack(tx, stored.model_id, stored.province_code);
    if (!before) return Fail(before.error());
    auto digest = store::PutBenchmarkPack(tx, stored);
    if (!digest) return Fail(digest.error());
    stored.digest = *digest;
    std::optional<std::string> before_json;
    if (*before) before_json = SourceJson(**before);
    if (auto r = store::RecordAudit(tx, {0, "", actor.AuditName(), "benchmarks.load", "benchmark_pack",
                                         stored.model_id + (stored.province_code.empty() ? "" : "@" + stored.province_code),
                                         before_json, SourceJson(stored), ""});
        !r) {
      return Fail(r.error());
    }
    domain::LoadedBenchmarkPack out = stored;
    out.body.clear();
    return out;
  });
}

Result<std::vector<domain::LoadedBenchmarkPack>> ListBenchmarkPacks(store::Db& db, const Actor& actor) {
  auto all = store::InTx(db, store::TxMode::kRead, [](store::Tx& tx) { return store::ListBenchmarkPacks(tx); });
  if (!all) return all;
  const std::string own = PackProvince(actor);
  if (own.empty()) return all;
  std::vector<domain::LoadedBenchmarkPack> out;
  for (auto& p : *all) {
    if (p.province_code.empty() || p.province_code == own) out.push_back(std::move(p));
  }
  return out;
}

Result<void> RemoveBenchmarkPack(store::Db& db, const Actor& actor, const std::string& model_id) {
  if (!MayLoadPacks(actor)) return Fail(Error::Forbidden("只有省级和部级管理员可以删除基准数据包"));
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    const std::string province = PackProvince(actor);
    auto before = store::FindBenchmarkPack(tx, model_id, province);
    if (!before) return Fail(before.error());
    if (!*before) return Fail(Error::NotFound("这个模型没有导入基准数据包"));
    if (auto r = store::DeleteBenchmarkPack(tx, model_id, province); !r) return Fail(r.error());
    return store::RecordAudit(tx, {0, "", actor.AuditName(), "benchmarks.remove", "benchmark_pack",
                                   model_id + (province.empty() ? "" : "@" + province), SourceJson(**before),
                                   std::nullopt, ""});
  });
}

Result<std::shared_ptr<const analytics::BenchmarkPack>> BenchmarkPackCache::For(store::Tx& tx,
                                                                                const model::Model& m,
                                                                                const std::string& province_code) {
  // Which packs are loaded, in one statement: the province's and the installation's.
  auto digests = store::FindBenchmarkPackDigests(tx, m.id, province_code);
  if (!digests) return Fail(digests.error());
  if (!province_code.empty()) {
    auto own = Stored(tx, m, province_code, digests->province);
    if (!own || *own) return own;
  }
  return Stored(tx, m, "", digests->installation);
}

Result<std::shared_ptr<const analytics::BenchmarkPack>> BenchmarkPackCache::Stored(store::Tx& tx,
                                                                                   const model::Model& m,
                                                                                   const std::string& province,
                                                                                   const std::string& digest) {
  const std::string key = m.id + '\x1f' + province;
  {
    std::lock_guard lock(mu_);
    auto it = by_key_.find(key);
    if (digest.empty()) {
      if (it != by_key_.end()) by_key_.erase(it);
      return std::shared_ptr<const analytics::BenchmarkPack>();
    }
    if (it != by_key_.end() && it->second.digest == digest && it->second.model_hash == m.hash) {
      return it->second.pack;
    }
  }
  auto stored = store::FindBenchmarkPack(tx, m.id, province);
  if (!stored) return Fail(stored.error());
  std::shared_ptr<const analytics::BenchmarkPack> pack;
  if (*stored) {
    // A pack that no longer fits the installed model is not shown.
    auto parsed = analytics::ParseBenchmarkPack((*stored)->body, m);
    if (parsed) pack = std::make_shared<const analytics::BenchmarkPack>(std::move(*parsed));
  }
  std::lock_guard lock(mu_);
  by_key_[key] = {*stored ? (*stored)->digest : "", m.hash, pack};
  return pack;
}

}  // namespace rongping::campaign
