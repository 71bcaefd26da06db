#include "analytics/results_snapshot.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <future>
#include <mutex>

#include <fmt/format.h>

#include "scoring/score_vector.h"
#include "store/results_feed.h"
#include "scoring/model_loading.h"

namespace rongping::analytics {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

uint16_t ResultsSnapshot::Intern(Attribute a, std::string_view value) {
  auto& map = intern_[static_cast<int>(a)];
  if (auto it = map.find(value); it != map.end()) return it->second;
  auto& dict = dictionaries_[static_cast<int>(a)];
  auto index = static_cast<uint16_t>(dict.size());
  map.emplace(std::string(value), index);
  dict.emplace_back(value);
  return index;
}

std::pair<uint32_t, bool> ResultColumns::CellIndex::FindOrInsert(const AttributeValues& key, uint32_t fresh) {
  if (2 * (size_ + 1) > slots_.size()) {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(std::max<size_t>(64, 2 * slots_.size())));
    size_ = 0;
    for (const Slot& slot : old) {
      if (slot.cell != kEmpty) FindOrInsert(slot.key, slot.cell);
    }
  }
  uint64_t h = 0;
  for (uint16_t v : key) h = (h ^ v) * 0x100000001B3ULL;
  const size_t mask = slots_.size() - 1;
  for (size_t i = (h ^ (h >> 29)) & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.cell == kEmpty) {
      slot = {key, fresh};
      ++size_;
      return {fresh, true};
    }
    if (slot.key == key) return {slot.cell, false};
  }
}

void KeyIndicatorColumn::MoveLastTo(size_t row) {
  auto move_last = [row](auto& values) {
    values[row] = values.back();
    values.pop_back();
  };
  if (yes_no_) {
    move_last(flags_);
  } else {
    move_last(numbers_);
  }
}

void GroupSums::Reset(const model::Model& m) {
  n = 0;
  total_sum = 0;
  levels.assign(m.levels.size(), 0);
  dimension_sum.assign(m.dimensions.size(), 0);
  dimension_n.assign(m.dimensions.size(), 0);
  key_sum.assign(m.key_indicators.size(), 0);
  key_n.assign(m.key_indicators.size(), 0);
}

void GroupSums::Add(const ResultColumns& c, size_t row) {
  ++n;
  total_sum += c.total[row];
  if (c.level[row] >= 0 && static_cast<size_t>(c.level[row]) < levels.size()) ++levels[c.level[row]];
  auto add = [row](const auto& columns, std::vector<double>& sum, std::vector<int64_t>& count) {
    for (size_t i = 0; i < sum.size(); ++i) {
      double v = columns[i][row];
      if (std::isnan(v)) continue;
      sum[i] += v;
      ++count[i];
    }
  };
  add(c.dimensions, dimension_sum, dimension_n);
  add(c.key_indicators, key_sum, key_n);
}

void GroupSums::Merge(const GroupSums& o) {
  n += o.n;
  total_sum += o.total_sum;
  auto merge = [](auto& into, const auto& from) {
    for (size_t i = 0; i < into.size(); ++i) into[i] += from[i];
  };
  merge(levels, o.levels);
  merge(dimension_sum, o.dimension_sum);
  merge(dimension_n, o.dimension_n);
  merge(key_sum, o.key_sum);
  merge(key_n, o.key_n);
}

double GroupSums::ColumnSum(size_t j) const {
  if (j == 0) return total_sum;
  return j <= dimension_sum.size() ? dimension_sum[j - 1] : key_sum[j - 1 - dimension_sum.size()];
}

namespace {

// Removes one occurrence of `value` from `v` (order not kept).
void EraseValue(std::vector<uint32_t>& v, uint32_t value) {
  auto it = std::find(v.begin(), v.end(), value);
  if (it == v.end()) return;
  *it = v.back();
  v.pop_back();
}

}  // namespace

