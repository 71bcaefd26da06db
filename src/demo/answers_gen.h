// Synthetic assessment answers for demos and `rongping gen`.
//
// Model-agnostic: no question id appears here. Every enterprise gets a latent
// "digital maturity" (higher for larger enterprises and for 电子信息 / 装备,
// a little higher in each later round), and every answer is drawn from it:
//
//   - single choice: a higher latent picks a later (more developed) option;
//   - number / percent: the latent is a position between the x where the
//     question's points score worst and the x where they score best (so
//     "lower is better" measures such as inventory days come out right);
//   - multiple choice: each non-exclusive option is chosen with a probability
//     rising with the latent and falling with the option's score rank (the
//     higher an option scores, the more advanced and rarer it is); the
//     exclusive option ("none of these") when nothing else is chosen;
//   - yes/no: yes (the better answer) becomes likelier with the latent; a
//     number or percent right after a yes/no in the same indicator is read
//     as its follow-up ("share of revenue from it") and is the worst x when
//     the yes/no was answered with its worse value.
//
// How hard a question is comes from the model's own level rules: a question
// that first matters for a higher level (GB/T 23020's 管控集成 for 集成提升,
// the collaboration questions for 创新突破) sits further up the latent
// scale. Questions no level rule reads are of base difficulty; questions that
// matter only through the total (levels that are cuts of the total, as in
// the SME model) are a little harder. Enterprises of the 原材料 group with
// process production are stronger on automation questions (those whose text
// mentions 自动, 数控, DCS or PLC); other process and 原材料 mixed ones half
// as much.
//
// Each answer adds noise: a part that is the enterprise's own and persists
// over rounds, and a smaller part drawn anew each round, so that a panel
// over several rounds looks like the same enterprises improving.
//
// Calibrated (AnswerGenParams defaults, and the question shifts of
// data/reference/generator-calibration.csv) on gbt23020-2013 1.1.0, whose
// consistency rules the answers keep (below), with a Guangdong-like
// population (GeneratePopulation, 8,000 enterprises, seed 2): in round 0
// (2016) 集成提升 or above 14.3%, 关键工序数控化率 mean 47.2%,
// 数字化研发设计工具普及率 60.5%, 经营管理数字化普及率 58.8%; in round 1 (2017)
// 网络化协同 29.1%, 服务型制造 22.6%, 个性化定制 6.6%, 智能制造就绪率 4.9%
// — each near the published national figure of its year
// (data/reference/national-indicators.csv, checked by a test). Each later
// round adds about 2-3 points to the 集成提升-or-above share. On
// sme-digital-2022 the same population spreads over the levels with most
// at 一级/二级.
//
// Answers drawn this way can contradict each other (MES said to cover the
// shop floor, but not among the systems in use). The model's consistency
// rules of severity error are then kept, rule by rule: either the rule's
// later questions (the evidence) are raised to the nearest more developed
// answer that satisfies it, or its questions in the order listed (the claim
// first) are lowered to the nearest less developed one — one option of a
// single choice at a time, one option of a multiple choice added or removed
// at a time, a yes/no to its other answer, a number to its best or worst
// value. Which of the two is drawn per enterprise and rule: raising is the
// likelier the further the enterprise's maturity is above the evidence's
// difficulty (a mature enterprise that reports MES coverage has MES; a weak
// one overstated its coverage). Generated submissions therefore never
// break an error rule; warnings may remain.
//
// Deterministic: the output depends only on the model, the enterprise, the
// round and the seed; the generator uses its own PRNG (xoshiro256** seeded
// through splitmix64), its own normal approximation and its own exp, so it
// gives the same answers on every platform. Thread-safe (const).
#ifndef RONGPING_DEMO_ANSWERS_GEN_H_
#define RONGPING_DEMO_ANSWERS_GEN_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "demo/population.h"
#include "model/model.h"
#include "scoring/scorer.h"

namespace rongping {

// Shipped data (data/reference, compiled in):
// generator-calibration.csv, columns model,question,shift,target: the
// question shifts that bring a Guangdong-like population near the
// published national figures;
// national-indicators.csv, columns model,indicator,year,value,tolerance,
// scope,source: those figures, with their scope and source. `indicator` is
// a key indicator id, or `level:ID` for the share at level ID or above.
extern const std::string_view kGeneratorCalibrationCsv;
extern const std::string_view kNationalIndicatorsCsv;

}  // namespace rongping

