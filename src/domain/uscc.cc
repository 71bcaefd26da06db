#include "domain/uscc.h"

#include "core/uscc.h"

namespace rongping::domain {

Result<Uscc> Uscc::Parse(std::string_view input) {
  auto code = ValidateUscc(input);
  if (!code) return Fail(code.error());
  return Uscc(std::move(*code));
}

std::string_view Uscc::registering_division() const {
  return code_.size() == 18 ? std::string_view(code_).substr(2, 6) : std::string_view();
}

}  // namespace rongping::domain
