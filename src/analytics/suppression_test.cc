#include "analytics/suppression.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace rongping::analytics {
namespace {

std::vector<Cell> Cells(std::initializer_list<int64_t> n) {
  std::vector<Cell> cells;
  for (int64_t x : n) cells.push_back({x, static_cast<double>(x)});
  return cells;
}

// One character per status: '.' shown, '-' empty, 'P' primary,
// 'C' complementary.
char Letter(CellStatus s) {
  switch (s) {
    case CellStatus::kShown:
      return '.';
    case CellStatus::kEmpty:
      return '-';
    case CellStatus::kPrimary:
      return 'P';
    case CellStatus::kComplementary:
      return 'C';
  }
  return '?';
}

std::string Pattern(const std::vector<CellStatus>& statuses) {
  std::string out;
  for (CellStatus s : statuses) out += Letter(s);
  return out;
}

// Rows of a two-way result joined by '/'.
std::string Pattern(const TwoWaySuppression& s) {
  std::string out;
  for (int r = 0; r < s.rows; ++r) {
    if (r > 0) out += '/';
    for (int c = 0; c < s.cols; ++c) out += Letter(s.cell(r, c));
  }
  return out;
}

// ---------------------------------------------------------------------------
// One-way tables, k = 5.

TEST(Suppress, OneSmallCellTakesItsSmallestSibling) {
  const OneWaySuppression s = Suppress(Cells({3, 10, 7, 20}), 5);
  EXPECT_EQ(Pattern(s.cells), "P.C.");
  EXPECT_EQ(s.total, CellStatus::kShown);
}

TEST(Suppress, AWithheldCellIsPrimaryWhateverItsSize) {
  auto cells = Cells({30, 10, 7, 20});
  cells[0].withhold = true;  // e.g. differs from a wider query by 2
  const OneWaySuppression s = Suppress(cells, 5);
  EXPECT_EQ(Pattern(s.cells), "P.C.");
  EXPECT_EQ(s.total, CellStatus::kShown);
}

TEST(Suppress, AWithheldTotalTakesACellWithIt) {
  const OneWaySuppression s = Suppress(Cells({30, 10, 7, 20}), 5, /*withhold_total=*/true);
  EXPECT_EQ(s.total, CellStatus::kPrimary);
  EXPECT_EQ(Pattern(s.cells), "..C.");  // else the total is the sum of the cells
}

TEST(Suppress, TwoSmallCellsProtectEachOther) {
  const OneWaySuppression s = Suppress(Cells({3, 4, 20, 30}), 5);
  EXPECT_EQ(Pattern(s.cells), "PP..");
  EXPECT_EQ(s.total, CellStatus::kShown);
}

TEST(Suppress, SmallCellWithOneSibling) {
  // The only sibling must go too, or total - sibling gives the small cell.
  const OneWaySuppression s = Suppress(Cells({2, 50}), 5);
  EXPECT_EQ(Pattern(s.cells), "PC");
  EXPECT_EQ(s.total, CellStatus::kShown);
}

TEST(Suppress, SmallCellWhoseSiblingsAreEmpty) {
  // The total is the small cell itself, so it is primary too; empty cells
  // are shown as empty, never withheld.
  const OneWaySuppression s = Suppress(Cells({0, 3, 0}), 5);
  EXPECT_EQ(Pattern(s.cells), "-P-");
  EXPECT_EQ(s.total, CellStatus::kPrimary);
  EXPECT_EQ(Suppress(Cells({3}), 5).total, CellStatus::kPrimary);
}

TEST(Suppress, EmptyCellIsNeverAComplement) {
  EXPECT_EQ(Pattern(Suppress(Cells({2, 0, 9, 12}), 5).cells), "P-C.");
}

TEST(Suppress, TiesTakeTheFirst) { EXPECT_EQ(Pattern(Suppress(Cells({8, 1, 8}), 5).cells), "CP."); }

TEST(Suppress, SmallTotalOnlyWhenItsOwnNIsSmall) {
  // Two small cells adding up to less than k: the total goes too.
  const OneWaySuppression s = Suppress(Cells({1, 2, 0}), 5);
  EXPECT_EQ(Pattern(s.cells), "PP-");
  EXPECT_EQ(s.total, CellStatus::kPrimary);
}

TEST(Suppress, NothingToProtect) {
  EXPECT_EQ(Pattern(Suppress(Cells({5, 6, 0}), 5).cells), "..-");
  EXPECT_EQ(Pattern(Suppress(Cells({1, 2}), 1).cells), "..");  // k = 1: no minimum
  const OneWaySuppression empty = Suppress(Cells({0, 0}), 5);
  EXPECT_EQ(Pattern(empty.cells), "--");
  EXPECT_EQ(empty.total, CellStatus::kEmpty);
  EXPECT_EQ(Suppress({}, 5).total, CellStatus::kEmpty);
}

TEST(Suppress, StatusNames) {
  EXPECT_EQ(StatusName(CellStatus::kShown), "shown");
  EXPECT_EQ(StatusName(CellStatus::kEmpty), "empty");
  EXPECT_EQ(StatusName(CellStatus::kPrimary), "primary");
  EXPECT_EQ(StatusName(CellStatus::kComplementary), "complementary");
}

// ---------------------------------------------------------------------------
// Two-way tables, k = 5.

TEST(SuppressTwoWay, IterativeRule) {
  // (0,0) is small. Row 0 takes (0,1) (smaller than (0,2)); that upsets
  // column 1, column 0 takes (1,0) (smaller than (2,0)), which leaves row 1
  // with one, and column 1 settles both with (1,1).
  const auto s = SuppressTwoWay(Cells({2, 10, 12,  //
                                       9, 8, 20,   //
                                       15, 30, 11}),
                                3, 3, 5);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(Pattern(*s), "PC./CC./...");
  EXPECT_EQ(Pattern(s->row_totals), "...");
  EXPECT_EQ(Pattern(s->column_totals), "...");
  EXPECT_EQ(s->grand_total, CellStatus::kShown);
}

TEST(SuppressTwoWay, FallsBackToMarginsWhenNoCellCanHelp) {
  // Row 0 is a single small cell, so its total is small too. Column 0
  // takes (1,0), its only other cell. Row 0's total = grand total - row 1's
  // total, so row 1's total goes too (the grand total never does), which
  // also settles row 1.
  const auto s = SuppressTwoWay(Cells({2, 0, 0,  //
                                       8, 0, 9}),
                                2, 3, 5);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(Pattern(*s), "P--/C-.");
  EXPECT_EQ(Pattern(s->row_totals), "PC");
  EXPECT_EQ(Pattern(s->column_totals), ".-.");
  EXPECT_EQ(s->grand_total, CellStatus::kShown);
}

TEST(SuppressTwoWay, ClosesABridgeTheLineRuleMisses) {
  // Two blocks of small cells joined by the small cell (0,2). Every row and
  // column has 2 or 3 withheld cells, yet (0,2) = row 0 total - 30 -
  // ((0,0) + (0,1)), and the block gives (0,0) + (0,1) = column 0 + column 1
  // - row 1 figures. The cheapest shown cell joining the blocks, (1,3) = 6,
  // is withheld to close a cycle.
  const auto s = SuppressTwoWay(Cells({1, 2, 2, 30,   //
                                       3, 4, 40, 6,   //
                                       50, 60, 1, 2,  //
                                       70, 80, 3, 4}),
                                4, 4, 5);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(Pattern(*s), "PPP./PP.C/..PP/..PP");
  EXPECT_EQ(Pattern(s->row_totals), "....");
  EXPECT_EQ(Pattern(s->column_totals), "....");
}

TEST(SuppressTwoWay, RejectsWrongShape) {
  const auto bad = SuppressTwoWay(Cells({1, 2, 3}), 2, 2, 5);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(bad.error().code, "invalid_table_shape");
  EXPECT_FALSE(SuppressTwoWay({}, -1, 0, 5).has_value());
  const auto none = SuppressTwoWay({}, 0, 3, 5);
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(Pattern(none->column_totals), "---");
}

// ---------------------------------------------------------------------------
// Hierarchies: nation > provinces A, B > cities a1 a2, b1 b2.

const std::vector<int> kParents{-1, 0, 0, 1, 1, 2, 2};  // root, A, B, a1, a2, b1, b2

TEST(SuppressHierarchy, SiblingBeforeParent) {
  const auto s = SuppressHierarchy(Cells({93, 23, 70, 3, 20, 30, 40}), kParents, 5);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(Pattern(*s), "...PC..");
}

TEST(SuppressHierarchy, SmallProvinceTakesASiblingAndOneOfItsCities) {
  // A = 4 is small with both its cities; at the national level B must go
  // (the root never does), and then one of B's cities.
  const auto s = SuppressHierarchy(Cells({74, 4, 70, 3, 1, 30, 40}), kParents, 5);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(Pattern(*s), ".PCPPC.");
}

TEST(SuppressHierarchy, RejectsParentsAfterChildren) {
  EXPECT_FALSE(SuppressHierarchy(Cells({1, 2}), std::vector<int>{1, -1}, 5).has_value());
  EXPECT_FALSE(SuppressHierarchy(Cells({1, 2}), std::vector<int>{-1}, 5).has_value());
}

// ---------------------------------------------------------------------------
// Properties over random tables.

// A linear equation over entries: sum of coefficient * entry = known.
using Equation = std::vector<std::pair<int, double>>;

// Which withheld entries the shown ones determine: x_e is determined when
// the unit vector e is in the row space of the equations restricted to the
// withheld entries, i.e. when the reduced row echelon form has a row whose
// only non-zero is in column e.
std::vector<int> Determined(const std::vector<Equation>& equations,
                            const std::vector<bool>& withheld) {
  std::vector<int> column_of(withheld.size(), -1);
  std::vector<int> entry_of;
  for (size_t e = 0; e < withheld.size(); ++e) {
    if (withheld[e]) {
      column_of[e] = static_cast<int>(entry_of.size());
      entry_of.push_back(static_cast<int>(e));
    }
  }
  const size_t cols = entry_of.size();
  std::vector<std::vector<double>> a;
  for (const Equation& eq : equations) {
    std::vector<double> row(cols, 0);
    for (auto [e, coef] : eq) {
      const int c = column_of[static_cast<size_t>(e)];
      if (c >= 0) row[static_cast<size_t>(c)] += coef;
    }
    a.push_back(std::move(row));
  }
  size_t rank = 0;
  for (size_t c = 0; c < cols && rank < a.size(); ++c) {
    size_t pivot = rank;
    for (size_t r = rank; r < a.size(); ++r) {
      if (std::fabs(a[r][c]) > std::fabs(a[pivot][c])) pivot = r;
    }
    if (std::fabs(a[pivot][c]) < 1e-9) continue;
    std::swap(a[pivot], a[rank]);
    const double p = a[rank][c];
    for (double& x : a[rank]) x /= p;
    for (size_t r = 0; r < a.size(); ++r) {
      if (r == rank || std::fabs(a[r][c]) < 1e-12) continue;
      const double f = a[r][c];
      for (size_t x = 0; x < cols; ++x) a[r][x] -= f * a[rank][x];
    }
    ++rank;
  }
  std::vector<int> determined;
  for (size_t r = 0; r < rank; ++r) {
    int nonzero = 0;
    size_t where = 0;
    for (size_t c = 0; c < cols; ++c) {
      if (std::fabs(a[r][c]) > 1e-9) {
        ++nonzero;
        where = c;
      }
    }
    if (nonzero == 1) determined.push_back(entry_of[where]);
  }
  return determined;
}

// The equations of a two-way table as a (rows+1) x (cols+1) grid, row-major,
// with the totals in the last row and column: every row and every column of
// the grid sums to its last entry.
std::vector<Equation> GridEquations(int rows, int cols) {
  auto at = [cols](int r, int c) { return r * (cols + 1) + c; };
  std::vector<Equation> equations;
  for (int r = 0; r <= rows; ++r) {
    Equation eq;
    for (int c = 0; c <= cols; ++c) eq.push_back({at(r, c), c < cols ? 1.0 : -1.0});
    equations.push_back(eq);
  }
  for (int c = 0; c <= cols; ++c) {
    Equation eq;
    for (int r = 0; r <= rows; ++r) eq.push_back({at(r, c), r < rows ? 1.0 : -1.0});
    equations.push_back(eq);
  }
  return equations;
}

TEST(SuppressProperty, OracleFindsWhatTheLineRuleMisses) {
  // The pattern of ClosesABridgeTheLineRuleMisses before the repair, on the
  // 5 x 5 grid: the oracle must see that (0,2) is determined, and nothing
  // else; after withholding (1,3) nothing is.
  std::vector<bool> withheld(25, false);
  for (auto [r, c] :
       {std::pair{0, 0}, {0, 1}, {0, 2}, {1, 0}, {1, 1}, {2, 2}, {2, 3}, {3, 2}, {3, 3}}) {
    withheld[static_cast<size_t>(r * 5 + c)] = true;
  }
  EXPECT_EQ(Determined(GridEquations(4, 4), withheld), std::vector<int>{2});
  withheld[1 * 5 + 3] = true;
  EXPECT_TRUE(Determined(GridEquations(4, 4), withheld).empty());
  // One withheld cell in a row is determined, of course.
  std::vector<bool> one(4, false);
  one[0] = true;
  EXPECT_EQ(Determined(GridEquations(1, 1), one), std::vector<int>{0});
}

int64_t RandomN(std::mt19937_64& rng) {
  const int u = static_cast<int>(rng() % 10);
  if (u < 2) return 0;                                    // empty
  if (u < 5) return 1 + static_cast<int64_t>(rng() % 4);  // small
  return 5 + static_cast<int64_t>(rng() % 100);           // large
}

// Shared checks: statuses agree with n, each equation has 0 or >= 2
// withheld entries, nothing withheld is determined, protected entries are
// withheld only when small.
void CheckProperties(const std::vector<int64_t>& n, const std::vector<CellStatus>& status,
                     const std::vector<Equation>& equations,
                     const std::vector<int>& protected_entries, int64_t k, int table) {
  SCOPED_TRACE("table " + std::to_string(table));
  std::vector<bool> withheld(n.size());
  for (size_t e = 0; e < n.size(); ++e) {
    withheld[e] = IsSuppressed(status[e]);
    EXPECT_EQ(status[e] == CellStatus::kEmpty, n[e] == 0) << "entry " << e;
    EXPECT_EQ(status[e] == CellStatus::kPrimary, n[e] > 0 && n[e] < k) << "entry " << e;
    if (!withheld[e]) {
      EXPECT_TRUE(n[e] == 0 || n[e] >= k) << "entry " << e;
    }
  }
  for (const Equation& eq : equations) {
    int count = 0;
    for (auto [e, coef] : eq) count += withheld[static_cast<size_t>(e)];
    EXPECT_NE(count, 1);
  }
  EXPECT_TRUE(Determined(equations, withheld).empty());
  for (int e : protected_entries) {
    EXPECT_NE(status[static_cast<size_t>(e)], CellStatus::kComplementary) << "protected " << e;
  }
}

TEST(SuppressProperty, OneWay) {
  std::mt19937_64 rng(20240611);
  for (int table = 0; table < 2000; ++table) {
    const int64_t k = table % 2 ? 5 : 3;
    std::vector<Cell> cells(1 + rng() % 12);
    std::vector<int64_t> n;
    Equation eq;
    int64_t total = 0;
    for (Cell& c : cells) {
      c.n = RandomN(rng);
      eq.push_back({static_cast<int>(n.size()), 1});
      n.push_back(c.n);
      total += c.n;
    }
    eq.push_back({static_cast<int>(n.size()), -1});
    n.push_back(total);
    const OneWaySuppression s = Suppress(cells, k);
    std::vector<CellStatus> status = s.cells;
    status.push_back(s.total);
    CheckProperties(n, status, {eq}, {static_cast<int>(n.size()) - 1}, k, table);
  }
}

TEST(SuppressProperty, TwoWay) {
  std::mt19937_64 rng(7);
  int complements = 0;
  for (int table = 0; table < 2000; ++table) {
    const int64_t k = table % 2 ? 5 : 3;
    const int rows = 1 + static_cast<int>(rng() % 7);
    const int cols = 1 + static_cast<int>(rng() % 7);
    std::vector<Cell> cells(static_cast<size_t>(rows * cols));
    for (Cell& c : cells) c.n = RandomN(rng);
    const auto s = SuppressTwoWay(cells, rows, cols, k);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(Pattern(*s), Pattern(*SuppressTwoWay(cells, rows, cols, k)));  // deterministic

    // Entries of the (rows+1) x (cols+1) grid, totals last in each line.
    const int w = cols + 1;
    auto at = [w](int r, int c) { return r * w + c; };
    std::vector<int64_t> n(static_cast<size_t>((rows + 1) * w), 0);
    std::vector<CellStatus> status(n.size());
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) {
        const int64_t x = cells[static_cast<size_t>(r * cols + c)].n;
        n[static_cast<size_t>(at(r, c))] = x;
        n[static_cast<size_t>(at(r, cols))] += x;
        n[static_cast<size_t>(at(rows, c))] += x;
        n[static_cast<size_t>(at(rows, cols))] += x;
        status[static_cast<size_t>(at(r, c))] = s->cell(r, c);
      }
      status[static_cast<size_t>(at(r, cols))] = s->row_totals[static_cast<size_t>(r)];
    }
    for (int c = 0; c < cols; ++c) {
      status[static_cast<size_t>(at(rows, c))] = s->column_totals[static_cast<size_t>(c)];
    }
    status[static_cast<size_t>(at(rows, cols))] = s->grand_total;
    CheckProperties(n, status, GridEquations(rows, cols), {at(rows, cols)}, k, table);
    for (CellStatus st : status) complements += st == CellStatus::kComplementary;
  }
  EXPECT_GT(complements, 0);
}

