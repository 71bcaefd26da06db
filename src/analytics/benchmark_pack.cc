#include "analytics/benchmark_pack.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"
#include "core/size_class.h"
#include "core/text.h"

namespace rongping::analytics {
namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

using GroupId = PackGroupKey;

GroupId IdOf(const PackGroup& g) { return {g.size_class, g.industry_group, g.industry_division}; }

OrderedJson Number(double v) { return std::isfinite(v) ? OrderedJson(v) : OrderedJson(nullptr); }

}  // namespace

std::optional<PackGroupKey> ParentGroup(const PackGroupKey& key) {
  const auto& [size, group, division] = key;
  if (!division.empty()) return PackGroupKey{size, group, ""};
  if (!group.empty()) return PackGroupKey{size, "", ""};
  if (!size.empty()) return PackGroupKey{"", "", ""};
  return std::nullopt;
}

bool QuantilesShown(int64_t n, int64_t k) { return n >= 2 * k; }

std::vector<PackColumn> PackColumns(const model::Model& m) {
  std::vector<PackColumn> out{{"total", "总分", false}};
  for (const auto& d : m.dimensions) out.push_back({"dimension." + d.id, d.title, false});
  for (const auto& k : m.key_indicators) out.push_back({"key." + k.id, k.title, k.share});
  return out;
}

std::string BenchmarkPackToJson(const BenchmarkPack& pack) {
  OrderedJson columns = OrderedJson::array();
  for (const auto& c : pack.columns) {
    columns.push_back({{"id", c.id}, {"title", c.title}, {"kind", c.share ? "share" : "distribution"}});
  }
  OrderedJson groups = OrderedJson::array();
  for (const auto& g : pack.groups) {
    OrderedJson figures = OrderedJson::array();
    for (size_t j = 0; j < g.figures.size(); ++j) {
      const auto& f = g.figures[j];
      if (!f) {
        figures.push_back(nullptr);
      } else if (pack.columns[j].share) {
        figures.push_back({f->n, Number(f->mean)});
      } else {
        figures.push_back({f->n, Number(f->mean), Number(f->p25), Number(f->median), Number(f->p75), Number(f->p90)});
      }
    }
    groups.push_back({{"size_class", g.size_class},
                      {"industry_group", g.industry_group},
                      {"industry_division", g.industry_division},
                      {"n", g.n},
                      {"figures", std::move(figures)}});
  }
  OrderedJson out{{"format", kBenchmarkPackFormat},
           {"model", {{"id", pack.model_id}, {"version", pack.model_version}, {"hash", pack.model_hash}}},
           {"source",
            {{"installation", pack.source.installation},
             {"scope", pack.source.scope},
             {"round", pack.source.round},
             {"round_title", pack.source.round_title},
             {"as_of", pack.source.as_of},
             {"exported_at", pack.source.exported_at}}},
           {"min_group_size", pack.min_group_size},
           {"figure_layout", {{"share", {"n", "share"}}, {"distribution", {"n", "mean", "p25", "median", "p75", "p90"}}}},
           {"columns", std::move(columns)},
           {"groups", std::move(groups)}};
  return out.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
}

namespace {

// Checks of one pack being read; each failure names where it is.
class PackReader {
 public:
  explicit PackReader(const model::Model& installed) : installed_(installed) {}