ResultsSnapshot::Location* ResultsSnapshot::RowIndex::Find(int64_t id) {
  if (id >= 0 && static_cast<uint64_t>(id) < dense_.size()) {
    Location& l = dense_[static_cast<size_t>(id)];
    return l.slot != 0 ? &l : nullptr;
  }
  auto it = sparse_.find(id);
  return it == sparse_.end() ? nullptr : &it->second;
}

void ResultsSnapshot::RowIndex::ReserveIds(int64_t max_id) {
  if (max_id < 0 || static_cast<uint64_t>(max_id) < dense_.size()) return;
  dense_.resize(static_cast<size_t>(max_id) + 1);
  for (auto it = sparse_.begin(); it != sparse_.end();) {  // now within the vector
    if (it->first >= 0 && it->first <= max_id) {
      dense_[static_cast<size_t>(it->first)] = it->second;
      it = sparse_.erase(it);
    } else {
      ++it;
    }
  }
}

void ResultsSnapshot::RowIndex::Set(int64_t id, Location where) {
  // Grow the vector for ids up to twice what it holds plus some room.
  const uint64_t limit = 2 * std::max<uint64_t>(dense_.size(), size_) + 1'000'000;
  if (id >= 0 && static_cast<uint64_t>(id) < limit) ReserveIds(id);
  Location* existing = Find(id);
  if (existing) {
    *existing = where;
    return;
  }
  ++size_;
  if (id >= 0 && static_cast<uint64_t>(id) < dense_.size()) {
    dense_[static_cast<size_t>(id)] = where;
  } else {
    sparse_[id] = where;
  }
}

void ResultsSnapshot::RowIndex::Erase(int64_t id) {
  Location* l = Find(id);
  if (!l) return;
  --size_;
  if (id >= 0 && static_cast<uint64_t>(id) < dense_.size()) {
    l->slot = 0;
  } else {
    sparse_.erase(id);
  }
}

size_t ResultsSnapshot::RowIndex::MemoryBytes() const {
  return dense_.capacity() * sizeof(Location) +
         sparse_.size() * (sizeof(std::pair<const int64_t, Location>) + sizeof(void*)) +
         sparse_.bucket_count() * sizeof(void*);
}

void ResultsSnapshot::Remove(int64_t id) {
  const Location* w = where_.Find(id);
  if (!w) return;
  ResultColumns& c = *slots_[w->slot - 1];
  const uint32_t row = w->row;
  const auto last = static_cast<uint32_t>(c.rows() - 1);
  EraseValue(c.cells[c.cell[row]].rows, row);
  c.MarkStale(c.cell[row]);
  if (row != last) {
    where_.Find(c.assessment_id[last])->row = row;
    auto& moved = c.cells[c.cell[last]].rows;
    *std::find(moved.begin(), moved.end(), last) = row;
  }
  auto move_last = [&](auto& column) {
    column[row] = std::move(column[last]);
    column.pop_back();
  };
  move_last(c.uscc);
  move_last(c.total);
  move_last(c.level);
  for (auto& d : c.dimensions) move_last(d);
  for (auto& k : c.key_indicators) k.MoveLastTo(row);
  move_last(c.assessment_id);
  move_last(c.cell);
  where_.Erase(id);
}

