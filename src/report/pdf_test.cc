// PDF rendering: a Chinese page comes out as a PDF whose text pdftotext can
// read back, also from a worker thread; a missing browser, a browser that
// hangs (killed with its whole process group at the timeout), exits non-zero,
// writes no PDF or something other than a PDF each fail with kUnavailable and
// say why, ending with the tail of the browser's output; the browser runs
// with HOME in a private temporary directory that is gone afterwards in every
// case. Needs /usr/bin/chromium, /usr/bin/pdftotext and fonts-noto-cjk.
#include "report/pdf.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>

namespace rongping::report {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

constexpr std::string_view kPage = R"HTML(<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>报告</title>
<style>@media print{@page{size:A4 portrait;margin:25mm 20mm}}</style></head>
<body><h1>两化融合评估诊断报告</h1><p>示例企业有限公司 单项覆盖</p></body></html>)HTML";

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The processes in process group `pgid` that still run (zombies, which
// init reaps in its own time, do not count).
int LiveMembers(pid_t pgid) {
  int n = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = Slurp(entry.path() / "stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream fields(stat.substr(paren + 1));
    char state = 0;
    pid_t ppid = 0, pgrp = 0;
    if (fields >> state >> ppid >> pgrp && pgrp == pgid && state != 'Z') ++n;
  }
  return n;
}

// Each test gets a scratch directory for its own files and, so that tests
// run in parallel by ctest do not see each other's directories, a private
// TMPDIR (scratch/tmp) for RenderPdf's temporary directories.
class RenderPdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "pdf-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    scratch_ = templ;
    fs::create_directory(scratch_ / "tmp");
    if (const char* old = getenv("TMPDIR")) old_tmpdir_ = old;
    setenv("TMPDIR", (scratch_ / "tmp").c_str(), 1);
  }
  void TearDown() override {
    if (old_tmpdir_) {
      setenv("TMPDIR", old_tmpdir_->c_str(), 1);
    } else {
      unsetenv("TMPDIR");
    }
    if (!scratch_.empty()) fs::remove_all(scratch_);
  }

  // The entries RenderPdf left in the temp directory.
  int TempEntries() const {
    int n = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(scratch_ / "tmp")) ++n;
    return n;
  }

  // Writes an executable shell script that first records its HOME in
  // scratch/home and then runs `body`; returns its path.
  std::string FakeBrowser(const std::string& body) const {
    fs::path path = scratch_ / "browser";
    std::ofstream(path) << "#!/bin/sh\necho \"$HOME\" > '" << (scratch_ / "home").string() << "'\n"
                        << body << "\n";
    chmod(path.c_str(), 0755);
    return path.string();
  }

  // Checks that the fake browser ran with HOME in a directory made for the
  // call under TMPDIR, and that the directory is gone.
  void ExpectHomeWasTemporary() const {
    std::string home = Slurp(scratch_ / "home");
    while (!home.empty() && home.back() == '\n') home.pop_back();
    EXPECT_EQ(fs::path(home).parent_path(), scratch_ / "tmp") << home;
    EXPECT_EQ(fs::path(home).filename().string().rfind("rongping-pdf-", 0), 0u) << home;
    EXPECT_FALSE(fs::exists(home)) << home;
    EXPECT_EQ(TempEntries(), 0);
  }

  std::string PdfText(const std::string& pdf) const {
    fs::path file = scratch_ / "out.pdf";
    std::ofstream(file, std::ios::binary) << pdf;
    std::string command = "/usr/bin/pdftotext -enc UTF-8 '" + file.string() + "' -";
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return {};
    std::string text;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) text.append(buf, n);
    EXPECT_EQ(pclose(pipe), 0);
    return text;
  }

  fs::path scratch_;
  std::optional<std::string> old_tmpdir_;
};

TEST_F(RenderPdfTest, ChinesePageRendersWithReadableText) {
  const auto start = steady_clock::now();
  auto pdf = RenderPdf(kPage);
  const auto elapsed = steady_clock::now() - start;
  ASSERT_TRUE(pdf.has_value()) << pdf.error().message;
  std::cout << "RenderPdf took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms\n";
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("示例企业有限公司"), std::string::npos) << text;
  EXPECT_NE(text.find("单项覆盖"), std::string::npos) << text;
  EXPECT_EQ(TempEntries(), 0);
}

TEST_F(RenderPdfTest, WorksFromAWorkerThread) {
  Result<std::string> pdf = Fail(Error::Internal("not run"));
  std::thread([&] { pdf = RenderPdf(kPage); }).join();
  ASSERT_TRUE(pdf.has_value()) << pdf.error().message;
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  EXPECT_EQ(TempEntries(), 0);
}

