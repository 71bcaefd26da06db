// The one table writer: CSV as Excel and WPS read it, XLSX print-ready.
#include "report/table.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cmath>

namespace rongping::report {
namespace {

Table Sample() {
  return {
      "数据地图",
      {"分组", "企业数", "平均发展水平"},
      {{TableCell::Text("广东省"), TableCell::Number(1531), TableCell::Number(52.345, 1)},
       {TableCell::Text("=HYPERLINK(\"http://x\")"), TableCell::Text("—"), TableCell::Text("—")},
       {TableCell::Text("顺德区, 佛山"), TableCell::Number(0), TableCell::Text("")}},
      {"注：少于 5 家企业的分组不显示。"}};
}

// One file of an .xlsx (a zip), or "" when it is not there.
std::string ZipEntry(const std::string& bytes, const char* name) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* zip = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (!zip) {
    zip_source_free(source);
    return "";
  }
  std::string out;
  zip_stat_t stat;
  if (zip_stat(zip, name, 0, &stat) == 0) {
    zip_file_t* f = zip_fopen(zip, name, 0);
    out.resize(stat.size);
    zip_fread(f, out.data(), stat.size);
    zip_fclose(f);
  }
  zip_close(zip);
  return out;
}

TEST(TableCsv, QuotesOnlyWhatNeedsItAndGuardsFormulas) {
  EXPECT_EQ(TableToCsv(Sample()),
            "\xEF\xBB\xBF分组,企业数,平均发展水平\r\n"
            "广东省,1531,52.3\r\n"
            "\"'=HYPERLINK(\"\"http://x\"\")\",—,—\r\n"
            "\"顺德区, 佛山\",0,\r\n");
  Table t{"t",
          {"a"},
          {{TableCell::Text("-1")}, {TableCell::Text("@SUM(A1)")}, {TableCell::Text("a\nb")}},
          {}};
  EXPECT_EQ(TableToCsv(t),
            "\xEF\xBB\xBF"
            "a\r\n\"'-1\"\r\n\"'@SUM(A1)\"\r\n\"a\nb\"\r\n");
}

TEST(TableXlsx, PrintReadyWithNumbersAsNumbers) {
  auto bytes = TableToXlsx(Sample());
  ASSERT_TRUE(bytes) << bytes.error().message;
  const std::string workbook = ZipEntry(*bytes, "xl/workbook.xml");
  const std::string sheet = ZipEntry(*bytes, "xl/worksheets/sheet1.xml");
  const std::string strings = ZipEntry(*bytes, "xl/sharedStrings.xml");
  ASSERT_FALSE(sheet.empty());
  EXPECT_NE(workbook.find("name=\"数据地图\""), std::string::npos) << workbook;
  EXPECT_NE(workbook.find("_xlnm.Print_Titles"), std::string::npos)
      << "the header row repeats on every page";
  EXPECT_NE(sheet.find("orientation=\"landscape\""), std::string::npos);
  EXPECT_NE(sheet.find("paperSize=\"9\""), std::string::npos) << "A4";
  EXPECT_NE(sheet.find("<pane ySplit=\"1\""), std::string::npos) << "the header is frozen";
  EXPECT_NE(sheet.find("<v>1531</v>"), std::string::npos) << "a number is stored as one";
  EXPECT_NE(sheet.find("<v>52.3</v>"), std::string::npos) << "rounded as shown, as in the CSV";
  EXPECT_EQ(sheet.find("52.345"), std::string::npos);
  EXPECT_NE(strings.find("广东省"), std::string::npos);
  EXPECT_NE(strings.find("注：少于 5 家企业的分组不显示。"), std::string::npos);
  // A formula's text is a string, never a formula.
  EXPECT_EQ(sheet.find("<f>"), std::string::npos);
}

TEST(TableXlsx, SheetNamesExcelAccepts) {
  Table t{"[2016/Q2]: 全省两化融合评估进展情况通报（按地市、按行业、按规模）附表", {"a"}, {}, {}};
  auto bytes = TableToXlsx(t);
  ASSERT_TRUE(bytes);
  const std::string workbook = ZipEntry(*bytes, "xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"2016Q2 全省两化融合评估进展情况通报（按地市、按行业、按\""),
            std::string::npos)
      << workbook;
}

}  // namespace
}  // namespace rongping::report