TEST(SuppressProperty, Hierarchy) {
  std::mt19937_64 rng(11);
  for (int table = 0; table < 2000; ++table) {
    const int64_t k = table % 2 ? 5 : 3;
    // root, provinces, cities; a province without cities is a leaf.
    std::vector<int> parent{-1};
    const int provinces = 1 + static_cast<int>(rng() % 5);
    std::vector<int> province_ids;
    for (int p = 0; p < provinces; ++p) {
      province_ids.push_back(static_cast<int>(parent.size()));
      parent.push_back(0);
    }
    for (int p : province_ids) {
      const int cities = static_cast<int>(rng() % 5);
      for (int c = 0; c < cities; ++c) parent.push_back(p);
    }
    std::vector<int64_t> n(parent.size(), 0);
    std::vector<bool> has_children(parent.size(), false);
    for (size_t i = 1; i < parent.size(); ++i) has_children[static_cast<size_t>(parent[i])] = true;
    for (size_t i = parent.size(); i-- > 1;) {
      if (!has_children[i]) n[i] = RandomN(rng);
      n[static_cast<size_t>(parent[i])] += n[i];
    }
    std::vector<Cell> nodes;
    for (int64_t x : n) nodes.push_back({x, 0});
    const auto s = SuppressHierarchy(nodes, parent, k);
    ASSERT_TRUE(s.has_value());
    std::vector<Equation> equations(parent.size());
    for (size_t i = 1; i < parent.size(); ++i) {
      equations[static_cast<size_t>(parent[i])].push_back({static_cast<int>(i), 1});
    }
    for (size_t i = 0; i < parent.size(); ++i) {
      if (has_children[i]) equations[i].push_back({static_cast<int>(i), -1});
    }
    CheckProperties(n, *s, equations, {0}, k, table);
  }
}

}  // namespace
}  // namespace rongping::analytics
