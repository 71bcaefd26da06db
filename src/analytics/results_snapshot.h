// Scored results of completed assessments (approved, or submitted where a
// round needs no review), held in memory column by column per round and
// model, and kept current from the store's change feed. The data map and
// the benchmarks of a diagnosis read this, never the answers.
#ifndef RONGPING_ANALYTICS_RESULTS_SNAPSHOT_H_
#define RONGPING_ANALYTICS_RESULTS_SNAPSHOT_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/model.h"
#include "store/db.h"

namespace rongping::analytics {

// Attributes a result is grouped by, as small indices into the snapshot's
// dictionaries (see Dictionary()).
enum class Attribute { kUnit, kDivision, kIndustryGroup, kSize, kProductionType, kOwnership };
inline constexpr int kAttributeCount = 6;

// The columns of one round and model. Row i of every column is one
// enterprise's completed assessment.
struct ResultColumns {
  std::shared_ptr<const model::Model> model;
  std::vector<std::string> uscc;
  std::array<std::vector<uint16_t>, kAttributeCount> attributes;
  std::vector<double> total;
  std::vector<int8_t> level;
  std::vector<std::vector<double>> dimensions;      // [dimension][row]
  std::vector<std::vector<double>> key_indicators;  // [key][row]; bool as 1/0, NaN missing
  std::unordered_map<int64_t, uint32_t> row_of;     // assessment id -> row
  std::vector<int64_t> assessment_id;               // row -> assessment id
};

class ResultsSnapshot {
 public:
  // Applies every change newer than the last one seen. Thread-safe.
  Result<void> CatchUp(store::Db& db);

  // Runs `reader` on the columns of a round and model under a shared lock;
  // returns false when there are none.
  template <typename F>
  bool Read(std::string_view round, std::string_view model_id, F&& reader) const {
    std::shared_lock lock(mu_);
    auto it = columns_.find(Key(round, model_id));
    if (it == columns_.end()) return false;
    reader(it->second, *this);
    return true;
  }

  // The models that have results in a round.
  std::vector<std::string> ModelsOf(std::string_view round) const;

  // Index -> value (unit code, division code, group name, size class,
  // production type, ownership) of an attribute. Valid while a Read holds.
  const std::vector<std::string>& Dictionary(Attribute a) const { return dictionaries_[static_cast<int>(a)]; }

  int64_t last_seq() const;
  size_t rows() const;

 private:
  static std::string Key(std::string_view round, std::string_view model) {
    return std::string(round) + "\x1f" + std::string(model);
  }
  uint16_t Intern(Attribute a, const std::string& value);
  void Remove(int64_t assessment_id);

  mutable std::shared_mutex mu_;
  std::map<std::string, ResultColumns, std::less<>> columns_;
  std::array<std::vector<std::string>, kAttributeCount> dictionaries_;
  std::array<std::unordered_map<std::string, uint16_t>, kAttributeCount> intern_;
  std::unordered_map<int64_t, std::string> where_;  // assessment id -> columns key
  int64_t last_seq_ = 0;
};

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_RESULTS_SNAPSHOT_H_
