#include "importer/table.h"

#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <xlsxwriter.h>

namespace rongping::importer {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// ---------------------------------------------------------------------------
// Fixtures

// A per-process temp folder, removed at exit.
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("rongping_table_test_" + std::to_string(getpid()));
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// A fresh path in the temp folder.
std::string TempPath(const std::string& name) {
  static TempDir dir;
  static int counter = 0;
  std::filesystem::create_directories(dir.path);
  return (dir.path / (std::to_string(++counter) + "_" + name)).string();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Builds a zip archive in memory with deflate-compressed entries.
std::string MakeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(buffer);
  zip_t* zip = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  EXPECT_NE(zip, nullptr);
  for (const auto& [name, data] : entries) {
    zip_source_t* s = zip_source_buffer_create(data.data(), data.size(), 0, &error);
    EXPECT_GE(zip_file_add(zip, name.c_str(), s, ZIP_FL_OVERWRITE), 0);
  }
  EXPECT_EQ(zip_close(zip), 0);
  std::string out;
  EXPECT_EQ(zip_source_open(buffer), 0);
  zip_source_seek(buffer, 0, SEEK_END);
  out.resize(static_cast<size_t>(zip_source_tell(buffer)));
  zip_source_seek(buffer, 0, SEEK_SET);
  EXPECT_EQ(zip_source_read(buffer, out.data(), out.size()), static_cast<zip_int64_t>(out.size()));
  zip_source_close(buffer);
  zip_source_free(buffer);
  zip_error_fini(&error);
  return out;
}

constexpr char kContentTypes[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)";
constexpr char kRootRels[] =
    R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)";

std::string SheetXml(const std::string& sheet_data) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
         sheet_data + "</sheetData></worksheet>";
}

// A minimal workbook whose only sheet is at xl/worksheets/sheet1.xml.
std::string MinimalXlsx(const std::string& sheet_data, const std::string& shared = "") {
  std::vector<std::pair<std::string, std::string>> entries = {
      {"[Content_Types].xml", kContentTypes},
      {"xl/worksheets/sheet1.xml", SheetXml(sheet_data)},
  };
  if (!shared.empty()) {
    entries.push_back(
        {"xl/sharedStrings.xml",
         R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)" + shared +
             "</sst>"});
  }
  return MakeZip(entries);
}

// ---------------------------------------------------------------------------
// CSV

TEST(ReadCsvTest, QuotesCommasAndDoubledQuotes) {
  auto t = ReadCsv("名称,备注\n\"甲公司,深圳\",\"他说\"\"好\"\"\"\n乙, b \n");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"名称", "备注"}));
  EXPECT_EQ(t->rows, (Rows{{"甲公司,深圳", "他说\"好\""}, {"乙", "b"}}));
  EXPECT_EQ(t->row_numbers, (std::vector<int>{2, 3}));
}

TEST(ReadCsvTest, EmbeddedNewlineIsOneRow) {
  auto t = ReadCsv("a,b\r\n\"line1\r\nline2\",x\r\nnext,y\r\nlast,z");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->rows, (Rows{{"line1\nline2", "x"}, {"next", "y"}, {"last", "z"}}));
  EXPECT_EQ(t->row_numbers, (std::vector<int>{2, 3, 4}));
}

TEST(ReadCsvTest, EmptyLinesSkippedButCounted) {
  auto t = ReadCsv("\n名称,代码\n\n甲,1\n\r\n,,\n乙,2\n\n");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"名称", "代码"}));
  EXPECT_EQ(t->rows, (Rows{{"甲", "1"}, {"乙", "2"}}));
  EXPECT_EQ(t->row_numbers, (std::vector<int>{4, 7}));
}

TEST(ReadCsvTest, BomSkippedAndHeaderTrimmed) {
  auto t = ReadCsv("\xEF\xBB\xBF \xE3\x80\x80名称 , 代码\t\n 甲 ,\t91440300MA5DCX1B2X \n");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"名称", "代码"}));
  EXPECT_EQ(t->rows, (Rows{{"甲", "91440300MA5DCX1B2X"}}));
}

TEST(ReadCsvTest, KeepsFieldCountsAsRead) {
  auto t = ReadCsv("a,b,c\n1,2\n1,2,3,\n");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->rows, (Rows{{"1", "2"}, {"1", "2", "3", ""}}));
}

