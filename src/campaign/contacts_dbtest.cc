#include "campaign/contacts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "core/clock.h"
#include "core/time.h"
#include "store/audit.h"
#include "store/test_support.h"

namespace rongping::campaign {
namespace {

using Json = nlohmann::ordered_json;

Json Person(std::string name = "高亚华") {
  return {{"name", name},
          {"department_title", "信息化推进处 主任科员"},
          {"phone", "020-83134276"},
          {"fax", "020-83134277"},
          {"mobile", "13800138000"},
          {"email", "gdxxhtj@163.com"}};
}

Json ValidForm() {
  return {{"leader", Person("郭 利")}, {"liaison", Person()}, {"platform_admin", Person("马冬妍")}};
}

std::set<std::string> Fields(const std::vector<Error>& errors) {
  std::set<std::string> out;
  for (const auto& e : errors) out.insert(e.field);
  return out;
}

// The errors of the valid form with `field` of `role` set to `value`.
std::vector<Error> With(const std::string& role, const std::string& field, Json value) {
  Json form = ValidForm();
  if (value.is_discarded()) {
    form[role].erase(field);
  } else {
    form[role][field] = std::move(value);
  }
  ContactForm out;
  return ValidateContactForm(form, &out);
}

TEST(ContactRoles, AreTheThreeRolesOfTheForm) {
  ASSERT_EQ(ContactRoles().size(), 3u);
  EXPECT_EQ(ContactRoles()[0].id, "leader");
  EXPECT_EQ(*ContactRoleLabel("leader"), "工作负责人");
  EXPECT_EQ(*ContactRoleLabel("liaison"), "工作联系人");
  EXPECT_EQ(*ContactRoleLabel("platform_admin"), "省级评估服务分平台管理员");
  EXPECT_FALSE(ContactRoleLabel("boss"));
}

TEST(ContactValidation, AcceptsTheNoticesContacts) {
  ContactForm form;
  auto errors = ValidateContactForm(ValidForm(), &form);
  ASSERT_TRUE(errors.empty()) << errors.front().field << " " << errors.front().message;
  EXPECT_EQ(form.Find("leader")->name, "郭 利");
  EXPECT_EQ(form.Find("liaison")->phone, "020-83134276");
  EXPECT_EQ(form.Find("platform_admin")->email, "gdxxhtj@163.com");
  EXPECT_EQ(form.Find("nobody"), nullptr);
}

TEST(ContactValidation, OptionalFieldsTrimmingAndFullWidthDigits) {
  Json f = ValidForm();
  f["leader"] = {{"name", "  高亚华\u3000"},
                 {"department_title", "信息化推进处"},
                 {"mobile", "１３８００１３８０００"}};  // no phone, fax or email
  f["liaison"]["mobile"] = nullptr;
  f["liaison"]["phone"] = "０２０－８３１３４２７６";
  f["liaison"]["fax"] = "";
  f["platform_admin"]["phone"] = "010-68208275-123";  // with an extension
  f["platform_admin"]["mobile"] = "19912345678";
  ContactForm form;
  auto errors = ValidateContactForm(f, &form);
  ASSERT_TRUE(errors.empty()) << errors.front().field << " " << errors.front().message;
  EXPECT_EQ(form.contacts[0].name, "高亚华");
  EXPECT_EQ(form.contacts[0].mobile, "13800138000");
  EXPECT_EQ(form.contacts[0].phone, "");
  EXPECT_EQ(form.contacts[0].email, "");
  EXPECT_EQ(form.contacts[1].phone, "020-83134276");
  EXPECT_EQ(form.contacts[1].mobile, "");
  EXPECT_EQ(form.contacts[1].fax, "");
  auto j = ContactFormToJson(form);
  EXPECT_TRUE(j["leader"]["phone"].is_null());
  EXPECT_EQ(j["leader"]["role_label"], "工作负责人");
  EXPECT_EQ(j["liaison"]["phone"], "020-83134276");
}

TEST(ContactValidation, EachFieldProblemNamesItsPath) {
  struct Case {
    std::string role, field;
    Json value;
    std::string expected_field;
    std::string code = "invalid_field";
  };
  const Json kAbsent = Json(Json::value_t::discarded);
  std::vector<Case> cases = {
      {"leader", "name", "高", "leader.name"},
      {"leader", "name", "一二三四五六七八九十一二三四五六七八九十一", "leader.name"},  // 21
      {"leader", "name", "高\x07亚华", "leader.name"},
      {"leader", "name", "", "leader.name", "missing_field"},
      {"leader", "name", kAbsent, "leader.name", "missing_field"},
      {"leader", "name", 42, "leader.name", "wrong_type"},
      {"liaison", "department_title", "", "liaison.department_title", "missing_field"},
      {"liaison", "department_title", std::string(51, 'a'), "liaison.department_title"},
      {"liaison", "phone", "83134276", "liaison.phone"},
      {"liaison", "phone", "020 83134276", "liaison.phone"},
      {"liaison", "phone", "020-8313427a", "liaison.phone"},
      {"liaison", "phone", "20-83134276", "liaison.phone"},
      {"liaison", "phone", "020-123456", "liaison.phone"},
      {"liaison", "fax", "传真", "liaison.fax"},
      {"platform_admin", "mobile", "12800138000", "platform_admin.mobile"},
      {"platform_admin", "mobile", "1380013800", "platform_admin.mobile"},
      {"platform_admin", "mobile", "138-0013-8000", "platform_admin.mobile"},
      {"platform_admin", "mobile", 13800138000LL, "platform_admin.mobile", "wrong_type"},
      {"platform_admin", "email", "madongyan", "platform_admin.email"},
      {"platform_admin", "email", "a@b", "platform_admin.email"},
      {"platform_admin", "email", "a@@cspiii.com", "platform_admin.email"},
      {"platform_admin", "email", "a b@cspiii.com", "platform_admin.email"},
      {"platform_admin", "email", "马@cspiii.com", "platform_admin.email"},
      {"platform_admin", "email", "a@cspiii..com", "platform_admin.email"},
      {"platform_admin", "nickname", "小马", "platform_admin.nickname", "unknown_field"},
  };
  for (const auto& c : cases) {
    auto errors = With(c.role, c.field, c.value);
    ASSERT_EQ(errors.size(), 1u) << c.role << "." << c.field << " = " << c.value.dump();
    EXPECT_EQ(errors[0].field, c.expected_field) << c.value.dump();
    EXPECT_EQ(errors[0].code, c.code) << c.value.dump();
    EXPECT_EQ(errors[0].kind, ErrorKind::kInvalid);
    EXPECT_FALSE(errors[0].message.empty());
  }
}

TEST(ContactValidation, PhoneOrMobileIsRequired) {
  Json f = ValidForm();
  f["liaison"].erase("phone");
  f["liaison"]["mobile"] = "";
  ContactForm out;
  auto errors = ValidateContactForm(f, &out);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "liaison.phone");
  EXPECT_EQ(errors[0].code, "missing_field");
  EXPECT_NE(errors[0].message.find("工作联系人"), std::string::npos) << errors[0].message;
  // A wrongly typed phone is reported as such, not also as missing.
  f["liaison"]["phone"] = 83134276;
  errors = ValidateContactForm(f, &out);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].code, "wrong_type");
}

