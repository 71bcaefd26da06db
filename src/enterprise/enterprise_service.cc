#include "enterprise/enterprise_service.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "core/uscc.h"
#include "enterprise/enterprise_json.h"
#include "store/accounts.h"
#include "store/audit.h"
#include "store/campaign.h"
#include "store/units.h"

namespace rongping {
namespace {

Result<Enterprise> FirstError(std::vector<Error> errors, std::vector<Error>* field_errors) {
  Error first = errors.front();
  if (field_errors) *field_errors = std::move(errors);
  return Fail(first);
}

}  // namespace

EnterpriseReference ReferenceFrom(const domain::ReferenceIndex& index) {
  return {[&index](std::string_view c) { return index.IsLeafUnit(c); },
          [&index](std::string_view c) { return index.IsIndustry(c); }};
}

Result<Enterprise> EnterpriseService::Get(const Principal& who, std::string_view uscc) {
  auto found = InTx(db_, store::TxMode::kRead,
                    [&](store::Tx& tx) { return store::FindEnterprise(tx, who, uscc); });
  if (!found) return Fail(found.error());
  if (!*found) return Fail(Error::NotFound("未找到该企业"));
  return **found;
}

Result<EnterprisePage> EnterpriseService::List(const Principal& who,
                                                      const EnterpriseQuery& query) {
  if (!query.size.empty() && !ParseSizeClass(query.size)) {
    return Fail(Error::Invalid("invalid_parameter", "size 应为 large、medium、small 或 micro", "size"));
  }
  return InTx(db_, store::TxMode::kRead, [&](store::Tx& tx) -> Result<EnterprisePage> {
    if (!query.unit.empty() || !query.industry.empty()) {
      auto index = store::LoadReferenceIndex(tx);
      if (!index) return Fail(index.error());
      if (!query.unit.empty() && !index->units.count(query.unit)) {
        return Fail(Error::Invalid("invalid_parameter", "unit 不是已登记的单位代码", "unit"));
      }
      if (!query.industry.empty() && !index->IsIndustry(query.industry) &&
          !index->IsIndustryGroup(query.industry)) {
        return Fail(Error::Invalid("invalid_parameter", "industry 应为行业大类代码或行业组名称", "industry"));
      }
    }
    return store::ListEnterprises(tx, who, query);
  });
}

Result<Enterprise> EnterpriseService::Create(const Principal& who, const EnterpriseFields& fields,
                                             const std::string& request_id,
                                             std::vector<Error>* field_errors) {
  if (!IsRegionAdmin(who.role)) return Fail(Error::Forbidden("只有主管部门管理员可以登记企业"));
  std::optional<Enterprise> refused;  // a code held outside the caller's region
  auto created = InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<Enterprise> {
    auto index = store::LoadReferenceIndex(tx);
    if (!index) return Fail(index.error());
    Enterprise e;
    auto errors = ApplyEnterpriseFields(fields, Enterprise{}, true, ReferenceFrom(*index), &e);
    if (!errors.empty()) return FirstError(std::move(errors), field_errors);
    if (!index->UnitInScope(who, e.unit_code)) {
      return FirstError({Error::Invalid("unit_out_of_scope",
                                        fmt::format("无权在单位 {} 下登记企业", e.unit_code),
                                        "unit_code")},
                        field_errors);
    }
    auto existing = store::FindEnterpriseUnscoped(tx, e.uscc);
    if (!existing) return Fail(existing.error());
    if (*existing && !index->UnitInScope(who, (*existing)->unit_code)) {
      refused = e;
      return Fail(Error::Conflict("uscc_unavailable", std::string(kUsccUnavailableMessage)));
    }
    auto inserted = store::InsertEnterprise(tx, e);
    if (!inserted) return Fail(inserted.error());
    if (auto r = store::RecordAudit(tx, {0, "", who.username, "enterprise.create", "enterprise",
                                         e.uscc, std::nullopt, EnterpriseAuditJson(*inserted),
                                         request_id});
        !r) {
      return Fail(r.error());
    }
    return inserted;
  });
  if (refused) {
    if (auto r = InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) {
          return store::RecordAudit(tx, {0, "", who.username, "enterprise.register_refused", "enterprise",
                                         refused->uscc, std::nullopt, EnterpriseAuditJson(*refused),
                                         request_id});
        });
        !r) {
      return Fail(r.error());
    }
  }
  return created;
}

