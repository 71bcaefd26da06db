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

// Header value of `name` in `r`, or "" when absent.
std::string HeaderOf(const Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "";
}

TEST_F(StaticFilesTest, CompressedFormsBelongToTheirFileAndAreNotServedAlone) {
  Write(root_ / "assets" / "index-1a2b.js.br", "BR");
  Write(root_ / "assets" / "index-1a2b.js.gz", "GZ");
  Write(root_ / "orphan.txt.gz", "no original");
  auto files = StaticFiles::Load(root_.string());
  ASSERT_TRUE(files) << files.error().message;
  EXPECT_EQ(files->size(), 3u);  // index.html, the script, the orphan
  const StaticFile* js = files->Find("/assets/index-1a2b.js");
  ASSERT_NE(js, nullptr);
  EXPECT_EQ(js->brotli, "BR");
  EXPECT_EQ(js->gzip, "GZ");
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(files->Find("/assets/index-1a2b.js.br"), nullptr);
  EXPECT_EQ(files->Find("/assets/index-1a2b.js.gz"), nullptr);
  EXPECT_NE(files->Find("/orphan.txt.gz"), nullptr);
  EXPECT_TRUE(files->Index()->brotli.empty());
}

TEST_F(StaticFilesTest, TheETagIsTheContentsAndTheSameOnEveryLoad) {
  auto a = StaticFiles::Load(root_.string());
  auto b = StaticFiles::Load(root_.string());
  ASSERT_TRUE(a && b);
  const std::string etag = a->Index()->etag;
  EXPECT_EQ(etag, b->Index()->etag);
  EXPECT_TRUE(etag.size() > 2 && etag.front() == '"' && etag.back() == '"') << etag;
  EXPECT_NE(etag, a->Find("/assets/index-1a2b.js")->etag);
  Write(root_ / "index.html", "<!doctype html>app2");
  auto changed = StaticFiles::Load(root_.string());
  ASSERT_TRUE(changed);
  EXPECT_NE(changed->Index()->etag, etag);
}

TEST(ChooseEncoding, TheSmallestFormTheClientAccepts) {
  EXPECT_EQ(ChooseEncoding("gzip, deflate, br, zstd", true, true), "br");
  EXPECT_EQ(ChooseEncoding("gzip, deflate", true, true), "gzip");
  EXPECT_EQ(ChooseEncoding("br", false, true), "");
  EXPECT_EQ(ChooseEncoding("", true, true), "");
  EXPECT_EQ(ChooseEncoding("identity", true, true), "");
  EXPECT_EQ(ChooseEncoding("BR;q=0.5, GZIP", true, true), "gzip");  // the client prefers gzip
  EXPECT_EQ(ChooseEncoding("br;q=0, gzip;q=0", true, true), "");     // refused
  EXPECT_EQ(ChooseEncoding("*", true, true), "br");
  EXPECT_EQ(ChooseEncoding("*;q=0, gzip", true, true), "gzip");
  EXPECT_EQ(ChooseEncoding(" , ;;, br ;q=1.0 ,", true, false), "br");
  EXPECT_EQ(ChooseEncoding("x-gzip", false, true), "gzip");
}

TEST(FileResponse, SendsTheChosenFormWithItsOwnETagAndAnswers304ToIt) {
  StaticFile f{"text/javascript; charset=utf-8", "plain", true, "B", "G", "\"abc\""};
  Response br = FileResponse(f, "gzip, br", "");
  EXPECT_EQ(br.status, 200);
  EXPECT_EQ(br.body, "B");
  EXPECT_EQ(HeaderOf(br, "Content-Encoding"), "br");
  EXPECT_EQ(HeaderOf(br, "ETag"), "\"abc-br\"");
  EXPECT_EQ(HeaderOf(br, "Vary"), "Accept-Encoding");
  EXPECT_EQ(HeaderOf(br, "Cache-Control"), "public, max-age=31536000, immutable");
  Response gz = FileResponse(f, "gzip", "");
  EXPECT_EQ(gz.body, "G");
  EXPECT_EQ(HeaderOf(gz, "ETag"), "\"abc-gz\"");
  Response plain = FileResponse(f, "", "");
  EXPECT_EQ(plain.body, "plain");
  EXPECT_EQ(HeaderOf(plain, "Content-Encoding"), "");
  EXPECT_EQ(HeaderOf(plain, "ETag"), "\"abc\"");

  // Revalidation: the tag of the form the client would get.
  Response same = FileResponse(f, "br", "\"x\", W/\"abc-br\"");
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.body, "");
  EXPECT_EQ(HeaderOf(same, "ETag"), "\"abc-br\"");
  EXPECT_EQ(FileResponse(f, "", "*").status, 304);
  EXPECT_EQ(FileResponse(f, "gzip", "\"abc-br\"").status, 200);  // another form
  EXPECT_EQ(FileResponse(f, "", "\"abc-br\"").status, 200);
  EXPECT_EQ(FileResponse(f, "", "abc").status, 200);  // unquoted: not the tag

  StaticFile page{"text/html; charset=utf-8", "<p>", false, "", "", "\"p\""};
  Response r = FileResponse(page, "br, gzip", "");
  EXPECT_EQ(r.body, "<p>");
  EXPECT_EQ(HeaderOf(r, "Vary"), "");
  EXPECT_EQ(HeaderOf(r, "Cache-Control"), "no-cache");
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(ContentTypeForName("/a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeForName("/geo/guangdong.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeForName("/x.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeForName("/x"), "application/octet-stream");
}

}  // namespace
}  // namespace rongping::http
