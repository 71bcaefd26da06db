// 自诊断 and 自对标: an enterprise's result against its peers. Peers are the
// narrowest group of the fallback chain (analytics/stats.h) that holds at
// least k completed assessments of the same round and model; every figure
// says which group and how many enterprises it rests on.
#ifndef RONGPING_ANALYTICS_DIAGNOSIS_H_
#define RONGPING_ANALYTICS_DIAGNOSIS_H_

#include <optional>
#include <string>
#include <vector>

#include "analytics/results_snapshot.h"
#include "analytics/stats.h"
#include "scoring/scorer.h"

namespace rongping::analytics {

struct Benchmark {
  Summary peers;                          // of the peers' values
  std::optional<double> percentile_rank;  // the enterprise among its peers, 0-100
};

struct Priority {
  int dimension = -1;     // index into model.dimensions
  double score = 0;       // the enterprise's
  double gap_p75 = 0;     // max(0, P75 - score)
  double gap_p90 = 0;
  double weight = 0;      // the dimension's share of the total
  double urgency = 0;     // weight * (gap_p75 + gap_p90 / 2): the ranking key
  std::vector<int> weakest_indicators;  // indices into model.indicators, weakest first
};

struct Diagnosis {
  bool has_peers = false;
  std::string peer_group_id;     // e.g. "group_size_province"
  std::string peer_group_label;  // e.g. "电子信息 · 小型 · 广东省 (n=128)"
  int64_t peer_n = 0;
  Benchmark total;
  std::vector<Benchmark> dimensions;
  std::vector<Summary> key_indicators;  // for bool ones, mean is the share (0-1)
  std::vector<Priority> priorities;     // most urgent first
};

// `key` and `labels` describe the enterprise (see FallbackChain); `result`
// is its current scoring. Reads the snapshot's columns of the round and
// model; k is the minimum group size.
Diagnosis Diagnose(const ResultsSnapshot& snapshot, const std::string& round,
                   const model::Model& model, const GroupKey& key, const GroupKey& labels,
                   const scoring::ScoreResult& result, int64_t k);

}  // namespace rongping::analytics

#endif  // RONGPING_ANALYTICS_DIAGNOSIS_H_