ResultColumns* ResultsSnapshot::Append(const Placed& p) {
  if (p.uscc.size() != std::tuple_size_v<UsccChars>) return nullptr;
  // Consecutive results mostly share the round and model: look them up once.
  if (p.round != scratch_.round || p.model != scratch_.model) {
    scratch_.round = p.round;
    scratch_.model = p.model;
    scratch_.columns = ColumnsFor(scratch_.round, scratch_.model);
  }
  if (!scratch_.columns) return nullptr;
  ResultColumns& c = *scratch_.columns;
  if (!scoring::DecodeScoreVector(p.score_vector, c.dimensions.size(), c.key_indicators.size(),
                                  &scratch_.vector)) {
    return nullptr;
  }
  const auto& v = scratch_.vector;
  for (size_t k = 0; k < v.key_indicators.size(); ++k) {
    if (!c.key_indicators[k].Holds(v.key_indicators[k])) return nullptr;  // not a yes/no value
  }
  where_.Set(p.id, {c.slot_, static_cast<uint32_t>(c.rows())});
  c.assessment_id.push_back(p.id);
  UsccChars uscc;
  std::copy_n(p.uscc.data(), uscc.size(), uscc.begin());
  c.uscc.push_back(uscc);
  c.total.push_back(p.total);
  c.level.push_back(static_cast<int8_t>(p.level));
  for (size_t d = 0; d < v.dimensions.size(); ++d) c.dimensions[d].push_back(v.dimensions[d]);
  for (size_t k = 0; k < v.key_indicators.size(); ++k) c.key_indicators[k].push_back(v.key_indicators[k]);
  return &c;
}

uint32_t ResultColumns::CellOf(const AttributeValues& attributes) {
  const auto [index, fresh] = cell_of_.FindOrInsert(attributes, static_cast<uint32_t>(cells.size()));
  if (fresh) {
    cells.emplace_back();
    cells.back().attributes = attributes;
  }
  return index;
}

bool ResultColumns::AddToCell(uint32_t row, uint32_t index) {
  ResultCell& c = cells[index];
  // Sums are made over a cell's rows in the order of assessment id, so that
  // they never depend on the order results arrived in: a result newer than
  // all of its cell's is added now, any other makes the cell redo its sums.
  const int64_t id = assessment_id[row];
  const bool in_order = !c.stale && (c.rows.empty() || c.newest_id < id);
  if (in_order) {
    if (c.rows.empty()) c.sums.Reset(*model);
    c.sums.Add(*this, row);
  }
  c.newest_id = std::max(c.newest_id, id);
  c.rows.push_back(row);
  c.unsorted = true;
  return in_order;
}

void ResultsSnapshot::AssignCell(ResultColumns& c, uint32_t row, const AttributeValues& attributes) {
  const uint32_t index = c.CellOf(attributes);
  if (c.cell.size() <= row) c.cell.resize(row + 1);
  c.cell[row] = index;
  if (!c.AddToCell(row, index)) c.MarkStale(index);
}

void ResultsSnapshot::Place(const Placed& p) {
  if (ResultColumns* c = Append(p)) AssignCell(*c, static_cast<uint32_t>(c->rows() - 1), p.attributes);
}

void ResultsSnapshot::ApplyChange(const store::ResultChangeRow& r) {
  Remove(r.id);
  const bool completed = r.status == "approved" || (r.status == "submitted" && r.completion == "submitted");
  if (!completed || !r.scored) return;
  Placed p{r.id, r.round, r.model, r.uscc, r.score_vector, r.total, r.level, {}};
  const std::string_view values[kAttributeCount] = {r.unit, r.industry_division, r.industry_group,
                                                    r.size_class, r.production_type, r.ownership};
  for (int a = 0; a < kAttributeCount; ++a) p.attributes[a] = Intern(static_cast<Attribute>(a), values[a]);
  Place(p);
}

namespace {

// 统一社会信用代码 -> attributes, for the first build: open addressing in
// one allocation, never more than half full.
class EnterpriseAttributes {
 public:
  explicit EnterpriseAttributes(size_t expected) { Resize(expected); }
  // Codes that are not 18 characters are not kept (none can be stored).
  void Put(std::string_view uscc, const AttributeValues& values) {
    if (uscc.size() != std::tuple_size_v<UsccChars>) return;
    if (2 * (used_ + 1) > slots_.size()) Resize(used_ + 1);
    Slot& s = Probe(uscc);
    used_ += !s.used;
    std::copy_n(uscc.data(), s.key.size(), s.key.begin());
    s.used = true;
    s.values = values;
  }
  const AttributeValues* Find(std::string_view uscc) const {
    if (uscc.size() != std::tuple_size_v<UsccChars>) return nullptr;
    const Slot& s = const_cast<EnterpriseAttributes*>(this)->Probe(uscc);
    return s.used ? &s.values : nullptr;
  }

