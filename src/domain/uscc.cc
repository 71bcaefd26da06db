#include "domain/uscc.h"

#include "core/uscc.h"

namespace rongping::domain {

Result<Uscc> Uscc::Parse(std::string_view input) {
  auto code = ValidateUscc(input);
  if (!code) return Fail(code.error());
  return Uscc(std::move(*code));
}

}  // namespace rongping::domain
