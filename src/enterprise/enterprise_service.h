// Enterprise use cases behind the API: permission and scope checks, then
// validation, then one transaction with its audit record.
#ifndef RONGPING_ENTERPRISE_ENTERPRISE_SERVICE_H_
#define RONGPING_ENTERPRISE_ENTERPRISE_SERVICE_H_

#include <string>

#include "domain/assessment.h"
#include "domain/enterprise.h"
#include "domain/principal.h"
#include "domain/reference.h"
#include "store/db.h"
#include "store/enterprises.h"

namespace rongping {


// What enterprise validation needs of the reference lists, from `index`
// (which must outlive the result).
EnterpriseReference ReferenceFrom(const domain::ReferenceIndex& index);

class EnterpriseService {
 public:
  explicit EnterpriseService(store::Db& db) : db_(db) {}

  // kNotFound when absent or out of scope.
  Result<Enterprise> Get(const Principal& who, std::string_view uscc);

  // The enterprises in scope that match `query`. kInvalid naming the
  // parameter for an unknown unit, industry (division or group) or size.
  Result<EnterprisePage> List(const Principal& who, const EnterpriseQuery& query);

  // Region admins only (ministry, province, unit) and only into a unit in
  // their region. On invalid fields returns the first
  // error and puts every field error in `field_errors`. A USCC already
  // registered in the caller's region is kConflict "duplicate_uscc"; one
  // held outside it is kConflict "uscc_unavailable" with
  // kUsccUnavailableMessage, and the attempt is audited
  // ("enterprise.register_refused").
  Result<Enterprise> Create(const Principal& who, const EnterpriseFields& fields,
                            const std::string& request_id, std::vector<Error>* field_errors);

  // Region admins in scope may change every field but the USCC; an
  // enterprise user may change its own profile except unit and USCC.
  // `expected_version` must match the stored one (kConflict otherwise).
  Result<Enterprise> Update(const Principal& who, std::string_view uscc,
                            const EnterpriseFields& fields, int64_t expected_version,
                            const std::string& request_id, std::vector<Error>* field_errors);

  // Agency grants (服务机构授权): the agencies the enterprise lets fill in its
  // assessments. kNotFound when the enterprise is not visible to `who`.
  Result<std::vector<domain::AgencyGrant>> ListGrants(const Principal& who, std::string_view uscc);

  // Lets the agency account `agency` fill in the enterprise's assessments,
  // and submit them when `can_submit`; replaces an earlier grant. Only the
  // enterprise itself (403 for other roles that see it, 404 for those that
  // do not); 422 "unknown_agency" when `agency` is not an agency account.
  // Audited "grant.put", in the same transaction.
  Result<void> PutGrant(const Principal& who, std::string_view uscc, const std::string& agency, bool can_submit,
                        const std::string& request_id);

  // Withdraws the agency's grant, as PutGrant may give it; 404 when the
  // agency has none. Audited "grant.delete".
  Result<void> RevokeGrant(const Principal& who, std::string_view uscc, const std::string& agency,
                           const std::string& request_id);

 private:
  store::Db& db_;
};

}  // namespace rongping

#endif  // RONGPING_ENTERPRISE_ENTERPRISE_SERVICE_H_
