// Scored results of completed assessments (approved, or submitted where a
// round needs no review), held in memory column by column per round and
// model, and kept current from the store's change feed. The data map and
// the benchmarks of a diagnosis read this, never the answers.
#ifndef RONGPING_ANALYTICS_RESULTS_SNAPSHOT_H_
#define RONGPING_ANALYTICS_RESULTS_SNAPSHOT_H_

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "analytics/change_feed.h"
#include "core/string_map.h"
#include "model/model.h"
#include "scoring/score_vector.h"
#include "store/db.h"

namespace rongping::store {
struct ResultChangeRow;
}  // namespace rongping::store

namespace rongping::analytics {

// Attributes a result is grouped by, as small indices into the snapshot's
// dictionaries (see Dictionary()).
enum class Attribute { kUnit, kDivision, kIndustryGroup, kSize, kProductionType, kOwnership };
inline constexpr int kAttributeCount = 6;

// A 统一社会信用代码 held without allocation.
using UsccChars = std::array<char, 18>;
inline std::string ToString(const UsccChars& uscc) { return std::string(uscc.data(), uscc.size()); }

struct ResultColumns;

// One key indicator's values by row. A yes/no indicator's value (1, 0, or
// NaN when unknown) is held in one byte, a number as a double: most key
// indicators are yes/no, and a million rows of them are a quarter of the
// snapshot as doubles.
class KeyIndicatorColumn {
 public:
  explicit KeyIndicatorColumn(bool yes_no = false) : yes_no_(yes_no) {}

  bool yes_no() const { return yes_no_; }
  size_t size() const { return yes_no_ ? flags_.size() : numbers_.size(); }
  double operator[](size_t row) const {
    if (!yes_no_) return numbers_[row];
    const int8_t flag = flags_[row];
    return flag < 0 ? std::numeric_limits<double>::quiet_NaN() : flag;
  }
  // Whether `value` can be held: for a yes/no indicator only 1, 0 and NaN.
  bool Holds(double value) const { return !yes_no_ || value == 0 || value == 1 || std::isnan(value); }
  // REQUIRES: Holds(value).
  void push_back(double value) {
    if (!yes_no_) {
      numbers_.push_back(value);
    } else {
      flags_.push_back(static_cast<int8_t>(std::isnan(value) ? -1 : value));
    }
  }
  // Moves the last row's value to `row` and drops the last row.
  void MoveLastTo(size_t row);
  void reserve(size_t rows) {
    if (yes_no_) {
      flags_.reserve(rows);
    } else {
      numbers_.reserve(rows);
    }
  }
  // The values of a numeric indicator. REQUIRES: !yes_no().
  const std::vector<double>& numbers() const { return numbers_; }
  size_t MemoryBytes() const { return numbers_.capacity() * sizeof(double) + flags_.capacity(); }
  void shrink_to_fit() {
    numbers_.shrink_to_fit();
    flags_.shrink_to_fit();
  }

 private:
  bool yes_no_;
  std::vector<double> numbers_;
  std::vector<int8_t> flags_;  // 1, 0, -1 unknown
};

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
  // The sum of numeric column j (see ResultColumns::NumericColumn).
  double ColumnSum(size_t j) const;
};

using AttributeValues = std::array<uint16_t, kAttributeCount>;

// The rows that share every attribute: the finest group. Data-map groups and
// peer groups are unions of cells, so they are summed over cells, not rows.
struct ResultCell {
  AttributeValues attributes{};
  std::vector<uint32_t> rows;
  GroupSums sums;      // of `rows`; current whenever a reader sees the cell
  // The rows' values of each numeric column, sorted ascending without NaN,
  // one column after another; yes/no key indicators are left empty (their
  // counts are in `sums`). Made when first read after a change (see
  // ResultsSnapshot::SortedCell) or in the background after a first build.
  std::vector<double> sorted;
  std::vector<uint32_t> sorted_end;  // column j ends at sorted_end[j]
  // At least the newest assessment id among `rows` (it stays when that row
  // goes, until the sums are redone).
  int64_t newest_id = 0;
  bool stale = false;     // rows changed since the sums were made
  bool unsorted = false;  // rows changed since `sorted` was made

  // REQUIRES: the cell is sorted (it came from SortedCell).
  std::span<const double> SortedColumn(size_t j) const {
    const uint32_t begin = j == 0 ? 0 : sorted_end[j - 1];
    return {sorted.data() + begin, sorted_end[j] - begin};
  }
};

// The columns of one round and model. Row i of every column is one
// enterprise's completed assessment.
struct ResultColumns {
  std::shared_ptr<const model::Model> model;
  std::vector<UsccChars> uscc;
  std::vector<double> total;
  std::vector<int8_t> level;
  std::vector<std::vector<double>> dimensions;      // [dimension][row]
  std::vector<KeyIndicatorColumn> key_indicators;   // [key][row]; NaN missing
  std::vector<int64_t> assessment_id;               // row -> assessment id
  std::vector<uint32_t> cell;                       // row -> index into cells
  std::vector<ResultCell> cells;                    // some may be empty

