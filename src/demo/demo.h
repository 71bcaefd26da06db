// The demo: reference data, a realistic population of Guangdong enterprises
// over all 22 reporting units, and one account per role.
#ifndef RONGPING_DEMO_DEMO_H_
#define RONGPING_DEMO_DEMO_H_

#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "demo/population.h"
#include "importer/table.h"
#include "store/db.h"

namespace rongping::demo {

struct DemoOptions {
  std::string scenario = "default";
  uint64_t seed = 2016;
  int64_t enterprises = 3000;
};

struct DemoAccount {
  std::string username;
  std::string role;
  std::string scope;
  std::string description;  // 中文
};

struct DemoReport {
  int64_t enterprises_inserted = 0;
  int64_t enterprises_unchanged = 0;
  std::vector<DemoAccount> accounts;
  std::string password;  // the demo accounts' password
};

// The password every demo account gets. Printed by `rongping demo`.
inline constexpr std::string_view kDemoPassword = "Rongping2016";

// Loads the demo. Idempotent: a second run with the same options changes
// nothing and keeps existing accounts. kInvalid for an unknown scenario.
Result<DemoReport> LoadDemo(store::Db& db, AuthService& auth, const DemoOptions& options);

// The guangdong-2016 scenario: round gd-2016 with the notice's targets,
// and enterprises with realistic answers whose participating and completed
// counts reproduce the notice's 附件2 exactly for every unit and the total;
// and the round before it, gd-2015 (closed, approved results only), in
// which four in five of the enterprises that completed 2016 completed too,
// a little less mature: a panel for before/after comparisons.
// Enterprises and assessments go through the import paths.
Result<DemoReport> LoadGuangdong2016(store::Db& db, AuthService& auth, const DemoOptions& options);

// The trial scenario: guangdong-2016, and this year's round trial-YYYY
// (open all year, reviewed) with two enterprise accounts of 广州 in it:
// `newcomer`, whose questionnaire is blank, and `returned`, whose
// submission the province sent back with a reason. A newcomer to the
// software can try fill in → submit → review → resubmit. "This year" is
// `clock`'s, in China.
Result<DemoReport> LoadTrial(store::Db& db, AuthService& auth, const DemoOptions& options,
                             const Clock& clock);

// Units and industries as the population generator wants them, from the store.
Result<std::pair<std::vector<UnitInfo>, std::vector<IndustryInfo>>> PopulationInputs(
    store::Db& db);

// A population as an import table with the contract's enterprise columns.
importer::Table PopulationTable(const std::vector<SyntheticEnterprise>& population);

}  // namespace rongping::demo

#endif  // RONGPING_DEMO_DEMO_H_
