// 统一社会信用代码 (GB 32100-2015): normalisation and validation.
//
// A code has 18 characters from the 31-character alphabet 0-9A-HJ-NP-RTUWXY
// (no I, O, Z, S, V). Positions 3-8 are the registering authority's GB/T 2260
// division code. Position 18 is a check character over positions 1-17.
#ifndef RONGPING_CORE_USCC_H_
#define RONGPING_CORE_USCC_H_

#include <string>
#include <string_view>

#include "core/result.h"

namespace rongping {

// Normalises what a user typed or pasted: full-width letters and digits
// (ＡＢ１２) become ASCII, lowercase becomes uppercase, and spaces (ASCII and
// U+3000) are removed. Does not validate.
std::string NormalizeUscc(std::string_view input);

// Validates a normalised or raw code and returns the normalised form. The
// error message (中文) says which position or character is wrong and why,
// e.g. "第18位校验码应为 5，实际为 3". Error code: "invalid_uscc".
Result<std::string> ValidateUscc(std::string_view input);

// The check character for the first 17 characters of a code, or '\0' when
// `first17` is not 17 characters of the alphabet.
char UsccCheckCharacter(std::string_view first17);

}  // namespace rongping

#endif  // RONGPING_CORE_USCC_H_
