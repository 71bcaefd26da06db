#include "cli/gen_command.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "core/random.h"
#include "core/size_class.h"
#include "demo/answers_gen.h"
#include "demo/demo.h"
#include "demo/population.h"
#include "model/model.h"
#include "scoring/model_loading.h"
#include "scoring/scorer.h"

namespace rongping::cli {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int64_t kMaxEnterprises = 10'000'000;
constexpr int kMaxRounds = 20;
constexpr int kFirstYear = 2016;
constexpr std::string_view kDefaultModel = "gbt23020-2013";
constexpr size_t kCsvChunk = 10'000;

// A small deterministic stream for statuses and timestamps (independent of
// the answer generator's streams).
class Stream {
 public:
  Stream(uint64_t seed, std::string_view key, int round)
      : x_(seed ^ (HashString(key) * 0xD1B54A32D192ED03ULL) ^
           (static_cast<uint64_t>(round) + 1) * 0x8CB92BA72F3D8DD7ULL ^ 0x737461747573ULL) {
    SplitMix64(x_);
  }
  double Uniform() { return static_cast<double>(SplitMix64(x_) >> 11) * 0x1.0p-53; }
  int Between(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(SplitMix64(x_) % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t x_;
};

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos &&
      (s.empty() || (s.front() != ' ' && s.back() != ' '))) {
    return s;
  }
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void AppendCsvRow(std::string& out, const std::vector<std::string>& row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i) out += ',';
    out += CsvField(row[i]);
  }
  out += '\n';
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// A time in the assessment season of `year` (1 March to 29 June, office
// hours, China Standard Time).
std::string UpdatedAt(Stream& rng, int year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30};
  int day_of_season = rng.Between(0, 30 + 31 + 30 + 29 - 1);  // Mar..Jun 29
  int month = 3;
  while (true) {
    int days = kDays[month - 1] + (month == 2 && IsLeapYear(year) ? 1 : 0);
    if (day_of_season < days) break;
    day_of_season -= days;
    ++month;
  }
  const int minute_of_day = rng.Between(8 * 60 + 30, 18 * 60 + 59);
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}+08:00", year, month,
                     day_of_season + 1, minute_of_day / 60, minute_of_day % 60,
                     rng.Between(0, 59));
}

enum Status { kApproved, kSubmitted, kDraft, kStatusCount };
constexpr std::string_view kStatusNames[] = {"approved", "submitted", "draft"};

// Per-round tallies for the summary.
struct RoundStats {
  int64_t by_status[kStatusCount] = {0, 0, 0};
  int64_t complete = 0;
  std::vector<int64_t> levels;
  std::vector<double> key_sum;
  std::vector<int64_t> key_n;
  double total_sum = 0;
  double size_total[4] = {0, 0, 0, 0};
  int64_t size_n[4] = {0, 0, 0, 0};
};

std::string Percent(double num, double den) {
  return den > 0 ? fmt::format("{:.1f}%", 100.0 * num / den) : "—";
}

}  // namespace