namespace rongping::demo {

// The knobs of the generator, in latent units (roughly: one unit moves a
// four-option answer by about one option). The defaults are the calibration.
struct AnswerGenParams {
  // Mean latent of a small enterprise of an average industry in round 0.
  double base = 0.55;
  // Added by size class (统计上大中小微型企业划分办法).
  double large = 1.0;
  double medium = 0.5;
  double small = 0.0;
  double micro = -0.35;
  // Added by industry group (industries.csv `group`); groups not listed: 0.
  std::map<std::string, double, std::less<>> group_shift = {
      {"电子信息", 0.35}, {"装备", 0.2}, {"原材料", 0.0},
      {"消费品", -0.15},  {"能源", 0.15}, {"采矿", -0.1}};
  // Spread of the enterprise's own latent around its group's mean.
  double enterprise_sigma = 0.9;
  // Growth per round, and the spread of an enterprise's growth per round.
  double round_growth = 0.1;
  double round_sigma = 0.08;
  // Difficulty added per level above the first at which a question matters.
  double level_step = 1.6;
  // Extra difficulty, in level steps, for each level above the second
  // (negative: the top level's questions are harder than the second's, but
  // by less than a full step, so that it stays reachable yet rare).
  double top_level_extra = -0.8;
  // Extra difficulty of questions that matter for the levels only through
  // the total (levels that are cuts of the total, as in the SME model): no
  // single answer makes such a level, the whole questionnaire does.
  double total_cut_difficulty = 1.0;
  // Per question noise: the enterprise's persistent part and the per round
  // part.
  double question_sigma = 0.7;
  double question_round_sigma = 0.3;
  // 原材料 process enterprises on automation questions.
  double automation_bonus = 1.2;
  // Scale from latent to the logit of a single choice position.
  double choice_scale = 1.0;
  // Number / percent: logistic(number_scale * z) is mapped onto
  // [number_low, number_high] of the worst-to-best x range.
  double number_scale = 0.5;
  // Number / percent questions use this persistent noise instead of
  // question_sigma: rates depend on equipment as much as on IT maturity.
  double number_sigma = 2.0;
  double number_low = 0.0;
  double number_high = 1.1;
  // Multiple choice: logit of an option = z + multi_bias - multi_rank_span * rank,
  // rank 0 for the lowest-scoring option, 1 for the highest.
  double multi_bias = -0.3;
  double multi_rank_span = 2.0;
  // Yes/no: logit of the better answer = z + yesno_bias.
  double yesno_bias = -0.2;
  // Difficulty added to single questions, by question id, in latent units:
  // what the level rules cannot tell apart (two yes/no questions of the
  // same level, one practised by a fifth of enterprises, one by a
  // fifteenth). Empty: the shipped calibration of the model
  // (kGeneratorCalibrationCsv), if it has one.
  std::map<std::string, double, std::less<>> question_shift;
};


// One enterprise's generated answers.
struct GeneratedAnswers {
  scoring::Answers answers;  // in the model's layout
  std::string json;          // the same as a JSON object text, for ParseAnswers
  int production_type = 0;   // index into model::ProductionTypes()
  double maturity = 0;       // the latent used for this round
  size_t answered = 0;       // questions answered
  size_t applicable = 0;     // questions that apply and are to be answered
                             // (optional text questions are left unanswered)
};

class AnswerGenerator {
 public:
  // `industries` gives each division's group; empty = the shipped GB/T 4754
  // list (data/reference/industries.csv).
  explicit AnswerGenerator(std::shared_ptr<const model::Model> model,
                           std::vector<IndustryInfo> industries = {},
                           AnswerGenParams params = {});

  const model::Model& model() const { return *model_; }
  const AnswerGenParams& params() const { return params_; }

  // Whether the model's applies_to admits the enterprise (industry and
  // production type).
  bool Applies(const SyntheticEnterprise& enterprise) const;

  // The enterprise's latent maturity in `round` (0 = the first round; a
  // negative round is one before it, less mature by the same growth).
  double Maturity(const SyntheticEnterprise& enterprise, int round, uint64_t seed) const;

  // Answers for the enterprise in `round`. `completeness` in [0, 1] is the
  // share of applicable questions answered, in questionnaire order (a draft
  // filled part of the way); 1 answers every applicable question. Questions
  // that do not apply are left out, and so are optional text questions (a
  // required one gets "无"). An unknown production type is treated as
  // discrete_mass.
  GeneratedAnswers Generate(const SyntheticEnterprise& enterprise, int round, uint64_t seed,
                            double completeness = 1.0) const;

  // The level (index into model.levels) at which each question first matters
  // for the model's level rules, by question index; 1 for questions no rule
  // reads.
  const std::vector<int>& question_levels() const { return question_level_; }

  // What the generator works out once per question.
  struct QuestionPlan {
    int level = 1;            // see question_levels()
    bool via_total = false;   // matters for the levels only through the total
    double difficulty = 0;    // subtracted from the latent
    bool automation = false;  // an automation question (see above)
    double worst_x = 0, best_x = 0, step = 0.1;  // number / percent
    double min = 0, max = 0;                     // number / percent bounds
    std::vector<double> option_rank;  // multiple: 0..1 by score; < 0 exclusive
    int exclusive_option = -1;        // multiple: the exclusive option, or -1
    bool yes_better = true;           // yes/no
    int follows = -1;  // a yes/no question this number is the follow-up of
  };

 private:
  // Makes generated answers keep the model's consistency rules of severity
  // error (see Generate).
  void Reconcile(scoring::Answers& answers, int production_type, double maturity, uint64_t seed) const;

  std::shared_ptr<const model::Model> model_;
  AnswerGenParams params_;
  std::map<std::string, std::string, std::less<>> industry_group_;
  std::vector<int> question_level_;
  std::vector<QuestionPlan> plans_;
  std::vector<std::vector<bool>> applies_;  // [production type][question]
};

// The shipped reference lists (data/reference, compiled in), without a
// database: every GB/T 4754 division, and Guangdong's 22 reporting units
// (every row of guangdong-units.csv but the province) with their
// above-scale counts.
std::vector<IndustryInfo> ShippedIndustries();
std::vector<UnitInfo> ShippedGuangdongUnits();

// Answers as a JSON object text (question id -> value) in model order, the
// format ParseAnswers reads. Unanswered questions are left out.
std::string AnswersToJson(const model::Model& model, const scoring::Answers& answers);

}  // namespace rongping::demo

#endif  // RONGPING_DEMO_ANSWERS_GEN_H_
