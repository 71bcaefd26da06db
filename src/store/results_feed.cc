#include "store/results_feed.h"

#include <algorithm>

namespace rongping::store {

Result<ResultFeedPositions> ReadResultFeedPositions(Tx& tx) {
  auto rows = tx.Query(
      "SELECT (SELECT COALESCE(MAX(id), 0) FROM assessments), (SELECT COALESCE(MAX(seq), 0) FROM "
      "assessment_changes)");
  if (!rows) return Fail(rows.error());
  return ResultFeedPositions{rows->rows.at(0).Int(0), rows->rows.at(0).Int(1)};
}

Result<void> ScanIndustryGroups(Tx& tx,
                                const std::function<void(std::string_view division, std::string_view group)>& row) {
  return tx.Scan("SELECT code, grp FROM industries", {}, [&](const RowCursor& r) { row(r.Text(0), r.Text(1)); });
}

Result<void> ScanEnterpriseAttributes(Tx& tx, const std::function<void(const EnterpriseAttributesRow&)>& row) {
  return tx.Scan("SELECT uscc, industry_code, size_class, production_type, COALESCE(ownership, '') FROM enterprises",
                 {}, [&](const RowCursor& r) { row({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)}); });
}

Result<void> ScanCompletedResults(Tx& tx, const std::function<void(const CompletedResultRow&)>& row) {
  // The rounds that count submissions are read first, so that the scan reads
  // the assessments alone in id order: joined to the rounds, SQLite walked
  // an index of the assessments and sorted a million rows.
  auto rounds = tx.Query("SELECT code FROM rounds WHERE completion = 'submitted'");
  if (!rounds) return Fail(rounds.error());
  std::vector<std::string> count_submissions;
  for (const auto& r : rounds->rows) count_submissions.push_back(r.Text(0));
  auto completed = [&](std::string_view status, std::string_view round) {
    return status == "approved" ||
           std::find(count_submissions.begin(), count_submissions.end(), round) != count_submissions.end();
  };
  return tx.Scan(
      "SELECT id, round_code, model_id, uscc, score_vector, unit_code, total, level_index, status "
      "FROM assessments WHERE total IS NOT NULL AND score_vector IS NOT NULL AND status IN ('approved', "
      "'submitted') ORDER BY id",
      {}, [&](const RowCursor& r) {
        if (!completed(r.Text(8), r.Text(1))) return;
        row({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Real(6), static_cast<int>(r.Int(7))});
      });
}

Result<ChangeBatch> ScanResultChanges(Tx& tx, int64_t after_seq, int64_t limit,
                                      const std::function<void(const ResultChangeRow&)>& row) {
  ChangeBatch batch{after_seq, false};
  int64_t read = 0;
  auto scanned = tx.Scan(
      "SELECT c.seq, a.id, a.round_code, a.model_id, a.uscc, a.status, r.completion, a.total, "
      "a.level_index, a.score_vector, a.unit_code, e.industry_code, COALESCE(i.grp, ''), "
      "e.size_class, e.production_type, COALESCE(e.ownership, '') FROM assessment_changes c "
      "JOIN assessments a ON a.id = c.assessment_id JOIN rounds r ON r.code = a.round_code "
      "JOIN enterprises e ON e.uscc = a.uscc LEFT JOIN industries i ON i.code = e.industry_code "
      "WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
      {after_seq, limit}, [&](const RowCursor& r) {
        ResultChangeRow c;
        c.seq = r.Int(0);
        c.id = r.Int(1);
        c.round = r.Text(2);
        c.model = r.Text(3);
        c.uscc = r.Text(4);
        c.status = r.Text(5);
        c.completion = r.Text(6);
        c.scored = !r.IsNull(7) && !r.IsNull(9);
        if (c.scored) {
          c.total = r.Real(7);
          c.level = static_cast<int>(r.Int(8));
          c.score_vector = r.Text(9);
        }
        c.unit = r.Text(10);
        c.industry_division = r.Text(11);
        c.industry_group = r.Text(12);
        c.size_class = r.Text(13);
        c.production_type = r.Text(14);
        c.ownership = r.Text(15);
        ++read;
        batch.last_seq = c.seq;
        row(c);
      });
  if (!scanned) return Fail(scanned.error());
  batch.more = read == limit;
  return batch;
}

}  // namespace rongping::store