TEST(ReadCsvTest, GbkIsDecoded) {
  // "名称,代码\n甲公司,1\n" saved as GBK by Excel on Chinese Windows.
  std::string gbk = "\xC3\xFB\xB3\xC6,\xB4\xFA\xC2\xEB\n\xBC\xD7\xB9\xAB\xCB\xBE,1\n";
  auto t = ReadCsv(gbk);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"名称", "代码"}));
  EXPECT_EQ(t->rows, (Rows{{"甲公司", "1"}}));
}

TEST(ReadCsvTest, UndecodableBytesAreRejected) {
  auto t = ReadCsv("a,b\n\xFF\xFE\xFF,1\n");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kInvalid);
  EXPECT_EQ(t.error().code, "unknown_encoding");
  EXPECT_EQ(t.error().message, "文件编码无法识别：请保存为 UTF-8 编码的 CSV");
}

TEST(ReadCsvTest, UnterminatedQuoteNamesRow) {
  auto t = ReadCsv("a,b\n1,2\n3,\"open\nmore\n");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "unterminated_quote");
  EXPECT_NE(t.error().message.find("第 3 行第 2 列"), std::string::npos) << t.error().message;
}

TEST(ReadCsvTest, EmptyFile) {
  for (std::string_view input : {"", "\n\n", " , \n"}) {
    auto t = ReadCsv(input);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, "empty_file");
  }
}

TEST(ReadCsvTest, HeaderOnly) {
  auto t = ReadCsv("a,b");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->header, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(t->rows.empty());
}

TEST(ReadCsvTest, Limits) {
  ReadLimits limits;
  limits.max_cell_bytes = 8;
  auto t = ReadCsv("a,b\n1,123456789\n", limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);
  EXPECT_NE(t.error().message.find("第 2 行第 2 列（B2）"), std::string::npos) << t.error().message;
  t = ReadCsv("a,b\n1,\"123456789\"\n", limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);

  limits = {};
  limits.max_columns = 2;
  t = ReadCsv("a,b\n1,2,3\n", limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);

  limits = {};
  limits.max_rows = 2;
  EXPECT_TRUE(ReadCsv("h\n1\n2\n", limits));
  t = ReadCsv("h\n1\n2\n3\n", limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);

  limits = {};
  limits.max_file_bytes = 4;
  t = ReadCsv("h\n1\n2\n", limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);
}

// ---------------------------------------------------------------------------
// XLSX written by libxlsxwriter

TEST(ReadXlsxTest, LibxlsxwriterWorkbook) {
  std::string path = TempPath("companies.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  ASSERT_NE(wb, nullptr);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "企业名单");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy-mm-dd");
  lxw_format* builtin_date = workbook_add_format(wb);
  format_set_num_format_index(builtin_date, 14);
  lxw_format* datetime = workbook_add_format(wb);
  format_set_num_format(datetime, "yyyy/m/d h:mm");
  lxw_format* percent = workbook_add_format(wb);
  format_set_num_format(percent, "0.00%");

  worksheet_write_string(ws, 0, 0, " 企业名称 ", nullptr);
  worksheet_write_string(ws, 0, 1, "统一社会信用代码", nullptr);
  worksheet_write_string(ws, 0, 2, "营业收入", nullptr);
  worksheet_write_string(ws, 0, 3, "成立日期", nullptr);
  worksheet_write_string(ws, 0, 4, "从业人数", nullptr);

  worksheet_write_string(ws, 1, 0, "深圳市甲科技有限公司", nullptr);
  worksheet_write_string(ws, 1, 1, "91440300MA5DCX1B2X", nullptr);
  worksheet_write_number(ws, 1, 2, 1500.5, nullptr);
  lxw_datetime d1 = {2024, 3, 15, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 3, &d1, date);
  worksheet_write_number(ws, 1, 4, 1234567, nullptr);

  // Row 3 is left empty (a gap); row 4 has an empty cell in column B.
  worksheet_write_string(ws, 3, 0, "乙公司", nullptr);
  worksheet_write_number(ws, 3, 2, -0.25, nullptr);
  lxw_datetime d2 = {1999, 12, 31, 0, 0, 0};
  worksheet_write_datetime(ws, 3, 3, &d2, builtin_date);

  // Row 5: formatted but empty cell (blank) and whitespace only: skipped.
  worksheet_write_blank(ws, 4, 0, date);
  worksheet_write_string(ws, 4, 1, "   ", nullptr);

  worksheet_write_string(ws, 5, 0, "0123", nullptr);
  worksheet_write_boolean(ws, 5, 1, 1, nullptr);
  worksheet_write_number(ws, 5, 2, 0.1 + 0.2, nullptr);
  lxw_datetime d3 = {2023, 1, 2, 8, 30, 0};
  worksheet_write_datetime(ws, 5, 3, &d3, datetime);
  worksheet_write_number(ws, 5, 4, 0.15, percent);

  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

  auto t = ReadXlsx(ReadFile(path));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header,
            (std::vector<std::string>{"企业名称", "统一社会信用代码", "营业收入", "成立日期",
                                      "从业人数"}));
  EXPECT_EQ(t->rows, (Rows{
                         {"深圳市甲科技有限公司", "91440300MA5DCX1B2X", "1500.5", "2024-03-15",
                          "1234567"},
                         {"乙公司", "", "-0.25", "1999-12-31"},
                         {"0123", "TRUE", "0.3", "2023-01-02 08:30", "0.15"},
                     }));
  EXPECT_EQ(t->row_numbers, (std::vector<int>{2, 4, 6}));

  // The same through ReadTableFile, with an upper-case extension.
  std::string upper = TempPath("COMPANIES.XLSX");
  std::filesystem::copy_file(path, upper);
  auto t2 = ReadTableFile(upper);
  ASSERT_TRUE(t2) << t2.error().message;
  EXPECT_EQ(t2->rows, t->rows);
}

