#include "analytics/suppression.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <limits>
#include <string>
#include <tuple>

namespace rongping::analytics {
namespace {

// How reluctant we are to withhold an entry as a complement: inner cells
// first, then subtotals, a grand total or root only as a last resort.
enum Tier : uint8_t { kInner = 0, kSubtotal = 1, kProtected = 2 };

// A table as entries (cells and totals) and equations (lines) over them;
// every shape below is translated into this one form.
struct Table {
  std::vector<int64_t> n;
  std::vector<bool> withhold;  // primary whatever n; empty = none
  std::vector<uint8_t> tier;
  std::vector<std::vector<int>> lines;  // the entries of each equation
};

// The entries as edges of a graph whose nodes are the lines plus a
// "ground" node standing for "no further equation": an entry joins the two
// lines it is in, or its one line and ground. Withheld entries are the
// unknowns of the system of line equations; in this graph the system is a
// flow conservation (after flipping the signs of some equations and
// entries, which changes nothing about what is determined), whose null
// space is spanned by the cycles. So a withheld entry can be derived from
// the shown ones exactly when it lies on no cycle of withheld entries: when
// it is a bridge.
struct Graph {
  explicit Graph(const Table& t) : ground(static_cast<int>(t.lines.size())) {
    ends.assign(t.n.size(), {ground, ground});
    std::vector<int> seen(t.n.size(), 0);
    for (size_t l = 0; l < t.lines.size(); ++l) {
      for (int e : t.lines[l]) {
        const auto ue = static_cast<size_t>(e);
        assert(seen[ue] < 2);  // every shape here puts an entry in at most two lines
        ends[ue][static_cast<size_t>(seen[ue]++)] = static_cast<int>(l);
      }
    }
    adjacent.resize(static_cast<size_t>(ground) + 1);
    for (size_t e = 0; e < ends.size(); ++e) {
      if (ends[e][0] == ends[e][1]) continue;  // in no line: no equation involves it
      adjacent[static_cast<size_t>(ends[e][0])].push_back(static_cast<int>(e));
      adjacent[static_cast<size_t>(ends[e][1])].push_back(static_cast<int>(e));
    }
  }
  int Other(int e, int node) const {
    const auto& ab = ends[static_cast<size_t>(e)];
    return ab[0] == node ? ab[1] : ab[0];
  }

