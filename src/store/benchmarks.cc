#include "store/benchmarks.h"

#include <sodium.h>

#include <array>

#include <fmt/format.h>

#include "store/memo.h"

namespace rongping::store {
namespace {

constexpr std::string_view kColumns =
    "id, digest, model_id, province_code, model_version, model_hash, installation, scope, round_code, round_title, as_of, group_count, loaded_at, "
    "loaded_by";

domain::LoadedBenchmarkPack FromRow(const Row& r) {
  domain::LoadedBenchmarkPack p;
  p.id = r.Int(0);
  p.digest = r.Text(1);
  p.model_id = r.Text(2);
  p.province_code = r.Text(3);
  p.model_version = r.Text(4);
  p.model_hash = r.Text(5);
  p.installation = r.Text(6);
  p.scope = r.Text(7);
  p.round = r.Text(8);
  p.round_title = r.Text(9);
  p.as_of = r.Text(10);
  p.groups = r.Int(11);
  p.loaded_at = r.Text(12);
  p.loaded_by = r.Text(13);
  return p;
}

std::string Sha256Hex(std::string_view bytes) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  std::string out;
  for (unsigned char b : digest) out += fmt::format("{:02x}", b);
  return out;
}

}  // namespace

Result<std::string> PutBenchmarkPack(Tx& tx, const domain::LoadedBenchmarkPack& p) {
  if (auto r = tx.Exec("DELETE FROM benchmark_packs WHERE model_id = $1 AND province_code = $2",
                       {p.model_id, p.province_code});
      !r) {
    return Fail(r.error());
  }
  const std::string digest = Sha256Hex(p.body);
  auto inserted = tx.Exec(
      "INSERT INTO benchmark_packs (digest, model_id, province_code, model_version, model_hash, installation, scope, "
      "round_code, round_title, as_of, group_count, loaded_at, loaded_by, body) VALUES ($1, $2, $3, $4, $5, $6, $7, "
      "$8, $9, $10, $11, $12, $13, $14)",
      {digest, p.model_id, p.province_code, p.model_version, p.model_hash, p.installation, p.scope, p.round, p.round_title, p.as_of,
       p.groups, p.loaded_at, p.loaded_by, p.body});
  if (!inserted) return Fail(inserted.error());
  return digest;
}

Result<std::optional<domain::LoadedBenchmarkPack>> FindBenchmarkPack(Tx& tx, std::string_view model_id,
                                                             std::string_view province_code) {
  auto rows = tx.Query(std::string("SELECT ") + std::string(kColumns) +
                           ", body FROM benchmark_packs WHERE model_id = $1 AND province_code = $2",
                       {std::string(model_id), std::string(province_code)});
  if (!rows) return Fail(rows.error());
  if (rows->empty()) return std::optional<domain::LoadedBenchmarkPack>();
  domain::LoadedBenchmarkPack p = FromRow(rows->rows[0]);
  p.body = rows->rows[0].Text(14);
  return std::optional<domain::LoadedBenchmarkPack>(std::move(p));
}

Result<BenchmarkPackDigests> FindBenchmarkPackDigests(Tx& tx, std::string_view model_id,
                                                      std::string_view province_code) {
  std::string key = std::string(model_id) + '\x1f' + std::string(province_code);
  auto found = Memoized<BenchmarkPackDigests>(
      tx, MemoKind::kBenchmarkPacks, key, [&](Tx& t) -> Result<std::optional<BenchmarkPackDigests>> {
        auto rows = t.Query("SELECT province_code, digest FROM benchmark_packs WHERE model_id = $1 AND "
                            "province_code IN ($2, '')",
                            {std::string(model_id), std::string(province_code)});
        if (!rows) return Fail(rows.error());
        BenchmarkPackDigests out;
        for (const auto& r : rows->rows) (r.Text(0).empty() ? out.installation : out.province) = r.Text(1);
        return std::optional<BenchmarkPackDigests>(std::move(out));
      });
  if (!found) return Fail(found.error());
  return std::move(**found);
}

Result<std::vector<domain::LoadedBenchmarkPack>> ListBenchmarkPacks(Tx& tx) {
  auto rows = tx.Query(std::string("SELECT ") + std::string(kColumns) + " FROM benchmark_packs ORDER BY model_id, province_code");
  if (!rows) return Fail(rows.error());
  std::vector<domain::LoadedBenchmarkPack> out;
  for (const auto& r : rows->rows) out.push_back(FromRow(r));
  return out;
}

Result<bool> DeleteBenchmarkPack(Tx& tx, std::string_view model_id, std::string_view province_code) {
  auto changed = tx.Exec("DELETE FROM benchmark_packs WHERE model_id = $1 AND province_code = $2",
                         {std::string(model_id), std::string(province_code)});
  if (!changed) return Fail(changed.error());
  return *changed > 0;
}

}  // namespace rongping::store
