// Import of enterprises from CSV and XLSX with good and bad rows.
#include <gtest/gtest.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/clock.h"
#include "domain/enterprise.h"
#include "importer/enterprise_import.h"
#include "store/test_support.h"

namespace rongping {
namespace {

using testing::MakeUscc;
using testing::TempDb;

int64_t Count(store::Db& db, const std::string& sql) {
  auto r = InTx(db, store::TxMode::kRead, [&](store::Tx& tx) { return tx.Query(sql); });
  return r->rows[0].Int(0);
}

// Two good rows (2 and 4) and four bad ones: bad check character (3),
// unknown unit (5), negative employees and a bad production type on the
// same row (6), a duplicate of row 2 (7).
std::string MixedCsv() {
  std::string bad_check = MakeUscc("440300", 2);
  bad_check.back() = bad_check.back() == '1' ? '2' : '1';
  std::ostringstream csv;
  csv << "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan\n"
      << MakeUscc("440100", 1) << ",广州甲电子有限公司,440100,39,discrete_mass,120,3500\n"
      << bad_check << ",深圳乙有限公司,440300,39,discrete_mass,80,2100\n"
      << MakeUscc("440606", 3) << ",\"顺德丙电器有限公司, 二厂\",440606,38,离散大批量,400,\"12,000\"\n"
      << MakeUscc("440300", 4) << ",某公司,999999,39,process,10,100\n"
      << MakeUscc("440300", 5) << ",某二公司,440300,39,magic,-1,100\n"
      << MakeUscc("440100", 1) << ",重复公司,440100,39,process,10,100\n";
  return csv.str();
}

void ExpectMixedErrors(const ImportReport& report) {
  ASSERT_EQ(report.invalid_rows, 4u);
  std::vector<std::pair<int, std::string>> got;
  for (const auto& e : report.errors) got.emplace_back(e.row, e.column);
  std::vector<std::pair<int, std::string>> want = {{3, "uscc"},
                                                   {5, "unit_code"},
                                                   {6, "production_type"},
                                                   {6, "employees"},
                                                   {7, "uscc"}};
  EXPECT_EQ(got, want);
  EXPECT_NE(report.errors[0].message.find("第18位校验码"), std::string::npos);
  EXPECT_NE(report.errors.back().message.find("与第2行重复"), std::string::npos);
}

TEST(EnterpriseImport, CsvWithBadRowsWritesNothingAndReportsEachRow) {
  TempDb t;
  auto table = importer::ReadCsv(MixedCsv());
  ASSERT_TRUE(table);
  auto report = ImportEnterprises(t.db(), *table, {});
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_FALSE(report->written);
  ExpectMixedErrors(*report);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM enterprises"), 0);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM audit_log"), 0);
}

TEST(EnterpriseImport, SkipInvalidWritesOnlyGoodRowsAndIsIdempotent) {
  TempDb t;
  auto table = importer::ReadCsv(MixedCsv());
  ImportOptions options;
  options.skip_invalid = true;
  auto report = ImportEnterprises(t.db(), *table, options);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->written);
  EXPECT_EQ(report->inserted, 2u);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM enterprises"), 2);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM enterprises WHERE unit_code = '440606' AND "
                          "revenue_10k_yuan = 12000 AND size_class = 'medium'"),
            1);
  auto again = ImportEnterprises(t.db(), *table, options);
  EXPECT_EQ(again->inserted, 0u);
  EXPECT_EQ(again->unchanged, 2u);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM audit_log"), 2);
}

// An import commits whole or not at all, its records stamped with the
// store's clock.
TEST(EnterpriseImport, AllOrNothingAtTheClocksTime) {
  FixedClock clock = FixedClock::AtChinaDate("2031-03-01", 9);  // outlives t
  TempDb t;
  t.db().SetClock(clock);
  auto table = importer::ReadCsv(MixedCsv());
  ASSERT_TRUE(table);
  ImportOptions options;
  options.skip_invalid = true;
  EXPECT_GE(testing::ExpectAllOrNothing(
                t.db(), [&](store::Db& db) { return ImportEnterprises(db, *table, options); }),
            3);
  EXPECT_EQ(Count(t.db(),
                  "SELECT COUNT(*) FROM enterprises WHERE created_at = '2031-03-01T01:00:00.000Z'"),
            2);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM audit_log WHERE at = '2031-03-01T01:00:00.000Z'"),
            2);
}

TEST(EnterpriseImport, XlsxWithBadRowsReportsSpreadsheetRowNumbers) {
  TempDb t;
  std::string path = (t.dir() / "mixed.xlsx").string();
  auto csv = importer::ReadCsv(MixedCsv());
  ASSERT_TRUE(csv);
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "企业");
  for (size_t c = 0; c < csv->header.size(); ++c) {
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), csv->header[c].c_str(), nullptr);
  }
  for (size_t r = 0; r < csv->rows.size(); ++r) {
    for (size_t c = 0; c < csv->rows[r].size(); ++c) {
      const std::string& v = csv->rows[r][c];
      // Numbers as numbers, like a spreadsheet user would type them.
      bool numeric = (c == 5 || c == 6) && v.find_first_not_of("0123456789") == std::string::npos;
      auto row = static_cast<lxw_row_t>(r + 1);
      auto col = static_cast<lxw_col_t>(c);
      if (numeric) {
        worksheet_write_number(ws, row, col, std::stod(v), nullptr);
      } else {
        worksheet_write_string(ws, row, col, v.c_str(), nullptr);
      }
    }
  }
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  auto table = importer::ReadTableFile(path);
  ASSERT_TRUE(table) << table.error().message;
  auto report = ImportEnterprises(t.db(), *table, {});
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->written);
  ExpectMixedErrors(*report);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM enterprises"), 0);
}

