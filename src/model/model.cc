#include "model/model.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_parse.h"

namespace rongping::model {
namespace {

using Json = nlohmann::json;

const std::regex& IdPattern() {
  static const std::regex kId("[a-z][a-z0-9_]*");
  return kId;
}
const std::regex& OptionPattern() {
  static const std::regex kOption("[A-Za-z0-9_]+");
  return kOption;
}

// Collects problems with their JSON paths while reading a model.
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  void Problem(const std::string& path, const std::string& message) {
    problems_.push_back(fmt::format("{}: {}: {}", source_, path.empty() ? "/" : path, message));
  }
  std::vector<std::string>& problems() { return problems_; }

  // Reads a member of `object` with type checks; a problem when required
  // and absent or of the wrong type.
  const Json* Member(const Json& object, const std::string& path, const char* key, bool required) {
    auto it = object.find(key);
    if (it == object.end()) {
      if (required) Problem(path, fmt::format("缺少字段 {}", key));
      return nullptr;
    }
    return &*it;
  }
  std::string String(const Json& object, const std::string& path, const char* key, bool required,
                     std::string fallback = {}) {
    const Json* v = Member(object, path, key, required);
    if (!v) return fallback;
    if (!v->is_string()) {
      Problem(path + "/" + key, "应为字符串");
      return fallback;
    }
    return v->get<std::string>();
  }
  double Number(const Json& object, const std::string& path, const char* key, bool required,
                double fallback) {
    const Json* v = Member(object, path, key, required);
    if (!v) return fallback;
    if (!v->is_number()) {
      Problem(path + "/" + key, "应为数值");
      return fallback;
    }
    return v->get<double>();
  }
  bool Bool(const Json& object, const std::string& path, const char* key, bool fallback) {
    const Json* v = Member(object, path, key, false);
    if (!v) return fallback;
    if (!v->is_boolean()) {
      Problem(path + "/" + key, "应为 true 或 false");
      return fallback;
    }
    return v->get<bool>();
  }
  const Json* Array(const Json& object, const std::string& path, const char* key, bool required) {
    const Json* v = Member(object, path, key, required);
    if (v && !v->is_array()) {
      Problem(path + "/" + key, "应为数组");
      return nullptr;
    }
    return v;
  }
  void CheckKeys(const Json& object, const std::string& path,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Problem(path, fmt::format("未知字段“{}”", key));
      }
    }
  }
  bool Object(const Json& v, const std::string& path) {
    if (!v.is_object()) {
      Problem(path, "应为对象");
      return false;
    }
    return true;
  }
  void Id(const std::string& id, const std::string& path, std::set<std::string>& seen) {
    if (!std::regex_match(id, IdPattern())) {
      Problem(path + "/id", fmt::format("标识“{}”无效：应为小写字母开头，只含小写字母、数字和下划线", id));
    }
    if (!seen.insert(id).second) Problem(path + "/id", fmt::format("标识“{}”重复", id));
  }

 private:
  std::string source_;
  std::vector<std::string> problems_;
};

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

// Byte offset to "第L行第C列" for JSON syntax errors.
std::string LineColumn(std::string_view text, size_t offset) {
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++column;
    }
  }
  return fmt::format("第{}行第{}列", line, column);
}

enum class Scope { kApplies, kDerived, kResult };

class Loader {
 public:
  Loader(std::string_view text, std::string_view source) : text_(text), r_(source) {}

  LoadOutcome Load() {
    if (sodium_init() < 0) return {nullptr, {"libsodium 初始化失败"}};
    size_t at = 0;
    auto parsed = ParseJsonText<Json>(text_, &at);
    if (!parsed) {
      std::string where = at < text_.size() ? "，" + LineColumn(text_, at) : "";
      r_.Problem("", parsed.error().message + where);
      return {nullptr, r_.problems()};
    }
    Json root = std::move(*parsed);
    if (!r_.Object(root, "")) return {nullptr, r_.problems()};
    m_ = std::make_shared<Model>();
    m_->hash = Sha256Hex(text_);
    ReadMetadata(root);
    ReadSections(root);
    ReadQuestions(root);
    ReadDimensions(root);
    AssignSlots();
    CompileApplicability();
    ReadDerived(root);
    ReadLevels(root);
    ReadKeyIndicators(root);
    ReadConsistencyRules(root);
    ReadRecommendations(root);
    if (r_.problems().empty()) {
      Precompute();
    }
    if (!r_.problems().empty()) return {nullptr, r_.problems()};
    return {m_, {}};
  }

