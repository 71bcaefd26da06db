// Statistical disclosure control for published aggregates (domain.md §10):
// which cells of a table of aggregates must not be shown so that no figure
// about fewer than k enterprises (default 5) can be read or derived.
//
// A table is a set of cells, each an aggregate over n enterprises (a count,
// a sum, a mean, a share), and totals that are the sums of the cells in
// their row or column. Three rules decide what is withheld:
//
//  * Primary suppression: a cell with 0 < n < k is withheld.
//  * Complementary suppression: a withheld cell must not be derivable from
//    a visible total and its visible siblings. Each total and its cells form
//    a linear equation (total = sum of cells, for n and for a count or sum;
//    for a mean or share, total n * total mean = sum of n * mean, so the
//    same holds whenever n is shown). An equation with exactly one withheld
//    member gives that member away, so in every equation the number of
//    withheld members, the total included, must be 0 or at least 2. While
//    some equation has exactly one, one more of its visible members is
//    withheld, chosen as below, and the check repeats until nothing changes
//    (the standard iterative rule of official statistics).
//  * The equations together: the rule above looks at each equation alone,
//    and in a two-way table a withheld cell can still be pinned down by
//    combining several (two blocks of withheld cells joined by a single
//    one; about 1 random table in 100 had such a cell). Each entry is
//    in at most two equations, so the entries form a graph (equations as
//    nodes, entries as edges, an entry in one equation joined to a common
//    "outside" node); solving the equations for the withheld entries is a
//    flow problem on that graph, and a withheld entry is determined exactly
//    when it is a bridge: on no cycle of withheld entries. Each such bridge
//    gets a cycle by withholding the cheapest path of shown entries between
//    its ends (inner cells before totals, then the smallest total n). After
//    this no withheld entry can be computed from what is shown; the tests
//    check it by linear algebra on thousands of random tables.
//
// The decision depends only on n, never on the values, so it is the same
// for every figure published from the same groups, and a figure withheld
// in one column of an export cannot be recovered from another.
//
// A cell with n == 0 is shown as empty: it is about no enterprise, so there
// is nothing to protect. It is never chosen as a complement either: a
// complement must hide a real figure, since a reader may well know that a
// group is empty (no large enterprise of an industry in a city, say).
//
// Totals are the sums of the cells (the caller passes only the cells). A
// published total that also counts enterprises outside the table's rows
// needs a row for them (e.g. "未分类") for the equations to hold.
//
// Limits, as in official practice: exact values are protected, intervals
// are not (a primary cell is known to lie between 1 and k-1, and a reader
// may bound a withheld cell by the visible figures around it), and the
// protection holds for one table: tables published from overlapping groups
// must share their suppression pattern or be checked together.
#ifndef RONGPING_ANALYTICS_SUPPRESSION_H_
#define RONGPING_ANALYTICS_SUPPRESSION_H_

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace rongping::analytics {

// One aggregate. Only n is used for the decision; `value` is carried for
// the caller's convenience.
struct Cell {
  int64_t n = 0;     // enterprises the figure is about; REQUIRES n >= 0
  double value = 0;  // the figure itself
  // Withheld as primary whatever n (when n > 0): e.g. a cell that differs
  // from the same cell of a wider query by fewer than k enterprises.
  bool withhold = false;
};

enum class CellStatus : uint8_t {
  kShown,          // 0 < n, shown (n >= k, or k <= 1)
  kEmpty,          // n == 0: shown as empty
  kPrimary,        // withheld: 0 < n < k
  kComplementary,  // withheld: would make a primary cell derivable
};

// "shown", "empty", "primary", "complementary": stable, for JSON and logs.
std::string_view StatusName(CellStatus status);

// True for kPrimary and kComplementary.
inline bool IsSuppressed(CellStatus status) {
  return status == CellStatus::kPrimary || status == CellStatus::kComplementary;
}

// ---------------------------------------------------------------------------
// One-way table: rows (e.g. the cities of a province) and their total.

struct OneWaySuppression {
  std::vector<CellStatus> cells;  // one per input cell, same order
  CellStatus total = CellStatus::kShown;
};

// Primary suppression of every cell with 0 < n < k; then, when exactly one
// cell is withheld and the total is shown, the visible cell with the
// smallest n (the first of equals) is withheld as well (a single equation
// has no bridges beyond that). The total is
// withheld only when its own n (the sum) is below k; then every non-empty
// cell is primary too. REQUIRES: k >= 1.
// `withhold_total` withholds the total as primary (see Cell::withhold).
OneWaySuppression Suppress(std::span<const Cell> cells, int64_t k, bool withhold_total = false);

// ---------------------------------------------------------------------------
// Two-way table: rows x columns (e.g. cities x size classes) with a total
// per row, per column and a grand total.

struct TwoWaySuppression {
  int rows = 0;
  int cols = 0;
  std::vector<CellStatus> cells;          // row-major, rows * cols
  std::vector<CellStatus> row_totals;     // rows
  std::vector<CellStatus> column_totals;  // cols
  CellStatus grand_total = CellStatus::kShown;

  CellStatus cell(int row, int col) const { return cells[static_cast<size_t>(row * cols + col)]; }
};

// `cells` holds rows * cols cells in row-major order. Each row with its
// total, each column with its total, the row totals with the grand total
// and the column totals with the grand total are the equations; every one
// ends with 0 or at least 2 withheld members. Marginal and grand totals are
// primary-suppressed when their own n is below k.
//
// Complementary choice by the line rule for an equation with one withheld
// member, among its visible non-empty members, in this order of preference:
//  1. an inner cell before a row or column total; the grand total only as a
//     last resort, which the property tests have never seen needed;
//  2. a member whose other equation already has exactly one withheld member
//     (it settles two equations), then one whose other equation has two or
//     more (it settles one and upsets none), then the rest;
//  3. the smallest n; 4. the first in row-major order.
// Then bridges are closed as described at the top of this file. Deterministic:
// the same table gives the same pattern.
//
// Errors: kInvalid when rows or cols is negative or cells.size() is not
// rows * cols. REQUIRES: k >= 1.
Result<TwoWaySuppression> SuppressTwoWay(std::span<const Cell> cells, int rows, int cols,
                                         int64_t k);

// ---------------------------------------------------------------------------
// Hierarchy: nested groups such as nation > provinces > cities, in which
// every node with children is the total of its children.

// `nodes[i]` has parent `parent[i]`, -1 for a root; parents come before
// their children (parent[i] < i). Each node with children forms an
// equation with them. A root is withheld only when its own n is below k;
// for the complementary choice, siblings come before their parent total and
// a root only as a last resort, then as for SuppressTwoWay.
//
// Errors: kInvalid when the sizes differ or a parent index is not in
// [-1, i). REQUIRES: k >= 1; a node's n is the sum of its children's.
Result<std::vector<CellStatus>> SuppressHierarchy(std::span<const Cell> nodes,
                                                  std::span<const int> parent, int64_t k);

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_SUPPRESSION_H_
