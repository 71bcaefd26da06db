// Test helper: the guangdong-2016 scenario (附件2's figures, one round of
// assessments with their history) in a test database, with the cheapest
// password hashing.
#ifndef RONGPING_DEMO_DEMO_TEST_SUPPORT_H_
#define RONGPING_DEMO_DEMO_TEST_SUPPORT_H_

#include "auth/auth_service.h"
#include "demo/demo.h"
#include "store/db.h"

namespace rongping::demo::testing {

inline Result<DemoReport> LoadGuangdong2016(store::Db& db) {
  AuthOptions auth_options;
  auth_options.password_hash_cost = "minimum";
  AuthService auth(db, auth_options);
  DemoOptions options;
  options.scenario = "guangdong-2016";
  return LoadDemo(db, auth, options);
}

}  // namespace rongping::demo::testing

#endif  // RONGPING_DEMO_DEMO_TEST_SUPPORT_H_