TEST(ReadXlsxTest, FirstSheetInWorkbookOrder) {
  std::string path = TempPath("two_sheets.xlsx");
  lxw_workbook* wb = workbook_new(path.c_str());
  lxw_worksheet* first = workbook_add_worksheet(wb, "第一页");
  lxw_worksheet* second = workbook_add_worksheet(wb, "第二页");
  worksheet_write_string(first, 0, 0, "first", nullptr);
  worksheet_write_string(second, 0, 0, "second", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);
  auto t = ReadXlsx(ReadFile(path));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"first"}));
}

// ---------------------------------------------------------------------------
// XLSX assembled by hand, for features libxlsxwriter does not write

TEST(ReadXlsxTest, HandWrittenParts) {
  std::string workbook =
      R"(<?xml version="1.0" encoding="UTF-8"?>
<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<x:sheets><x:sheet name="图表" sheetId="2" rel:id="rId9"/><x:sheet name="数据" sheetId="1" rel:id="rId7"/></x:sheets></x:workbook>)";
  std::string rels =
      R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>
<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/data.xml"/>
<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="strings.xml"/>
</Relationships>)";
  std::string shared =
      R"(<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<si><t>名称</t></si>
<si><r><rPr><b/></rPr><t>深圳</t></r><r><t xml:space="preserve"> </t></r><r><t>甲公司</t></r><rPh sb="0" eb="1"><t>しんせん</t></rPh></si>
<si><t>行1_x000D__x000A_行2 _x005F_x0041_</t></si>
</sst>)";
  std::string sheet = SheetXml(
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>数值</t></is></c><c r="C1" t="str"><f>"公式"</f><v>公式</v></c><c r="D1" t="inlineStr"><is><t>其他</t></is></c></row>
<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>1500.4999999999998</v></c><c r="C2" t="b"><v>0</v></c><c r="D2" t="e"><v>#N/A</v></c></row>
<row r="3"><c r="D3" t="s"><v>2</v></c></row>
<row><c><v>1.5005E3</v></c><c><v>12345678901234567890</v></c><c><v>9.1440300MA5DCX1B</v></c><c t="n"><v>1E-15</v></c></row>)");
  std::string xlsx = MakeZip({
      {"[Content_Types].xml", kContentTypes},
      {"_rels/.rels", kRootRels},
      {"xl/workbook.xml", workbook},
      {"xl/_rels/workbook.xml.rels", rels},
      {"xl/strings.xml", shared},
      {"xl/worksheets/data.xml", sheet},
      {"xl/worksheets/sheet1.xml", SheetXml(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>wrong</t></is></c></row>)")},
  });
  auto t = ReadXlsx(xlsx);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"名称", "数值", "公式", "其他"}));
  EXPECT_EQ(t->rows, (Rows{
                         {"深圳 甲公司", "1500.5", "FALSE", "#N/A"},
                         {"", "", "", "行1\r\n行2 _x0041_"},
                         {"1500.5", "12345678901234600000", "9.1440300MA5DCX1B", "1E-15"},
                     }));
  EXPECT_EQ(t->row_numbers, (std::vector<int>{2, 3, 4}));
}