TEST(ContactValidation, MissingRolesAndUnknownMembers) {
  ContactForm out;
  Json f = ValidForm();
  f.erase("platform_admin");
  f["liaison"] = "高亚华";
  f["deputy"] = Person();
  auto errors = ValidateContactForm(f, &out);
  EXPECT_EQ(Fields(errors), (std::set<std::string>{"deputy", "liaison", "platform_admin"}));
  EXPECT_TRUE(ValidateContactForm(Json::object(), &out).size() == 3);
  EXPECT_EQ(ValidateContactForm(Json::array(), &out).size(), 1u);
}

TEST(ContactValidation, ListsEveryProblemAtOnce) {
  Json f = {
      {"leader", {{"name", "x"}, {"department_title", ""}, {"phone", "123"}, {"email", "no"}}},
      {"liaison", {{"name", "高亚华"}, {"department_title", "处长"}}},
      {"platform_admin",
       {{"name", "马冬妍"}, {"department_title", "平台"}, {"mobile", "1"}, {"fax", "x"}}}};
  ContactForm out;
  out.contacts[0].name = "untouched";
  auto errors = ValidateContactForm(f, &out);
  EXPECT_EQ(Fields(errors), (std::set<std::string>{"leader.name", "leader.department_title",
                                                   "leader.phone", "leader.email", "liaison.phone",
                                                   "platform_admin.mobile", "platform_admin.fax"}));
  EXPECT_EQ(out.contacts[0].name, "untouched");  // nothing filled on failure
}