 private:
  struct Slot {
    UsccChars key{};
    bool used = false;
    AttributeValues values{};
  };
  // The slot holding `uscc`, or the free slot where it belongs. The table is
  // never more than half full, so the probe ends.
  Slot& Probe(std::string_view uscc) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = std::hash<std::string_view>{}(uscc) & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (!s.used || std::string_view(s.key.data(), s.key.size()) == uscc) return s;
    }
  }
  void Resize(size_t count) {
    size_t capacity = 16;
    while (capacity < 2 * count) capacity *= 2;
    if (capacity <= slots_.size()) return;
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.used) Probe(std::string_view(s.key.data(), s.key.size())) = s;
    }
  }
  std::vector<Slot> slots_;
  size_t used_ = 0;
};

}  // namespace

// A first build reads the tables whole instead of the change feed: the
// enterprises' attributes once, then every completed assessment, all in one
// read transaction that also fixes the feed position to continue from.
Result<void> ResultsSnapshot::Bootstrap(store::Db& db) {
  return InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<void> {
    if (auto whole = tx.ReadTablesWhole(); !whole) return whole;
    auto positions = store::ReadResultFeedPositions(tx);
    if (!positions) return Fail(positions.error());
    // The enterprises are read on a second thread meanwhile, in a read
    // transaction that starts after this one: an enterprise changed in
    // between is seen as it is now, and its assessments come again from the
    // feed after the position fixed above. That thread interns every
    // attribute but the unit, this one only the unit (each attribute has
    // its own dictionary).
    auto read_enterprises = std::async(std::launch::async, [&]() {
      return InTx(db, store::TxMode::kRead, [&](store::Tx& etx) -> Result<EnterpriseAttributes> {
        if (auto whole = etx.ReadTablesWhole(); !whole) return Fail(whole.error());
        // Industry groups by division, then the enterprises without a join.
        StringMap<uint16_t> group_of;
        auto scanned = store::ScanIndustryGroups(etx, [&](std::string_view division, std::string_view group) {
          group_of.emplace(division, Intern(Attribute::kIndustryGroup, group));
        });
        if (!scanned) return Fail(scanned.error());
        const uint16_t no_group = Intern(Attribute::kIndustryGroup, "");
        EnterpriseAttributes enterprises(static_cast<size_t>(positions->max_assessment_id));
        scanned = store::ScanEnterpriseAttributes(etx, [&](const store::EnterpriseAttributesRow& r) {
          AttributeValues values{};
          values[static_cast<int>(Attribute::kDivision)] = Intern(Attribute::kDivision, r.industry_division);
          values[static_cast<int>(Attribute::kSize)] = Intern(Attribute::kSize, r.size_class);
          values[static_cast<int>(Attribute::kProductionType)] = Intern(Attribute::kProductionType, r.production_type);
          values[static_cast<int>(Attribute::kOwnership)] = Intern(Attribute::kOwnership, r.ownership);
          auto group = group_of.find(r.industry_division);
          values[static_cast<int>(Attribute::kIndustryGroup)] = group == group_of.end() ? no_group : group->second;
          enterprises.Put(r.uscc, values);
        });
        if (!scanned) return Fail(scanned.error());
        return enterprises;
      });
    });
    where_.ReserveIds(positions->max_assessment_id);
    // The results are appended meanwhile, their units kept aside; cells
    // follow once the enterprises are known.
    std::unordered_map<const ResultColumns*, std::vector<uint16_t>> unit_of_row;
    const ResultColumns* last_columns = nullptr;
    std::vector<uint16_t>* units = nullptr;
    auto scanned = store::ScanCompletedResults(tx, [&](const store::CompletedResultRow& r) {
      ResultColumns* c = Append({r.id, r.round, r.model, r.uscc, r.score_vector, r.total, r.level, {}});
      if (!c) return;
      if (c != last_columns) {
        last_columns = c;
        units = &unit_of_row[c];
      }
      units->push_back(Intern(Attribute::kUnit, r.unit));
    });
    auto enterprises = read_enterprises.get();
    if (!scanned) return scanned;
    if (!enterprises) return Fail(enterprises.error());
    // Each row's cell, then the cells' rows and sums on two threads, each
    // thread the cells of one parity (the sums' cache misses were most of
    // the time here).
    std::vector<int64_t> orphans;  // results whose enterprise is gone: none expected
    for (auto& [key, c] : columns_) {
      const std::vector<uint16_t>& unit = unit_of_row[&c];
      c.cell.resize(c.rows());
      for (uint32_t row = 0; row < c.rows(); ++row) {
        const AttributeValues* found = enterprises->Find({c.uscc[row].data(), c.uscc[row].size()});
        if (!found) orphans.push_back(c.assessment_id[row]);
        AttributeValues attributes = found ? *found : AttributeValues{};
        attributes[static_cast<int>(Attribute::kUnit)] = unit[row];
        c.cell[row] = c.CellOf(attributes);
      }
    }
    auto fill = [this](uint32_t parity) {
      std::vector<std::pair<ResultColumns*, uint32_t>> out_of_order;  // none: rows come by id
      for (auto& [key, c] : columns_) {
        for (uint32_t row = 0; row < c.rows(); ++row) {
          if (c.cell[row] % 2 == parity && !c.AddToCell(row, c.cell[row])) out_of_order.emplace_back(&c, c.cell[row]);
        }
      }
      return out_of_order;
    };
    auto odd = std::async(std::launch::async, fill, 1);
    auto out_of_order = fill(0);
    for (const auto& cell : odd.get()) out_of_order.push_back(cell);
    for (const auto& [c, index] : out_of_order) c->MarkStale(index);
    for (int64_t id : orphans) Remove(id);
    // The columns grew as the rows came (counting them first took longer
    // than the growing); what they hold is what a snapshot keeps.
    for (auto& [key, c] : columns_) c.ShrinkToFit();
    feed_.StartAfter(positions->last_seq);
    return {};
  });
}