TEST(ReadXlsxTest, FallsBackToSheet1) {
  auto t = ReadXlsx(MinimalXlsx(R"(<row r="2"><c r="B2" t="s"><v>0</v></c></row><row r="3"><c r="A3" t="s"><v>1</v></c></row>)",
                                "<si><t>代码</t></si><si><t>x</t></si>"));
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->header, (std::vector<std::string>{"", "代码"}));
  EXPECT_EQ(t->rows, (Rows{{"x"}}));
  EXPECT_EQ(t->row_numbers, (std::vector<int>{3}));
}

TEST(ReadXlsxTest, BillionLaughsIsNotExpanded) {
  std::string xml =
      R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c><c r="B1" t="inlineStr"><is><t>&xxe;</t></is></c></row>
</sheetData></worksheet>)";
  auto t = ReadXlsx(MakeZip({{"xl/worksheets/sheet1.xml", xml}}));
  ASSERT_TRUE(t) << t.error().message;
  ASSERT_EQ(t->header.size(), 2u);
  EXPECT_LT(t->header[0].size(), 16u);
  EXPECT_EQ(t->header[1].find("root:"), std::string::npos);
}

TEST(ReadXlsxTest, InvalidFiles) {
  for (std::string_view bytes :
       {std::string_view(""), std::string_view("名称,代码\n甲,1\n"),
        std::string_view("PK\x03\x04 this is not really a zip archive at all")}) {
    auto t = ReadXlsx(bytes);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, "invalid_xlsx");
    EXPECT_EQ(t.error().message.rfind("不是有效的 Excel (.xlsx) 文件", 0), 0u);
  }
  std::string ole("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
  ole.append(512, '\0');
  auto t = ReadXlsx(ole);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "invalid_xlsx");
  EXPECT_NE(t.error().message.find(".xls"), std::string::npos);

  // A zip without any worksheet.
  t = ReadXlsx(MakeZip({{"readme.txt", "hello"}}));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "invalid_xlsx");

  // A sheet that is not XML, and a dangling shared string index.
  t = ReadXlsx(MakeZip({{"xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>"}}));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "invalid_xlsx");
  t = ReadXlsx(MinimalXlsx(R"(<row r="1"><c r="A1" t="s"><v>5</v></c></row>)", "<si><t>a</t></si>"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "invalid_xlsx");
  EXPECT_NE(t.error().message.find("A1"), std::string::npos);

  // An empty sheet.
  t = ReadXlsx(MinimalXlsx(""));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "empty_file");
}

TEST(ReadXlsxTest, RowColumnAndCellLimits) {
  std::string data = R"(<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>)";
  for (int r = 2; r <= 6; ++r) {
    data += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) +
            "\"><v>" + std::to_string(r) + "</v></c></row>";
  }
  std::string xlsx = MinimalXlsx(data);
  ReadLimits limits;
  limits.max_rows = 5;
  EXPECT_TRUE(ReadXlsx(xlsx, limits));
  limits.max_rows = 4;
  auto t = ReadXlsx(xlsx, limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);
  EXPECT_NE(t.error().message.find("4 行"), std::string::npos) << t.error().message;

  // A styled but empty cell far right does not count; a value there does.
  limits = {};
  limits.max_columns = 3;
  EXPECT_TRUE(ReadXlsx(MinimalXlsx(R"(<row r="1"><c r="A1"><v>1</v></c><c r="Z1" s="1"/></row>)"), limits));
  t = ReadXlsx(MinimalXlsx(R"(<row r="1"><c r="A1"><v>1</v></c><c r="D1"><v>2</v></c></row>)"), limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);

  limits = {};
  limits.max_cell_bytes = 4;
  t = ReadXlsx(MinimalXlsx(R"(<row r="1"><c r="A1"><v>1</v></c></row><row r="7"><c r="C7" t="inlineStr"><is><t>toolong</t></is></c></row>)"), limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);
  EXPECT_NE(t.error().message.find("C7"), std::string::npos) << t.error().message;

  limits = {};
  limits.max_zip_entries = 2;
  t = ReadXlsx(MinimalXlsx(data), limits);
  EXPECT_TRUE(t);
  t = ReadXlsx(MinimalXlsx(data, "<si><t>a</t></si>"), limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);
}