int GenCommand(int64_t enterprises, int rounds, uint64_t seed, const std::string& out_dir,
               const std::string& model_id) {
  const auto started = std::chrono::steady_clock::now();
  if (enterprises < 0 || enterprises > kMaxEnterprises) {
    std::cerr << fmt::format("错误: --enterprises 应在 0 至 {} 之间\n", kMaxEnterprises);
    return kExitUsage;
  }
  if (rounds < 0 || rounds > kMaxRounds) {
    std::cerr << fmt::format("错误: --rounds 应在 0 至 {} 之间\n", kMaxRounds);
    return kExitUsage;
  }
  if (out_dir.empty()) {
    std::cerr << "错误: 需要 --out 输出目录\n";
    return kExitUsage;
  }
  auto resolved = scoring::ResolveModel(model_id.empty() ? std::string(kDefaultModel) : model_id);
  if (!resolved) {
    std::cerr << "错误: " << resolved.error().message << "\n";
    return kExitUsage;
  }
  const std::shared_ptr<const model::Model> model_ptr = *resolved;
  const model::Model& m = *model_ptr;

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec || !std::filesystem::is_directory(out_dir)) {
    std::cerr << fmt::format("错误: 无法创建输出目录 {}{}\n", out_dir,
                             ec ? "：" + ec.message() : "：该路径已存在且不是目录");
    return kExitFailure;
  }
  const std::string csv_path = (std::filesystem::path(out_dir) / "enterprises.csv").string();
  const std::string jsonl_path = (std::filesystem::path(out_dir) / "assessments.jsonl").string();

  // The population.
  const auto units = demo::ShippedGuangdongUnits();
  const auto industries = demo::ShippedIndustries();
  if (units.empty() || industries.empty()) {
    std::cerr << "错误: 内置参考数据（单位、行业）无法读取\n";
    return kExitFailure;
  }
  const auto population = demo::GeneratePopulation(units, industries, {enterprises, seed});

  // enterprises.csv, in chunks.
  {
    std::ofstream csv(csv_path, std::ios::binary | std::ios::trunc);
    if (!csv) {
      std::cerr << fmt::format("错误: 无法写入 {}\n", csv_path);
      return kExitFailure;
    }
    std::string buffer;
    bool header = true;
    for (size_t start = 0; start < population.size() || header; start += kCsvChunk) {
      const size_t end = std::min(population.size(), start + kCsvChunk);
      std::vector<demo::SyntheticEnterprise> chunk(
          population.begin() + static_cast<std::ptrdiff_t>(std::min(start, end)),
          population.begin() + static_cast<std::ptrdiff_t>(end));
      importer::Table table = demo::PopulationTable(chunk);
      buffer.clear();
      if (header) AppendCsvRow(buffer, table.header);
      header = false;
      for (const auto& row : table.rows) AppendCsvRow(buffer, row);
      csv.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (!csv) break;
      if (end >= population.size()) break;
    }
    csv.flush();
    if (!csv) {
      std::cerr << fmt::format("错误: 写入 {} 失败\n", csv_path);
      return kExitFailure;
    }
  }

  // assessments.jsonl, streamed round by round.
  demo::AnswerGenerator generator(model_ptr, industries);
  std::vector<RoundStats> stats(static_cast<size_t>(rounds));
  int64_t not_applicable = 0;
  {
    std::ofstream jsonl(jsonl_path, std::ios::binary | std::ios::trunc);
    if (!jsonl) {
      std::cerr << fmt::format("错误: 无法写入 {}\n", jsonl_path);
      return kExitFailure;
    }
    std::vector<double> slots(static_cast<size_t>(m.slot_count));
    std::string buffer;
    for (const auto& e : population) {
      if (!generator.Applies(e)) ++not_applicable;
    }
    for (int r = 0; r < rounds; ++r) {
      RoundStats& st = stats[static_cast<size_t>(r)];
      st.levels.assign(m.levels.size(), 0);
      st.key_sum.assign(m.key_indicators.size(), 0);
      st.key_n.assign(m.key_indicators.size(), 0);
      const int year = kFirstYear + r;
      const std::string round_id = fmt::format("gd-{}", year);
      const bool last = r == rounds - 1;
      // The latest round is still under way: more submissions awaiting
      // review and more drafts.
      const double p_submitted = last ? 0.10 : 0.02;
      const double p_draft = last ? 0.08 : 0.03;
      buffer.clear();
      for (const auto& e : population) {
        if (!generator.Applies(e)) continue;
        Stream rng(seed, e.uscc, r);
        const double u = rng.Uniform();
        const Status status = u < p_draft ? kDraft : u < p_draft + p_submitted ? kSubmitted : kApproved;
        const double completeness = status == kDraft ? 0.15 + 0.7 * rng.Uniform() : 1.0;
        const std::string updated_at = UpdatedAt(rng, year);
        const auto generated = generator.Generate(e, r, seed, completeness);
        ++st.by_status[status];
        buffer += fmt::format(
            R"({{"uscc":"{}","round":"{}","model":"{}","status":"{}","answers":{},"updated_at":"{}"}})",
            e.uscc, round_id, m.id, kStatusNames[status], generated.json, updated_at);
        buffer += '\n';
        if (status != kDraft) {
          // Measure what the platform will show for this round.
          std::fill(slots.begin(), slots.end(), std::numeric_limits<double>::quiet_NaN());
          slots[m.production_type_slot] = generated.production_type;
          for (size_t qi = 0; qi < m.questions.size(); ++qi) {
            slots[m.questions[qi].answer_slot] = generated.answers.values[qi];
          }
          const int level = scoring::Evaluate(m, slots.data());
          ++st.complete;
          ++st.levels[static_cast<size_t>(level)];
          const double total = slots[m.total_slot];
          st.total_sum += total;
          const auto size = static_cast<size_t>(ClassifySize(e.employees, e.revenue_10k_yuan));
          st.size_total[size] += total;
          ++st.size_n[size];
          for (size_t k = 0; k < m.key_indicators.size(); ++k) {
            const auto& ki = m.key_indicators[k];
            const double v = ki.expr.type() == model::ExprType::kBool
                                 ? (ki.expr.EvaluateBool(slots.data()) ? 1.0 : 0.0)
                                 : ki.expr.EvaluateNumber(slots.data());
            if (std::isnan(v)) continue;
            st.key_sum[k] += v;
            ++st.key_n[k];
          }
        }
        if (buffer.size() > (1u << 20)) {
          jsonl.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
          buffer.clear();
          if (!jsonl) break;
        }
      }
      jsonl.write(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (!jsonl) break;
    }
    jsonl.flush();
    if (!jsonl) {
      std::cerr << fmt::format("错误: 写入 {} 失败\n", jsonl_path);
      return kExitFailure;
    }
  }

  // The summary.
  int64_t assessments = 0, by_status[kStatusCount] = {0, 0, 0};
  for (const auto& st : stats) {
    for (int s = 0; s < kStatusCount; ++s) {
      by_status[s] += st.by_status[s];
      assessments += st.by_status[s];
    }
  }
  std::string out;
  out += fmt::format("已生成合成数据（种子 {}），模型 {} {}（{}）{}\n", seed, m.id, m.version, m.title,
                     m.reference_only ? "，参考题目与权重，非官方问卷" : "");
  out += fmt::format("  {}：{} 家企业（广东 {} 个报送单位）\n", csv_path, population.size(),
                     units.size());
  out += fmt::format("  {}：{} 份评估，{} 轮（已通过 {}，已提交待审核 {}，草稿 {}）\n", jsonl_path,
                     assessments, rounds, by_status[kApproved], by_status[kSubmitted],
                     by_status[kDraft]);
  if (not_applicable > 0) {
    out += fmt::format("  {} 家企业不在模型的适用范围（行业或生产类型）内，未生成评估\n",
                       not_applicable);
  }
  for (int r = 0; r < rounds; ++r) {
    const RoundStats& st = stats[static_cast<size_t>(r)];
    const double n = static_cast<double>(st.complete);
    out += fmt::format("第{}轮 gd-{}：已通过 {}，已提交 {}，草稿 {}；以下按已提交和已通过的 {} 份计\n",
                       r + 1, kFirstYear + r, st.by_status[kApproved], st.by_status[kSubmitted],
                       st.by_status[kDraft], st.complete);
    if (st.complete == 0) continue;
    std::string levels;
    for (size_t l = 0; l < m.levels.size(); ++l) {
      if (l) levels += "，";
      levels += fmt::format("{} {}", m.levels[l].title, Percent(static_cast<double>(st.levels[l]), n));
    }
    if (m.levels.size() >= 3) {
      int64_t above = 0;
      for (size_t l = 2; l < m.levels.size(); ++l) above += st.levels[l];
      levels += fmt::format("（{}及以上 {}）", m.levels[2].title, Percent(static_cast<double>(above), n));
    }
    out += fmt::format("  {}：{}\n", m.level_name.empty() ? "等级" : m.level_name, levels);
    std::string by_size;
    for (int s = 0; s < 4; ++s) {
      if (st.size_n[s] == 0) continue;
      by_size += fmt::format("{}{} {:.1f}", by_size.empty() ? "" : "，",
                             SizeClassLabel(static_cast<SizeClass>(s)),
                             st.size_total[s] / static_cast<double>(st.size_n[s]));
    }
    out += fmt::format("  平均总分 {:.1f}（{}）\n", st.total_sum / n, by_size);
    out += "  关键指标：\n";
    for (size_t k = 0; k < m.key_indicators.size(); ++k) {
      const auto& ki = m.key_indicators[k];
      if (st.key_n[k] == 0) {
        out += fmt::format("    {} —\n", ki.title);
      } else if (ki.share) {
        out += fmt::format("    {} {}\n", ki.title,
                           Percent(st.key_sum[k], static_cast<double>(st.key_n[k])));
      } else {
        out += fmt::format("    {} 均值 {:.1f}{}\n", ki.title,
                           st.key_sum[k] / static_cast<double>(st.key_n[k]), ki.unit);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out += fmt::format("用时 {:.1f} 秒\n", seconds);
  std::cout << out << std::flush;
  return 0;
}

}  // namespace rongping::cli
