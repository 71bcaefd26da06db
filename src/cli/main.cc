// The composition root: parses the command line and wires the store, the
// services and the HTTP server together. Exit status: 0 success, 1 the work
// failed, 2 bad usage.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>

#include "analytics/feed_follower.h"
#include "analytics/results_snapshot.h"
#include "api/app.h"
#include "auth/auth_service.h"
#include "campaign/benchmark_packs.h"
#include "campaign/progress.h"
#include "campaign/reminders.h"
#include "campaign/yearly_report.h"
#include "cli/gen_command.h"
#include "core/json_parse.h"
#include "core/text.h"
#include "core/time.h"
#include "demo/demo.h"
#include "http/server.h"
#include "importer/assessment_import.h"
#include "importer/enterprise_import.h"
#include "importer/reference.h"
#include "importer/support_import.h"
#include "mail/smtp.h"
#include "model/model.h"
#include "report/document.h"
#include "report/pdf.h"
#include "report/progress_export.h"
#include "scoring/model_loading.h"
#include "scoring/result_json.h"
#include "scoring/scorer.h"
#include "store/copy.h"
#include "store/migrations.h"

namespace rongping {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int Report(const Error& e) {
  std::cerr << "错误: " << e.message;
  if (!e.field.empty()) std::cerr << "（" << e.field << "）";
  std::cerr << "\n";
  bool usage = e.code == "invalid_db_url" || e.code == "unsupported_db" || e.code == "same_database" ||
               e.code == "unknown_scenario";
  return usage ? kExitUsage : kExitFailure;
}

// Opens the database and brings its schema up to date.
Result<std::unique_ptr<store::Db>> OpenMigrated(const std::string& url) {
  auto db = store::Db::Open(url);
  if (!db) return Fail(db.error());
  auto migrated = store::Migrate(**db);
  if (!migrated) return Fail(migrated.error());
  return db;
}

struct ServeFlags {
  std::string db;
  std::string listen = "127.0.0.1:8080";
  std::string web_root = "web/dist";
  int workers = 4;
  size_t body_limit_mib = 8;
  std::string password_hash_cost = "interactive";
  bool secure_cookies = false;
  std::string chromium = "/usr/bin/chromium";
  std::vector<std::string> trusted_proxies;
  std::string metrics_listen;  // HOST:PORT of the private metrics listener; empty: none
  std::string smtp_url;        // smtp://… or smtps://…; empty: reminders in the app only
  std::string mail_from;       // the address reminders are e-mailed from
  std::string public_url;      // the platform's address, given in reminders
};

// "HOST:PORT" into its parts; nullopt when the form or the port is wrong.
std::optional<std::pair<std::string, uint16_t>> ParseListen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  auto port = ParseInteger(text.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535 || text.substr(colon + 1).find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::pair{text.substr(0, colon), static_cast<uint16_t>(*port)};
}

int Serve(const ServeFlags& f) {
  auto db = OpenMigrated(f.db);
  if (!db) return Report(db.error());
  if (auto r = LoadReferenceData(**db); !r) return Report(r.error());
  api::AppOptions options;
  options.auth.password_hash_cost = f.password_hash_cost;
  options.secure_cookies = f.secure_cookies;
  options.pdf.chromium = f.chromium;
  if (!f.smtp_url.empty() && (!mail::IsSmtpUrl(f.smtp_url) || !IsMailAddress(f.mail_from))) {
    std::cerr << "错误: --smtp-url 应为 smtp://主机:端口 或 smtps://主机:端口，并须以 --mail-from 给出有效的发件地址\n";
    return kExitUsage;
  }
  options.mail.smtp.url = f.smtp_url;
  options.mail.from_address = f.mail_from;
  options.reminders.public_url = f.public_url;
  api::Context context(**db, options);
  // The snapshots follow the change feed in the background from now on.
  analytics::FeedFollower follower(**db, context.results, context.progress);
  auto web_app = http::StaticFiles::Load(f.web_root);
  if (!web_app) return Report(web_app.error());
  context.web_app = std::move(*web_app);
  http::Router router;
  api::RegisterRoutes(router, context);
  context.jobs.Start();
  // Scheduled reminders that fall due are sent by the outbox's thread.
  context.mail.BeforeEachPass([&context] {
    if (auto sent = campaign::SendDueReminders(context.db, context.clock, context.reminder_settings()); !sent) {
      spdlog::warn("scheduled reminders: {}", sent.error().message);
    }
  });
  context.mail.Start();
  http::Metrics metrics;
  store::Db* raw_db = db->get();
  const store::GroupCommit& writes = context.lifecycle.writes();
  metrics.SetGaugeProvider([raw_db, &writes] {
    bool up = raw_db->Ping().has_value();
    return fmt::format(
        "# HELP rongping_store_up Whether the store answers.\n# TYPE rongping_store_up gauge\n"
        "rongping_store_up {}\n"
        "# HELP rongping_write_groups_total Write transactions that carried assessments' writes.\n"
        "# TYPE rongping_write_groups_total counter\nrongping_write_groups_total {}\n"
        "# HELP rongping_write_jobs_total Assessments' writes, gathered into those transactions.\n"
        "# TYPE rongping_write_jobs_total counter\nrongping_write_jobs_total {}\n",
        up ? 1 : 0, writes.groups(), writes.jobs());
  });
  http::ServerOptions server_options;
  auto listen = ParseListen(f.listen);
  if (!listen) {
    std::cerr << "错误: --listen 应为 HOST:PORT，端口 0-65535\n";
    return kExitUsage;
  }
  std::tie(server_options.host, server_options.port) = *listen;
  // Metrics only on their own listener, never on the port clients reach.
  server_options.serve_metrics = false;
  http::Router no_routes;
  std::unique_ptr<http::Server> metrics_server;
  if (!f.metrics_listen.empty()) {
    auto at = ParseListen(f.metrics_listen);
    if (!at) {
      std::cerr << "错误: --metrics-listen 应为 HOST:PORT，端口 0-65535\n";
      return kExitUsage;
    }
    http::ServerOptions m;
    std::tie(m.host, m.port) = *at;
    m.io_threads = 1;
    m.worker_threads = 1;
    m.handle_signals = false;
    m.access_log = [](std::string_view) {};
    metrics_server = std::make_unique<http::Server>(m, no_routes, metrics);
    if (auto r = metrics_server->Start(); !r) return Report(r.error());
    std::cerr << fmt::format("rongping 指标 http://{}:{}/metrics\n", m.host, metrics_server->port());
  }
  server_options.worker_threads = f.workers;
  server_options.body_limit_bytes = f.body_limit_mib << 20;
  server_options.trusted_proxies = f.trusted_proxies;
  http::Server server(server_options, router, metrics);
  if (auto r = server.Start(); !r) return Report(r.error());
  std::cerr << fmt::format("rongping 正在服务 http://{}:{}\n", server_options.host, server.port());
  std::thread metrics_thread;
  if (metrics_server) metrics_thread = std::thread([&] { metrics_server->Run(); });
  server.Run();
  context.jobs.Stop();  // a job in hand goes back to the queue
  context.mail.Stop();
  if (metrics_server) {
    metrics_server->Stop();
    metrics_thread.join();
  }
  std::cerr << "rongping 已停止\n";
  return 0;
}

// The route table as the server builds it, with each route's access rule:
// [{"method","pattern","access":"anonymous|logged_in|roles","roles":[...]}].
int RoutesCommand() {
  auto db = store::Db::Open("sqlite::memory:");
  if (!db) return Report(db.error());
  api::Context context(**db, api::AppOptions{});
  http::Router router;
  api::RegisterRoutes(router, context);
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& r : router.Routes()) {
    using Kind = http::Access::Kind;
    const char* kind = r.access.kind == Kind::kAnonymous ? "anonymous"
                       : r.access.kind == Kind::kLoggedIn ? "logged_in"
                                                          : "roles";
    out.push_back({{"method", r.method}, {"pattern", r.pattern}, {"access", kind}, {"roles", r.access.roles}});
  }
  std::cout << out.dump(1) << "\n";
  return 0;
}