TEST(EnterpriseImport, MissingAndUnknownColumnsAreHeaderErrors) {
  TempDb t;
  auto table = importer::ReadCsv("uscc,name,colour\n1,2,3\n");
  auto report = ImportEnterprises(t.db(), *table, {});
  ASSERT_TRUE(report);
  EXPECT_FALSE(report->written);
  ASSERT_FALSE(report->errors.empty());
  for (const auto& e : report->errors) EXPECT_EQ(e.row, 1);
}

TEST(EnterpriseImport, ChineseHeadersAreAccepted) {
  TempDb t;
  auto table = importer::ReadCsv(
      "统一社会信用代码,企业名称,单位代码,行业代码,生产类型,从业人数,营业收入（万元）\n" +
      MakeUscc("440100", 11) + ",广州某某有限公司,440100,C39,流程型,30,500\n");
  auto report = ImportEnterprises(t.db(), *table, {});
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->written) << (report->errors.empty() ? "" : report->errors[0].message);
  EXPECT_EQ(report->inserted, 1u);
}

TEST(EnterpriseImport, ExportedDerivedColumnsAreAcceptedAndIgnored) {
  TempDb t;
  auto table = importer::ReadCsv(
      "统一社会信用代码,企业名称,所属单位代码,行业代码,生产类型,从业人数,营业收入（万元）,企业规模,"
      "规模以上\n" +
      MakeUscc("440100", 12) + ",广州某某有限公司,440100,39,离散大批量,30,500,大型,是\n");
  auto report = ImportEnterprises(t.db(), *table, {});
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->written);
  // The size class is computed, not taken from the file.
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM enterprises WHERE size_class = 'small'"), 1);
}

TEST(EnterpriseImport, UnitAdminCannotImportIntoAnotherUnit) {
  TempDb t;
  Principal guangzhou;
  guangzhou.role = Role::kUnit;
  guangzhou.scope_code = "440100";
  guangzhou.username = "gz";
  // Shenzhen's enterprise exists already.
  auto sz = importer::ReadCsv(
      "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan\n" +
      MakeUscc("440300", 21) + ",深圳某有限公司,440300,39,process,30,500\n");
  ASSERT_TRUE(ImportEnterprises(t.db(), *sz, {})->written);
  auto into_sz = importer::ReadCsv(
      "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan\n" +
      MakeUscc("440300", 22) + ",深圳新有限公司,440300,39,process,30,500\n");
  ImportOptions as_gz;
  as_gz.principal = &guangzhou;
  auto r1 = ImportEnterprises(t.db(), *into_sz, as_gz);
  EXPECT_FALSE(r1->written);
  EXPECT_EQ(r1->errors.at(0).column, "unit_code");
  // Moving Shenzhen's enterprise into Guangzhou by its code is refused too.
  auto steal = importer::ReadCsv(
      "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan\n" +
      MakeUscc("440300", 21) + ",改名公司,440100,39,process,30,500\n");
  auto r2 = ImportEnterprises(t.db(), *steal, as_gz);
  EXPECT_FALSE(r2->written);
  EXPECT_EQ(r2->errors.at(0).column, "uscc");
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM enterprises WHERE unit_code = '440300' AND name = "
                          "'深圳某有限公司'"),
            1);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM enterprises"), 1);
}

TEST(EnterpriseImport, RefusedCodesAreListedInRowOrderWhateverOrderTheyAreWrittenIn) {
  // Rows are written in USCC order; what the importer is told stays in the
  // order of the file's rows, and only the first ones are listed.
  TempDb t;
  const std::string header = "uscc,name,unit_code,industry_code,production_type,employees,revenue_10k_yuan\n";
  std::vector<std::string> held;
  for (int n = 31; n <= 34; ++n) held.push_back(MakeUscc("440300", n));
  std::string sz = header;
  for (const auto& code : held) sz += code + ",深圳某有限公司,440300,39,process,30,500\n";
  ASSERT_TRUE(ImportEnterprises(t.db(), *importer::ReadCsv(sz), {})->written);
  std::sort(held.rbegin(), held.rend());  // the file lists them in descending code order
  std::string csv = header + MakeUscc("440100", 35) + ",广州某有限公司,440100,39,process,30,500\n";
  for (const auto& code : held) csv += code + ",改名公司,440100,39,process,30,500\n";
  Principal guangzhou;
  guangzhou.role = Role::kUnit;
  guangzhou.scope_code = "440100";
  guangzhou.username = "gz";
  ImportOptions options;
  options.principal = &guangzhou;
  options.max_listed_errors = 2;
  options.skip_invalid = true;
  auto r = ImportEnterprises(t.db(), *importer::ReadCsv(csv), options);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->written);
  EXPECT_EQ(r->inserted, 1u);
  EXPECT_EQ(r->error_count, 4u);
  EXPECT_TRUE(r->errors_truncated);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].row, 3);
  EXPECT_EQ(r->errors[1].row, 4);
  EXPECT_EQ(r->errors[0].message, kUsccUnavailableMessage);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM audit_log WHERE action = 'enterprise.register_refused'"), 4);
  EXPECT_EQ(Count(t.db(), "SELECT COUNT(*) FROM enterprises WHERE name = '改名公司'"), 0);
}

}  // namespace
}  // namespace rongping