  int ground;
  std::vector<std::array<int, 2>> ends;    // per entry
  std::vector<std::vector<int>> adjacent;  // per node: entries touching it
};

// The first withheld entry, not marked `skip`, that is a bridge among
// withheld entries, or -1. Tarjan's low-link, iterative; parallel entries
// are told apart by index.
int FirstBridge(const Graph& g, const std::vector<CellStatus>& status,
                const std::vector<bool>& skip) {
  const size_t nodes = g.adjacent.size();
  std::vector<int> order(nodes, -1), low(nodes, 0);
  int best = -1;
  int counter = 0;
  struct Frame {
    int node;
    int via;      // entry we came by, -1 at a root
    size_t next;  // index into adjacent[node]
  };
  std::vector<Frame> stack;
  for (size_t root = 0; root < nodes; ++root) {
    if (order[root] >= 0) continue;
    order[root] = low[root] = counter++;
    stack.push_back({static_cast<int>(root), -1, 0});
    while (!stack.empty()) {
      Frame& f = stack.back();
      const auto u = static_cast<size_t>(f.node);
      if (f.next < g.adjacent[u].size()) {
        const int e = g.adjacent[u][f.next++];
        if (e == f.via || !IsSuppressed(status[static_cast<size_t>(e)])) continue;
        const int v = g.Other(e, f.node);
        const auto uv = static_cast<size_t>(v);
        if (order[uv] < 0) {
          order[uv] = low[uv] = counter++;
          stack.push_back({v, e, 0});
        } else {
          low[u] = std::min(low[u], order[uv]);
        }
        continue;
      }
      const Frame done = f;
      stack.pop_back();
      if (stack.empty()) break;
      const auto parent = static_cast<size_t>(stack.back().node);
      const auto child = static_cast<size_t>(done.node);
      low[parent] = std::min(low[parent], low[child]);
      if (low[child] > order[parent] && !skip[static_cast<size_t>(done.via)] &&
          (best < 0 || done.via < best)) {
        best = done.via;
      }
    }
  }
  return best;
}

// Cost of also withholding an entry on a repair path, compared
// lexicographically: grand totals and roots, subtotals, then n.
using Cost = std::tuple<int64_t, int64_t, int64_t>;

// Withholds the cheapest set of shown entries that closes a cycle through
// `bridge` (Dijkstra from one end to the other, withheld entries free).
// False when no such path exists.
bool CloseCycle(const Table& t, const Graph& g, int bridge, std::vector<CellStatus>& status) {
  const size_t nodes = g.adjacent.size();
  constexpr int64_t kInf = std::numeric_limits<int64_t>::max();
  std::vector<Cost> dist(nodes, Cost{kInf, kInf, kInf});
  std::vector<int> via(nodes, -1);
  std::vector<bool> done(nodes, false);
  const auto& ends = g.ends[static_cast<size_t>(bridge)];
  dist[static_cast<size_t>(ends[0])] = Cost{0, 0, 0};
  for (;;) {
    int u = -1;
    for (size_t x = 0; x < nodes; ++x) {
      if (!done[x] && std::get<0>(dist[x]) != kInf &&
          (u < 0 || dist[x] < dist[static_cast<size_t>(u)])) {
        u = static_cast<int>(x);
      }
    }
    if (u < 0) return false;
    if (u == ends[1]) break;
    done[static_cast<size_t>(u)] = true;
    for (int e : g.adjacent[static_cast<size_t>(u)]) {
      const auto ue = static_cast<size_t>(e);
      if (e == bridge || status[ue] == CellStatus::kEmpty) continue;
      Cost step{0, 0, 0};
      if (!IsSuppressed(status[ue])) {
        step = Cost{t.tier[ue] == kProtected, t.tier[ue] == kSubtotal, t.n[ue]};
      }
      const Cost& du = dist[static_cast<size_t>(u)];
      const Cost through{std::get<0>(du) + std::get<0>(step), std::get<1>(du) + std::get<1>(step),
                         std::get<2>(du) + std::get<2>(step)};
      const auto v = static_cast<size_t>(g.Other(e, u));
      if (!done[v] && through < dist[v]) {
        dist[v] = through;
        via[v] = e;
      }
    }
  }
  for (int node = ends[1]; node != ends[0];) {
    const int e = via[static_cast<size_t>(node)];
    if (!IsSuppressed(status[static_cast<size_t>(e)])) {
      status[static_cast<size_t>(e)] = CellStatus::kComplementary;
    }
    node = g.Other(e, node);
  }
  return true;
}

// Primary suppression, then complements by the line rule until every line
// has 0 or >= 2 withheld entries, then more complements until no withheld
// entry is a bridge. Each step withholds at least one more entry, so it
// ends after at most n.size() steps.
std::vector<CellStatus> Solve(const Table& t, int64_t k) {
  assert(k >= 1);
  const size_t size = t.n.size();
  std::vector<CellStatus> status(size);
  for (size_t e = 0; e < size; ++e) {
    assert(t.n[e] >= 0);
    const bool withhold = e < t.withhold.size() && t.withhold[e];
    status[e] = t.n[e] == 0              ? CellStatus::kEmpty
                : t.n[e] < k || withhold ? CellStatus::kPrimary
                                         : CellStatus::kShown;
  }
  std::vector<std::vector<int>> lines_of(size);
  std::vector<int> withheld(t.lines.size(), 0);
  for (size_t l = 0; l < t.lines.size(); ++l) {
    for (int e : t.lines[l]) {
      lines_of[static_cast<size_t>(e)].push_back(static_cast<int>(l));
      withheld[l] += IsSuppressed(status[static_cast<size_t>(e)]);
    }
  }

  // The line rule. Preference among candidates, smallest first: tier; what
  // withholding the entry does to its other lines (0 settles one that has
  // exactly one, 1 leaves ones with two or more as they are, 2 upsets one
  // with none); n; position.
  using Preference = std::tuple<uint8_t, int, int64_t, int>;
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t l = 0; l < t.lines.size(); ++l) {
      if (withheld[l] != 1) continue;
      int best = -1;
      Preference best_pref;
      for (int e : t.lines[l]) {
        const auto ue = static_cast<size_t>(e);
        if (status[ue] != CellStatus::kShown) continue;
        int effect = 0;
        for (int other : lines_of[ue]) {
          if (other == static_cast<int>(l)) continue;
          const int w = withheld[static_cast<size_t>(other)];
          effect = std::max(effect, w == 1 ? 0 : w >= 2 ? 1 : 2);
        }
        Preference pref{t.tier[ue], effect, t.n[ue], e};
        if (best < 0 || pref < best_pref) {
          best = e;
          best_pref = pref;
        }
      }
      // With totals that are sums of their cells a line with one withheld
      // entry always has a visible non-empty one (else the withheld entry
      // would equal a visible one, or be a total of zero).
      if (best < 0) continue;
      status[static_cast<size_t>(best)] = CellStatus::kComplementary;
      for (int other : lines_of[static_cast<size_t>(best)]) ++withheld[static_cast<size_t>(other)];
      changed = true;
    }
  }

  // The system as a whole: close a cycle through every bridge.
  const Graph g(t);
  std::vector<bool> hopeless(size, false);
  for (;;) {
    const int bridge = FirstBridge(g, status, hopeless);
    if (bridge < 0) break;
    // A missing path cannot happen when totals are sums of their cells;
    // should it, the entry stays as the line rule left it.
    if (!CloseCycle(t, g, bridge, status)) hopeless[static_cast<size_t>(bridge)] = true;
  }
  return status;
}

}  // namespace

std::string_view StatusName(CellStatus status) {
  switch (status) {
    case CellStatus::kShown:
      return "shown";
    case CellStatus::kEmpty:
      return "empty";
    case CellStatus::kPrimary:
      return "primary";
    case CellStatus::kComplementary:
      return "complementary";
  }
  return "shown";
}