void PrintProgress(size_t done, size_t total) {
  if (!isatty(STDERR_FILENO) || total == 0) return;
  int width = 30;
  int filled = static_cast<int>(width * done / total);
  std::cerr << fmt::format("\r写入 [{}{}] {}/{} ({}%)", std::string(filled, '#'),
                           std::string(width - filled, '.'), done, total, 100 * done / total);
  if (done == total) std::cerr << "\n";
}

int PrintImportReport(const ImportReport& report);

// Loads a benchmark pack file (campaign/benchmark_packs.h) as the operator.
int ImportBenchmarks(store::Db& db, const std::string& file) {
  constexpr std::uintmax_t kMaxPackBytes = 64u << 20;
  std::error_code ec;
  if (std::filesystem::file_size(file, ec) > kMaxPackBytes || ec) {
    return Report(Error::Invalid("too_large", fmt::format("{} 过大或无法读取（基准数据包最大 64 MiB）", file)));
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  // The operator's import serves the whole installation, at the platform's
  // default minimum group size.
  auto loaded = campaign::LoadBenchmarkPack(db, {nullptr, "import"}, text.str(), {}, api::AppOptions{}.min_group_size,
                                            SystemClock::Get());
  if (!loaded) return Report(loaded.error());
  std::cout << fmt::format("已导入模型 {}（版本 {}）的基准数据包：{}，{}，截至 {}，{} 个分组\n", loaded->model_id,
                           loaded->model_version, loaded->installation, loaded->round_title, loaded->as_of,
                           loaded->groups);
  return 0;
}

// The enterprises that received support measure `measure` (政策联动), as the
// operator: any measure, from its unit's enterprises.
int ImportSupportRecipients(store::Db& db, int64_t measure, const std::string& file) {
  if (measure <= 0) {
    std::cerr << "错误: 导入受支持企业须用 --measure 指明支持措施编号\n";
    return kExitUsage;
  }
  auto ends_with = [&file](std::string_view ext) {
    if (file.size() < ext.size()) return false;
    std::string tail = file.substr(file.size() - ext.size());
    for (char& c : tail) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return tail == ext;
  };
  FileFormat format = FileFormat::kCsv;
  if (ends_with(".xlsx")) {
    format = FileFormat::kXlsx;
  } else if (!ends_with(".csv")) {
    std::cerr << "错误: 受支持企业名单应为 .csv 或 .xlsx 文件\n";
    return kExitUsage;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  Principal operator_principal;
  operator_principal.role = Role::kMinistry;
  operator_principal.username = "cli:import";
  auto report = ImportSupportRecipients(db, operator_principal, measure, bytes.str(), format,
                                        importer::ReadLimits{}, "");
  if (!report) return Report(report.error());
  return PrintImportReport(*report);
}

int ImportCommand(const std::string& url, const std::string& kind, const std::string& file,
                  bool skip_invalid, int64_t measure) {
  if (kind != "enterprises" && kind != "units" && kind != "assessments" && kind != "targets" &&
      kind != "benchmarks" && kind != "support-recipients") {
    std::cerr << fmt::format(
        "错误: 导入类型应为 units、enterprises、assessments、targets、benchmarks 或 "
        "support-recipients，不支持“{}”\n",
        kind);
    return kExitUsage;
  }
  auto db = OpenMigrated(url);
  if (!db) return Report(db.error());
  if (auto r = LoadReferenceData(**db); !r) return Report(r.error());
  if (kind == "benchmarks") return ImportBenchmarks(**db, file);
  if (kind == "support-recipients") return ImportSupportRecipients(**db, measure, file);
  ImportOptions options;
  options.skip_invalid = skip_invalid;
  options.actor = "cli:import";
  options.progress = PrintProgress;
  if (kind == "assessments") {
    if (file.size() < 6 || file.substr(file.size() - 6) != ".jsonl") {
      std::cerr << "错误: 答卷应为 .jsonl 文件（每行一个 JSON 对象）\n";
      return kExitUsage;
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    auto report = ImportAssessments(**db, ss.str(), options);
    if (!report) return Report(report.error());
    return PrintImportReport(*report);
  }
  auto table = importer::ReadTableFile(file);
  if (!table) return Report(table.error());
  if (kind == "targets") {
    auto n = ImportTargets(**db, *table);
    if (!n) return Report(n.error());
    std::cout << fmt::format("已导入 {} 条目标\n", *n);
    return 0;
  }
  if (kind == "units") {
    auto n = ImportUnits(**db, *table);
    if (!n) return Report(n.error());
    std::cout << fmt::format("已导入 {} 个单位\n", *n);
    return 0;
  }
  auto report = ImportEnterprises(**db, *table, options);
  if (!report) return Report(report.error());
  return PrintImportReport(*report);
}

// `rongping report yearly`: the region's work report of `year` as an HTML
// page, a Word document or a PDF, to `out` (an HTML page to stdout without).
int YearlyReportCommand(const std::string& url, int year, const std::string& unit,
                        const std::string& format, const std::string& out) {
  if (out.empty() && format != "html") {
    std::cerr << "错误: Word 和 PDF 格式须用 --out 指明输出文件\n";
    return kExitUsage;
  }
  auto db = OpenMigrated(url);
  if (!db) return Report(db.error());
  if (auto r = LoadReferenceData(**db); !r) return Report(r.error());
  analytics::ResultsSnapshot results;
  campaign::YearlyReportRequest request{year, unit,
                                        domain::Date::TodayInChina(SystemClock::Get()).ToString(),
                                        api::AppOptions{}.min_group_size};
  auto document = campaign::BuildYearlyReport(**db, results, nullptr, request);
  if (!document) return Report(document.error());
  Result<std::string> bytes = report::DocumentToHtml(*document);
  if (format == "docx") bytes = report::DocumentToDocx(*document);
  if (format == "pdf") bytes = report::RenderPdf(*bytes);
  if (!bytes) return Report(bytes.error());
  if (out.empty()) {
    std::cout << *bytes;
    return 0;
  }
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file << *bytes;
  if (!file.flush()) return Report(Error::Invalid("unwritable", "无法写入 " + out));
  std::cerr << fmt::format("已生成 {}\n", out);
  return 0;
}

int PrintImportReport(const ImportReport& r) {
  const ImportReport* report = &r;
  for (const auto& e : report->errors) {
    std::cerr << fmt::format("第{}行{}：{}\n", e.row, e.column.empty() ? "" : " " + e.column,
                             e.message);
  }
  if (!report->written) {
    std::cerr << fmt::format("共 {} 行，其中 {} 行有误；未写入任何数据（可用 --skip-invalid 只导入正确的行）\n",
                             report->rows, report->invalid_rows);
    return kExitFailure;
  }
  std::cout << fmt::format("共 {} 行：新增 {}，更新 {}，未变 {}，跳过有误的行 {}\n", report->rows,
                           report->inserted, report->updated, report->unchanged,
                           report->invalid_rows);
  return 0;
}

int UserAdd(const std::string& url, const std::string& username, const std::string& role_name,
            const std::string& scope, const std::string& industries,
            const std::string& display_name, const std::string& email, const std::string& cost) {
  auto role = ParseRole(role_name);
  if (!role) {
    std::cerr << "错误: --role 应为 ministry、province、unit、association、agency 或 enterprise\n";
    return kExitUsage;
  }
  std::string password;
  if (!std::getline(std::cin, password) || password.empty()) {
    std::cerr << "错误: 请从标准输入提供密码\n";
    return kExitUsage;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto db = OpenMigrated(url);
  if (!db) return Report(db.error());
  if (auto r = LoadReferenceData(**db); !r) return Report(r.error());
  AuthOptions options;
  options.password_hash_cost = cost;
  AuthService auth(**db, options);
  std::vector<std::string> codes;
  for (size_t start = 0; start < industries.size();) {
    size_t end = industries.find(',', start);
    if (end == std::string::npos) end = industries.size();
    if (end > start) codes.push_back(industries.substr(start, end - start));
    start = end + 1;
  }
  auto id = auth.CreateUser(username, password, *role, scope, codes, display_name, email);
  if (!id) return Report(id.error());
  std::cout << fmt::format("已创建用户 {}（{}）\n", username, RoleLabel(*role));
  return 0;
}

int Demo(const std::string& url, const demo::DemoOptions& options, const std::string& cost) {
  auto db = OpenMigrated(url);
  if (!db) return Report(db.error());
  AuthOptions auth_options;
  auth_options.password_hash_cost = cost;
  AuthService auth(**db, auth_options);
  auto report = demo::LoadDemo(**db, auth, options);
  if (!report) return Report(report.error());
  std::cout << fmt::format("演示数据已就绪：新增企业 {}，已有企业 {}\n", report->enterprises_inserted,
                           report->enterprises_unchanged);
  std::cout << fmt::format("演示账号（密码均为 {}）：\n", report->password);
  for (const auto& a : report->accounts) {
    std::cout << fmt::format("  {:<12} {:<12} {:<20} {}\n", a.username, a.role, a.scope,
                             a.description);
  }
  return 0;
}

// Writes an export to `out`, or to standard output when it is empty.
int WriteExport(const std::string& out, const std::string& bytes) {
  if (out.empty()) {
    std::cout << bytes;
    return 0;
  }
  std::ofstream f(out, std::ios::binary);
  f << bytes;
  if (!f) {
    std::cerr << fmt::format("错误: 无法写入 {}\n", out);
    return kExitFailure;
  }
  return 0;
}

int ExportBenchmarks(const std::string& url, const std::string& round, const std::string& model, int64_t k,
                     const std::string& installation, const std::string& out) {
  auto db = OpenMigrated(url);
  if (!db) return Report(db.error());
  analytics::ResultsSnapshot results;
  auto pack = campaign::ExportBenchmarkPack(**db, results, {nullptr, "export"}, round, model, k, installation,
                                            SystemClock::Get());
  if (!pack) return Report(pack.error());
  if (int code = WriteExport(out, pack->json + "\n"); code != 0) return code;
  std::cerr << fmt::format("基准数据包：{} 个分组（最小分组规模 {}）\n", pack->groups, k);
  return 0;
}

int ExportProgress(const std::string& url, const std::string& round, const std::string& unit,
                   const std::string& format, const std::string& out, const std::string& as_of) {
  auto db = OpenMigrated(url);
  if (!db) return Report(db.error());
  std::string day = as_of.empty() ? TodayInChina() : as_of;
  if (!ParseDateDays(day)) {
    std::cerr << "错误: --as-of 应为日期，如 2016-06-30\n";
    return kExitUsage;
  }
  auto table = campaign::LoadProgress(**db, nullptr, round, unit, day, nullptr, TodayInChina());
  if (!table) return Report(table.error());
  std::string bytes;
  if (format == "csv") {
    bytes = report::ProgressToCsv(*table);
  } else if (format == "json") {
    bytes = report::ProgressToJson(*table).dump(2, ' ', false,
                                                nlohmann::ordered_json::error_handler_t::replace) + "\n";
  } else {
    auto x = report::ProgressToXlsx(*table, "两化融合评估诊断和对标引导情况表");
    if (!x) return Report(x.error());
    bytes = std::move(*x);
  }
  return WriteExport(out, bytes);
}

// Copies one database into another (empty) one and prints, per table, the
// row counts and checksums of both; fails when any differs.
int CopyCommand(const std::string& from_url, const std::string& to_url) {
  if (from_url == to_url) {
    return Report(Error::Invalid("same_database", "--from 和 --to 是同一个数据库", "to"));
  }
  auto from = store::Db::Open(from_url);
  if (!from) return Report(from.error());
  auto to = store::Db::Open(to_url);
  if (!to) return Report(to.error());
  auto copied = store::CopyDatabase(**from, **to);
  if (!copied) return Report(copied.error());
  std::cout << fmt::format("{:<20} {:>10} {:>10}  {:<16}  {:<16}  {}\n", "表 table", "源 rows", "目标 rows",
                           "源 checksum", "目标 checksum", "一致 same");
  bool all_same = true;
  for (const auto& t : *copied) {
    all_same = all_same && t.same();
    std::cout << fmt::format("{:<20} {:>10} {:>10}  {:<16}  {:<16}  {}\n", t.table, t.from.rows, t.to.rows,
                             t.from.checksum, t.to.checksum, t.same() ? "是" : "否 ← 不一致");
  }
  if (!all_same) {
    std::cerr << "错误: 复制后的数据与源数据不一致，请勿使用目标数据库\n";
    return kExitFailure;
  }
  std::cout << "复制完成，各表行数和校验和一致。\n";
  return 0;
}

int ModelCheck(const std::string& path) {
  auto outcome = scoring::LoadModelFile(path);
  if (!outcome.model) {
    for (const auto& p : outcome.problems) std::cerr << p << "\n";
    std::cerr << fmt::format("模型有 {} 处问题\n", outcome.problems.size());
    return kExitFailure;
  }
  const auto& m = *outcome.model;
  size_t scored = 0, errors = 0;
  for (const auto& q : m.questions) scored += q.scored() ? 1 : 0;
  for (const auto& r : m.consistency_rules) errors += r.error ? 1 : 0;
  std::cout << fmt::format(
      "模型 {} {}（{}）有效：{} 道题（{} 道计分），{} 个维度，{} 个指标，{} 个{}，{} 个关键指标，"
      "{} 条逻辑校验（{} 条阻止提交，{} 条提示）\n"
      "模型哈希 {}\n",
      m.id, m.version, m.title, m.questions.size(), scored, m.dimensions.size(),
      m.indicators.size(), m.levels.size(), m.level_name, m.key_indicators.size(),
      m.consistency_rules.size(), errors, m.consistency_rules.size() - errors, m.hash);
  if (m.reference_only) std::cout << "注意：参考题目与权重，非官方问卷\n";
  return 0;
}

int ScoreCommand(const std::string& model_ref, const std::string& file,
                 const std::string& production_type_flag, bool with_questions) {
  auto m = scoring::ResolveModel(model_ref);
  if (!m) return Report(m.error());
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << fmt::format("错误: 无法读取 {}\n", file);
    return kExitFailure;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  // Either {"production_type":..., "answers":{...}} or the answers alone.
  std::string answers_text = ss.str();
  std::string production_type = production_type_flag;
  auto file_json = ParseJsonText<nlohmann::json>(answers_text);
  if (!file_json) {
    std::cerr << fmt::format("错误: {} {}\n", file, file_json.error().message);
    return kExitFailure;
  }
  nlohmann::json& doc = *file_json;
  if (doc.is_object() && doc.contains("answers")) {
    if (doc.contains("production_type") && doc["production_type"].is_string() &&
        production_type.empty()) {
      production_type = doc["production_type"].get<std::string>();
    }
    answers_text = doc["answers"].dump();
  }
  if (production_type.empty()) production_type = "discrete_mass";
  int pt = scoring::ProductionTypeIndex(production_type);
  if (pt < 0) {
    std::cerr << fmt::format("错误: 未知的生产类型“{}”\n", production_type);
    return kExitUsage;
  }
  auto parsed = scoring::ParseAnswers(**m, answers_text);
  if (!parsed.problems.empty()) {
    for (const auto& p : parsed.problems) {
      std::cerr << fmt::format("{}{}\n", p.question.empty() ? "" : p.question + "：", p.message);
    }
    return kExitFailure;
  }
  auto result = scoring::Score(**m, parsed.answers, pt);
  auto json = scoring::ResultToJson(**m, result, with_questions);
  json["path_to_next_level"] =
      scoring::PathToJson(**m, scoring::PathToNextLevel(**m, parsed.answers, pt));
  std::cout << json.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  // Diagnostics go to stderr; stdout carries only command output and the
  // JSON access log.
  spdlog::set_default_logger(spdlog::stderr_color_mt("rongping"));
  CLI::App app{"融评 rongping：两化融合评估诊断和对标引导平台"};
  app.require_subcommand(1);
  std::string db_url;
  std::string hash_cost = "interactive";

  ServeFlags serve_flags;
  auto* serve = app.add_subcommand("serve", "提供接口和网页服务 / serve the API and web app");
  serve->add_option("--db", serve_flags.db, "sqlite:PATH 或 postgresql://…")->required();
  serve->add_option("--listen", serve_flags.listen, "HOST:PORT")->capture_default_str();
  serve->add_option("--web-root", serve_flags.web_root, "已构建网页所在目录")->capture_default_str();
  serve->add_option("--metrics-listen", serve_flags.metrics_listen,
                    "Prometheus 指标的单独监听地址 HOST:PORT（只应对内网开放；默认不提供指标）");
  serve->add_option("--workers", serve_flags.workers, "处理请求的工作线程数")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve->add_option("--body-limit-mib", serve_flags.body_limit_mib, "请求体上限（MiB）")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve->add_option("--password-hash-cost", serve_flags.password_hash_cost,
                    "argon2id 强度：interactive（生产）或 minimum（仅测试）")
      ->check(CLI::IsMember({"interactive", "minimum"}))
      ->capture_default_str();
  serve->add_flag("--secure-cookies", serve_flags.secure_cookies, "会话 Cookie 加 Secure（HTTPS）");
  serve->add_option("--trusted-proxy", serve_flags.trusted_proxies,
                    "反向代理的地址（如 nginx 的 127.0.0.1）：来自它的请求以 X-Real-IP 为客户端地址");
  serve->add_option("--smtp-url", serve_flags.smtp_url, "发送督办提醒邮件的 SMTP 服务器，如 smtp://127.0.0.1:25")
      ->envname("RONGPING_SMTP_URL");
  serve->add_option("--mail-from", serve_flags.mail_from, "提醒邮件的发件地址");
  serve->add_option("--public-url", serve_flags.public_url, "平台的访问地址，写入提醒");
  serve->add_option("--chromium", serve_flags.chromium, "生成 PDF 报告用的 Chromium 浏览器")
      ->capture_default_str();

  auto* migrate = app.add_subcommand("migrate", "创建或升级数据库结构 / create or upgrade the schema");
  migrate->add_option("--db", db_url, "sqlite:PATH 或 postgresql://…")->required();

  demo::DemoOptions demo_options;
  auto* demo_cmd = app.add_subcommand("demo", "载入参考数据和演示数据 / load the demo");
  demo_cmd->add_option("--db", db_url, "sqlite:PATH 或 postgresql://…")->required();
  demo_cmd
      ->add_option("--scenario", demo_options.scenario,
                   "演示场景：default、guangdong-2016 或 trial")
      ->capture_default_str();
  demo_cmd->add_option("--seed", demo_options.seed, "随机种子")->capture_default_str();
  demo_cmd->add_option("--enterprises", demo_options.enterprises, "企业数量")
      ->check(CLI::Range(int64_t{1}, int64_t{1'000'000}))
      ->capture_default_str();
  demo_cmd->add_option("--password-hash-cost", hash_cost, "interactive 或 minimum")
      ->check(CLI::IsMember({"interactive", "minimum"}));

  auto* user = app.add_subcommand("user", "管理用户 / manage users");
  user->require_subcommand(1);
  std::string username, role, scope, industries, display_name, email;
  auto* user_add = user->add_subcommand("add", "新增用户，密码从标准输入读取 / add a user; password on stdin");
  user_add->add_option("--db", db_url, "sqlite:PATH 或 postgresql://…")->required();
  user_add->add_option("--username", username, "用户名")->required();
  user_add->add_option("--role", role, "ministry|province|unit|association|agency|enterprise")
      ->required();
  user_add->add_option("--scope", scope, "单位代码，或企业的统一社会信用代码");
  user_add->add_option("--industries", industries, "行业协会覆盖的行业大类，如 38,39");
  user_add->add_option("--display-name", display_name, "显示名称");
  user_add->add_option("--email", email, "电子邮箱（单位管理员接收督办提醒）");
  user_add->add_option("--password-hash-cost", hash_cost, "interactive 或 minimum")
      ->check(CLI::IsMember({"interactive", "minimum"}));

  std::string kind, file;
  bool skip_invalid = false;
  auto* import = app.add_subcommand("import",
                                    "导入数据 / import data (units, enterprises, assessments, "
                                    "targets, benchmarks, support-recipients)");
  import->add_option("--db", db_url, "sqlite:PATH 或 postgresql://…")->required();
  import
      ->add_option("kind", kind,
                   "units、enterprises、assessments、targets、benchmarks 或 support-recipients")
      ->required();
  import->add_option("file", file, ".csv、.xlsx、.jsonl 或基准数据包 .json")->required()->check(CLI::ExistingFile);
  import->add_flag("--skip-invalid", skip_invalid, "只导入正确的行");
  int64_t measure = 0;
  import->add_option("--measure", measure, "support-recipients：支持措施编号");

  auto* model_cmd = app.add_subcommand("model", "评估模型 / assessment models");
  model_cmd->require_subcommand(1);
  std::string model_path;
  auto* model_check = model_cmd->add_subcommand("check", "校验模型文件，列出全部问题 / validate a model");
  model_check->add_option("path", model_path, "model.json 或其所在目录")->required();

  std::string score_model, score_file, score_pt;
  bool score_questions = false;
  auto* score = app.add_subcommand("score", "按模型为一份答卷评分，输出 JSON / score answers");
  score->add_option("--model", score_model, "内置模型标识或模型文件路径")->required();
  score->add_option("file", score_file, "答案 JSON")->required()->check(CLI::ExistingFile);
  score->add_option("--production-type", score_pt,
                    "discrete_mass|discrete_small_batch|process|mixed（默认取文件中的值或 discrete_mass）");
  score->add_flag("--questions", score_questions, "输出每道题的得分和贡献");

  std::string export_what, export_round, export_unit, export_format = "csv", export_out, export_as_of;
  std::string export_model, export_installation;
  int64_t export_k = 5;
  auto* export_cmd = app.add_subcommand("export", "导出 / export (progress, benchmarks)");
  export_cmd->add_option("--db", db_url, "sqlite:PATH 或 postgresql://…")->required();
  export_cmd->add_option("what", export_what, "progress 或 benchmarks（基准数据包）")
      ->required()
      ->check(CLI::IsMember({"progress", "benchmarks"}));
  export_cmd->add_option("--round", export_round, "评估周期代码，如 gd-2016")->required();
  export_cmd->add_option("--unit", export_unit, "单位代码（默认为周期所属省）");
  export_cmd->add_option("--format", export_format, "csv|xlsx|json")
      ->check(CLI::IsMember({"csv", "xlsx", "json"}))
      ->capture_default_str();
  export_cmd->add_option("--out", export_out, "输出文件（默认标准输出）");
  export_cmd->add_option("--as-of", export_as_of, "统计日期（默认今天），用于进度");
  export_cmd->add_option("--model", export_model, "基准数据包的模型（周期只有一个模型时可省略）");
  export_cmd->add_option("--min-group-size", export_k, "基准数据包的最小分组规模")
      ->check(CLI::Range(int64_t{1}, int64_t{1000}))
      ->capture_default_str();
  export_cmd->add_option("--installation", export_installation, "基准数据包注明的来源平台名称");

  int report_year = 0;
  std::string report_unit, report_format = "html", report_out;
  auto* report_cmd = app.add_subcommand("report", "生成报告 / reports (yearly)");
  report_cmd->require_subcommand(1);
  auto* yearly = report_cmd->add_subcommand("yearly", "年度工作报告 / the yearly work report");
  yearly->add_option("--db", db_url, "sqlite:PATH 或 postgresql://…")->required();
  yearly->add_option("--year", report_year, "年度")->required();
  yearly->add_option("--scope", report_unit, "地区的单位代码，如 440000")->required();
  yearly->add_option("--format", report_format, "html|docx|pdf")
      ->check(CLI::IsMember({"html", "docx", "pdf"}))
      ->capture_default_str();
  yearly->add_option("--out", report_out, "输出文件（html 默认标准输出）");

  std::string copy_from, copy_to;
  auto* copy = app.add_subcommand("copy", "在数据库之间完整复制数据并核对 / copy all data between databases");
  copy->add_option("--from", copy_from, "源数据库 sqlite:PATH 或 postgresql://…")->required();
  copy->add_option("--to", copy_to, "目标数据库（须为空）")->required();

  int64_t gen_enterprises = 1000;
  int gen_rounds = 1;
  uint64_t gen_seed = 1;
  std::string gen_out, gen_model = "gbt23020-2013";
  auto* gen = app.add_subcommand("gen", "生成逼真的合成数据（导入格式）/ synthetic data");
  gen->add_option("--enterprises", gen_enterprises, "企业数")->check(CLI::Range(int64_t{1}, int64_t{10'000'000}));
  gen->add_option("--rounds", gen_rounds, "评估周期数")->check(CLI::Range(1, 20));
  gen->add_option("--seed", gen_seed, "随机种子");
  gen->add_option("--out", gen_out, "输出目录")->required();
  gen->add_option("--model", gen_model, "模型")->capture_default_str();

  app.add_subcommand("routes", "列出全部接口路由及其访问规则（JSON）/ list the API routes with their access rules");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  if (*serve) return Serve(serve_flags);
  if (*migrate) {
    auto db = store::Db::Open(db_url);
    if (!db) return Report(db.error());
    auto report = store::Migrate(**db);
    if (!report) return Report(report.error());
    if (auto r = LoadReferenceData(**db); !r) return Report(r.error());
    std::cout << fmt::format("数据库结构版本 {} → {}（本次应用 {} 个迁移）\n", report->from_version,
                             report->to_version, report->applied);
    return 0;
  }
  if (*demo_cmd) return Demo(db_url, demo_options, hash_cost);
  if (*yearly)
    return YearlyReportCommand(db_url, report_year, report_unit, report_format, report_out);
  if (*user_add) {
    return UserAdd(db_url, username, role, scope, industries, display_name, email, hash_cost);
  }
  if (*import) return ImportCommand(db_url, kind, file, skip_invalid, measure);
  if (*model_check) return ModelCheck(model_path);
  if (*export_cmd && export_what == "benchmarks") {
    return ExportBenchmarks(db_url, export_round, export_model, export_k, export_installation, export_out);
  }
  if (*export_cmd) {
    return ExportProgress(db_url, export_round, export_unit, export_format, export_out, export_as_of);
  }
  if (*copy) return CopyCommand(copy_from, copy_to);
  if (*gen) return cli::GenCommand(gen_enterprises, gen_rounds, gen_seed, gen_out, gen_model);
  if (*score) return ScoreCommand(score_model, score_file, score_pt, score_questions);
  if (*app.get_subcommand("routes")) return RoutesCommand();
  return kExitUsage;
}

}  // namespace rongping

int main(int argc, char** argv) {
  try {
    return rongping::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "内部错误: " << e.what() << "\n";
    return 1;
  }
}