// ---------------------------------------------------------------------------
// Zip bombs

std::string SpacesBomb(size_t bytes) {
  std::string xml = SheetXml(R"(<row r="1"><c r="A1"><v>1</v></c></row>)");
  xml.insert(xml.size() - std::string("</worksheet>").size(), std::string(bytes, ' '));
  return MakeZip({{"xl/worksheets/sheet1.xml", xml}});
}

TEST(ZipBombTest, DeclaredSizeOverLimit) {
  std::string bomb = SpacesBomb(5 << 20);
  ReadLimits limits;
  limits.max_uncompressed_bytes = 1 << 20;
  limits.max_compression_ratio = 1e9;  // isolate the size guard
  auto t = ReadXlsx(bomb, limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);

  // With generous limits the same file is fine (the ratio guard is off).
  limits.max_uncompressed_bytes = 64 << 20;
  EXPECT_TRUE(ReadXlsx(bomb, limits));
}

TEST(ZipBombTest, CompressionRatio) {
  std::string bomb = SpacesBomb(5 << 20);  // about 1000:1
  auto t = ReadXlsx(bomb);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);
  EXPECT_NE(t.error().message.find("压缩比"), std::string::npos) << t.error().message;
}

// Overwrites the uncompressed size in every local and central header.
void LieAboutSizes(std::string& zip, uint32_t size) {
  auto put32 = [&](size_t at) {
    for (int i = 0; i < 4; ++i) zip[at + i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  };
  for (size_t p = zip.find("PK\x03\x04"); p != std::string::npos; p = zip.find("PK\x03\x04", p + 4)) {
    put32(p + 22);
  }
  for (size_t p = zip.find("PK\x01\x02"); p != std::string::npos; p = zip.find("PK\x01\x02", p + 4)) {
    put32(p + 24);
  }
}

TEST(ZipBombTest, LyingHeaderIsCaughtWhileReading) {
  std::string bomb = SpacesBomb(5 << 20);
  LieAboutSizes(bomb, 1000);
  ReadLimits limits;
  limits.max_uncompressed_bytes = 1 << 20;
  limits.max_compression_ratio = 1e9;
  auto t = ReadXlsx(bomb, limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge) << t.error().message;
}

// ---------------------------------------------------------------------------
// ReadTableFile

TEST(ReadTableFileTest, DispatchesOnExtension) {
  std::string csv = TempPath("名单.CSV");
  WriteFile(csv, "a,b\n1,2\n");
  auto t = ReadTableFile(csv);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->rows, (Rows{{"1", "2"}}));

  for (std::string name : {"old.xls", "data.txt", "noext"}) {
    std::string path = TempPath(name);
    WriteFile(path, "a,b\n");
    t = ReadTableFile(path);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, "unsupported_format");
    EXPECT_EQ(t.error().message.rfind("不支持的文件格式", 0), 0u);
  }

  t = ReadTableFile(TempPath("missing.csv"));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "unreadable_file");
  std::string dir = TempPath("folder.csv");
  std::filesystem::create_directory(dir);
  t = ReadTableFile(dir);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, "unreadable_file");

  ReadLimits limits;
  limits.max_file_bytes = 4;
  t = ReadTableFile(csv, limits);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::kTooLarge);
}

// ---------------------------------------------------------------------------
// Robustness: random and mutated input never crashes and results are sane

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

// Returns whether the read succeeded.
bool CheckSane(const Result<Table>& t) {
  if (!t) {
    EXPECT_FALSE(t.error().code.empty());
    EXPECT_FALSE(t.error().message.empty());
    return false;
  }
  EXPECT_EQ(t->rows.size(), t->row_numbers.size());
  for (const auto& cell : t->header) EXPECT_TRUE(ValidUtf8(cell));
  for (size_t i = 0; i < t->rows.size(); ++i) {
    for (const auto& cell : t->rows[i]) EXPECT_TRUE(ValidUtf8(cell));
    EXPECT_GT(t->row_numbers[i], 0);
  }
  return true;
}

