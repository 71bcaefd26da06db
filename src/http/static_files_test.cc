#include "http/static_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace rongping::http {
namespace {
namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rongping-static-XXXXXX";
    dir_ = mkdtemp(tmpl);
    root_ = dir_ / "dist";
    fs::create_directories(root_ / "assets");
    Write(root_ / "index.html", "<!doctype html>app");
    Write(root_ / "assets" / "index-1a2b.js", "console.log(1)");
    Write(dir_ / "secret.db", "SQLite format 3");
    fs::create_symlink(dir_ / "secret.db", root_ / "linked.db");
    fs::create_directory_symlink(dir_, root_ / "up");
  }
  void TearDown() override { fs::remove_all(dir_); }
  static void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

  fs::path dir_, root_;
};

TEST_F(StaticFilesTest, ServesTheFilesOfTheRootByExactPath) {
  auto files = StaticFiles::Load(root_.string());
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->size(), 2u);
  const StaticFile* js = files->Find("/assets/index-1a2b.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_TRUE(js->immutable);
  ASSERT_NE(files->Index(), nullptr);
  EXPECT_FALSE(files->Index()->immutable);
  EXPECT_EQ(files->Index()->content_type, "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, NoSpellingOfAPathLeavesTheRoot) {
  auto files = StaticFiles::Load(root_.string());
  ASSERT_TRUE(files);
  const std::string outside = (dir_ / "secret.db").string();
  for (const std::string& path : std::vector<std::string>{"//etc/passwd", "/etc/passwd", outside, "/" + outside, "/../secret.db",
                           "/assets/../../secret.db", "/assets/..%2F..%2Fsecret.db",
                           "/%2Fetc%2Fpasswd", "/..\\secret.db", "\\etc\\passwd",
                           std::string("/index.html\0.db", 15), "/linked.db", "/up/secret.db",
                           "/up/dist/index.html", "/proc/self/cmdline", "/./index.html",
                           "/assets//index-1a2b.js", "index.html", ""}) {
    EXPECT_EQ(files->Find(path), nullptr) << path;
  }
}

TEST_F(StaticFilesTest, AMissingRootIsAnEmptyTable) {
  auto files = StaticFiles::Load((dir_ / "none").string());
  ASSERT_TRUE(files);
  EXPECT_EQ(files->size(), 0u);
  EXPECT_EQ(files->Index(), nullptr);
  auto file_root = StaticFiles::Load((dir_ / "secret.db").string());
  ASSERT_TRUE(file_root);
  EXPECT_EQ(file_root->size(), 0u);
}

TEST_F(StaticFilesTest, LimitsAreChecked) {
  auto few = StaticFiles::Load(root_.string(), {.max_files = 1});
  ASSERT_FALSE(few);
  EXPECT_EQ(few.error().kind, ErrorKind::kTooLarge);
  auto small = StaticFiles::Load(root_.string(), {.max_total_bytes = 10});
  ASSERT_FALSE(small);
  EXPECT_EQ(small.error().kind, ErrorKind::kTooLarge);
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(ContentTypeForName("/a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeForName("/geo/guangdong.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeForName("/x.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeForName("/x"), "application/octet-stream");
}

}  // namespace
}  // namespace rongping::http