ResultColumns* ResultsSnapshot::ColumnsFor(std::string_view round, std::string_view model_id) {
  auto m = scoring::SharedModel(std::string(model_id));
  if (!m) return nullptr;  // a model no longer shipped: its results are not mapped
  ResultColumns& c = columns_[Key(round, model_id)];
  if (!c.model) {
    c.model = *m;
    c.dimensions.resize((*m)->dimensions.size());
    for (const auto& k : (*m)->key_indicators) c.key_indicators.emplace_back(k.share);
    slots_.push_back(&c);
    c.slot_ = static_cast<uint32_t>(slots_.size());
  }
  return &c;
}

void ResultColumns::ShrinkToFit() {
  uscc.shrink_to_fit();
  total.shrink_to_fit();
  level.shrink_to_fit();
  for (auto& d : dimensions) d.shrink_to_fit();
  for (auto& k : key_indicators) k.shrink_to_fit();
  assessment_id.shrink_to_fit();
  cell.shrink_to_fit();
  cells.shrink_to_fit();
  for (auto& c : cells) c.rows.shrink_to_fit();
}

namespace {

// Fills the cell's sorted columns from its rows.
void SortValues(const ResultColumns& c, ResultCell& cell) {
  const size_t columns = c.numeric_columns();
  size_t kept = 0;
  for (size_t j = 0; j < columns; ++j) kept += c.KeepsSorted(j);
  cell.sorted.clear();
  cell.sorted.reserve(cell.rows.size() * kept);
  cell.sorted_end.assign(columns, 0);
  for (size_t j = 0; j < columns; ++j) {
    const size_t begin = cell.sorted.size();
    if (c.KeepsSorted(j)) {
      const std::vector<double>& column = c.NumericColumn(j);
      for (uint32_t row : cell.rows) {
        if (!std::isnan(column[row])) cell.sorted.push_back(column[row]);
      }
      std::sort(cell.sorted.begin() + static_cast<ptrdiff_t>(begin), cell.sorted.end());
    }
    cell.sorted_end[j] = static_cast<uint32_t>(cell.sorted.size());
  }
  if (cell.sorted.capacity() - cell.sorted.size() > cell.sorted.size() / 8) cell.sorted.shrink_to_fit();
}

}  // namespace