 private:
  void ReadMetadata(const Json& root) {
    r_.CheckKeys(root, "", {"format", "id", "version", "title", "standard", "provenance",
                            "reference_only", "applies_to", "sections", "questions",
                            "dimensions", "derived", "levels", "key_indicators",
                            "consistency_rules", "recommendations"});
    std::string format = r_.String(root, "", "format", true);
    if (!format.empty() && format != "rongping-model/1") {
      r_.Problem("/format", fmt::format("不支持的模型格式“{}”：应为 rongping-model/1", format));
    }
    m_->id = r_.String(root, "", "id", true);
    static const std::regex kModelId("[a-z0-9][a-z0-9.-]*");
    if (!m_->id.empty() && !std::regex_match(m_->id, kModelId)) {
      r_.Problem("/id", "模型标识只能含小写字母、数字、点和连字符");
    }
    m_->version = r_.String(root, "", "version", true);
    m_->title = r_.String(root, "", "title", true);
    m_->standard = r_.String(root, "", "standard", false);
    m_->provenance = r_.String(root, "", "provenance", true);
    m_->reference_only = r_.Bool(root, "", "reference_only", false);
    if (const Json* a = r_.Member(root, "", "applies_to", false); a && r_.Object(*a, "/applies_to")) {
      r_.CheckKeys(*a, "/applies_to", {"industry_codes", "production_types"});
      auto strings = [&](const char* key, std::vector<std::string>& out) {
        const Json* list = r_.Array(*a, "/applies_to", key, false);
        if (!list) return;
        for (size_t i = 0; i < list->size(); ++i) {
          if (!(*list)[i].is_string()) {
            r_.Problem(fmt::format("/applies_to/{}/{}", key, i), "应为字符串");
          } else {
            out.push_back((*list)[i].get<std::string>());
          }
        }
      };
      strings("industry_codes", m_->industry_codes);
      strings("production_types", m_->production_types);
      for (size_t i = 0; i < m_->production_types.size(); ++i) {
        const auto& all = ProductionTypes();
        if (std::find(all.begin(), all.end(), m_->production_types[i]) == all.end()) {
          r_.Problem(fmt::format("/applies_to/production_types/{}", i),
                     fmt::format("未知的生产类型“{}”", m_->production_types[i]));
        }
      }
    }
  }

  void ReadSections(const Json& root) {
    const Json* list = r_.Array(root, "", "sections", true);
    if (!list) return;
    for (size_t i = 0; i < list->size(); ++i) {
      std::string path = fmt::format("/sections/{}", i);
      const Json& s = (*list)[i];
      if (!r_.Object(s, path)) continue;
      r_.CheckKeys(s, path, {"id", "title", "description"});
      Section section{r_.String(s, path, "id", true), r_.String(s, path, "title", true),
                      r_.String(s, path, "description", false)};
      r_.Id(section.id, path, section_ids_);
      m_->sections.push_back(std::move(section));
    }
  }

  void ReadOptions(const Json& q, const std::string& path, Question& question) {
    const Json* list = r_.Array(q, path, "options", true);
    if (!list) return;
    if (list->size() < 2) r_.Problem(path + "/options", "至少需要两个选项");
    std::set<std::string> seen;
    for (size_t i = 0; i < list->size(); ++i) {
      std::string opath = fmt::format("{}/options/{}", path, i);
      const Json& o = (*list)[i];
      if (!r_.Object(o, opath)) continue;
      r_.CheckKeys(o, opath, {"id", "text", "score", "effort", "exclusive"});
      Option option;
      option.id = r_.String(o, opath, "id", true);
      option.text = r_.String(o, opath, "text", true);
      if (!o.contains("score")) {
        r_.Problem(opath, fmt::format("选项“{}”缺少分值 score", option.id));
      }
      option.score = r_.Number(o, opath, "score", false, 0);
      option.effort = r_.Number(o, opath, "effort", false, 1);
      option.exclusive = r_.Bool(o, opath, "exclusive", false);
      if (!std::regex_match(option.id, OptionPattern())) {
        r_.Problem(opath + "/id", fmt::format("选项标识“{}”无效", option.id));
      }
      if (!seen.insert(option.id).second) {
        r_.Problem(opath + "/id", fmt::format("选项标识“{}”重复", option.id));
      }
      if (!(option.score >= 0 && option.score <= 100)) {
        r_.Problem(opath + "/score", "分值应在 0 至 100 之间");
      }
      if (!(option.effort > 0)) r_.Problem(opath + "/effort", "effort 应为正数");
      if (option.exclusive && question.type != QuestionType::kMultiple) {
        r_.Problem(opath + "/exclusive", "只有多选题的选项可以设为 exclusive");
      }
      question.options.push_back(std::move(option));
    }
    if (question.type == QuestionType::kMultiple && question.options.size() > 52) {
      r_.Problem(path + "/options", "多选题最多52个选项");
    }
  }

