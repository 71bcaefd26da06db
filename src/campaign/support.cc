#include "campaign/support.h"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "campaign/reference.h"
#include "core/text.h"
#include "domain/reference.h"
#include "domain/uscc.h"
#include "store/audit.h"
#include "store/db.h"
#include "store/enterprises.h"
#include "store/support.h"

namespace rongping::campaign {
namespace {

using domain::SupportMeasure;

Result<void> MayManage(const Principal& who) {
  if (IsRegionAdmin(who.role)) return {};
  return Fail(Error::Forbidden("只有主管部门管理员可以管理政策支持措施"));
}

Error NoSuchMeasure() { return Error::NotFound("支持措施不存在"); }

// An amount in 万元 as a form gives it; the error names `field`.
Result<void> CheckAmount(const std::optional<double>& amount, const std::string& field) {
  if (!amount || (std::isfinite(*amount) && *amount >= 0 && *amount < 1e9)) return {};
  return Fail(
      Error::Invalid("invalid_field", "金额（万元）应为不小于 0 且小于 10 亿的数值", field));
}

// A text of at most `max` characters, without control characters (line
// breaks allowed when `multiline`); with `required`, with something visible.
Result<void> CheckText(const std::string& text, size_t max, bool required, const std::string& field,
                       const std::string& label, bool multiline = false) {
  std::string lines = text;
  if (multiline) std::erase_if(lines, [](char c) { return c == '\n' || c == '\r'; });
  if (!IsValidUtf8(text) || HasControlCharacter(lines)) {
    return Fail(Error::Invalid("invalid_field", label + "含有无法识别的字符", field));
  }
  if (required && !HasVisibleCharacter(text))
    return Fail(Error::Invalid("invalid_field", "请填写" + label, field));
  if (CountCodePoints(text) > max) {
    return Fail(
        Error::Invalid("invalid_field", fmt::format("{}不能超过 {} 个字", label, max), field));
  }
  return {};
}

Result<void> CheckYear(int year) {
  if (year >= 2000 && year <= 2100) return {};
  return Fail(Error::Invalid("invalid_field", "年度应为 2000 至 2100 之间的年份", "year"));
}

Result<void> CheckMeasure(const MeasureInput& in) {
  if (auto r = CheckText(in.name, 100, true, "name", "措施名称"); !r) return r;
  if (domain::SupportKindLabel(in.kind).empty()) {
    return Fail(Error::Invalid("invalid_field",
                               "支持类型应为专项资金、试点示范、贯标、服务券或其他", "kind"));
  }
  if (auto r = CheckYear(in.year); !r) return r;
  if (auto r = CheckAmount(in.amount_10k_yuan, "amount_10k_yuan"); !r) return r;
  return CheckText(in.note, 500, false, "note", "备注", true);
}

std::string MeasureJson(const SupportMeasure& m) {
  std::string out = R"({"name":)";
  AppendJsonString(out, m.name);
  out += fmt::format(
      R"(,"kind":"{}","year":{},"amount_10k_yuan":{},"unit_code":"{}","version":{}}})", m.kind,
      m.year, m.amount_10k_yuan ? fmt::format("{}", *m.amount_10k_yuan) : "null", m.unit_code,
      m.version);
  return out;
}

Result<void> Audit(store::Tx& tx, const Principal& who, const std::string& action,
                   const std::string& object_type, const std::string& object_id,
                   std::optional<std::string> before, std::optional<std::string> after,
                   const std::string& request_id) {
  return store::RecordAudit(tx, {0, "", who.username, action, object_type, object_id,
                                 std::move(before), std::move(after), request_id});
}

// The measure when the caller may see it; 404 otherwise.
Result<SupportMeasure> VisibleMeasure(store::Tx& tx, const domain::ReferenceIndex& index,
                                      const Principal& who, int64_t id) {
  auto m = store::FindSupportMeasure(tx, id);
  if (!m) return Fail(m.error());
  if (!*m || !index.UnitInScope(who, (*m)->unit_code)) return Fail(NoSuchMeasure());
  return **m;
}

Result<std::shared_ptr<const domain::ReferenceIndex>> IndexFor(store::Db& db,
                                                               const Principal& who) {
  if (auto ok = MayManage(who); !ok) return Fail(ok.error());
  return LoadReference(db);
}

// Why `in` cannot be added to `m` (nullopt when it can), and its
// enterprise's USCC normalised.
std::optional<RecipientProblem> CheckRecipient(store::Tx& tx, const domain::ReferenceIndex& index,
                                               const Principal& who, const SupportMeasure& m,
                                               RecipientInput& in, Result<void>* store_error) {
  auto problem = [&](const std::string& field, std::string message) {
    return RecipientProblem{in.row, field, std::move(message)};
  };
  auto uscc = domain::Uscc::Parse(in.uscc);
  if (!uscc) return problem("uscc", uscc.error().message);
  in.uscc = uscc->str();
  auto e = store::FindEnterprise(tx, who, in.uscc);
  if (!e) {
    *store_error = Fail(e.error());
    return std::nullopt;
  }
  if (!*e) return problem("uscc", "本地区没有该企业");
  if (!index.InSubtree((*e)->unit_code, m.unit_code)) {
    return problem("uscc",
                   fmt::format("该企业属于{}，不在本措施所属单位{}的范围内",
                               index.UnitName((*e)->unit_code), index.UnitName(m.unit_code)));
  }
  if (auto r = CheckAmount(in.amount_10k_yuan, "amount_10k_yuan"); !r) {
    return problem("amount_10k_yuan", r.error().message);
  }
  if (auto r = CheckText(in.note, 200, false, "note", "备注"); !r)
    return problem("note", r.error().message);
  return std::nullopt;
}

}  // namespace

Result<SupportMeasure> CreateMeasure(store::Db& db, const Principal& who, const MeasureInput& input,
                                     const std::string& request_id) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  if (auto ok = CheckMeasure(input); !ok) return Fail(ok.error());
  std::string unit = input.unit_code.empty() ? who.scope_code : input.unit_code;
  if (unit.empty()) return Fail(Error::Invalid("missing_field", "请选择措施所属单位", "unit_code"));
  if (!(*index)->units.count(unit) || !(*index)->UnitInScope(who, unit)) {
    return Fail(Error::Invalid("invalid_field", "所属单位不存在或不在本地区", "unit_code"));
  }
  SupportMeasure m;
  m.name = Trim(input.name);
  m.kind = input.kind;
  m.year = input.year;
  m.amount_10k_yuan = input.amount_10k_yuan;
  m.unit_code = unit;
  m.note = input.note;
  m.created_by = who.username;
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<SupportMeasure> {
    auto saved = store::InsertSupportMeasure(tx, m);
    if (!saved) return saved;
    if (auto a = Audit(tx, who, "support_measure.create", "support_measure",
                       std::to_string(saved->id), std::nullopt, MeasureJson(*saved), request_id);
        !a) {
      return Fail(a.error());
    }
    return saved;
  });
}

