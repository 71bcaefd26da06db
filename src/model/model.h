// An assessment model loaded from its JSON file (docs/models.md): the
// questionnaire, the indicator tree, derived values, levels and key
// indicators, with every expression compiled. Immutable once loaded and
// shared between threads.
#ifndef RONGPING_MODEL_MODEL_H_
#define RONGPING_MODEL_MODEL_H_

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "model/expr.h"

namespace rongping::model {

enum class QuestionType { kSingle, kMultiple, kNumber, kPercent, kYesNo, kText };

std::string_view QuestionTypeName(QuestionType type);

struct Option {
  std::string id;
  std::string text;
  double score = 0;
  double effort = 1;
  bool exclusive = false;
};

struct Question {
  std::string id;
  std::string section;
  std::string text;
  std::string help;
  QuestionType type = QuestionType::kSingle;
  bool required = true;
  std::vector<Option> options;  // single and multiple
  double cap = 100;             // multiple: the most its options can add up to
  std::string unit;             // number
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool integer = false;
  std::vector<std::pair<double, double>> points;  // number and percent
  double yes_score = 100;
  double no_score = 0;
  size_t max_length = 500;  // text
  std::optional<CompiledExpr> applies_if;

  // Filled by the loader.
  int answer_slot = -1;     // the answer in the value array
  int score_slot = -1;      // the score in the value array; -1 for text
  int indicator = -1;       // index into Model::indicators; -1 for text
  double weight = 1;        // weight inside its indicator

  bool scored() const { return type != QuestionType::kText; }
  // Index of an option id, or -1.
  int OptionIndex(std::string_view option_id) const;
};

struct Indicator {
  std::string id;
  std::string title;
  double weight = 1;
  int dimension = -1;
  std::vector<int> questions;  // indices into Model::questions
  int score_slot = -1;
};

struct Dimension {
  std::string id;
  std::string title;
  double weight = 1;
  std::vector<int> indicators;
  int score_slot = -1;
};

struct Section {
  std::string id;
  std::string title;
  std::string description;
};

struct Derived {
  std::string id;
  std::string title;
  CompiledExpr expr;
  int slot = -1;
};

struct Level {
  std::string id;
  std::string title;
  std::optional<CompiledExpr> rule;  // none for the first level
};

struct KeyIndicator {
  std::string id;
  std::string title;
  CompiledExpr expr;
  bool share = true;  // aggregate: share of enterprises (bool) or mean (number)
  std::string unit;
};

// A consistency rule (逻辑校验) between answers, e.g. "管控集成 needs ERP":
// checked once every question it names applies and is answered; then it is
// broken when `expr` does not hold. An error blocks submission; a warning is
// shown and recorded with it.
struct ConsistencyRule {
  std::string id;
  bool error = true;           // severity "error" (else "warning")
  std::string message;         // 中文, shown next to the questions
  std::vector<int> questions;  // indices into Model::questions, as listed
  CompiledExpr expr;           // bool, over answers, derived values and production_type
};

struct Model {
  std::string id;
  std::string version;
  std::string title;
  std::string standard;
  std::string provenance;
  bool reference_only = false;
  std::vector<std::string> industry_codes;    // empty = all
  std::vector<std::string> production_types;  // empty = all
  std::string hash;                           // hex SHA-256 of the file's bytes
  std::string level_name;                     // e.g. 发展阶段

  std::vector<Section> sections;
  std::vector<Question> questions;
  std::vector<Dimension> dimensions;
  std::vector<Indicator> indicators;
  std::vector<Derived> derived;  // in evaluation order (dependencies first)
  std::vector<Level> levels;
  std::vector<KeyIndicator> key_indicators;
  std::vector<ConsistencyRule> consistency_rules;
  std::map<std::string, std::string, std::less<>> indicator_advice;
  std::map<std::string, std::string, std::less<>> level_advice;

  // The value array: context, answers, question scores, derived values,
  // indicator, dimension and total scores.
  int slot_count = 0;
  int production_type_slot = 0;
  int total_slot = -1;

  // Precomputed for scoring, filled by the loader: applies[pt][q] is whether
  // question q applies to production type pt (applicability depends on the
  // production type only), and the indicator tree flattened into
  // contiguous (slot, weight) terms.
  std::vector<std::vector<char>> applies;
  struct Term {
    int slot;
    double weight;
  };
  std::vector<Term> indicator_terms;  // questions of indicator i at [indicator_begin[i], indicator_begin[i+1])
  std::vector<int> indicator_begin;
  std::vector<Term> dimension_terms;  // indicators of dimension d, likewise
  std::vector<int> dimension_begin;
  std::vector<Term> total_terms;      // the dimensions
  // Every question as the evaluator reads it, in model order: its slots,
  // which production types it applies to (bit pt), its scores in flat
  // arrays (options at option_scores[first, first + count), points at
  // point_x/point_y[first, first + count)), and what a full result needs.
  struct ScoringQuestion {
    QuestionType type;
    bool required;
    uint32_t applies_to;
    int answer_slot;
    int score_slot;
    int indicator;
    uint32_t first;
    uint32_t count;
    double cap;
    double yes_score;
    double no_score;
    double weight;
  };
  std::vector<ScoringQuestion> scoring_questions;
  std::vector<double> option_scores;
  std::vector<double> point_x;
  std::vector<double> point_y;
  uint32_t all_production_types = 0;  // the applies_to of a question that always applies
  // The most columns any derived value or level rule needs (block_stack_size).
  size_t block_stack = 0;

  // Index of a question id, or -1.
  int QuestionIndex(std::string_view id) const;
  // Whether the model is for enterprises of this production type (a name
  // from ProductionTypes(); production_types empty: every type).
  bool AllowsProductionType(std::string_view name) const;
  std::map<std::string, int, std::less<>> question_index;
};

// The production types every model knows, in enum order.
const std::vector<std::string>& ProductionTypes();

struct LoadOutcome {
  std::shared_ptr<const Model> model;  // null when there are problems
  // Every problem found, each "<source>: <json path>: <message>" (中文).
  std::vector<std::string> problems;
};

// Parses a model and checks its structure: fields, ids, references,
// expressions, levels' rules. `source` names the file in messages. What
// needs the model evaluated (every level reachable) is checked by
// scoring::LoadModel, which is how programs load models.
LoadOutcome ParseModel(std::string_view json_text, std::string_view source);

// The models shipped in models/, compiled into the program, by id.
const std::vector<std::pair<std::string_view, std::string_view>>& BuiltinModelFiles();

}  // namespace rongping::model

#endif  // RONGPING_MODEL_MODEL_H_