Result<Enterprise> EnterpriseService::Update(const Principal& who, std::string_view uscc,
                                             const EnterpriseFields& fields,
                                             int64_t expected_version,
                                             const std::string& request_id,
                                             std::vector<Error>* field_errors) {
  bool is_own = who.role == Role::kEnterprise;
  if (!IsRegionAdmin(who.role) && !is_own) {
    // Read-only roles get the same answer as for an unknown enterprise when
    // it is out of scope; in scope they are told they may not edit.
    auto visible = Get(who, uscc);
    if (!visible) return Fail(visible.error());
    return Fail(Error::Forbidden("当前角色只能查看企业信息"));
  }
  return InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<Enterprise> {
    auto found = store::FindEnterprise(tx, who, uscc);
    if (!found) return Fail(found.error());
    if (!*found) return Fail(Error::NotFound("未找到该企业"));
    const Enterprise& before = **found;
    std::vector<Error> errors;
    for (const auto& [name, value] : fields) {
      if (name == "uscc" && NormalizeUscc(value) != before.uscc) {
        errors.push_back(Error::Invalid("immutable_field", "统一社会信用代码不可修改", "uscc"));
      }
      if (is_own && name == "unit_code" && Trim(value) != before.unit_code) {
        errors.push_back(
            Error::Invalid("immutable_field", "所属单位只能由主管部门修改", "unit_code"));
      }
    }
    if (!errors.empty()) return FirstError(std::move(errors), field_errors);
    auto index = store::LoadReferenceIndex(tx);
    if (!index) return Fail(index.error());
    Enterprise after;
    errors = ApplyEnterpriseFields(fields, before, false, ReferenceFrom(*index), &after);
    if (!errors.empty()) return FirstError(std::move(errors), field_errors);
    if (!is_own && !index->UnitInScope(who, after.unit_code)) {
      return FirstError({Error::Invalid("unit_out_of_scope",
                                        fmt::format("无权将企业划入单位 {}", after.unit_code),
                                        "unit_code")},
                        field_errors);
    }
    if (expected_version != before.version) {
      return Fail(Error::Conflict("stale_version", "该企业信息已被他人修改，请刷新后重试"));
    }
    auto updated = store::UpdateEnterprise(tx, after);
    if (!updated) return Fail(updated.error());
    if (auto r = store::RecordAudit(tx, {0, "", who.username, "enterprise.update", "enterprise",
                                         before.uscc, EnterpriseAuditJson(before),
                                         EnterpriseAuditJson(*updated), request_id});
        !r) {
      return Fail(r.error());
    }
    return updated;
  });
}

namespace {

// The enterprise `uscc` as `who` may change its grants, and the agency
// account named `agency`, read in `tx`.
Result<int64_t> GrantParties(store::Tx& tx, const Principal& who, std::string_view uscc, const std::string& agency) {
  auto e = store::FindEnterprise(tx, who, uscc);
  if (!e) return Fail(e.error());
  if (!*e) return Fail(Error::NotFound("未找到该企业"));
  if (who.role != Role::kEnterprise) return Fail(Error::Forbidden("只有企业本身可以授权或取消服务机构"));
  auto user = store::FindUserByName(tx, agency);
  if (!user) return Fail(user.error());
  if (!*user || (*user)->role != Role::kAgency) {
    return Fail(Error::Invalid("unknown_agency", fmt::format("“{}”不是已登记的服务机构账号", agency.substr(0, 64)),
                               "agency"));
  }
  return (*user)->id;
}

}  // namespace

Result<std::vector<domain::AgencyGrant>> EnterpriseService::ListGrants(const Principal& who, std::string_view uscc) {
  return InTx(db_, store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<domain::AgencyGrant>> {
    auto e = store::FindEnterprise(tx, who, uscc);
    if (!e) return Fail(e.error());
    if (!*e) return Fail(Error::NotFound("未找到该企业"));
    return store::ListGrants(tx, uscc);
  });
}

Result<void> EnterpriseService::PutGrant(const Principal& who, std::string_view uscc, const std::string& agency,
                                         bool can_submit, const std::string& request_id) {
  return InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    auto agency_id = GrantParties(tx, who, uscc, agency);
    if (!agency_id) return Fail(agency_id.error());
    if (auto r = store::PutGrant(tx, *agency_id, uscc, can_submit); !r) return r;
    nlohmann::json after{{"agency", agency}, {"can_submit", can_submit}};
    return store::RecordAudit(
        tx, {0, "", who.username, "grant.put", "enterprise", std::string(uscc), std::nullopt, after.dump(), request_id});
  });
}

Result<void> EnterpriseService::RevokeGrant(const Principal& who, std::string_view uscc, const std::string& agency,
                                            const std::string& request_id) {
  return InTx(db_, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    auto agency_id = GrantParties(tx, who, uscc, agency);
    if (!agency_id) return Fail(agency_id.error());
    auto removed = store::DeleteGrant(tx, *agency_id, uscc);
    if (!removed) return Fail(removed.error());
    if (!*removed) return Fail(Error::NotFound("该服务机构没有授权"));
    nlohmann::json before{{"agency", agency}};
    return store::RecordAudit(
        tx, {0, "", who.username, "grant.delete", "enterprise", std::string(uscc), before.dump(), std::nullopt, request_id});
  });
}

}  // namespace rongping