TEST(ContactTime, ChinaDates) {
  EXPECT_EQ(*ChinaDateOf("2016-05-10T15:59:59Z"), "2016-05-10");
  EXPECT_EQ(*ChinaDateOf("2016-05-10T16:00:00.000Z"), "2016-05-11");
  EXPECT_EQ(*ChinaDateOf("2016-12-31T20:00:00Z"), "2017-01-01");
  EXPECT_FALSE(ChinaDateOf("2016-05-10"));
  EXPECT_FALSE(ChinaDateOf("2016-05-10T25:00:00Z"));
  EXPECT_EQ(ChinaDateTimeOf("2016-05-10T01:02:03.456Z"), "2016-05-10 09:02");
  EXPECT_EQ(ChinaDateTimeOf("garbage"), "garbage");
}

class ContactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    round_ = {"gd-2016",
              "2016年广东省两化融合评估",
              2016,
              "440000",
              {"gbt23020-2013"},
              domain::Date::Of("2016-04-20"),
              domain::Date::Of("2016-06-30"),
              domain::Date::Of("2016-06-30"),
              true,
              domain::Date::Of("2016-05-10")};
    auto ok = InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
      if (auto r = store::UpsertRound(tx, round_); !r) return Fail(r.error());
      auto index = store::LoadReferenceIndex(tx);
      if (!index) return Fail(index.error());
      index_ = std::move(*index);
      return true;
    });
    ASSERT_TRUE(ok) << ok.error().message;
    ContactForm form;
    ASSERT_TRUE(ValidateContactForm(ValidForm(), &form).empty());
    form_ = form;
  }

  Result<UnitContacts> Save(const std::string& unit, const std::string& at,
                            const std::string& by = "guangdong") {
    return InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) {
      return SaveUnitContacts(tx, round_.code, unit, form_, by, at);
    });
  }

  std::vector<UnitContacts> All() {
    auto all = InTx(t_.db(), store::TxMode::kRead,
                    [&](store::Tx& tx) { return ListRoundContacts(tx, round_.code); });
    EXPECT_TRUE(all);
    return all ? *all : std::vector<UnitContacts>{};
  }

  testing::TempDb t_;
  domain::Round round_;
  domain::ReferenceIndex index_;
  ContactForm form_;
};