Result<SupportMeasure> UpdateMeasure(store::Db& db, const Principal& who, int64_t id,
                                     const MeasureInput& input, const std::string& request_id) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  if (auto ok = CheckMeasure(input); !ok) return Fail(ok.error());
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<SupportMeasure> {
    auto old = VisibleMeasure(tx, **index, who, id);
    if (!old) return old;
    SupportMeasure m = *old;
    m.name = Trim(input.name);
    m.kind = input.kind;
    m.year = input.year;
    m.amount_10k_yuan = input.amount_10k_yuan;
    m.note = input.note;
    m.version = input.version;
    auto saved = store::UpdateSupportMeasure(tx, m);
    if (!saved) return saved;
    if (auto a = Audit(tx, who, "support_measure.update", "support_measure", std::to_string(id),
                       MeasureJson(*old), MeasureJson(*saved), request_id);
        !a) {
      return Fail(a.error());
    }
    return saved;
  });
}

Result<void> DeleteMeasure(store::Db& db, const Principal& who, int64_t id,
                           const std::string& request_id) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    auto old = VisibleMeasure(tx, **index, who, id);
    if (!old) return Fail(old.error());
    if (auto d = store::DeleteSupportMeasure(tx, id); !d) return Fail(d.error());
    return Audit(tx, who, "support_measure.delete", "support_measure", std::to_string(id),
                 MeasureJson(*old), std::nullopt, request_id);
  });
}