  size_t rows() const { return total.size(); }
  // The attributes of row `row`: those of its cell.
  const AttributeValues& AttributesOf(size_t row) const { return cells[cell[row]].attributes; }
  // The numeric columns by one index: 0 the total, then the dimensions,
  // then the key indicators.
  size_t numeric_columns() const { return 1 + dimensions.size() + key_indicators.size(); }
  // Row `row`'s value of numeric column j.
  double Value(size_t j, size_t row) const {
    if (j == 0) return total[row];
    return j <= dimensions.size() ? dimensions[j - 1][row] : key_indicators[j - 1 - dimensions.size()][row];
  }
  // Numeric column j whole. REQUIRES: KeepsSorted(j).
  const std::vector<double>& NumericColumn(size_t j) const {
    if (j == 0) return total;
    return j <= dimensions.size() ? dimensions[j - 1] : key_indicators[j - 1 - dimensions.size()].numbers();
  }
  // False for yes/no key indicators, which cells count instead of sorting.
  bool KeepsSorted(size_t j) const {
    return j <= dimensions.size() || !model->key_indicators[j - 1 - dimensions.size()].share;
  }
  // Bytes held by the columns and cells (capacity, not size).
  size_t MemoryBytes() const;
  // Gives back what the columns and cells' rows hold beyond their size.
  void ShrinkToFit();

 private:
  friend class ResultsSnapshot;
  uint32_t slot_ = 0;  // 1 + its index among the snapshot's columns
  // Attributes -> cell index, by open addressing: the lookup every placed
  // row makes, one probe into one array where a node map made three misses.
  class CellIndex {
   public:
    // The cell of `key`, or `fresh` given to it; second is true when it was.
    std::pair<uint32_t, bool> FindOrInsert(const AttributeValues& key, uint32_t fresh);
    size_t MemoryBytes() const { return slots_.capacity() * sizeof(Slot); }

   private:
    static constexpr uint32_t kEmpty = UINT32_MAX;
    struct Slot {
      AttributeValues key{};
      uint32_t cell = kEmpty;
    };
    std::vector<Slot> slots_;  // a power of two, at most half full
    size_t size_ = 0;
  };
  CellIndex cell_of_;
  // The cell of `attributes`, made if there is none.
  uint32_t CellOf(const AttributeValues& attributes);
  // Puts row `row` in cell `index`, adding it to the sums when it is newer
  // than the cell's rows; false when it is not (the sums must be redone).
  // Changes cell `index` only.
  bool AddToCell(uint32_t row, uint32_t index);
  std::vector<uint32_t> stale_cells_;  // sums to redo before readers see them
  void MarkStale(uint32_t cell) {
    cells[cell].unsorted = true;
    if (cells[cell].stale) return;
    cells[cell].stale = true;
    stale_cells_.push_back(cell);
  }
};

class ResultsSnapshot {
 public:
  ResultsSnapshot() = default;
  ResultsSnapshot(const ResultsSnapshot&) = delete;
  ResultsSnapshot& operator=(const ResultsSnapshot&) = delete;
  // Stops the background sorting, if any, first.
  ~ResultsSnapshot();

  // Applies every change newer than the last one seen. Thread-safe; readers
  // keep reading while the changes are read from the store. The first call
  // builds the snapshot from the tables (readers wait for it) and then
  // starts sorting every cell's values in the background (see SortedCell).
  Result<void> CatchUp(store::Db& db);

  // Makes sure the snapshot shows every change this process committed
  // before the call: at once when it does (a FeedFollower keeps it
  // current), else by catching up (see ChangeFeedFollower::Run).
  Result<void> Current(store::Db& db);

  // Whether a FeedFollower keeps the snapshot current (set by it).
  void set_followed(bool followed) { feed_.set_followed(followed); }

  // Cell i of `columns` with its sorted values current: they are made now
  // if the cell changed since, once, whichever reader asks first. Call only
  // inside a Read of `columns`.
  const ResultCell& SortedCell(const ResultColumns& columns, size_t i) const;

  // Waits until the background sorting after the first build has finished
  // (for benchmarks and tests; readers never need to).
  void WaitForSorting();

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

  // The newest change applied; the snapshot shows at least every change up
  // to it (the position moves only after a batch is applied).
  int64_t last_seq() const { return feed_.last_seq(); }
  size_t rows() const;
  // Bytes held by the columns, the dictionaries and the row index: the
  // snapshot's memory, for /metrics and docs/PERFORMANCE.md.
  size_t MemoryBytes() const;

 private:
  static std::string Key(std::string_view round, std::string_view model) {
    return std::string(round) + "\x1f" + std::string(model);
  }
  // Where an assessment's row is: eight bytes, one per assessment id.
  struct Location {
    uint32_t slot = 0;  // the columns' slot_; 0 for none
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
  // Adds a result's row without a cell; returns its columns, or null when
  // it is not kept (unknown model, bad vector).
  ResultColumns* Append(const Placed& result);
  // Puts a row in the cell of `attributes`.
  void AssignCell(ResultColumns& columns, uint32_t row, const AttributeValues& attributes);
  void Place(const Placed& result);
  void ApplyChange(const store::ResultChangeRow& row);
  Result<void> Bootstrap(store::Db& db);
  // Builds on first use, then reads and applies the feed (inside
  // ChangeFeedFollower::Run).
  Result<void> ReadFeed(store::Db& db);
  void RefreshCells();
  // The columns of a round and model, made on first use; null when the
  // model cannot be loaded.
  ResultColumns* ColumnsFor(std::string_view round, std::string_view model_id);

  mutable std::shared_mutex mu_;
  std::map<std::string, ResultColumns, std::less<>> columns_;  // nodes stay put
  std::vector<ResultColumns*> slots_;  // slots_[slot_ - 1] is the columns
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
  void EnsureSorted(const ResultColumns& columns, ResultCell& cell) const;
  void SortAll(std::stop_token stop);

  RowIndex where_;
  ChangeFeedFollower feed_{50'000};
  mutable std::mutex sort_mu_;  // one cell is sorted at a time
  // Reused while applying changes (under the unique lock); cleared before.
  struct {
    std::string round, model;
    ResultColumns* columns = nullptr;
    scoring::ScoreVector vector;
  } scratch_;
  std::jthread sorter_;  // last: stopped and joined before the rest goes
};

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_RESULTS_SNAPSHOT_H_