TEST_F(ContactStoreTest, SaveReadAndReplaceAllThree) {
  auto saved = Save("440100", "2016-05-09T02:00:00.000Z", "guangzhou");
  ASSERT_TRUE(saved) << saved.error().message;
  auto read = InTx(t_.db(), store::TxMode::kRead,
                   [&](store::Tx& tx) { return LoadUnitContacts(tx, "gd-2016", "440100"); });
  ASSERT_TRUE(read);
  ASSERT_TRUE(*read);
  EXPECT_EQ((*read)->submitted_by, "guangzhou");
  EXPECT_EQ((*read)->submitted_at, "2016-05-09T02:00:00.000Z");
  EXPECT_EQ(ContactFormToJson((*read)->form), ContactFormToJson(form_));

  // Replacing: every role takes the new content; optional fields cleared
  // become NULL; the first submission time stays, the author is the last.
  form_.contacts[0] = {"张三", "办公室主任", "", "", "13912345678", ""};
  form_.contacts[2].email = "";
  ASSERT_TRUE(Save("440100", "2016-05-20T02:00:00.000Z", "guangdong"));
  read = InTx(t_.db(), store::TxMode::kRead,
              [&](store::Tx& tx) { return LoadUnitContacts(tx, "gd-2016", "440100"); });
  ASSERT_TRUE(read && *read);
  EXPECT_EQ((*read)->form.contacts[0].name, "张三");
  EXPECT_EQ((*read)->form.contacts[0].phone, "");
  EXPECT_EQ((*read)->form.contacts[2].email, "");
  EXPECT_EQ((*read)->submitted_by, "guangdong");
  EXPECT_EQ((*read)->submitted_at, "2016-05-09T02:00:00.000Z");
  auto rows = InTx(t_.db(), store::TxMode::kRead, [&](store::Tx& tx) {
    return tx.Query("SELECT COUNT(*), SUM(CASE WHEN phone IS NULL THEN 1 ELSE 0 END) FROM contacts WHERE unit_code = '440100'");
  });
  ASSERT_TRUE(rows);
  EXPECT_EQ(rows->rows[0].Int(0), 3);
  EXPECT_EQ(rows->rows[0].Int(1), 1);

  auto none = InTx(t_.db(), store::TxMode::kRead,
                   [&](store::Tx& tx) { return LoadUnitContacts(tx, "gd-2016", "440300"); });
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(ContactStoreTest, AFailedTransactionWritesNothing) {
  auto r = InTx(t_.db(), store::TxMode::kWrite, [&](store::Tx& tx) -> Result<bool> {
    if (auto s = SaveUnitContacts(tx, round_.code, "440100", form_, "x", "2016-05-01T00:00:00Z");
        !s) {
      return Fail(s.error());
    }
    return Fail(Error::Invalid("later_problem", "后续步骤失败"));
  });
  EXPECT_FALSE(r);
  EXPECT_TRUE(All().empty());
}

TEST_F(ContactStoreTest, UnitsOfTheRoundAndScope) {
  auto units = ContactUnits(round_, index_);
  ASSERT_EQ(units.size(), 22u);  // 21 cities and 顺德区
  EXPECT_EQ(units.front(), "440100");
  EXPECT_EQ(units.back(), "440606");  // carved-out unit last
  EXPECT_EQ(std::count(units.begin(), units.end(), "440000"), 0);

  auto principal = [](Role role, std::string scope) {
    Principal p;
    p.role = role;
    p.scope_code = std::move(scope);
    return p;
  };
  EXPECT_EQ(ContactUnitsFor(principal(Role::kMinistry, ""), round_, index_).size(), 22u);
  EXPECT_EQ(ContactUnitsFor(principal(Role::kProvince, "440000"), round_, index_).size(), 22u);
  EXPECT_TRUE(ContactUnitsFor(principal(Role::kProvince, "450000"), round_, index_).empty());
  EXPECT_EQ(ContactUnitsFor(principal(Role::kUnit, "440100"), round_, index_),
            std::vector<std::string>{"440100"});
  // 佛山 does not reach 顺德, which reports to the province.
  EXPECT_EQ(ContactUnitsFor(principal(Role::kUnit, "440600"), round_, index_),
            std::vector<std::string>{"440600"});
  EXPECT_EQ(ContactUnitsFor(principal(Role::kUnit, "440606"), round_, index_),
            std::vector<std::string>{"440606"});
  for (Role r : {Role::kAssociation, Role::kAgency, Role::kEnterprise}) {
    EXPECT_FALSE(MayHandleContacts(principal(r, "440000")));
    EXPECT_TRUE(ContactUnitsFor(principal(r, "440000"), round_, index_).empty());
  }
}

TEST_F(ContactStoreTest, MissingAndLateAgainstTheDueDate) {
  // Due 2016-05-10 in China: 23:59 China time on the 10th is on time,
  // 00:00 on the 11th (16:00 UTC on the 10th) is late.
  ASSERT_TRUE(Save("440100", "2016-05-09T02:00:00.000Z"));
  ASSERT_TRUE(Save("440300", "2016-05-10T15:59:00.000Z"));
  ASSERT_TRUE(Save("440400", "2016-05-10T16:00:00.000Z"));
  ASSERT_TRUE(Save("440606", "2016-06-01T01:00:00.000Z"));
  auto units = ContactUnits(round_, index_);
  auto o = BuildContactsOverview(round_, index_, units, All(), "2016-05-12");
  EXPECT_EQ(o.entries.size(), 22u);
  EXPECT_EQ(o.submitted, 4);
  EXPECT_EQ(o.late, (std::vector<std::string>{"440400", "440606"}));
  EXPECT_EQ(o.missing.size(), 18u);
  EXPECT_EQ(std::count(o.missing.begin(), o.missing.end(), "440100"), 0);
  EXPECT_EQ(std::count(o.missing.begin(), o.missing.end(), "440600"), 1);
  for (const auto& e : o.entries) {
    EXPECT_EQ(e.overdue, !e.contacts) << e.unit_code;  // the due date has passed
  }
  auto j = ContactsOverviewToJson(o);
  EXPECT_EQ(j["summary"]["missing"], 18);
  EXPECT_EQ(j["summary"]["late"], 2);
  EXPECT_EQ(j["items"].size(), 4u);
  EXPECT_EQ(j["late"][0]["unit_name"], "珠海市");
  EXPECT_TRUE(j["due_passed"].get<bool>());

  // On the due date itself nobody is overdue yet.
  auto before = BuildContactsOverview(round_, index_, units, All(), "2016-05-10");
  for (const auto& e : before.entries) EXPECT_FALSE(e.overdue) << e.unit_code;
  EXPECT_EQ(before.missing.size(), 18u);

  // A unit admin's view holds its own unit only.
  auto own = BuildContactsOverview(round_, index_, {"440600"}, All(), "2016-05-12");
  EXPECT_EQ(own.entries.size(), 1u);
  EXPECT_EQ(own.missing, std::vector<std::string>{"440600"});
  EXPECT_TRUE(own.late.empty());

  // A correction after the due date keeps the on-time submission on time.
  ASSERT_TRUE(Save("440100", "2016-05-20T02:00:00.000Z"));
  auto again = BuildContactsOverview(round_, index_, units, All(), "2016-05-21");
  EXPECT_EQ(again.late, (std::vector<std::string>{"440400", "440606"}));

  // Without a due date nothing is late or overdue.
  round_.contacts_due.reset();
  auto undated = BuildContactsOverview(round_, index_, units, All(), "2016-05-21");
  EXPECT_TRUE(undated.late.empty());
  EXPECT_EQ(undated.missing.size(), 18u);
  for (const auto& e : undated.entries) EXPECT_FALSE(e.overdue);
}

TEST_F(ContactStoreTest, CsvAndXlsxExports) {
  ASSERT_TRUE(Save("440300", "2016-05-09T02:00:00.000Z", "shenzhen"));
  ASSERT_TRUE(Save("440100", "2016-05-09T03:00:00.000Z", "guangzhou"));
  auto o = BuildContactsOverview(round_, index_, ContactUnits(round_, index_), All(), "2016-05-12");
  std::string csv = ContactsToCsv(o);
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  std::vector<std::string> lines;
  for (size_t start = 3, end; (end = csv.find("\r\n", start)) != std::string::npos;
       start = end + 2) {
    lines.push_back(csv.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 1u + 2 * 3);
  EXPECT_EQ(csv.size(), csv.rfind("\r\n") + 2);  // every line ends in CRLF
  EXPECT_EQ(lines[0], "单位代码,单位,角色,姓名,部门及职务,电话,传真,手机,电子邮件,填报人,填报时间");
  // Quoted only where a field needs it (report/table.h); formulas are
  // guarded there, and tested with the writer.
  EXPECT_EQ(lines[1],
            "440100,广州市,工作负责人,郭 利,信息化推进处 主任科员,020-83134276,"
            "020-83134277,13800138000,gdxxhtj@163.com,guangzhou,2016-05-09 11:00");
  EXPECT_NE(lines[3].find("省级评估服务分平台管理员"), std::string::npos);
  EXPECT_EQ(lines[4].rfind("440300,深圳市,工作负责人,", 0), 0u);
  EXPECT_EQ(csv.find('\n'), csv.find("\r\n") + 1);

  auto xlsx = ContactsToXlsx(o);
  ASSERT_TRUE(xlsx) << xlsx.error().message;
  ASSERT_GT(xlsx->size(), 1000u);
  EXPECT_EQ(xlsx->substr(0, 2), "PK");
  // No form yet: still a valid workbook.
  auto empty = BuildContactsOverview(round_, index_, {"440200"}, {}, "2016-05-12");
  EXPECT_EQ(ContactsToCsv(empty).size(), lines[0].size() + 3 + 2);
  auto x2 = ContactsToXlsx(empty);
  ASSERT_TRUE(x2);
  EXPECT_EQ(x2->substr(0, 2), "PK");
}

// The service: scope before form, the save's time from the clock, the
// audit record with it, nothing half-written when the store fails.
class ContactServiceTest : public ContactStoreTest {
 protected:
  Principal province_ = testing::MakePrincipal(Role::kProvince, "440000", "guangdong");
  FixedClock clock_ = FixedClock::AtChinaDate("2016-05-09", 10);
};

TEST_F(ContactServiceTest, SavesWithTheClocksTimeAndAnAuditRecord) {
  std::vector<Error> details;
  auto saved = PutUnitContacts(t_.db(), province_, "gd-2016", "440100", ValidForm(), "req-1", &details, clock_);
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(saved->unit_name, "广州市");
  ASSERT_TRUE(saved->contacts);
  EXPECT_EQ(saved->contacts->submitted_at, "2016-05-09T02:00:00.000Z");
  EXPECT_EQ(saved->contacts->submitted_by, "guangdong");
  EXPECT_EQ(saved->contacts_due, domain::Date::Of("2016-05-10"));

  auto trail = InTx(t_.db(), store::TxMode::kRead, [&](store::Tx& tx) {
    return store::ListAudit(tx, testing::MakePrincipal(Role::kMinistry, ""), testing::AuditOf("contacts", "gd-2016/440100"));
  });
  ASSERT_TRUE(trail);
  ASSERT_EQ(trail->size(), 1u);
  EXPECT_EQ((*trail)[0].action, "contacts.put");
  EXPECT_EQ((*trail)[0].request_id, "req-1");
  EXPECT_FALSE((*trail)[0].before_json);

  // A correction later keeps the first submission time; the audit holds both.
  clock_.AdvanceSeconds(86400 * 3);
  saved = PutUnitContacts(t_.db(), province_, "gd-2016", "440100", ValidForm(), "req-2", &details, clock_);
  ASSERT_TRUE(saved);
  EXPECT_EQ(saved->contacts->submitted_at, "2016-05-09T02:00:00.000Z");
  auto page = GetUnitContacts(t_.db(), province_, "gd-2016", "440100");
  ASSERT_TRUE(page);
  EXPECT_EQ(ContactFormToJson(page->contacts->form), ContactFormToJson(form_));
}

TEST_F(ContactServiceTest, ScopeBeforeFormAndNothingOutsideIt) {
  std::vector<Error> details;
  Json bad = ValidForm();
  bad["leader"].erase("name");
  // Another province's admin and a unit admin of another city: 404 even for
  // a bad form, so nothing about the unit is revealed.
  for (const Principal& who : {testing::MakePrincipal(Role::kProvince, "450000"),
                               testing::MakePrincipal(Role::kUnit, "440300")}) {
    auto r = PutUnitContacts(t_.db(), who, "gd-2016", "440100", bad, "", &details, clock_);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kNotFound) << r.error().message;
    EXPECT_FALSE(GetUnitContacts(t_.db(), who, "gd-2016", "440100"));
  }
  EXPECT_EQ(GetContactsOverview(t_.db(), testing::MakePrincipal(Role::kProvince, "450000"), "gd-2016", "2016-05-12")
                .error()
                .kind,
            ErrorKind::kNotFound);
  auto forbidden = GetUnitContacts(t_.db(), testing::MakePrincipal(Role::kEnterprise, testing::MakeUscc("440100", 1)),
                                   "gd-2016", "440100");
  ASSERT_FALSE(forbidden);
  EXPECT_EQ(forbidden.error().kind, ErrorKind::kForbidden);
  // In scope, the bad form: 422 with every problem, nothing stored.
  auto r = PutUnitContacts(t_.db(), province_, "gd-2016", "440100", bad, "", &details, clock_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(Fields(details), std::set<std::string>{"leader.name"});
  EXPECT_TRUE(All().empty());
  // A unit admin sees its own unit in the overview only.
  auto overview = GetContactsOverview(t_.db(), testing::MakePrincipal(Role::kUnit, "440300"), "gd-2016", "2016-05-12");
  ASSERT_TRUE(overview);
  ASSERT_EQ(overview->entries.size(), 1u);
}

TEST_F(ContactServiceTest, AFailingStoreWritesNothing) {
  ASSERT_TRUE(PutUnitContacts(t_.db(), province_, "gd-2016", "440300", ValidForm(), "", nullptr, clock_));
  int points = testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) {
    return PutUnitContacts(db, province_, "gd-2016", "440100", ValidForm(), "", nullptr, clock_);
  });
  EXPECT_GE(points, 5);  // begin, round, units, industries, the form before, the save, the audit, commit
  EXPECT_GE(testing::ExpectAllOrNothing(t_.db(), [&](store::Db& db) {
    return GetContactsOverview(db, province_, "gd-2016", "2016-05-12");
  }), 2);
}

}  // namespace
}  // namespace rongping::campaign
