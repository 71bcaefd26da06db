// libFuzzer target for JSON request bodies, route family by route family:
// the first byte picks the family, the rest is the body. Each body goes
// through what every handler does first (core/json_parse.h, as
// api::ParseJsonObject: the nesting bound, NUL bytes, duplicate keys,
// parsing), then through the family's own reading:
//   0 enterprises   (POST/PATCH /enterprises: EnterpriseFieldsFromJson,
//                    ApplyEnterpriseFields)
//   1 contacts      (PUT …/contacts/{unit}: ValidateContactForm)
//   2 targets       (PUT …/targets/{unit}: ParseTargetRule)
//   3 any body      (parse, print and re-parse: what a draft's answers
//                    undergo when stored)
//
// Nothing may crash; a body deeper than kMaxJsonDepth is refused before it is
// parsed; a valid enterprise or contact form satisfies its own rules.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "campaign/contact_form.h"
#include "campaign/target_rule.h"
#include "core/json_depth.h"
#include "core/json_parse.h"
#include "core/text.h"
#include "domain/enterprise.h"
#include "enterprise/enterprise_json.h"

namespace {

using Json = nlohmann::ordered_json;

void Enterprise(const Json& body) {
  auto fields = rongping::EnterpriseFieldsFromJson(body, "version");
  if (!fields) return;
  rongping::EnterpriseReference ref{[](std::string_view c) { return c == "440100" || c == "440300"; },
                                    [](std::string_view c) { return c == "39" || c == "26"; }};
  rongping::Enterprise e;
  auto errors = rongping::ApplyEnterpriseFields(*fields, rongping::Enterprise{}, true, ref, &e);
  if (errors.empty()) {
    if (!rongping::IsValidUtf8(e.name) || rongping::HasControlCharacter(e.name)) std::abort();
    if (e.employees < 0 || !(e.revenue_10k_yuan >= 0)) std::abort();
  }
}

void Contacts(const Json& body) {
  rongping::campaign::ContactForm form;
  auto errors = rongping::campaign::ValidateContactForm(body, &form);
  if (errors.empty()) {
    for (const auto& c : form.contacts) {
      if (c.name.empty() || rongping::HasControlCharacter(c.name)) std::abort();
    }
    (void)rongping::campaign::ContactFormToJson(form).dump();
  }
}

void Target(const Json& body) {
  auto rule = body.find("rule");
  if (rule == body.end() || !rule->is_string()) return;
  auto parsed = rongping::campaign::ParseTargetRule(rule->get<std::string>());
  if (!parsed) return;
  // The canonical form reads back as the same rule.
  auto again = rongping::campaign::ParseTargetRule(parsed->ToString());
  if (!again || again->ToString() != parsed->ToString()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int family = data[0] % 4;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto parsed = rongping::ParseJsonText<Json>(text);
  if (!parsed) {
    if (parsed.error().message.empty()) std::abort();  // 422 too_deep or 400 invalid_json, saying why
    return 0;
  }
  Json& body = *parsed;
  if (family == 3) {
    std::string printed = body.dump(-1, ' ', false, Json::error_handler_t::replace);
    if (rongping::JsonNestingExceeds(printed)) std::abort();
    (void)Json::parse(printed);
    return 0;
  }
  if (!body.is_object()) return 0;
  if (family == 0) Enterprise(body);
  if (family == 1) Contacts(body);
  if (family == 2) Target(body);
  return 0;
}