Result<std::vector<SupportMeasure>> ListMeasures(store::Db& db, const Principal& who, int year,
                                                 std::vector<std::string>* unit_names) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  auto all = store::InTx(db, store::TxMode::kRead,
                         [&](store::Tx& tx) { return store::ListSupportMeasures(tx, year); });
  if (!all) return all;
  std::erase_if(*all,
                [&](const SupportMeasure& m) { return !(*index)->UnitInScope(who, m.unit_code); });
  if (unit_names) {
    unit_names->clear();
    for (const auto& m : *all) unit_names->push_back((*index)->UnitName(m.unit_code));
  }
  return all;
}

Result<MeasureDetail> GetMeasure(store::Db& db, const Principal& who, int64_t id) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<MeasureDetail> {
    auto m = VisibleMeasure(tx, **index, who, id);
    if (!m) return Fail(m.error());
    auto recipients = store::ListSupportRecipients(tx, id);
    if (!recipients) return Fail(recipients.error());
    std::vector<std::string> usccs;
    for (const auto& r : *recipients) usccs.push_back(r.uscc);
    auto visible = store::FindEnterpriseUnits(tx, who, usccs);
    if (!visible) return Fail(visible.error());
    MeasureDetail out{*m, (*index)->UnitName(m->unit_code), {}};
    for (auto& r : *recipients) {
      auto it = visible->find(r.uscc);
      if (it == visible->end()) continue;
      out.recipients.push_back({std::move(r), it->second.name, it->second.unit_code,
                                (*index)->UnitName(it->second.unit_code)});
    }
    return out;
  });
}

Result<RecipientsAdded> AddRecipients(store::Db& db, const Principal& who, int64_t id,
                                      const std::vector<RecipientInput>& inputs,
                                      const std::string& request_id,
                                      std::vector<RecipientProblem>* problems) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  if (inputs.empty()) return Fail(Error::Invalid("missing_field", "没有要添加的企业", "items"));
  if (inputs.size() > kMaxRecipientsAdded) {
    return Fail(Error::TooLarge(fmt::format("一次最多添加 {} 家企业", kMaxRecipientsAdded)));
  }
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<RecipientsAdded> {
    auto m = VisibleMeasure(tx, **index, who, id);
    if (!m) return Fail(m.error());
    std::vector<RecipientProblem> found;
    std::map<std::string, int> first_row;
    std::vector<RecipientInput> checked = inputs;
    for (auto& in : checked) {
      Result<void> store_error;
      if (auto p = CheckRecipient(tx, **index, who, *m, in, &store_error)) {
        found.push_back(std::move(*p));
      } else if (!store_error) {
        return Fail(store_error.error());
      } else if (auto [it, fresh] = first_row.emplace(in.uscc, in.row); !fresh) {
        found.push_back({in.row, "uscc", fmt::format("与第 {} 项重复", it->second)});
      }
    }
    if (!found.empty()) {
      Error first = Error::Invalid(
          "invalid_recipients",
          fmt::format("有 {} 处问题，未添加任何企业：{}", found.size(), found.front().message));
      if (problems) *problems = std::move(found);
      return Fail(first);
    }
    RecipientsAdded out;
    for (const auto& in : checked) {
      auto done = store::UpsertSupportRecipient(
          tx, id, {in.uscc, in.amount_10k_yuan, in.note, who.username, ""});
      if (!done) return Fail(done.error());
      ++(*done == store::Upserted::kInserted  ? out.added
         : *done == store::Upserted::kUpdated ? out.updated
                                              : out.unchanged);
    }
    if (auto a = Audit(tx, who, "support_measure.recipients_add", "support_measure",
                       std::to_string(id), std::nullopt,
                       fmt::format(R"({{"added":{},"updated":{},"unchanged":{}}})", out.added,
                                   out.updated, out.unchanged),
                       request_id);
        !a) {
      return Fail(a.error());
    }
    return out;
  });
}