  Result<BenchmarkPack> Read(const Json& root) {
    if (!root.is_object()) return Bad("", "基准数据包应为 JSON 对象");
    if (!root.contains("format") || root["format"] != kBenchmarkPackFormat) {
      return Bad("format", fmt::format("不是基准数据包（format 应为“{}”）", kBenchmarkPackFormat));
    }
    BenchmarkPack pack;
    const Json& model = root.value("model", Json());
    if (!model.is_object()) return Bad("model", "缺少模型信息");
    if (auto r = Text(model, "id", "model.id", 64, pack.model_id); !r) return Fail(r.error());
    if (auto r = Text(model, "version", "model.version", 64, pack.model_version); !r) return Fail(r.error());
    if (auto r = Text(model, "hash", "model.hash", 64, pack.model_hash); !r) return Fail(r.error());
    if (pack.model_hash.size() != 64 || !std::all_of(pack.model_hash.begin(), pack.model_hash.end(), [](char c) {
          return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        })) {
      return Bad("model.hash", "模型哈希应为 64 位十六进制数字");
    }
    if (pack.model_id != installed_.id) {
      return Fail(Error::Invalid("model_mismatch", fmt::format("基准数据包属于另一个模型，不是“{}”", installed_.id),
                                 "model.id"));
    }
    if (pack.model_hash != installed_.hash) {
      return Fail(Error::Invalid(
          "model_mismatch",
          fmt::format("基准数据包按模型 {} 版本 {}（哈希 {}…）计算，本平台的模型是版本 {}（哈希 {}…）：题目或权重不同，数据不可比，不能导入",
                      pack.model_id, pack.model_version, pack.model_hash.substr(0, 12), installed_.version,
                      installed_.hash.substr(0, 12)),
          "model.hash"));
    }
    const Json& source = root.value("source", Json());
    if (!source.is_object()) return Bad("source", "缺少来源信息");
    for (auto [key, out] : {std::pair{"installation", &pack.source.installation}, {"scope", &pack.source.scope},
                            {"round", &pack.source.round}, {"round_title", &pack.source.round_title},
                            {"as_of", &pack.source.as_of}, {"exported_at", &pack.source.exported_at}}) {
      if (auto r = Text(source, key, std::string("source.") + key, 200, *out); !r) return Fail(r.error());
    }
    if (pack.source.installation.empty() || pack.source.scope.empty() || pack.source.round.empty()) {
      return Bad("source", "来源须写明平台、范围和评估轮次");
    }
    const Json& k = root.value("min_group_size", Json());
    if (!k.is_number_integer() || k.get<int64_t>() < 1 || k.get<int64_t>() > 1000) {
      return Bad("min_group_size", "最小分组规模应为 1 至 1000 的整数");
    }
    pack.min_group_size = k.get<int64_t>();
    pack.columns = PackColumns(installed_);
    const Json& columns = root.value("columns", Json());
    if (!columns.is_array() || columns.size() != pack.columns.size()) {
      return Bad("columns", fmt::format("指标列应为 {} 列（与模型一致）", pack.columns.size()));
    }
    for (size_t j = 0; j < columns.size(); ++j) {
      if (!columns[j].is_object() || columns[j].value("id", Json()) != pack.columns[j].id) {
        return Bad(fmt::format("columns[{}]", j), fmt::format("第 {} 列应为“{}”", j + 1, pack.columns[j].id));
      }
    }
    const Json& groups = root.value("groups", Json());
    if (!groups.is_array()) return Bad("groups", "缺少分组数据");
    if (groups.size() > kMaxGroups) return Bad("groups", fmt::format("分组过多（最多 {} 个）", kMaxGroups));
    // A group whose count is withheld is left out while some of its
    // children may be shown; a parent that is there comes first.
    std::map<GroupId, size_t> index;
    for (size_t i = 0; i < groups.size(); ++i) {
      auto g = Group(groups[i], i, pack);
      if (!g) return Fail(g.error());
      if (!index.emplace(IdOf(*g), i).second) return Bad(Where(i, ""), "与前面的分组重复");
      pack.groups.push_back(std::move(*g));
    }
    for (size_t i = 0; i < pack.groups.size(); ++i) {
      const PackGroup& g = pack.groups[i];
      auto up = ParentGroup(IdOf(g));
      if (!up) continue;
      auto parent = index.find(*up);
      if (parent == index.end()) continue;
      if (parent->second > i) return Bad(Where(i, ""), "上一级分组排在其后（各分组须排在其下级之前）");
      if (g.n > pack.groups[parent->second].n) return Bad(Where(i, "n"), "企业数大于上一级分组的企业数");
    }
    return pack;
  }

 private:
  static constexpr size_t kMaxGroups = 100000;

  static std::string Where(size_t i, std::string_view field) {
    return field.empty() ? fmt::format("groups[{}]", i) : fmt::format("groups[{}].{}", i, field);
  }
  static Error BadError(std::string field, std::string message) {
    return Error::Invalid("invalid_benchmark_pack", fmt::format("基准数据包 {}：{}", field.empty() ? "" : field, message),
                          field);
  }
  static tl::unexpected<Error> Bad(std::string field, std::string message) {
    return Fail(BadError(std::move(field), std::move(message)));
  }

  static Result<void> Text(const Json& object, const char* key, const std::string& field, size_t max_bytes,
                           std::string& out) {
    const Json& v = object.value(key, Json());
    if (!v.is_string()) return Bad(field, "应为文本");
    out = v.get<std::string>();
    if (out.size() > max_bytes || HasControlCharacter(out)) return Bad(field, "文本过长或含控制字符");
    return {};
  }

  Result<PackGroup> Group(const Json& j, size_t i, const BenchmarkPack& pack) const {
    if (!j.is_object()) return Bad(Where(i, ""), "应为对象");
    PackGroup g;
    if (auto r = Text(j, "size_class", Where(i, "size_class"), 16, g.size_class); !r) return Fail(r.error());
    if (auto r = Text(j, "industry_group", Where(i, "industry_group"), 64, g.industry_group); !r) return Fail(r.error());
    if (auto r = Text(j, "industry_division", Where(i, "industry_division"), 8, g.industry_division); !r) {
      return Fail(r.error());
    }
    if (!g.size_class.empty() && !ParseSizeClass(g.size_class)) {
      return Bad(Where(i, "size_class"), "规模应为 large、medium、small 或 micro");
    }
    if (!g.industry_division.empty() &&
        (g.industry_division.size() != 2 || !std::all_of(g.industry_division.begin(), g.industry_division.end(),
                                                         [](char ch) { return ch >= '0' && ch <= '9'; }))) {
      return Bad(Where(i, "industry_division"), "行业大类代码应为两位数字");
    }
    if ((!g.industry_group.empty() && g.size_class.empty()) ||
        (!g.industry_division.empty() && g.industry_group.empty())) {
      return Bad(Where(i, ""), "分组层级不完整（行业门类须在规模之下，行业大类须在行业门类之下）");
    }
    const Json& n = j.value("n", Json());
    if (!n.is_number_integer() || n.get<int64_t>() < pack.min_group_size) {
      return Bad(Where(i, "n"), fmt::format("企业数应为不小于最小分组规模 {} 的整数", pack.min_group_size));
    }
    g.n = n.get<int64_t>();
    const Json& figures = j.value("figures", Json());
    if (!figures.is_array() || figures.size() != pack.columns.size()) {
      return Bad(Where(i, "figures"), fmt::format("应有 {} 项（与指标列一致）", pack.columns.size()));
    }
    for (size_t c = 0; c < figures.size(); ++c) {
      auto f = Figure(figures[c], pack.columns[c].share, g.n, pack.min_group_size);
      if (!f) return Bad(fmt::format("{}.figures[{}]", Where(i, ""), c), f.error().message);
      g.figures.push_back(*f);
    }
    return g;
  }