TEST_F(RenderPdfTest, MissingBrowserIsUnavailable) {
  auto pdf = RenderPdf(kPage, {.chromium = "/nonexistent/chromium"});
  ASSERT_FALSE(pdf.has_value());
  EXPECT_EQ(pdf.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(pdf.error().message.find("Chromium"), std::string::npos) << pdf.error().message;
  EXPECT_NE(pdf.error().message.find("/nonexistent/chromium"), std::string::npos);
  EXPECT_EQ(TempEntries(), 0);
}

// The process whose pid the fake browser wrote to `pid_file`, and every
// member of its group, are gone within a second.
void ExpectGroupGone(const fs::path& pid_file) {
  pid_t pid = 0;
  std::ifstream(pid_file) >> pid;
  ASSERT_GT(pid, 0);
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    gone = kill(pid, 0) != 0 && errno == ESRCH && LiveMembers(pid) == 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "the fake browser or its sleep still runs";
}

TEST_F(RenderPdfTest, HangingBrowserIsKilledWithItsGroupAtTheTimeout) {
  const fs::path pid_file = scratch_ / "pid";
  std::string browser =
      FakeBrowser("echo $$ > '" + pid_file.string() + "'\necho hanging >&2\nsleep 30");
  const auto start = steady_clock::now();
  auto pdf = RenderPdf(kPage, {.chromium = browser, .timeout_seconds = 1});
  const auto elapsed = steady_clock::now() - start;
  ASSERT_FALSE(pdf.has_value());
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  EXPECT_EQ(pdf.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(pdf.error().message.find("超时"), std::string::npos) << pdf.error().message;
  EXPECT_NE(pdf.error().message.find("hanging"), std::string::npos) << pdf.error().message;

  ExpectGroupGone(pid_file);  // the script and its `sleep`
  ExpectHomeWasTemporary();
}

TEST_F(RenderPdfTest, AStopRequestKillsTheBrowserGroupAtOnce) {
  const fs::path pid_file = scratch_ / "pid";
  std::string browser = FakeBrowser("echo $$ > '" + pid_file.string() + "'\nsleep 30");
  std::stop_source stop;
  std::thread stopper([&] {
    for (int i = 0; i < 250 && !fs::exists(pid_file); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
  });
  const auto start = steady_clock::now();
  auto pdf = RenderPdf(kPage, {.chromium = browser, .timeout_seconds = 60}, stop.get_token());
  const auto elapsed = steady_clock::now() - start;
  stopper.join();
  ASSERT_FALSE(pdf.has_value());
  EXPECT_LT(elapsed, std::chrono::seconds(10));  // not the 60 s timeout
  EXPECT_EQ(pdf.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(pdf.error().message.find("停止"), std::string::npos) << pdf.error().message;
  ExpectGroupGone(pid_file);
  EXPECT_EQ(TempEntries(), 0);
}

TEST_F(RenderPdfTest, NonZeroExitIsReportedWithTheStatus) {
  std::string browser = FakeBrowser("echo 'bad flag' >&2\nexit 3");
  auto pdf = RenderPdf(kPage, {.chromium = browser});
  ASSERT_FALSE(pdf.has_value());
  EXPECT_EQ(pdf.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(pdf.error().message.find("退出状态 3"), std::string::npos) << pdf.error().message;
  EXPECT_NE(pdf.error().message.find("bad flag"), std::string::npos) << pdf.error().message;
  ExpectHomeWasTemporary();
}

TEST_F(RenderPdfTest, OutputThatIsNotAPdfFails) {
  std::string browser = FakeBrowser(
      "for a in \"$@\"; do case $a in --print-to-pdf=*) echo nope > \"${a#--print-to-pdf=}\";; "
      "esac; done");
  auto pdf = RenderPdf(kPage, {.chromium = browser});
  ASSERT_FALSE(pdf.has_value());
  EXPECT_EQ(pdf.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(pdf.error().message.find("不是有效的 PDF"), std::string::npos) << pdf.error().message;
  ExpectHomeWasTemporary();
}

TEST_F(RenderPdfTest, NoOutputAtAllFails) {
  auto pdf = RenderPdf(kPage, {.chromium = FakeBrowser("exit 0")});
  ASSERT_FALSE(pdf.has_value());
  EXPECT_EQ(pdf.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(pdf.error().message.find("未生成"), std::string::npos) << pdf.error().message;
  ExpectHomeWasTemporary();
}

TEST_F(RenderPdfTest, LongBrowserOutputIsCutToItsLastLines) {
  std::string browser = FakeBrowser(
      "i=0; while [ $i -lt 100 ]; do echo \"第 $i 行日志输出\" >&2; i=$((i+1)); done; exit 1");
  auto pdf = RenderPdf(kPage, {.chromium = browser});
  ASSERT_FALSE(pdf.has_value());
  const std::string& message = pdf.error().message;
  const std::string marker = "浏览器输出：";
  size_t at = message.find(marker);
  ASSERT_NE(at, std::string::npos) << message;
  std::string tail = message.substr(at + marker.size());
  EXPECT_LE(tail.size(), 500u);
  EXPECT_EQ(tail.rfind("第 ", 0), 0u) << tail;  // starts at a line
  EXPECT_NE(tail.find("第 99 行日志输出"), std::string::npos) << tail;
  EXPECT_EQ(tail.find("第 0 行"), std::string::npos);
}

}  // namespace
}  // namespace rongping::report