std::string Mutate(std::string s, std::mt19937& rng, std::string_view alphabet,
                   int max_edits = 8) {
  int edits = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_edits));
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : rng() % s.size();
    switch (rng() % 5) {
      case 0:  // replace with a random byte
        if (!s.empty()) s[pos] = static_cast<char>(rng());
        break;
      case 1:  // replace with an interesting character
        if (!s.empty()) s[pos] = alphabet[rng() % alphabet.size()];
        break;
      case 2:  // insert
        s.insert(pos, 1, alphabet[rng() % alphabet.size()]);
        break;
      case 3:  // delete a span
        if (!s.empty()) s.erase(pos, rng() % 16);
        break;
      case 4:  // truncate
        s.resize(pos);
        break;
    }
  }
  return s;
}

TEST(RobustnessTest, RandomAndMutatedInputs) {
  std::mt19937 rng(20240315);
  const std::string csv_seed = "名称,代码\r\n\"甲,\"\"公司\"\"\",\"x\ny\"\n\n乙,2\n";
  const std::string xml_alphabet = "<>/=\"'&;:#x_ rvcist0123456789AZ\n\xE4\xB8";
  const std::string sheet_seed = SheetXml(
      R"(<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><r><t>b</t></r></is></c></row><row r="3"><c r="C3" s="1"><v>45000.5</v></c><c r="D3" t="b"><v>1</v></c><c r="E3"><v>1.5E3</v></c></row>)");
  const std::string sst_seed = R"(<sst><si><t>名称_x000D_</t></si><si><r><t>a</t></r></si></sst>)";
  const std::string styles_seed =
      R"(<styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;;[h]:mm"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>)";
  const std::string xlsx_seed = MakeZip({{"xl/worksheets/sheet1.xml", sheet_seed},
                                         {"xl/sharedStrings.xml", sst_seed},
                                         {"xl/styles.xml", styles_seed}});
  ASSERT_TRUE(ReadXlsx(xlsx_seed));

  int ok[5] = {};  // successful reads per kind of input
  ReadLimits small;
  small.max_uncompressed_bytes = 1 << 20;
  for (int iter = 0; iter < 2000; ++iter) {
    SCOPED_TRACE(iter);
    std::string random(rng() % 512, '\0');
    for (char& c : random) c = static_cast<char>(rng());
    switch (iter % 5) {
      case 0:
        ok[0] += CheckSane(ReadCsv(random));
        EXPECT_FALSE(CheckSane(ReadXlsx(random)));
        break;
      case 1:
        ok[1] += CheckSane(ReadCsv(Mutate(csv_seed, rng, "\",\r\n \xC3\xFB\xE4")));
        break;
      case 2:
        ok[2] += CheckSane(ReadXlsx(Mutate(xlsx_seed, rng, "PK\x03\x04\x01\x02\xFF"), small));
        break;
      case 3:
        ok[3] += CheckSane(ReadXlsx(MakeZip({{"xl/worksheets/sheet1.xml", Mutate(sheet_seed, rng, xml_alphabet, 2)},
                                    {"xl/sharedStrings.xml", sst_seed},
                                    {"xl/styles.xml", styles_seed}}),
                           small));
        break;
      case 4:
        ok[4] += CheckSane(ReadXlsx(MakeZip({{"xl/worksheets/sheet1.xml", sheet_seed},
                                    {"xl/sharedStrings.xml", Mutate(sst_seed, rng, xml_alphabet, 2)},
                                    {"xl/styles.xml", Mutate(styles_seed, rng, xml_alphabet, 2)}}),
                           small));
        break;
    }
  }
  // The mutations must reach the parsers, not just fail at the first check.
  for (int kind : {1, 3, 4}) {
    EXPECT_GT(ok[kind], 20) << kind;
    EXPECT_LT(ok[kind], 400) << kind;
  }
  std::printf("successful reads per input kind: %d %d %d %d %d (of 400 each)\n", ok[0], ok[1],
              ok[2], ok[3], ok[4]);
}

}  // namespace
}  // namespace rongping::importer
