#include "report/document.h"

#include <fmt/format.h>
#include <zip.h>

#include <memory>
#include <utility>

#include "report/html.h"

namespace rongping::report {
namespace {

// Text for XML: & < > " escaped, and the characters XML 1.0 cannot hold
// (controls other than tab, line feed and carriage return) left out.
std::string XmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
    }
  }
  return out;
}

std::vector<bool> TextColumns(const Table& table) {
  std::vector<bool> is_text(table.header.size(), false);
  if (table.text_columns.empty() && !is_text.empty()) is_text[0] = true;
  for (size_t c : table.text_columns) {
    if (c < is_text.size()) is_text[c] = true;
  }
  return is_text;
}

// A paragraph of one run in `style` (a style of kStyles), aligned `jc`
// (empty: the style's).
std::string Paragraph(std::string_view style, std::string_view text, std::string_view jc = "") {
  std::string p = fmt::format(R"(<w:p><w:pPr><w:pStyle w:val="{}"/>)", style);
  if (!jc.empty()) p += fmt::format(R"(<w:jc w:val="{}"/>)", jc);
  return p + fmt::format(R"(</w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>)",
                         XmlText(text));
}

std::string TableXml(const Table& table) {
  const auto is_text = TextColumns(table);
  std::string x =
      R"(<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>)"
      R"(<w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(<w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(<w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(<w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(<w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(<w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/>)"
      R"(</w:tblBorders><w:tblCellMar><w:left w:w="60" w:type="dxa"/><w:right w:w="60" w:type="dxa"/>)"
      R"(</w:tblCellMar></w:tblPr><w:tblGrid>)";
  for (size_t c = 0; c < table.header.size(); ++c) x += R"(<w:gridCol/>)";
  x += R"(</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>)";
  for (const auto& h : table.header)
    x += "<w:tc>" + Paragraph("TableHeader", h, "center") + "</w:tc>";
  x += "</w:tr>";
  for (size_t r = 0; r < table.rows.size(); ++r) {
    x += R"(<w:tr><w:trPr><w:cantSplit/></w:trPr>)";
    const bool total = r < table.total_rows;
    for (size_t c = 0; c < table.rows[r].size() && c < table.header.size(); ++c) {
      std::string shown = CellText(table.rows[r][c]);
      if (shown.empty()) shown = "—";
      x += "<w:tc>" +
           Paragraph(total ? "TableTotal" : "TableText", shown, is_text[c] ? "left" : "right") +
           "</w:tc>";
    }
    x += "</w:tr>";
  }
  return x + "</w:tbl>";
}

constexpr std::string_view kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
    R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
    R"(<Default Extension="xml" ContentType="application/xml"/>)"
    R"(<Override PartName="/word/document.xml" )"
    R"(ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>)"
    R"(<Override PartName="/word/styles.xml" )"
    R"(ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>)"
    R"(<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>)"
    R"(</Types>)";

constexpr std::string_view kPackageRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" )"
    R"(Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" )"
    R"(Target="word/document.xml"/>)"
    R"(<Relationship Id="rId2" )"
    R"(Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" )"
    R"(Target="docProps/core.xml"/>)"
    R"(</Relationships>)";

constexpr std::string_view kDocumentRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" )"
    R"(Target="styles.xml"/>)"
    R"(</Relationships>)";

// 仿宋 三号 (16 pt) body with a first-line indent of two characters, 黑体
// headings, 方正小标宋/宋体 二号 title, 五号 (10.5 pt) tables, as official
// documents are set (GB/T 9704).
constexpr std::string_view kStyles =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    R"(<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">)"
    R"(<w:docDefaults><w:rPrDefault><w:rPr>)"
    R"(<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋" w:cs="Times New Roman"/>)"
    R"(<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/>)"
    R"(</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="560" w:lineRule="exact"/>)"
    R"(</w:pPr></w:pPrDefault></w:docDefaults>)"
    R"(<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>)"
    R"(<w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr></w:style>)"
    R"(<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/>)"
    R"(<w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>)"
    R"(<w:spacing w:before="240" w:after="240" w:line="700" w:lineRule="exact"/></w:pPr>)"
    R"(<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="方正小标宋简体"/>)"
    R"(<w:b/><w:sz w:val="44"/><w:szCs w:val="44"/></w:rPr></w:style>)"
    R"(<w:style w:type="paragraph" w:styleId="DateLine"><w:name w:val="Date Line"/><w:basedOn w:val="Normal"/>)"
    R"(<w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>)"
    R"(<w:spacing w:after="240"/></w:pPr></w:style>)"
    R"(<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>)"
    R"(<w:next w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr>)"
    R"(<w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>)"
    R"(<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/>)"
    R"(<w:pPr><w:keepNext/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>)"
    R"(<w:spacing w:before="120" w:after="60" w:line="400" w:lineRule="exact"/></w:pPr>)"
    R"(<w:rPr><w:rFonts w:eastAsia="黑体"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>)"
    R"(<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/>)"
    R"(<w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:before="60" w:line="360" w:lineRule="exact"/>)"
    R"(</w:pPr><w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>)"
    R"(<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/>)"
    R"(<w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:line="300" w:lineRule="exact"/></w:pPr>)"
    R"(<w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>)"
    R"(<w:style w:type="paragraph" w:styleId="TableHeader"><w:name w:val="Table Header"/>)"
    R"(<w:basedOn w:val="TableText"/><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr></w:style>)"
    R"(<w:style w:type="paragraph" w:styleId="TableTotal"><w:name w:val="Table Total"/>)"
    R"(<w:basedOn w:val="TableText"/><w:rPr><w:b/></w:rPr></w:style>)"
    R"(</w:styles>)";