void ResultsSnapshot::RefreshCells() {
  for (auto& [key, c] : columns_) {
    for (uint32_t i : c.stale_cells_) {
      ResultCell& cell = c.cells[i];
      cell.stale = false;
      // Rows in order, so that the sums do not depend on the history.
      std::sort(cell.rows.begin(), cell.rows.end(),
                [&c](uint32_t a, uint32_t b) { return c.assessment_id[a] < c.assessment_id[b]; });
      cell.sums.Reset(*c.model);
      cell.newest_id = 0;
      for (uint32_t row : cell.rows) {
        cell.sums.Add(c, row);
        cell.newest_id = c.assessment_id[row];
      }
    }
    c.stale_cells_.clear();
  }
}

ResultsSnapshot::~ResultsSnapshot() = default;

void ResultsSnapshot::EnsureSorted(const ResultColumns& columns, ResultCell& cell) const {
  // Writers set `unsorted` under the unique lock; under the shared lock it
  // only goes from true to false, after the values are made.
  std::atomic_ref<bool> unsorted(cell.unsorted);
  if (!unsorted.load(std::memory_order_acquire)) return;
  std::lock_guard guard(sort_mu_);
  if (!unsorted.load(std::memory_order_relaxed)) return;
  SortValues(columns, cell);
  unsorted.store(false, std::memory_order_release);
}

const ResultCell& ResultsSnapshot::SortedCell(const ResultColumns& columns, size_t i) const {
  // The sorted values are an index the snapshot makes when first needed;
  // the cell is the snapshot's own, not a caller's constant.
  ResultCell& cell = const_cast<ResultCell&>(columns.cells[i]);
  EnsureSorted(columns, cell);
  return cell;
}

void ResultsSnapshot::SortAll(std::stop_token stop) {
  // A few hundred cells at a time under the shared lock, so that writers
  // wait for one batch at most.
  constexpr size_t kBatchCells = 256;
  std::string key;
  size_t next = 0;
  while (!stop.stop_requested()) {
    std::shared_lock lock(mu_);
    auto it = columns_.lower_bound(key);
    if (it == columns_.end()) return;
    if (it->first != key) {
      key = it->first;
      next = 0;
    }
    const ResultColumns& c = it->second;
    for (const size_t end = std::min(c.cells.size(), next + kBatchCells); next < end; ++next) {
      EnsureSorted(c, const_cast<ResultCell&>(c.cells[next]));
    }
    if (next == c.cells.size()) key.push_back('\0');  // the next columns
  }
}

void ResultsSnapshot::WaitForSorting() {
  if (sorter_.joinable()) sorter_.join();
}

Result<void> ResultsSnapshot::CatchUp(store::Db& db) {
  return feed_.Run(db, /*local_only=*/false, [&] { return ReadFeed(db); });
}

Result<void> ResultsSnapshot::Current(store::Db& db) {
  return feed_.Run(db, feed_.followed(), [&] { return ReadFeed(db); });
}

