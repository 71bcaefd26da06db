#include "report/document.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <map>

namespace rongping::report {
namespace {

Document Sample() {
  Document d;
  d.title = "广东省2016年两化融合评估诊断和对标引导工作报告";
  d.date_line = "2016年12月31日";
  d.blocks.push_back(Block::Heading("一、总体情况"));
  d.blocks.push_back(Block::Paragraph("全省参与评估企业2,107家 & <完成>\x01评估1,531家。"));
  Table t;
  t.header = {"属地", "完成评估数", "完成率"};
  t.rows = {{TableCell::Text("全省"), TableCell::Number(1531),
             TableCell::Styled(0.7265, NumberStyle::kPercent, 1)},
            {TableCell::Text("广州市"), TableCell::Number(259), TableCell::Text("")}};
  t.total_rows = 1;
  d.blocks.push_back(Block::TableOf("表1 各地评估进展", t));
  d.blocks.push_back(Block::Note("注：完成率为完成评估数与目标之比。"));
  return d;
}

// The archive's parts by name.
std::map<std::string, std::string> Parts(const std::string& bytes) {
  std::map<std::string, std::string> out;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error) : nullptr;
  zip_error_fini(&error);
  if (!z) {
    if (src) zip_source_free(src);
    ADD_FAILURE() << "not a zip archive";
    return out;
  }
  for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
    zip_stat_t st;
    zip_stat_index(z, i, 0, &st);
    std::string data(st.size, '\0');
    zip_file_t* f = zip_fopen_index(z, i, 0);
    zip_fread(f, data.data(), data.size());
    zip_fclose(f);
    out[st.name] = std::move(data);
  }
  zip_close(z);
  return out;
}

TEST(DocumentToDocx, IsAWordPackageWithTheTextAndTablesEscaped) {
  auto docx = DocumentToDocx(Sample());
  ASSERT_TRUE(docx) << docx.error().message;
  auto parts = Parts(*docx);
  ASSERT_EQ(parts.size(), 6u);
  EXPECT_EQ(parts.begin()->first, "[Content_Types].xml");
  const std::string& body = parts["word/document.xml"];
  EXPECT_NE(body.find("广东省2016年两化融合评估诊断和对标引导工作报告"), std::string::npos);
  EXPECT_NE(body.find("2,107家 &amp; &lt;完成&gt;评估1,531家"), std::string::npos) << body;
  EXPECT_EQ(body.find('\x01'), std::string::npos);
  EXPECT_NE(body.find("72.7%"), std::string::npos);  // the figure as every export writes it
  EXPECT_NE(body.find("<w:tblHeader/>"), std::string::npos);
  EXPECT_NE(body.find("TableTotal"), std::string::npos);
  EXPECT_NE(body.find("—"), std::string::npos);  // an empty cell
  EXPECT_NE(parts["word/styles.xml"].find("仿宋"), std::string::npos);
  EXPECT_NE(parts["docProps/core.xml"].find("工作报告"), std::string::npos);
}

TEST(DocumentToHtml, ShowsTheSameBlocksEscaped) {
  const std::string html = DocumentToHtml(Sample());
  EXPECT_NE(html.find("<h1>广东省2016年两化融合评估诊断和对标引导工作报告</h1>"),
            std::string::npos);
  EXPECT_NE(html.find("&amp; &lt;完成&gt;"), std::string::npos);
  EXPECT_NE(html.find("<caption>表1 各地评估进展</caption>"), std::string::npos);
  EXPECT_NE(html.find("72.7%"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

}  // namespace
}  // namespace rongping::report
