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

#include "core/string_map.h"
#include "model/model.h"
#include "scoring/score_vector.h"
#include "store/db.h"

namespace rongping::analytics {

// Attributes a result is grouped by, as small indices into the snapshot's
// dictionaries (see Dictionary()).
enum class Attribute { kUnit, kDivision, kIndustryGroup, kSize, kProductionType, kOwnership };
inline constexpr int kAttributeCount = 6;

// A 统一社会信用代码 held without allocation.
using UsccChars = std::array<char, 18>;
inline std::string ToString(const UsccChars& uscc) { return std::string(uscc.data(), uscc.size()); }

struct ResultColumns;

// Sums over a set of rows: what the data map shows of a group.
struct GroupSums {
  int64_t n = 0;
  double total_sum = 0;
  std::vector<int64_t> levels;  // per level
  std::vector<double> dimension_sum;
  std::vector<int64_t> dimension_n;  // rows where the dimension applies
  std::vector<double> key_sum;
  std::vector<int64_t> key_n;  // rows where the key indicator is known

  // Empty sums shaped for the model.
  void Reset(const model::Model& model);
  void Add(const ResultColumns& columns, size_t row);
  // REQUIRES: both shaped for the same model.
  void Merge(const GroupSums& other);
};

using AttributeValues = std::array<uint16_t, kAttributeCount>;

// The rows that share every attribute: the finest group. Data-map groups and
// peer groups are unions of cells, so they are summed over cells, not rows.
struct ResultCell {
  AttributeValues attributes{};
  std::vector<uint32_t> rows;
  GroupSums sums;      // of `rows`; current whenever a reader sees the cell
  bool stale = false;  // rows changed since the sums were made
};

// The columns of one round and model. Row i of every column is one
// enterprise's completed assessment.
struct ResultColumns {
  std::shared_ptr<const model::Model> model;
  std::vector<UsccChars> uscc;
  std::array<std::vector<uint16_t>, kAttributeCount> attributes;
  std::vector<double> total;
  std::vector<int8_t> level;
  std::vector<std::vector<double>> dimensions;      // [dimension][row]
  std::vector<std::vector<double>> key_indicators;  // [key][row]; bool as 1/0, NaN missing
  std::vector<int64_t> assessment_id;               // row -> assessment id
  std::vector<uint32_t> cell;                       // row -> index into cells
  std::vector<ResultCell> cells;                    // some may be empty

  size_t rows() const { return total.size(); }
  // Bytes held by the columns and cells (capacity, not size).
  size_t MemoryBytes() const;

 private:
  friend class ResultsSnapshot;
  struct AttributeHash {
    size_t operator()(const AttributeValues& a) const;
  };
  std::unordered_map<AttributeValues, uint32_t, AttributeHash> cell_of_;
  std::vector<uint32_t> stale_cells_;  // sums to redo before readers see them
  void MarkStale(uint32_t cell) {
    if (cells[cell].stale) return;
    cells[cell].stale = true;
    stale_cells_.push_back(cell);
  }
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

  // The index of `value` in an attribute's dictionary, or -1 when no result
  // has it. Valid while a Read holds.
  int IndexOf(Attribute a, std::string_view value) const {
    const auto& map = intern_[static_cast<int>(a)];
    auto it = map.find(value);
    return it == map.end() ? -1 : it->second;
  }

  int64_t last_seq() const;
  size_t rows() const;
  // Bytes held by the columns, the dictionaries and the row index: the
  // snapshot's memory, for /metrics and docs/PERFORMANCE.md.
  size_t MemoryBytes() const;

 private:
  static std::string Key(std::string_view round, std::string_view model) {
    return std::string(round) + "\x1f" + std::string(model);
  }
  // Where an assessment's row is.
  struct Location {
    ResultColumns* columns = nullptr;
    uint32_t row = 0;
  };
  // A completed result to place.
  struct Placed {
    int64_t id;
    std::string_view round, model, uscc, score_vector;
    double total;
    int level;
    AttributeValues attributes;
  };
  uint16_t Intern(Attribute a, std::string_view value);
  void Remove(int64_t assessment_id);
  void Place(const Placed& result);
  void ApplyChange(const store::RowCursor& row);
  Result<void> Bootstrap(store::Db& db);
  void RefreshCells();
  // The columns of a round and model, made on first use; null when the
  // model cannot be loaded.
  ResultColumns* ColumnsFor(std::string_view round, std::string_view model_id);
  // Room for `rows` more rows in the columns of a round and model.
  void Reserve(std::string_view round, std::string_view model, size_t rows);

  mutable std::shared_mutex mu_;
  std::map<std::string, ResultColumns, std::less<>> columns_;  // nodes stay put
  std::array<std::vector<std::string>, kAttributeCount> dictionaries_;
  std::array<StringMap<uint16_t>, kAttributeCount> intern_;
  // Assessment id -> row. The store assigns ids densely, so mostly a vector
  // indexed by id; ids far beyond the number held go to a map.
  class RowIndex {
   public:
    Location* Find(int64_t id);
    void Set(int64_t id, Location where);
    void Erase(int64_t id);
    void ReserveIds(int64_t max_id);
    size_t size() const { return size_; }
    size_t MemoryBytes() const;

   private:
    std::vector<Location> dense_;  // columns == nullptr: none
    std::unordered_map<int64_t, Location> sparse_;
    size_t size_ = 0;
  };
  RowIndex where_;
  int64_t last_seq_ = 0;
  // Reused while applying changes (under the unique lock).
  struct {
    std::string round, model;
    ResultColumns* columns = nullptr;
    scoring::ScoreVector vector;
  } scratch_;
};

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_RESULTS_SNAPSHOT_H_