  // One figure: null (withheld), [n, share] or [n, mean, p25, median, p75,
  // p90] with the quantiles null when n < 2k (QuantilesShown).
  static Result<std::optional<PackFigure>> Figure(const Json& f, bool share, int64_t group_n, int64_t k) {
    if (f.is_null()) return std::optional<PackFigure>();
    const size_t want = share ? 2 : 6;
    if (!f.is_array() || f.size() != want) {
      return Fail(Error::Invalid("", share ? "应为 [n, 比例] 或 null" : "应为 [n, 均值, P25, 中位数, P75, P90] 或 null"));
    }
    if (!f[0].is_number_integer() || f[0].get<int64_t>() < k || f[0].get<int64_t>() > group_n) {
      return Fail(Error::Invalid("", fmt::format("n 应为 {} 至 {} 的整数", k, group_n)));
    }
    const int64_t n = f[0].get<int64_t>();
    const bool quantiles = !share && QuantilesShown(n, k);
    std::vector<double> v;
    for (size_t x = 1; x < want; ++x) {
      if (x >= 2 && !quantiles) {
        if (!f[x].is_null()) return Fail(Error::Invalid("", fmt::format("n 小于 {} 时分位数应为 null", 2 * k)));
        continue;
      }
      if (!f[x].is_number() || !std::isfinite(f[x].get<double>())) return Fail(Error::Invalid("", "数值应为有限数"));
      v.push_back(f[x].get<double>());
    }
    PackFigure out{n, v[0], std::nan(""), std::nan(""), std::nan(""), std::nan("")};
    if (share) {
      if (v[0] < 0 || v[0] > 1) return Fail(Error::Invalid("", "比例应在 0 至 1 之间"));
      return std::optional<PackFigure>(out);
    }
    if (!quantiles) return std::optional<PackFigure>(out);
    if (!(v[1] <= v[2] && v[2] <= v[3] && v[3] <= v[4])) return Fail(Error::Invalid("", "分位数应从小到大"));
    std::tie(out.p25, out.median, out.p75, out.p90) = std::tuple{v[1], v[2], v[3], v[4]};
    return std::optional<PackFigure>(out);
  }

  const model::Model& installed_;
};

}  // namespace

Result<BenchmarkPack> ParseBenchmarkPack(std::string_view json, const model::Model& installed) {
  auto root = ParseJsonText<Json>(json);
  if (!root) {
    Error e = root.error();
    e.message = "基准数据包" + e.message;
    return Fail(std::move(e));
  }
  return PackReader(installed).Read(*root);
}

std::optional<PackPeers> FindPackPeers(const BenchmarkPack& pack, const GroupKey& key, const GroupKey& labels) {
  auto label_of = [](const std::string& label, const std::string& code) { return label.empty() ? code : label; };
  const std::string size = label_of(labels.size_class, key.size_class);
  const std::vector<std::pair<GroupId, std::string>> chain = {
      {{key.size_class, key.industry_group, key.industry_division},
       fmt::format("{} · {} · {}", label_of(labels.industry_division, key.industry_division), size, pack.source.scope)},
      {{key.size_class, key.industry_group, ""},
       fmt::format("{} · {} · {}", label_of(labels.industry_group, key.industry_group), size, pack.source.scope)},
      {{key.size_class, "", ""}, fmt::format("全部行业 · {} · {}", size, pack.source.scope)},
      {{"", "", ""}, fmt::format("全部行业 · {}", pack.source.scope)},
  };
  for (size_t level = 0; level < chain.size(); ++level) {
    // A level keeps 3, 2, 1, 0 of the fields, and needs the enterprise's
    // own value of each.
    const size_t keeps = chain.size() - 1 - level;
    if ((keeps >= 1 && key.size_class.empty()) || (keeps >= 2 && key.industry_group.empty()) ||
        (keeps >= 3 && key.industry_division.empty())) {
      continue;
    }
    const auto& [id, label] = chain[level];
    for (const auto& g : pack.groups) {
      if (IdOf(g) == id) return PackPeers{&g, fmt::format("{} (n={})", label, g.n)};
    }
  }
  return std::nullopt;
}

}  // namespace rongping::analytics
