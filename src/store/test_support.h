// Test helpers: a fresh migrated database with the reference data, removed
// on destruction: a SQLite file in a temporary directory, or, when the
// environment names a PostgreSQL server in RONGPING_TEST_PG (scripts/test
// starts a throwaway cluster and sets it), a schema of its own there.
#ifndef RONGPING_STORE_TEST_SUPPORT_H_
#define RONGPING_STORE_TEST_SUPPORT_H_

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <type_traits>

#include <gtest/gtest.h>

#include "core/uscc.h"
#include "importer/reference.h"
#include "store/db.h"
#include "store/migrations.h"

namespace rongping::testing {

// The PostgreSQL server the tests use, or empty for SQLite.
// REQUIRES: RONGPING_TEST_PG set when RONGPING_TEST_BACKEND is postgresql
// (as ctest's postgresql.* tests have it), so those never run on SQLite.
inline std::string TestPostgresUrl() {
  const char* url = std::getenv("RONGPING_TEST_PG");
  const char* backend = std::getenv("RONGPING_TEST_BACKEND");
  if (backend && std::string_view(backend) == "postgresql" && (!url || !*url)) {
    throw std::runtime_error("RONGPING_TEST_PG is not set: start a cluster with scripts/pg-cluster start DIR");
  }
  return url ? url : "";
}

class TempDb {
 public:
  TempDb() {
    std::random_device rd;
    const std::string name = "rongping-test-" + std::to_string(rd()) + std::to_string(rd());
    dir_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::create_directories(dir_);
    const std::string pg = TestPostgresUrl();
    std::string url = "sqlite:" + (dir_ / "test.db").string();
    if (!pg.empty()) {
      schema_ = "t" + std::to_string(rd()) + std::to_string(rd());
      admin_ = Check(store::Db::Open(pg));
      Check(store::InTx(*admin_, store::TxMode::kWrite,
                        [&](store::Tx& tx) { return tx.ExecScript("CREATE SCHEMA " + schema_); }));
      url = pg + (pg.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + schema_;
    }
    url_ = url;
    db_ = Check(store::Db::Open(url));
    Check(store::Migrate(*db_));
    Check(LoadReferenceData(*db_));
  }
  ~TempDb() {
    db_.reset();
    if (admin_) {
      (void)store::InTx(*admin_, store::TxMode::kWrite,
                        [&](store::Tx& tx) { return tx.ExecScript("DROP SCHEMA " + schema_ + " CASCADE"); });
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  store::Db& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }
  // The database's URL: another Db opened on it is another app server.
  const std::string& url() const { return url_; }

 private:
  template <typename T>
  static T Check(Result<T> r) {
    if (!r) throw std::runtime_error(r.error().message);
    if constexpr (!std::is_void_v<T>) return std::move(*r);
  }
  std::filesystem::path dir_;
  std::string url_;
  std::string schema_;                // on PostgreSQL: this test's own schema
  std::unique_ptr<store::Db> admin_;  // on PostgreSQL: where the schema is made and dropped
  std::unique_ptr<store::Db> db_;
};

// A valid USCC registered in division `division` with serial `n`.
inline std::string MakeUscc(const std::string& division, int n) {
  std::string org = std::to_string(100000000 + n).substr(1);  // 8 digits
  std::string first17 = "91" + division + org + "X";
  return first17 + UsccCheckCharacter(first17);
}

}  // namespace rongping::testing

#endif  // RONGPING_STORE_TEST_SUPPORT_H_
