// Test helpers: a fresh migrated SQLite database with the reference data
// in a temporary directory, removed on destruction.
#ifndef RONGPING_STORE_TEST_SUPPORT_H_
#define RONGPING_STORE_TEST_SUPPORT_H_

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "core/uscc.h"
#include "importer/reference.h"
#include "store/db.h"
#include "store/migrations.h"

namespace rongping::testing {

class TempDb {
 public:
  TempDb() {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("rongping-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(dir_);
    auto db = store::Db::Open("sqlite:" + (dir_ / "test.db").string());
    if (!db) throw std::runtime_error(db.error().message);
    db_ = std::move(*db);
    if (auto m = store::Migrate(*db_); !m) throw std::runtime_error(m.error().message);
    if (auto r = LoadReferenceData(*db_); !r) throw std::runtime_error(r.error().message);
  }
  ~TempDb() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  store::Db& db() { return *db_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
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
