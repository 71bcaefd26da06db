#include "report/pdf.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <system_error>
#include <thread>
#include <vector>

extern char** environ;

namespace rongping::report {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxOutputTail = 500;

// Headless, without sandbox (CI runs as root), GPU, first-run UI or the
// print header and footer; lets the page settle before it is printed.
constexpr const char* kFlags[] = {"--headless",
                                  "--no-sandbox",
                                  "--disable-gpu",
                                  "--disable-dev-shm-usage",
                                  "--no-first-run",
                                  "--no-default-browser-check",
                                  "--disable-extensions",
                                  "--hide-scrollbars",
                                  "--mute-audio",
                                  "--no-pdf-header-footer",
                                  "--run-all-compositor-stages-before-draw",
                                  "--virtual-time-budget=5000"};

std::string ErrnoText(int e) { return std::generic_category().message(e); }

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// A fresh private directory under the system temp directory; removed with
// everything in it when the object goes away. path() is empty when creation
// failed (errno then says why).
class TempDir {
 public:
  TempDir() {
    std::error_code ec;
    std::string templ = (fs::temp_directory_path(ec) / "rongping-pdf-XXXXXX").string();
    if (!ec && mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool WriteFile(const std::string& path, std::string_view data) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return close(fd) == 0 && data.empty();
}

// The file's bytes; empty when it is missing or unreadable.
std::string ReadFile(const std::string& path) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

// The last whole lines of `text` within kMaxOutputTail bytes, trimmed; when
// a single line is longer, its end, starting on a UTF-8 character boundary.
std::string Tail(std::string_view text) {
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  if (text.size() > kMaxOutputTail) {
    text.remove_prefix(text.size() - kMaxOutputTail);
    if (size_t nl = text.find('\n'); nl != std::string_view::npos) {
      text.remove_prefix(nl + 1);
    } else {
      while (!text.empty() && (static_cast<unsigned char>(text.front()) & 0xC0) == 0x80)
        text.remove_prefix(1);
    }
  }
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  return std::string(text);
}

// A file:// URL for an absolute path, percent-encoding all but unreserved bytes and '/'.
std::string FileUrl(std::string_view path) {
  std::string url = "file://";
  for (unsigned char c : path) {
    bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (alnum || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      url += fmt::format("%{:02X}", c);
    }
  }
  return url;
}

}  // namespace

Result<std::string> RenderPdf(std::string_view html, const PdfOptions& options,
                              std::stop_token stop) {
  const std::string& browser = options.chromium;
  if (browser.empty() || access(browser.c_str(), X_OK) != 0) {
    return Fail(
        Error::Unavailable(fmt::format("未找到 Chromium 浏览器（{}），无法生成 PDF", browser)));
  }
  TempDir tmp;
  if (tmp.path().empty()) {
    return Fail(
        Error::Unavailable(fmt::format("无法创建临时目录（{}），无法生成 PDF", ErrnoText(errno))));
  }
  const std::string dir = tmp.path();
  const std::string page = dir + "/page.html", pdf = dir + "/out.pdf", log = dir + "/browser.log";
  if (!WriteFile(page, html)) {
    return Fail(
        Error::Unavailable(fmt::format("无法写入临时文件（{}），无法生成 PDF", ErrnoText(errno))));
  }

  std::vector<std::string> args = {browser};
  args.insert(args.end(), std::begin(kFlags), std::end(kFlags));
  args.push_back("--user-data-dir=" + dir + "/profile");
  args.push_back("--print-to-pdf=" + pdf);
  args.push_back(FileUrl(page));
  std::vector<std::string> env = {"HOME=" + dir};
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).substr(0, 5) != "HOME=") env.emplace_back(*e);
  }
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  for (auto& e : env) envp.push_back(e.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);

  // The child gets /dev/null as stdin, the log as stdout and stderr, no other
  // inherited descriptors, default signal handling and its own process group.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 34)
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, browser.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Fail(Error::Unavailable(
        fmt::format("无法启动 Chromium 浏览器（{}）：{}", browser, ErrnoText(rc))));
  }

  // Poll without reaping (WNOWAIT) so the group id stays ours while the
  // leader is a zombie; then kill the group (stray helpers, or everything on
  // timeout) and reap.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_seconds);
  bool timed_out = false, stopped = false;
  for (;;) {
    siginfo_t info{};
    int w = waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT);
    if (w == 0 && info.si_pid == pid) break;
    if (w != 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    if (stop.stop_requested()) {
      stopped = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(-pid, SIGKILL);  // ESRCH (nothing left) is fine
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }

  std::string problem;
  if (stopped) {
    return Fail(Error::Unavailable("服务正在停止，PDF 生成已中断"));
  } else if (timed_out) {
    problem =
        fmt::format("Chromium 生成 PDF 超时（超过 {} 秒），已终止浏览器", options.timeout_seconds);
  } else if (WIFSIGNALED(status)) {
    problem = fmt::format("Chromium 异常终止（信号 {}），未能生成 PDF", WTERMSIG(status));
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    problem = fmt::format("Chromium 生成 PDF 失败（退出状态 {}）", WEXITSTATUS(status));
  } else {
    std::string bytes = ReadFile(pdf);
    if (bytes.empty()) {
      problem = "Chromium 未生成 PDF 文件";
    } else if (bytes.rfind("%PDF-", 0) != 0) {
      problem = "Chromium 生成的文件不是有效的 PDF";
    } else {
      return bytes;
    }
  }
  if (std::string tail = Tail(ReadFile(log)); !tail.empty()) problem += "；浏览器输出：" + tail;
  return Fail(Error::Unavailable(std::move(problem)));
}

}  // namespace rongping::report