std::string CoreProperties(const Document& d) {
  return fmt::format(
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      R"(<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" )"
      R"(xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:language>zh-CN</dc:language>)"
      R"(</cp:coreProperties>)",
      XmlText(d.title));
}

std::string DocumentXml(const Document& d) {
  std::string body = Paragraph("Title", d.title);
  if (!d.date_line.empty()) body += Paragraph("DateLine", d.date_line);
  for (const Block& b : d.blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        body += Paragraph("Heading1", b.text);
        break;
      case Block::Kind::kParagraph:
        body += Paragraph("Normal", b.text);
        break;
      case Block::Kind::kNote:
        body += Paragraph("Note", b.text);
        break;
      case Block::Kind::kTable:
        if (!b.text.empty()) body += Paragraph("Caption", b.text);
        body += TableXml(b.table) + Paragraph("Note", "");
        break;
    }
  }
  return R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
         R"(<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>)" +
         body +
         R"(<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>)"
         R"(<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" )"
         R"(w:gutter="0"/></w:sectPr></w:body></w:document>)";
}

struct SourceFree {
  void operator()(zip_source_t* s) const { zip_source_free(s); }
};

// The zip archive of `parts` (name, bytes), in order, as bytes.
Result<std::string> Zip(const std::vector<std::pair<std::string, std::string>>& parts) {
  auto failed = [](std::string_view what) {
    return Fail(Error::Internal(fmt::format("无法生成 Word 文件（{}）", what)));
  };
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceFree> buffer(zip_source_buffer_create(nullptr, 0, 0, &error));
  zip_error_fini(&error);
  if (!buffer) return failed("buffer");
  zip_error_init(&error);
  zip_t* archive = zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error);
  zip_error_fini(&error);
  if (!archive) return failed("open");
  zip_source_keep(buffer.get());  // the archive's close must leave it to us
  for (const auto& [name, bytes] : parts) {
    zip_source_t* part = zip_source_buffer(archive, bytes.data(), bytes.size(), 0);
    if (!part || zip_file_add(archive, name.c_str(), part, ZIP_FL_ENC_UTF_8) < 0) {
      if (part) zip_source_free(part);
      zip_discard(archive);
      return failed(name);
    }
  }
  if (zip_close(archive) < 0) {
    zip_discard(archive);
    return failed("close");
  }
  zip_stat_t stat;
  if (zip_source_open(buffer.get()) < 0) return failed("read");
  std::string out;
  if (zip_source_stat(buffer.get(), &stat) == 0 && (stat.valid & ZIP_STAT_SIZE)) {
    out.resize(stat.size);
    if (zip_source_read(buffer.get(), out.data(), out.size()) !=
        static_cast<zip_int64_t>(out.size()))
      out.clear();
  }
  zip_source_close(buffer.get());
  if (out.empty()) return failed("read");
  return out;
}

}  // namespace

std::string DocumentToHtml(const Document& d) {
  std::string h = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<title>" + HtmlEscape(d.title) + "</title>\n<style>" + std::string(kOfficialPageStyle) +
       "</style>\n";
  h += "</head>\n<body>\n<main class=\"page\">\n<h1>" + HtmlEscape(d.title) + "</h1>\n";
  if (!d.date_line.empty())
    h += "<p class=\"to\" style=\"text-align:center\">" + HtmlEscape(d.date_line) + "</p>\n";
  for (const Block& b : d.blocks) {
    switch (b.kind) {
      case Block::Kind::kHeading:
        h += "<h2>" + HtmlEscape(b.text) + "</h2>\n";
        break;
      case Block::Kind::kParagraph:
        h += "<p>" + HtmlEscape(b.text) + "</p>\n";
        break;
      case Block::Kind::kNote:
        h += "<p class=\"note\">" + HtmlEscape(b.text) + "</p>\n";
        break;
      case Block::Kind::kTable:
        h += TableToHtml(b.table, b.text);
        break;
    }
  }
  return h + "</main>\n</body>\n</html>\n";
}

Result<std::string> DocumentToDocx(const Document& d) {
  return Zip({{"[Content_Types].xml", std::string(kContentTypes)},
              {"_rels/.rels", std::string(kPackageRels)},
              {"word/_rels/document.xml.rels", std::string(kDocumentRels)},
              {"word/styles.xml", std::string(kStyles)},
              {"docProps/core.xml", CoreProperties(d)},
              {"word/document.xml", DocumentXml(d)}});
}

}  // namespace rongping::report