  void ReadPoints(const Json& q, const std::string& path, Question& question) {
    const Json* list = r_.Array(q, path, "points", true);
    if (!list) return;
    if (list->empty()) r_.Problem(path + "/points", "points 不能为空");
    for (size_t i = 0; i < list->size(); ++i) {
      const Json& p = (*list)[i];
      std::string ppath = fmt::format("{}/points/{}", path, i);
      if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number()) {
        r_.Problem(ppath, "应为 [取值, 分值] 两个数值");
        continue;
      }
      double x = p[0].get<double>(), y = p[1].get<double>();
      if (!(y >= 0 && y <= 100)) r_.Problem(ppath, "分值应在 0 至 100 之间");
      if (!question.points.empty() && !(x > question.points.back().first)) {
        r_.Problem(ppath, "points 的取值应严格递增");
      }
      question.points.emplace_back(x, y);
    }
  }

  void ReadQuestions(const Json& root) {
    const Json* list = r_.Array(root, "", "questions", true);
    if (!list) return;
    if (list->empty()) r_.Problem("/questions", "模型至少需要一道题");
    for (size_t i = 0; i < list->size(); ++i) {
      std::string path = fmt::format("/questions/{}", i);
      const Json& q = (*list)[i];
      if (!r_.Object(q, path)) continue;
      r_.CheckKeys(q, path, {"id", "section", "text", "help", "type", "applies_if", "required",
                             "options", "cap", "unit", "min", "max", "integer", "points", "yes",
                             "no", "max_length"});
      Question question;
      question.id = r_.String(q, path, "id", true);
      r_.Id(question.id, path, ids_);
      question.section = r_.String(q, path, "section", true);
      if (!question.section.empty() && !section_ids_.count(question.section)) {
        r_.Problem(path + "/section", fmt::format("未知的部分“{}”", question.section));
      }
      question.text = r_.String(q, path, "text", true);
      question.help = r_.String(q, path, "help", false);
      std::string type = r_.String(q, path, "type", true);
      static const std::map<std::string, QuestionType> kTypes = {
          {"single", QuestionType::kSingle}, {"multiple", QuestionType::kMultiple},
          {"number", QuestionType::kNumber}, {"percent", QuestionType::kPercent},
          {"yesno", QuestionType::kYesNo},   {"text", QuestionType::kText}};
      auto t = kTypes.find(type);
      if (t == kTypes.end()) {
        if (!type.empty()) {
          r_.Problem(path + "/type",
                     fmt::format("未知的题型“{}”：应为 single、multiple、number、percent、yesno 或 text", type));
        }
      } else {
        question.type = t->second;
      }
      question.required = r_.Bool(q, path, "required", question.type != QuestionType::kText);
      switch (question.type) {
        case QuestionType::kSingle:
        case QuestionType::kMultiple:
          ReadOptions(q, path, question);
          question.cap = r_.Number(q, path, "cap", false, 100);
          if (question.type == QuestionType::kMultiple) {
            double best = 0;
            for (const auto& o : question.options) best += o.score;
            if (best < question.cap && !question.options.empty()) {
              r_.Problem(path + "/options",
                         fmt::format("全部选项分值之和 {} 低于上限 {}：该题拿不到满分", best, question.cap));
            }
          }
          break;
        case QuestionType::kNumber:
          question.unit = r_.String(q, path, "unit", false);
          question.min = r_.Number(q, path, "min", true, 0);
          question.max = r_.Number(q, path, "max", true, 0);
          question.integer = r_.Bool(q, path, "integer", false);
          if (!(question.min < question.max)) r_.Problem(path + "/max", "max 应大于 min");
          ReadPoints(q, path, question);
          break;
        case QuestionType::kPercent:
          question.unit = "%";
          question.min = 0;
          question.max = 100;
          ReadPoints(q, path, question);
          break;
        case QuestionType::kYesNo:
          question.yes_score = r_.Number(q, path, "yes", false, 100);
          question.no_score = r_.Number(q, path, "no", false, 0);
          if (!(question.yes_score >= 0 && question.yes_score <= 100 && question.no_score >= 0 &&
                question.no_score <= 100)) {
            r_.Problem(path, "yes/no 分值应在 0 至 100 之间");
          }
          break;
        case QuestionType::kText:
          question.max_length = static_cast<size_t>(r_.Number(q, path, "max_length", false, 500));
          break;
      }
      question_paths_.push_back(path);
      question_json_.push_back(&q);
      m_->question_index[question.id] = static_cast<int>(m_->questions.size());
      m_->questions.push_back(std::move(question));
    }
  }

  void ReadDimensions(const Json& root) {
    const Json* list = r_.Array(root, "", "dimensions", true);
    if (!list) return;
    if (list->empty()) r_.Problem("/dimensions", "至少需要一个维度");
    for (size_t d = 0; d < list->size(); ++d) {
      std::string dpath = fmt::format("/dimensions/{}", d);
      const Json& dj = (*list)[d];
      if (!r_.Object(dj, dpath)) continue;
      r_.CheckKeys(dj, dpath, {"id", "title", "weight", "indicators"});
      Dimension dim;
      dim.id = r_.String(dj, dpath, "id", true);
      r_.Id(dim.id, dpath, ids_);
      dim.title = r_.String(dj, dpath, "title", true);
      dim.weight = r_.Number(dj, dpath, "weight", true, 1);
      if (!(dim.weight > 0)) r_.Problem(dpath + "/weight", "权重应为正数");
      const Json* inds = r_.Array(dj, dpath, "indicators", true);
      if (inds && inds->empty()) r_.Problem(dpath + "/indicators", "维度至少需要一个指标");
      for (size_t i = 0; inds && i < inds->size(); ++i) {
        std::string ipath = fmt::format("{}/indicators/{}", dpath, i);
        const Json& ij = (*inds)[i];
        if (!r_.Object(ij, ipath)) continue;
        r_.CheckKeys(ij, ipath, {"id", "title", "weight", "questions"});
        Indicator ind;
        ind.id = r_.String(ij, ipath, "id", true);
        r_.Id(ind.id, ipath, ids_);
        ind.title = r_.String(ij, ipath, "title", true);
        ind.weight = r_.Number(ij, ipath, "weight", true, 1);
        if (!(ind.weight > 0)) r_.Problem(ipath + "/weight", "权重应为正数");
        ind.dimension = static_cast<int>(m_->dimensions.size());
        int ind_index = static_cast<int>(m_->indicators.size());
        const Json* qs = r_.Array(ij, ipath, "questions", true);
        if (qs && qs->empty()) r_.Problem(ipath + "/questions", "指标至少需要一道题");
        for (size_t k = 0; qs && k < qs->size(); ++k) {
          std::string qpath = fmt::format("{}/questions/{}", ipath, k);
          const Json& qj = (*qs)[k];
          std::string qid;
          double weight = 1;
          if (qj.is_string()) {
            qid = qj.get<std::string>();
          } else if (qj.is_object()) {
            r_.CheckKeys(qj, qpath, {"id", "weight"});
            qid = r_.String(qj, qpath, "id", true);
            weight = r_.Number(qj, qpath, "weight", false, 1);
            if (!(weight > 0)) r_.Problem(qpath + "/weight", "权重应为正数");
          } else {
            r_.Problem(qpath, "应为题目标识或 {id, weight}");
            continue;
          }
          int qi = m_->QuestionIndex(qid);
          if (qi < 0) {
            r_.Problem(qpath, fmt::format("未知的题目“{}”", qid));
            continue;
          }
          Question& question = m_->questions[qi];
          if (!question.scored()) {
            r_.Problem(qpath, fmt::format("文本题“{}”不计分，不能放入指标", qid));
          } else if (question.indicator >= 0) {
            r_.Problem(qpath, fmt::format("题目“{}”已属于指标“{}”：每道题只能属于一个指标", qid,
                                          m_->indicators[question.indicator].id));
          } else {
            question.indicator = ind_index;
            question.weight = weight;
            ind.questions.push_back(qi);
          }
        }
        dim.indicators.push_back(ind_index);
        m_->indicators.push_back(std::move(ind));
      }
      m_->dimensions.push_back(std::move(dim));
    }
    for (size_t i = 0; i < m_->questions.size(); ++i) {
      const Question& q = m_->questions[i];
      if (q.scored() && q.indicator < 0) {
        r_.Problem(question_paths_[i], fmt::format("计分题“{}”不属于任何指标", q.id));
      }
    }
  }

  void AssignSlots() {
    int slot = 0;
    m_->production_type_slot = slot++;
    for (auto& q : m_->questions) q.answer_slot = slot++;
    for (auto& q : m_->questions) {
      if (q.scored()) q.score_slot = slot++;
    }
    derived_base_ = slot;
  }

  // Resolves names for expressions. Derived values, totals and scores are
  // visible only where the evaluation order has computed them.
  std::optional<SymbolInfo> Resolve(std::string_view name, Scope scope) {
    if (name == "production_type") {
      return SymbolInfo{SymbolKind::kEnum, m_->production_type_slot, ProductionTypes()};
    }
    if (scope == Scope::kApplies) return std::nullopt;
    if (name.rfind("score:", 0) == 0) {
      if (scope == Scope::kApplies) return std::nullopt;
      int qi = m_->QuestionIndex(name.substr(6));
      if (qi < 0 || !m_->questions[qi].scored()) return std::nullopt;
      return SymbolInfo{SymbolKind::kNumber, m_->questions[qi].score_slot, {}};
    }
    int qi = m_->QuestionIndex(name);
    if (qi >= 0) {
      const Question& q = m_->questions[qi];
      std::vector<std::string> options;
      for (const auto& o : q.options) options.push_back(o.id);
      switch (q.type) {
        case QuestionType::kSingle: return SymbolInfo{SymbolKind::kSingleChoice, q.answer_slot, options};
        case QuestionType::kMultiple: return SymbolInfo{SymbolKind::kMultiChoice, q.answer_slot, options};
        case QuestionType::kYesNo: return SymbolInfo{SymbolKind::kBool, q.answer_slot, {}};
        case QuestionType::kText: return std::nullopt;
        default: return SymbolInfo{SymbolKind::kNumber, q.answer_slot, {}};
      }
    }
    if (scope == Scope::kApplies) return std::nullopt;
    if (auto d = derived_slots_.find(std::string(name)); d != derived_slots_.end()) {
      return SymbolInfo{d->second.second ? SymbolKind::kBool : SymbolKind::kNumber, d->second.first, {}};
    }
    if (scope != Scope::kResult) return std::nullopt;
    if (name == "total") return SymbolInfo{SymbolKind::kNumber, m_->total_slot, {}};
    constexpr std::string_view kDim = "dimension.", kInd = "indicator.";
    if (name.rfind(kDim, 0) == 0) {
      for (const auto& d : m_->dimensions) {
        if (d.id == name.substr(kDim.size())) return SymbolInfo{SymbolKind::kNumber, d.score_slot, {}};
      }
    }
    if (name.rfind(kInd, 0) == 0) {
      for (const auto& i : m_->indicators) {
        if (i.id == name.substr(kInd.size())) return SymbolInfo{SymbolKind::kNumber, i.score_slot, {}};
      }
    }
    return std::nullopt;
  }

  std::optional<CompiledExpr> Compile(const Json& value, const std::string& path, ExprType type,
                                      Scope scope) {
    if (!value.is_string()) {
      r_.Problem(path, "表达式应为字符串");
      return std::nullopt;
    }
    auto compiled = CompileExpr(value.get<std::string>(), type, [this, scope](std::string_view n) {
      return Resolve(n, scope);
    });
    if (!compiled) {
      std::string hint;
      if (scope == Scope::kApplies) {
        hint = "（适用条件只能引用 production_type：题目是否适用不能取决于其他作答，"
               "否则改进一个答案可能使总分下降）";
      }
      r_.Problem(path, compiled.error().message + hint);
      return std::nullopt;
    }
    return std::move(*compiled);
  }

  void CompileApplicability() {
    for (size_t i = 0; i < m_->questions.size(); ++i) {
      const Json& q = *question_json_[i];
      if (!q.contains("applies_if")) continue;
      m_->questions[i].applies_if =
          Compile(q["applies_if"], question_paths_[i] + "/applies_if", ExprType::kBool, Scope::kApplies);
    }
  }

  void ReadDerived(const Json& root) {
    const Json* list = r_.Array(root, "", "derived", false);
    struct Pending {
      Derived d;
      bool is_bool;
      std::string path;
      const Json* expr;
    };
    std::vector<Pending> pending;
    int slot = derived_base_;
    for (size_t i = 0; list && i < list->size(); ++i) {
      std::string path = fmt::format("/derived/{}", i);
      const Json& dj = (*list)[i];
      if (!r_.Object(dj, path)) continue;
      r_.CheckKeys(dj, path, {"id", "title", "type", "expr"});
      Pending p{{}, false, path, r_.Member(dj, path, "expr", true)};
      p.d.id = r_.String(dj, path, "id", true);
      r_.Id(p.d.id, path, ids_);
      p.d.title = r_.String(dj, path, "title", false);
      std::string type = r_.String(dj, path, "type", true);
      if (type != "number" && type != "bool") r_.Problem(path + "/type", "type 应为 number 或 bool");
      p.is_bool = type == "bool";
      p.d.slot = slot++;
      derived_slots_[p.d.id] = {p.d.slot, p.is_bool};
      pending.push_back(std::move(p));
    }
    int result_base = slot;
    for (auto& ind : m_->indicators) ind.score_slot = slot++;
    for (auto& dim : m_->dimensions) dim.score_slot = slot++;
    m_->total_slot = slot++;
    m_->slot_count = slot;
    (void)result_base;

    // Compile, then order by dependencies (depth-first; a cycle is a problem).
    std::vector<std::optional<CompiledExpr>> compiled;
    for (auto& p : pending) {
      compiled.push_back(p.expr ? Compile(*p.expr, p.path + "/expr",
                                          p.is_bool ? ExprType::kBool : ExprType::kNumber,
                                          Scope::kDerived)
                                : std::nullopt);
    }
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < pending.size(); ++i) index[pending[i].d.id] = i;
    // Depth-first with an explicit stack, so that a long chain of derived
    // values cannot exhaust the thread's stack.
    std::vector<int> state(pending.size(), 0);  // 0 new, 1 visiting, 2 done
    struct Frame {
      size_t index;
      size_t next_name;  // position in the compiled expression's names()
    };
    std::vector<Frame> stack;
    auto finish = [&](size_t i) {
      state[i] = 2;
      if (compiled[i]) {
        pending[i].d.expr = std::move(*compiled[i]);
        compiled[i].reset();
        m_->derived.push_back(std::move(pending[i].d));
      }
    };
    for (size_t root = 0; root < pending.size(); ++root) {
      if (state[root] != 0) continue;
      state[root] = 1;
      stack.push_back({root, 0});
      while (!stack.empty()) {
        Frame& top = stack.back();
        const size_t i = top.index;
        const std::vector<std::string>* names = compiled[i] ? &compiled[i]->names() : nullptr;
        if (!names || top.next_name >= names->size()) {
          stack.pop_back();
          finish(i);
          continue;
        }
        auto dep = index.find((*names)[top.next_name++]);
        if (dep == index.end() || state[dep->second] == 2) continue;
        if (state[dep->second] == 1) {
          std::string cycle;
          for (const auto& f : stack) cycle += pending[f.index].d.id + " → ";
          r_.Problem(pending[dep->second].path,
                     fmt::format("派生值之间存在循环引用：{}{}", cycle, pending[dep->second].d.id));
          return;
        }
        state[dep->second] = 1;
        stack.push_back({dep->second, 0});
      }
    }
  }

  void ReadLevels(const Json& root) {
    const Json* lv = r_.Member(root, "", "levels", true);
    if (!lv || !r_.Object(*lv, "/levels")) return;
    r_.CheckKeys(*lv, "/levels", {"name", "order", "rules"});
    m_->level_name = r_.String(*lv, "/levels", "name", true);
    const Json* order = r_.Array(*lv, "/levels", "order", true);
    if (!order) return;
    if (order->size() < 2) r_.Problem("/levels/order", "至少需要两个等级（阶段）");
    std::set<std::string> level_ids;
    for (size_t i = 0; i < order->size(); ++i) {
      std::string path = fmt::format("/levels/order/{}", i);
      const Json& l = (*order)[i];
      if (!r_.Object(l, path)) continue;
      r_.CheckKeys(l, path, {"id", "title"});
      Level level{r_.String(l, path, "id", true), r_.String(l, path, "title", true), std::nullopt};
      r_.Id(level.id, path, ids_);
      level_ids.insert(level.id);
      m_->levels.push_back(std::move(level));
    }
    const Json* rules = r_.Member(*lv, "/levels", "rules", true);
    if (!rules || !r_.Object(*rules, "/levels/rules")) return;
    for (const auto& [key, value] : rules->items()) {
      if (!level_ids.count(key)) r_.Problem("/levels/rules", fmt::format("规则对应的等级“{}”不存在", key));
    }
    for (size_t i = 0; i < m_->levels.size(); ++i) {
      Level& level = m_->levels[i];
      std::string path = "/levels/rules/" + level.id;
      auto it = rules->find(level.id);
      if (i == 0) {
        if (it != rules->end()) r_.Problem(path, "第一个等级是起点，不能有规则");
        continue;
      }
      if (it == rules->end()) {
        r_.Problem("/levels/rules", fmt::format("等级“{}”缺少规则", level.id));
        continue;
      }
      level.rule = Compile(*it, path, ExprType::kBool, Scope::kResult);
    }
  }

  void ReadKeyIndicators(const Json& root) {
    const Json* list = r_.Array(root, "", "key_indicators", true);
    for (size_t i = 0; list && i < list->size(); ++i) {
      std::string path = fmt::format("/key_indicators/{}", i);
      const Json& kj = (*list)[i];
      if (!r_.Object(kj, path)) continue;
      r_.CheckKeys(kj, path, {"id", "title", "type", "expr", "aggregate", "unit"});
      std::string id = r_.String(kj, path, "id", true);
      r_.Id(id, path, ids_);
      std::string title = r_.String(kj, path, "title", true);
      std::string type = r_.String(kj, path, "type", true);
      std::string aggregate = r_.String(kj, path, "aggregate", true);
      if (type != "bool" && type != "number") r_.Problem(path + "/type", "type 应为 bool 或 number");
      if ((type == "bool" && aggregate != "share") || (type == "number" && aggregate != "mean")) {
        r_.Problem(path + "/aggregate", "布尔指标按 share（企业占比）汇总，数值指标按 mean（平均）汇总");
      }
      const Json* expr = r_.Member(kj, path, "expr", true);
      if (!expr) continue;
      auto compiled = Compile(*expr, path + "/expr", type == "bool" ? ExprType::kBool : ExprType::kNumber,
                              Scope::kResult);
      if (!compiled) continue;
      m_->key_indicators.push_back(
          {id, title, std::move(*compiled), type == "bool", r_.String(kj, path, "unit", false)});
    }
  }

  void ReadConsistencyRules(const Json& root) {
    const Json* list = r_.Array(root, "", "consistency_rules", false);
    for (size_t i = 0; list && i < list->size(); ++i) {
      std::string path = fmt::format("/consistency_rules/{}", i);
      const Json& rj = (*list)[i];
      if (!r_.Object(rj, path)) continue;
      r_.CheckKeys(rj, path, {"id", "severity", "expr", "message", "questions"});
      ConsistencyRule rule;
      rule.id = r_.String(rj, path, "id", true);
      r_.Id(rule.id, path, ids_);
      std::string severity = r_.String(rj, path, "severity", true);
      if (severity != "error" && severity != "warning") {
        r_.Problem(path + "/severity", "severity 应为 error（阻止提交）或 warning（提示）");
      }
      rule.error = severity == "error";
      rule.message = r_.String(rj, path, "message", true);
      const Json* questions = r_.Array(rj, path, "questions", true);
      std::set<std::string> listed;
      for (size_t k = 0; questions && k < questions->size(); ++k) {
        std::string qpath = fmt::format("{}/questions/{}", path, k);
        const Json& qj = (*questions)[k];
        int qi = qj.is_string() ? m_->QuestionIndex(qj.get<std::string>()) : -1;
        if (qi < 0) {
          r_.Problem(qpath, "应为本模型的题目标识");
        } else if (!m_->questions[qi].scored()) {
          r_.Problem(qpath, "文本题不能用于逻辑校验");
        } else if (!listed.insert(qj.get<std::string>()).second) {
          r_.Problem(qpath, "题目重复");
        } else {
          rule.questions.push_back(qi);
        }
      }
      if (questions && questions->empty()) r_.Problem(path + "/questions", "至少列出一道题目");
      const Json* expr = r_.Member(rj, path, "expr", true);
      if (!expr) continue;
      auto compiled = Compile(*expr, path + "/expr", ExprType::kBool, Scope::kDerived);
      if (!compiled) continue;
      // The rule is checked only once its questions are answered: every
      // question it reads must be among them.
      for (const auto& name : compiled->names()) {
        if (m_->QuestionIndex(name) >= 0 && !listed.count(name)) {
          r_.Problem(path + "/questions", fmt::format("表达式引用了题目“{}”，应列入 questions", name));
        }
      }
      rule.expr = std::move(*compiled);
      m_->consistency_rules.push_back(std::move(rule));
    }
  }

  void ReadRecommendations(const Json& root) {
    const Json* rec = r_.Member(root, "", "recommendations", false);
    if (!rec || !r_.Object(*rec, "/recommendations")) return;
    r_.CheckKeys(*rec, "/recommendations", {"indicators", "levels"});
    auto read = [&](const char* key, auto known, std::map<std::string, std::string, std::less<>>& out) {
      const Json* m = r_.Member(*rec, "/recommendations", key, false);
      if (!m || !r_.Object(*m, std::string("/recommendations/") + key)) return;
      for (const auto& [id, text] : m->items()) {
        std::string path = fmt::format("/recommendations/{}/{}", key, id);
        if (!known(id)) r_.Problem(path, fmt::format("未知的标识“{}”", id));
        if (!text.is_string()) {
          r_.Problem(path, "应为字符串");
        } else {
          out[id] = text.template get<std::string>();
        }
      }
    };
    read("indicators", [&](const std::string& id) {
      return std::any_of(m_->indicators.begin(), m_->indicators.end(),
                         [&](const Indicator& i) { return i.id == id; });
    }, m_->indicator_advice);
    read("levels", [&](const std::string& id) {
      return std::any_of(m_->levels.begin(), m_->levels.end(),
                         [&](const Level& l) { return l.id == id; });
    }, m_->level_advice);
  }

  void Precompute() {
    const auto& types = ProductionTypes();
    std::vector<double> slots(m_->slot_count, std::nan(""));
    m_->applies.assign(types.size(), std::vector<char>(m_->questions.size(), 1));
    for (size_t pt = 0; pt < types.size(); ++pt) {
      slots[m_->production_type_slot] = static_cast<double>(pt);
      for (size_t q = 0; q < m_->questions.size(); ++q) {
        const auto& cond = m_->questions[q].applies_if;
        m_->applies[pt][q] = !cond || cond->EvaluateBool(slots.data());
      }
    }
    for (const auto& ind : m_->indicators) {
      m_->indicator_begin.push_back(static_cast<int>(m_->indicator_terms.size()));
      for (int q : ind.questions) {
        m_->indicator_terms.push_back({m_->questions[q].score_slot, m_->questions[q].weight});
      }
    }
    m_->indicator_begin.push_back(static_cast<int>(m_->indicator_terms.size()));
    for (const auto& dim : m_->dimensions) {
      m_->dimension_begin.push_back(static_cast<int>(m_->dimension_terms.size()));
      for (int i : dim.indicators) {
        m_->dimension_terms.push_back({m_->indicators[i].score_slot, m_->indicators[i].weight});
      }
    }
    m_->dimension_begin.push_back(static_cast<int>(m_->dimension_terms.size()));
    for (const auto& dim : m_->dimensions) m_->total_terms.push_back({dim.score_slot, dim.weight});
    m_->all_production_types = (uint32_t{1} << types.size()) - 1;
    for (size_t qi = 0; qi < m_->questions.size(); ++qi) {
      const Question& q = m_->questions[qi];
      Model::ScoringQuestion f{q.type,  q.required, 0,           q.answer_slot, q.score_slot, q.indicator, 0,
                               0,       q.cap,      q.yes_score, q.no_score,    q.weight};
      for (size_t pt = 0; pt < types.size(); ++pt) {
        if (m_->applies[pt][qi]) f.applies_to |= uint32_t{1} << pt;
      }
      if (!q.options.empty()) {
        f.first = static_cast<uint32_t>(m_->option_scores.size());
        f.count = static_cast<uint32_t>(q.options.size());
        for (const auto& o : q.options) m_->option_scores.push_back(o.score);
      } else if (!q.points.empty()) {
        f.first = static_cast<uint32_t>(m_->point_x.size());
        f.count = static_cast<uint32_t>(q.points.size());
        for (const auto& [x, y] : q.points) {
          m_->point_x.push_back(x);
          m_->point_y.push_back(y);
        }
      }
      m_->scoring_questions.push_back(f);
    }
    for (const auto& d : m_->derived) m_->block_stack = std::max(m_->block_stack, d.expr.block_stack_size());
    for (const auto& l : m_->levels) {
      if (l.rule) m_->block_stack = std::max(m_->block_stack, l.rule->block_stack_size());
    }
  }

  std::string_view text_;
  Reader r_;
  std::shared_ptr<Model> m_;
  std::set<std::string> ids_;
  std::set<std::string> section_ids_;
  std::vector<std::string> question_paths_;
  std::vector<const Json*> question_json_;
  std::map<std::string, std::pair<int, bool>> derived_slots_;
  int derived_base_ = 0;
};

}  // namespace

