// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Small, allocation-light string helpers. ASCII only: version strings, identifiers and
// ecosystem names are ASCII by specification; callers that need Unicode handle it themselves.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace assay::base {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
inline char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string AsciiLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
std::string_view Trim(std::string_view s);

// Splits on every `sep`; keeps empty pieces.
std::vector<std::string_view> Split(std::string_view s, char sep);

// Compares two runs of ASCII digits by numeric value without overflow (leading zeros ignored).
int CompareNumeric(std::string_view a, std::string_view b);

// Joins pieces with `sep`.
// Parses a whole decimal integer (optional leading '-'); false on anything else or overflow.
bool ParseInt64(std::string_view s, std::int64_t* out);

std::string Join(const std::vector<std::string>& pieces, std::string_view sep);

// `s` as an error message quotes it: in double quotes, at most `max` bytes (then "..."), with
// control bytes, non-ASCII bytes, '"' and '\\' written as \xHH.
std::string QuoteForMessage(std::string_view s, size_t max);

}  // namespace assay::base