Result<void> RemoveRecipient(store::Db& db, const Principal& who, int64_t id,
                             const std::string& uscc, const std::string& request_id) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    auto m = VisibleMeasure(tx, **index, who, id);
    if (!m) return Fail(m.error());
    auto e = store::FindEnterprise(tx, who, uscc);
    if (!e) return Fail(e.error());
    if (!*e) return Fail(Error::NotFound("该企业不是本措施的受支持企业"));
    auto gone = store::DeleteSupportRecipient(tx, id, uscc);
    if (!gone) return Fail(gone.error());
    if (!*gone) return Fail(Error::NotFound("该企业不是本措施的受支持企业"));
    return Audit(tx, who, "support_measure.recipient_remove", "support_measure", std::to_string(id),
                 fmt::format(R"({{"uscc":"{}"}})", uscc), std::nullopt, request_id);
  });
}

Result<CaseView> MarkCase(store::Db& db, const Principal& who, domain::TypicalCase c,
                          const std::string& request_id) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  if (auto r = CheckYear(c.year); !r) return Fail(r.error());
  if (auto r = CheckText(c.title, 60, true, "title", "标题"); !r) return Fail(r.error());
  if (auto r = CheckText(c.text, 500, true, "text", "典型经验内容", true); !r)
    return Fail(r.error());
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<CaseView> {
    auto e = store::FindEnterprise(tx, who, c.uscc);
    if (!e) return Fail(e.error());
    if (!*e) return Fail(Error::NotFound("未找到该企业"));
    if (c.measure_id) {
      auto m = VisibleMeasure(tx, **index, who, *c.measure_id);
      if (!m) return Fail(Error::Invalid("invalid_field", "所选支持措施不存在", "measure_id"));
    }
    c.unit_code = (*e)->unit_code;
    c.marked_by = who.username;
    if (auto r = store::UpsertTypicalCase(tx, c); !r) return Fail(r.error());
    auto saved = store::FindTypicalCase(tx, c.year, c.uscc);
    if (!saved) return Fail(saved.error());
    std::string after = R"({"title":)";
    AppendJsonString(after, c.title);
    after += "}";
    if (auto a = Audit(tx, who, "typical_case.mark", "typical_case",
                       fmt::format("{}/{}", c.year, c.uscc), std::nullopt, after, request_id);
        !a) {
      return Fail(a.error());
    }
    return CaseView{**saved, (*e)->name, (*e)->unit_code, (*index)->UnitName((*e)->unit_code)};
  });
}

Result<void> UnmarkCase(store::Db& db, const Principal& who, int year, const std::string& uscc,
                        const std::string& request_id) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  return store::InTx(db, store::TxMode::kWrite, [&](store::Tx& tx) -> Result<void> {
    auto e = store::FindEnterprise(tx, who, uscc);
    if (!e) return Fail(e.error());
    auto gone = *e ? store::DeleteTypicalCase(tx, year, uscc) : Result<bool>(false);
    if (!gone) return Fail(gone.error());
    if (!*gone) return Fail(Error::NotFound("该企业在该年度没有典型经验"));
    return Audit(tx, who, "typical_case.unmark", "typical_case", fmt::format("{}/{}", year, uscc),
                 std::nullopt, std::nullopt, request_id);
  });
}

Result<std::vector<CaseView>> ListCases(store::Db& db, const Principal& who, int year) {
  auto index = IndexFor(db, who);
  if (!index) return Fail(index.error());
  return store::InTx(db, store::TxMode::kRead, [&](store::Tx& tx) -> Result<std::vector<CaseView>> {
    auto cases = store::ListTypicalCases(tx, year);
    if (!cases) return Fail(cases.error());
    std::vector<std::string> usccs;
    for (const auto& c : *cases) usccs.push_back(c.uscc);
    auto visible = store::FindEnterpriseUnits(tx, who, usccs);
    if (!visible) return Fail(visible.error());
    std::vector<CaseView> out;
    for (auto& c : *cases) {
      auto it = visible->find(c.uscc);
      if (it == visible->end()) continue;
      out.push_back({std::move(c), it->second.name, it->second.unit_code, (*index)->UnitName(it->second.unit_code)});
    }
    return out;
  });
}

}  // namespace rongping::campaign
