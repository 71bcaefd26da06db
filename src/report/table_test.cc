// The one table writer: CSV as Excel and WPS read it, XLSX print-ready.
#include "report/table.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <cmath>

namespace rongping::report {
namespace {

Table Sample() {
  Table t;
  t.title = "数据地图";
  t.header = {"分组", "企业数", "平均发展水平"};
  t.rows = {
      {TableCell::Text("广东省"), TableCell::Number(1531), TableCell::Number(52.345, 1)},
      {TableCell::Text("=HYPERLINK(\"http://x\")"), TableCell::Text("—"), TableCell::Text("—")},
      {TableCell::Text("顺德区, 佛山"), TableCell::Number(0), TableCell::Text("")}};
  t.notes = {"注：少于 5 家企业的分组不显示。"};
  return t;
}

// A circular's table: a title and caption in the sheet, a column group,
// a total row, numbers in every style.
Table Circular() {
  Table t;
  t.title = "2016年第二季度评估进展通报";
  t.sheet_name = "通报";
  t.title_in_sheet = true;
  t.caption = "数据截至2016年6月30日";
  t.header = {"属地", "完成率", "参与评估数", "完成率（百分点）", "排名"};
  t.header_groups = {{"较上期变化", 2, 3}};
  t.total_rows = 1;
  t.rows = {
      {TableCell::Text("全省"), TableCell::Styled(0.33333, NumberStyle::kPercent, 1),
       TableCell::Styled(3, NumberStyle::kSigned), TableCell::Styled(2.04, NumberStyle::kSigned, 1),
       TableCell::Styled(2, NumberStyle::kRankChange)},
      {TableCell::Text("广州市"), TableCell::Maybe(std::nullopt, NumberStyle::kPercent, 1),
       TableCell::Styled(-2, NumberStyle::kSigned), TableCell::Styled(0, NumberStyle::kSigned, 1),
       TableCell::Styled(-1, NumberStyle::kRankChange)},
      {TableCell::Text("深圳市"), TableCell::Styled(1, NumberStyle::kPercent, 1),
       TableCell::Styled(0, NumberStyle::kSigned), TableCell::Styled(-0.5, NumberStyle::kSigned, 1),
       TableCell::Styled(0, NumberStyle::kRankChange)}};
  return t;
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
  Table t;
  t.title = "t";
  t.header = {"a"};
  t.rows = {{TableCell::Text("-1")}, {TableCell::Text("@SUM(A1)")}, {TableCell::Text("a\nb")}};
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

TEST(TableCsv, StyledNumbersReadAsInTheSpreadsheet) {
  EXPECT_EQ(TableToCsv(Circular()),
            "\xEF\xBB\xBF属地,完成率,参与评估数,完成率（百分点）,排名\r\n"
            "全省,33.3%,+3,+2.0,↑2\r\n"
            "广州市,,-2,0.0,↓1\r\n"
            "深圳市,100.0%,0,-0.5,持平\r\n");
}

TEST(TableXlsx, TitleGroupsTotalsAndStyles) {
  auto bytes = TableToXlsx(Circular());
  ASSERT_TRUE(bytes) << bytes.error().message;
  const std::string workbook = ZipEntry(*bytes, "xl/workbook.xml");
  const std::string sheet = ZipEntry(*bytes, "xl/worksheets/sheet1.xml");
  const std::string styles = ZipEntry(*bytes, "xl/styles.xml");
  const std::string strings = ZipEntry(*bytes, "xl/sharedStrings.xml");
  EXPECT_NE(workbook.find("name=\"通报\""), std::string::npos) << workbook;
  // Rows 1-2: title and caption across the five columns; 3-4: the header,
  // 较上期变化 over C3:E3 and the ungrouped columns' headers over two rows.
  for (const char* merged : {"A1:E1", "A2:E2", "C3:E3", "A3:A4", "B3:B4"}) {
    EXPECT_NE(sheet.find(std::string("ref=\"") + merged + "\""), std::string::npos) << merged;
  }
  EXPECT_NE(sheet.find("<pane ySplit=\"4\""), std::string::npos) << "frozen below the header";
  EXPECT_NE(workbook.find("$3:$4"), std::string::npos) << "both header rows repeat on every page";
  for (const char* text : {"2016年第二季度评估进展通报", "数据截至2016年6月30日", "较上期变化"}) {
    EXPECT_NE(strings.find(text), std::string::npos) << text;
  }
  EXPECT_NE(sheet.find("<v>0.333</v>"), std::string::npos) << "a percentage rounded as it reads";
  EXPECT_NE(sheet.find("<v>2</v>"), std::string::npos);
  for (const char* format :
       {"0.0%", "+0;-0;0", "+0.0;-0.0;0.0", "&quot;↑&quot;0;&quot;↓&quot;0;&quot;持平&quot;"}) {
    EXPECT_NE(styles.find(std::string("formatCode=\"") + format + "\""), std::string::npos)
        << format;
  }
  EXPECT_NE(styles.find("<b/>"), std::string::npos) << "the total row is bold";
}

TEST(TableHtml, GroupsTotalsFiguresAndEscaping) {
  Table t = Circular();
  t.rows[1][0] = TableCell::Text("<b>广州</b>");
  const std::string html = TableToHtml(t, "全省情况表（截至2016年6月30日）");
  EXPECT_NE(html.find("<caption>全省情况表（截至2016年6月30日）</caption>"), std::string::npos);
  EXPECT_NE(html.find("<th rowspan=\"2\">属地</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<th colspan=\"3\">较上期变化</th>"), std::string::npos) << html;
  EXPECT_NE(
      html.find(
          "<tr class=\"total\"><td class=\"name\">全省</td><td class=\"num\">33.3%</td>"
          "<td class=\"num\">+3</td><td class=\"num\">+2.0</td><td class=\"num\">↑2</td></tr>"),
      std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"num\">—</td>"), std::string::npos)
      << "an empty cell reads as a dash";
  EXPECT_NE(html.find("&lt;b&gt;广州&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">持平</td>"), std::string::npos);
}

// A table of words and figures (the diagnosis report's path of steps): the
// text columns are set as names wherever they stand, no caption when none
// is given, and what rounds to zero reads 0.0 (never -0.0) in HTML and CSV.
TEST(TableHtml, TextColumnsNoCaptionAndNoNegativeZero) {
  Table t;
  t.header = {"序号", "题目", "得分"};
  t.text_columns = {1};
  t.rows = {{TableCell::Number(1), TableCell::Text("ERP"), TableCell::Number(-0.04, 1)}};
  const std::string html = TableToHtml(t, "");
  EXPECT_EQ(html.find("<caption>"), std::string::npos);
  EXPECT_NE(
      html.find(
          "<tr><td class=\"num\">1</td><td class=\"name\">ERP</td><td class=\"num\">0.0</td></tr>"),
      std::string::npos)
      << html;
  EXPECT_NE(TableToCsv(t).find("1,ERP,0.0\r\n"), std::string::npos) << TableToCsv(t);
  t.rows[0][2] = TableCell::Styled(-0.0004, NumberStyle::kPercent, 1);
  EXPECT_NE(TableToHtml(t, "").find(">0.0%<"), std::string::npos);
}

TEST(FormXlsx, AFormAndATableInOneWorkbook) {
  Form form;
  form.sheet_name = "联系人表";
  form.title = "两化融合评估诊断和对标引导工作地方联系人表";
  form.caption = "评估周期：2016年评估（gd-2016）";
  form.column_widths = {14, 22, 14, 30};
  using Style = FormCell::Style;
  form.rows = {{{"单位", Style::kLabel}, {"广州市（440100）", Style::kValue, 3}},
               {{"工作负责人", Style::kSection, 4}},
               {{"姓名", Style::kLabel},
                {"郭 利", Style::kValue},
                {"电话", Style::kLabel},
                {"=1+1", Style::kValue}},
               {},
               {{"填报人：guangzhou；填报时间：2016-05-09 11:00（逾期报送）", Style::kNote}}};
  auto bytes = SheetsToXlsx({form, Sample()});
  ASSERT_TRUE(bytes) << bytes.error().message;
  const std::string workbook = ZipEntry(*bytes, "xl/workbook.xml");
  const std::string sheet = ZipEntry(*bytes, "xl/worksheets/sheet1.xml");
  const std::string strings = ZipEntry(*bytes, "xl/sharedStrings.xml");
  EXPECT_NE(workbook.find("name=\"联系人表\""), std::string::npos);
  EXPECT_NE(workbook.find("name=\"数据地图\""), std::string::npos);
  EXPECT_FALSE(ZipEntry(*bytes, "xl/worksheets/sheet2.xml").empty());
  // Title A1:D1, caption A2:D2, a blank row, then 单位 | B4:D4, the role over A5:D5.
  for (const char* merged : {"A1:D1", "A2:D2", "B4:D4", "A5:D5"}) {
    EXPECT_NE(sheet.find(std::string("ref=\"") + merged + "\""), std::string::npos) << merged;
  }
  EXPECT_NE(sheet.find("paperSize=\"9\""), std::string::npos);
  EXPECT_EQ(sheet.find("orientation=\"landscape\""), std::string::npos) << "a form prints upright";
  EXPECT_EQ(sheet.find("<f>"), std::string::npos) << "a value is text, never a formula";
  for (const char* text :
       {"两化融合评估诊断和对标引导工作地方联系人表", "郭 利", "=1+1", "（逾期报送）"}) {
    EXPECT_NE(strings.find(text), std::string::npos) << text;
  }
}

TEST(TableXlsx, SheetNamesExcelAccepts) {
  Table t;
  t.title = "[2016/Q2]: 全省两化融合评估进展情况通报（按地市、按行业、按规模）附表";
  t.header = {"a"};
  auto bytes = TableToXlsx(t);
  ASSERT_TRUE(bytes);
  const std::string workbook = ZipEntry(*bytes, "xl/workbook.xml");
  EXPECT_NE(workbook.find("name=\"2016Q2 全省两化融合评估进展情况通报（按地市、按行业、按\""),
            std::string::npos)
      << workbook;
}

}  // namespace
}  // namespace rongping::report
