#include "enterprise/enterprise_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace rongping {
namespace {

// The audit form as a JSON tree writes it: the API form without the labels
// and the creation time. The audit trail written before the direct writer
// holds exactly these bytes, and readers compare before and after values.
std::string AuditJsonFromTree(const Enterprise& e) {
  auto j = EnterpriseToJson(e);
  j.erase("production_type_label");
  j.erase("size_class_label");
  j.erase("created_at");
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Enterprise Sample() {
  Enterprise e;
  e.uscc = domain::Uscc::FromStored("91440300MA5F0XKD4R");
  e.name = "深圳市融评电子有限公司";
  e.unit_code = domain::UnitCode::FromStored("440300");
  e.industry_code = "39";
  e.production_type = "discrete_mass";
  e.employees = 120;
  e.revenue_10k_yuan = 8000;
  e.size_class = SizeClass::kMedium;
  e.above_scale = true;
  e.ownership = "private";
  e.version = 3;
  e.created_at = "2026-05-01T08:00:00Z";
  e.updated_at = "2026-06-02T09:30:00Z";
  return e;
}

TEST(EnterpriseAuditJson, WritesTheBytesTheJsonTreeWrites) {
  std::vector<Enterprise> cases;
  cases.push_back(Sample());
  Enterprise all = Sample();
  all.address = "广东省深圳市南山区科技园\"一号\"\\B座";
  all.contact_name = "张三";
  all.contact_phone = "0755-12345678";
  all.contact_email = "zhang@example.cn";
  all.above_scale = false;
  cases.push_back(all);
  Enterprise controls = Sample();
  std::string every_control;
  for (int c = 0; c < 0x20; ++c) every_control += static_cast<char>(c);
  controls.name = "前" + every_control + "\x7f后";
  controls.address = std::string("a\0b", 3);
  cases.push_back(controls);
  Enterprise ill_formed = Sample();
  ill_formed.name = "坏\xff\xfe字节\xe4\xb8";  // not UTF-8: replaced, as the tree does
  ill_formed.contact_name = "\xc0\xaf";
  cases.push_back(ill_formed);
  for (double revenue : {0.0, 1.0, 0.5, 1234.5, 0.000001, 123456789.123456, 99999999999.0, 1e15,
                         1e16, 1e17, 0.1 + 0.2, -3.25}) {
    Enterprise e = Sample();
    e.revenue_10k_yuan = revenue;
    cases.push_back(e);
  }
  for (int64_t employees : {int64_t{0}, int64_t{-1}, int64_t{10'000'000}, INT64_MAX, INT64_MIN}) {
    Enterprise e = Sample();
    e.employees = employees;
    e.version = employees;
    cases.push_back(e);
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(EnterpriseAuditJson(cases[i]), AuditJsonFromTree(cases[i])) << "case " << i;
  }
  // And it is JSON that reads back to the fields.
  auto back = nlohmann::json::parse(EnterpriseAuditJson(all));
  EXPECT_EQ(back["address"], *all.address);
  EXPECT_EQ(back["size_class"], "medium");
  EXPECT_FALSE(back.contains("created_at"));
}

}  // namespace
}  // namespace rongping
