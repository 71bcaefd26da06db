// A document an official sends (the yearly work report): a title, headings,
// paragraphs, tables and notes, written once and rendered as a print-ready
// HTML page (which Chromium prints to PDF) and as a Word document (.docx,
// Office Open XML) that Word and WPS open: the same words and the same
// figures in every form.
#ifndef RONGPING_REPORT_DOCUMENT_H_
#define RONGPING_REPORT_DOCUMENT_H_

#include <string>
#include <vector>

#include "core/result.h"
#include "report/table.h"

namespace rongping::report {

struct Block {
  enum class Kind { kHeading, kParagraph, kTable, kNote };
  Kind kind = Kind::kParagraph;
  std::string text;  // a heading, a paragraph, a note, or a table's caption
  Table table;       // kTable: its header and rows (title and notes unused)

  static Block Heading(std::string text) { return {Kind::kHeading, std::move(text), {}}; }
  static Block Paragraph(std::string text) { return {Kind::kParagraph, std::move(text), {}}; }
  static Block Note(std::string text) { return {Kind::kNote, std::move(text), {}}; }
  static Block TableOf(std::string caption, Table table) {
    return {Kind::kTable, std::move(caption), std::move(table)};
  }
};

struct Document {
  std::string title;
  std::string date_line;  // under the title, e.g. 2016年12月31日
  std::vector<Block> blocks;
};

// The page: self-contained (inline CSS only, nothing to load or run), every
// text escaped.
std::string DocumentToHtml(const Document& document);

// The .docx bytes: A4, 仿宋 body text with first-line indent, 黑体
// headings, ruled tables whose header row repeats on each page. Characters
// XML cannot hold are left out. kInternal when the archive cannot be
// written.
Result<std::string> DocumentToDocx(const Document& document);

}  // namespace rongping::report

#endif  // RONGPING_REPORT_DOCUMENT_H_
