// Import of historical assessments from JSON lines, one object a line:
//   {"uscc", "round", "model", "status": "draft|submitted|approved|rejected",
//    "answers": {...}, "updated_at": "<RFC 3339>"}
// with the API's rules: the enterprise and round exist (and are in the
// importer's scope), the model is offered by the round and fits the
// enterprise, the answers are valid, and anything beyond a draft is
// complete and is scored (stored with the model hash). Every line is
// checked before anything is written; all or nothing unless skip_invalid.
// Upserts by (round, enterprise).
#ifndef RONGPING_IMPORTER_ASSESSMENT_IMPORT_H_
#define RONGPING_IMPORTER_ASSESSMENT_IMPORT_H_

#include <string_view>

#include "importer/enterprise_import.h"

namespace rongping {

// Row numbers in the report are line numbers (1-based). `column` names the
// field. `inserted`/`updated` count assessments.
Result<ImportReport> ImportAssessments(store::Db& db, std::string_view jsonl,
                                       const ImportOptions& options);

}  // namespace rongping

#endif  // RONGPING_IMPORTER_ASSESSMENT_IMPORT_H_