namespace {

// Changes read from the feed, kept with their texts until applied.
class PendingResultChanges {
 public:
  void Add(const store::ResultChangeRow& change) {
    static constexpr std::string_view store::ResultChangeRow::*kTexts[] = {
        &store::ResultChangeRow::round,           &store::ResultChangeRow::model,
        &store::ResultChangeRow::uscc,            &store::ResultChangeRow::status,
        &store::ResultChangeRow::completion,      &store::ResultChangeRow::score_vector,
        &store::ResultChangeRow::unit,            &store::ResultChangeRow::industry_division,
        &store::ResultChangeRow::industry_group,  &store::ResultChangeRow::size_class,
        &store::ResultChangeRow::production_type, &store::ResultChangeRow::ownership};
    store::ResultChangeRow& kept = rows_.emplace_back(change);
    // A deque's elements never move, so views into them stay valid.
    for (auto text : kTexts) kept.*text = texts_.emplace_back(change.*text);
  }
  const std::vector<store::ResultChangeRow>& rows() const { return rows_; }
  bool empty() const { return rows_.empty(); }
  void Clear() {
    rows_.clear();
    texts_.clear();
  }

 private:
  std::vector<store::ResultChangeRow> rows_;
  std::deque<std::string> texts_;
};

}  // namespace

Result<void> ResultsSnapshot::ReadFeed(store::Db& db) {
  // Built from the tables while nothing is held (a build that failed half
  // way is completed from the feed instead, whose changes replace rows).
  if (feed_.last_seq() == 0 && where_.size() == 0) {
    std::unique_lock lock(mu_);
    scratch_.round.clear();
    scratch_.model.clear();
    scratch_.columns = nullptr;
    auto built = Bootstrap(db);
    if (!built) return built;
    if (where_.size() > 0) sorter_ = std::jthread([this](std::stop_token stop) { SortAll(stop); });
  }
  PendingResultChanges pending;
  auto scan = [&pending](store::Tx& tx, int64_t after, int64_t limit) {
    return store::ScanResultChanges(tx, after, limit, [&pending](const store::ResultChangeRow& r) { pending.Add(r); });
  };
  auto apply = [&](bool keep) {
    if (keep && !pending.empty()) {
      std::unique_lock lock(mu_);
      scratch_.round.clear();
      scratch_.model.clear();
      scratch_.columns = nullptr;
      for (const auto& row : pending.rows()) ApplyChange(row);
      RefreshCells();
    }
    pending.Clear();
  };
  return feed_.ReadAll(db, scan, apply);
}

std::vector<std::string> ResultsSnapshot::ModelsOf(std::string_view round) const {
  std::shared_lock lock(mu_);
  std::vector<std::string> out;
  std::string prefix = std::string(round) + "\x1f";
  for (const auto& [key, c] : columns_) {
    if (key.rfind(prefix, 0) == 0 && !c.total.empty()) out.push_back(c.model->id);
  }
  return out;
}

size_t ResultsSnapshot::rows() const {
  std::shared_lock lock(mu_);
  return where_.size();
}

size_t ResultColumns::MemoryBytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  size_t sum = bytes(uscc) + bytes(total) + bytes(level) + bytes(assessment_id) + bytes(cell) + bytes(cells);
  for (const auto& c : cells) {
    sum += bytes(c.rows) + bytes(c.sorted) + bytes(c.sorted_end) + bytes(c.sums.levels) + bytes(c.sums.dimension_sum) + bytes(c.sums.dimension_n) +
           bytes(c.sums.key_sum) + bytes(c.sums.key_n);
  }
  sum += cell_of_.MemoryBytes();
  for (const auto& d : dimensions) sum += bytes(d);
  for (const auto& k : key_indicators) sum += k.MemoryBytes();
  return sum;
}

size_t ResultsSnapshot::MemoryBytes() const {
  std::shared_lock lock(mu_);
  std::lock_guard sorting(sort_mu_);  // sorted values change under it
  // An unordered_map node holds the pair and a next pointer (and, in
  // libstdc++, no cached hash for integer keys); the bucket array one pointer
  // per bucket.
  size_t sum = where_.MemoryBytes();
  for (const auto& [key, c] : columns_) sum += c.MemoryBytes();
  return sum;
}

}  // namespace rongping::analytics