OneWaySuppression Suppress(std::span<const Cell> cells, int64_t k, bool withhold_total) {
  Table t;
  t.n.reserve(cells.size() + 1);
  std::vector<int> line;
  line.reserve(cells.size() + 1);
  int64_t total = 0;
  for (const Cell& c : cells) {
    line.push_back(static_cast<int>(t.n.size()));
    t.n.push_back(c.n);
    t.withhold.push_back(c.withhold);
    t.tier.push_back(kInner);
    total += c.n;
  }
  line.push_back(static_cast<int>(t.n.size()));
  t.n.push_back(total);
  t.withhold.push_back(withhold_total);
  t.tier.push_back(kProtected);
  t.lines.push_back(std::move(line));

  std::vector<CellStatus> status = Solve(t, k);
  OneWaySuppression out;
  out.total = status.back();
  status.pop_back();
  out.cells = std::move(status);
  return out;
}

Result<TwoWaySuppression> SuppressTwoWay(std::span<const Cell> cells, int rows, int cols,
                                         int64_t k) {
  if (rows < 0 || cols < 0) {
    return Fail(Error::Invalid("invalid_table_shape", "表格的行数和列数不能为负"));
  }
  const size_t r = static_cast<size_t>(rows);
  const size_t c = static_cast<size_t>(cols);
  if (cells.size() != r * c) {
    return Fail(Error::Invalid("invalid_table_shape", "表格单元数 " + std::to_string(cells.size()) +
                                                          " 与 " + std::to_string(rows) + " 行 × " +
                                                          std::to_string(cols) + " 列不符"));
  }
  // Entries: cells row-major, then row totals, column totals, grand total.
  const size_t row_total0 = r * c;
  const size_t col_total0 = row_total0 + r;
  const size_t grand = col_total0 + c;
  Table t;
  t.n.assign(grand + 1, 0);
  t.tier.assign(grand + 1, kSubtotal);
  t.tier[grand] = kProtected;
  t.lines.resize(r + c + 2);
  for (size_t i = 0; i < r; ++i) {
    for (size_t j = 0; j < c; ++j) {
      const size_t e = i * c + j;
      t.n[e] = cells[e].n;
      t.tier[e] = kInner;
      t.n[row_total0 + i] += cells[e].n;
      t.n[col_total0 + j] += cells[e].n;
      t.n[grand] += cells[e].n;
      t.lines[i].push_back(static_cast<int>(e));
      t.lines[r + j].push_back(static_cast<int>(e));
    }
  }
  for (size_t i = 0; i < r; ++i) {
    t.lines[i].push_back(static_cast<int>(row_total0 + i));
    t.lines[r + c].push_back(static_cast<int>(row_total0 + i));
  }
  for (size_t j = 0; j < c; ++j) {
    t.lines[r + j].push_back(static_cast<int>(col_total0 + j));
    t.lines[r + c + 1].push_back(static_cast<int>(col_total0 + j));
  }
  t.lines[r + c].push_back(static_cast<int>(grand));
  t.lines[r + c + 1].push_back(static_cast<int>(grand));

  const std::vector<CellStatus> status = Solve(t, k);
  TwoWaySuppression out;
  out.rows = rows;
  out.cols = cols;
  out.cells.assign(status.begin(), status.begin() + static_cast<ptrdiff_t>(row_total0));
  out.row_totals.assign(status.begin() + static_cast<ptrdiff_t>(row_total0),
                        status.begin() + static_cast<ptrdiff_t>(col_total0));
  out.column_totals.assign(status.begin() + static_cast<ptrdiff_t>(col_total0),
                           status.begin() + static_cast<ptrdiff_t>(grand));
  out.grand_total = status[grand];
  return out;
}

Result<std::vector<CellStatus>> SuppressHierarchy(std::span<const Cell> nodes,
                                                  std::span<const int> parent, int64_t k) {
  if (nodes.size() != parent.size()) {
    return Fail(Error::Invalid("invalid_hierarchy", "节点数与上级数不符"));
  }
  Table t;
  t.n.resize(nodes.size());
  t.tier.assign(nodes.size(), kInner);
  std::vector<std::vector<int>> children(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const int p = parent[i];
    if (p < -1 || p >= static_cast<int>(i)) {
      return Fail(Error::Invalid("invalid_hierarchy",
                                 "第 " + std::to_string(i) + " 个节点的上级须在它之前", "parent"));
    }
    t.n[i] = nodes[i].n;
    if (p < 0) {
      t.tier[i] = kProtected;
    } else {
      children[static_cast<size_t>(p)].push_back(static_cast<int>(i));
      if (t.tier[static_cast<size_t>(p)] == kInner) t.tier[static_cast<size_t>(p)] = kSubtotal;
    }
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (children[i].empty()) continue;
    children[i].push_back(static_cast<int>(i));
    t.lines.push_back(std::move(children[i]));
  }
  return Solve(t, k);
}

}  // namespace rongping::analytics