std::string_view QuestionTypeName(QuestionType type) {
  switch (type) {
    case QuestionType::kSingle: return "single";
    case QuestionType::kMultiple: return "multiple";
    case QuestionType::kNumber: return "number";
    case QuestionType::kPercent: return "percent";
    case QuestionType::kYesNo: return "yesno";
    case QuestionType::kText: return "text";
  }
  return "text";
}

int Question::OptionIndex(std::string_view option_id) const {
  for (size_t i = 0; i < options.size(); ++i) {
    if (options[i].id == option_id) return static_cast<int>(i);
  }
  return -1;
}

int Model::QuestionIndex(std::string_view id) const {
  auto it = question_index.find(id);
  return it == question_index.end() ? -1 : it->second;
}

bool Model::AllowsProductionType(std::string_view name) const {
  return production_types.empty() ||
         std::find(production_types.begin(), production_types.end(), name) != production_types.end();
}

const std::vector<std::string>& ProductionTypes() {
  static const std::vector<std::string> kTypes = {"discrete_mass", "discrete_small_batch", "process",
                                                  "mixed"};
  return kTypes;
}

LoadOutcome ParseModel(std::string_view json_text, std::string_view source) {
  if (json_text.size() > (8u << 20)) {
    return {nullptr, {fmt::format("{}: 模型文件超过 8 MiB 上限", source)}};
  }
  return Loader(json_text, source).Load();
}

}  // namespace rongping::model
