#include "store/db.h"

#include <fmt/format.h>

#include "store/postgres/pg_db.h"
#include "store/sqlite/sqlite_db.h"

namespace rongping::store {

Result<std::unique_ptr<Tx>> Db::Begin(TxMode mode) {
  auto tx = BeginTransaction(mode);
  if (tx) {
    (*tx)->begun_millis_ = clock_->NowMillis();  // once begun: after any wait for the writer
    (*tx)->db_ = this;
    (*tx)->mode_ = mode;
  }
  return tx;
}

Result<void> Tx::Commit() {
  auto committed = CommitTransaction();
  if (committed && appends_feed_ && db_) db_->FeedCommitted();
  return committed;
}

std::shared_ptr<const void> Db::FindMemo(MemoKind kind, int64_t version, const std::string& key) const {
  std::lock_guard lock(memo_mu_);
  const MemoShelf& shelf = memo_shelves_[static_cast<size_t>(kind)];
  if (shelf.version != version) return nullptr;
  auto it = shelf.values.find(key);
  return it == shelf.values.end() ? nullptr : it->second;
}

void Db::KeepMemo(MemoKind kind, int64_t version, const std::string& key, std::shared_ptr<const void> value) {
  std::lock_guard lock(memo_mu_);
  MemoShelf& shelf = memo_shelves_[static_cast<size_t>(kind)];
  if (version < shelf.version) return;
  if (version > shelf.version || shelf.values.size() >= kMaxMemoValues) {
    shelf.values.clear();
    shelf.version = version;
  }
  shelf.values[key] = std::move(value);
}

Result<bool> Db::WaitForFeedNotice(std::chrono::milliseconds) {
  return Fail(Error::Internal("本数据库不提供变更通知"));
}

void Db::FeedCommitted() {
  feed_commits_.fetch_add(1, std::memory_order_acq_rel);
  if (feed_listener_) feed_listener_();
}

int64_t Row::Int(size_t i) const {
  const Value& v = values_[i];
  if (auto* n = std::get_if<int64_t>(&v)) return *n;
  if (auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (auto* s = std::get_if<std::string>(&v)) return std::strtoll(s->c_str(), nullptr, 10);
  return 0;
}

double Row::Real(size_t i) const {
  const Value& v = values_[i];
  if (auto* d = std::get_if<double>(&v)) return *d;
  if (auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  if (auto* s = std::get_if<std::string>(&v)) return std::strtod(s->c_str(), nullptr);
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_[i];
  if (auto* s = std::get_if<std::string>(&v)) return *s;
  if (auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return {};
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

Result<std::unique_ptr<Db>> Db::Open(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind(kSqlite, 0) == 0) {
    std::string path = url.substr(kSqlite.size());
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // sqlite:///abs/path
    if (path.empty()) return Fail(Error::Invalid("invalid_db_url", "数据库地址缺少文件路径", "db"));
    return OpenSqlite(path);
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return OpenPostgres(url);
  return Fail(Error::Invalid(
      "invalid_db_url", fmt::format("无法识别的数据库地址“{}”：应为 sqlite:PATH 或 postgresql://…", url),
      "db"));
}

Result<void> Db::Ping() {
  auto tx = Begin(TxMode::kRead);
  if (!tx) return Fail(tx.error());
  auto r = (*tx)->Query("SELECT 1");
  if (!r) return Fail(r.error());
  return {};
}

Error OneStatementOnly() {
  return Error::Internal("单语句读取（TxMode::kReadOne）中执行了第二条语句");
}

Result<void> Done(const Result<int64_t>& changed) {
  if (!changed) return Fail(changed.error());
  return {};
}

std::string EscapeLike(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace rongping::store
