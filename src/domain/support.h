// 政策联动: support measures (专项资金, 试点示范, 贯标, 服务券 …) recorded by a
// province or a unit, the enterprises that received each, and the cases an
// admin marks as examples (典型经验) for the yearly report.
#ifndef RONGPING_DOMAIN_SUPPORT_H_
#define RONGPING_DOMAIN_SUPPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rongping::domain {

// A kind of support: its stable id and its name as officials write it.
struct SupportKind {
  std::string_view id;
  std::string_view label;
};

// Every kind, in the order a form lists them.
const std::vector<SupportKind>& SupportKinds();

// The label of kind `id`, or empty when there is no such kind.
std::string_view SupportKindLabel(std::string_view id);

struct SupportMeasure {
  int64_t id = 0;  // assigned by the store
  std::string name;
  std::string kind;                       // a SupportKinds() id
  int year = 0;                           // the year the support was given
  std::optional<double> amount_10k_yuan;  // the measure's whole amount, 万元
  // The unit that owns the measure (a province, a city, …): its region's
  // admins manage it, and only enterprises of its region receive it.
  std::string unit_code;
  std::string note;
  int64_t recipients = 0;  // how many enterprises received it (in lists)
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  int64_t version = 0;
};

// An enterprise that received a measure.
struct SupportRecipient {
  std::string uscc;
  std::optional<double> amount_10k_yuan;  // what this enterprise received, 万元
  std::string note;
  std::string added_by;
  std::string added_at;
};

// An enterprise's case marked as an example (典型经验) for a year.
struct TypicalCase {
  int year = 0;
  std::string uscc;
  std::string unit_code;  // the enterprise's unit when it was marked
  std::string title;
  std::string text;
  std::optional<int64_t> measure_id;  // the measure it illustrates, if any
  std::string marked_by;
  std::string marked_at;
};

}  // namespace rongping::domain

#endif  // RONGPING_DOMAIN_SUPPORT_H_
