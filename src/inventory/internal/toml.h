// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// TOML parsing for the lockfile parsers (private to the module), shielding toml++ 3.3 from the
// inputs it mishandles (undefined behaviour in release builds, found by fuzzing): every TOML
// lockfile (poetry, pdm, uv, Cargo.lock) goes through ParseTomlSafely.
#pragma once

#include <toml++/toml.h>

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/strings.h"

namespace assay::inventory::internal {

// Skips the TOML string starting at s[i] (a quote): basic or literal, single- or multi-line.
// Stops at the end of the line for an unterminated single-line string.
inline void SkipTomlString(std::string_view s, size_t& i) {
  const char q = s[i];
  const std::string_view triple = q == '"' ? "\"\"\"" : "'''";
  if (s.substr(i, 3) == triple) {
    i += 3;
    while (i < s.size()) {
      if (q == '"' && s[i] == '\\') {
        i += 2;
      } else if (s.substr(i, 3) == triple) {
        // Up to two quotes may precede the closing delimiter: the run ends the string.
        for (int run = 0; i < s.size() && s[i] == q && run < 5; ++run) ++i;
        return;
      } else {
        ++i;
      }
    }
    return;
  }
  ++i;
  while (i < s.size() && s[i] != '\n') {
    if (q == '"' && s[i] == '\\' && i + 1 < s.size() && s[i + 1] != '\n') {
      i += 2;
    } else if (s[i++] == q) {
      return;
    }
  }
}

// The offset of the first construct toml++ 3.3 assumes it never meets (an assertion in debug
// builds, undefined behaviour with NDEBUG: marzer/tomlplusplus issue 294), or npos: a table
// header whose key starts with a character no key can start with ("[&", "[[[1]]", "[" at the end
// of a line), or a '}' inside an array ("a = [1, }"). Both are invalid TOML; such input is
// rejected before toml++ sees it. A small lexer keeps track of strings, comments and multi-line
// arrays, so that text inside values and strings does not count.
inline size_t FindUnsafeToml(std::string_view s) {
  const size_t n = s.size();
  size_t i = 0;
  auto skip_line = [&] {
    while (i < n && s[i] != '\n') ++i;
  };
  auto skip_blanks = [&] {
    size_t start = i;
    while (i < n && (s[i] == ' ' || s[i] == '\t')) ++i;
    return i > start;
  };
  auto key_start = [](char c) {
    return base::IsAlnum(c) || c == '_' || c == '-' || c == '"' || c == '\'';
  };
  while (i < n) {
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
    if (i >= n) break;
    if (s[i] == '#') {
      skip_line();
    } else if (s[i] == '[') {  // [table] or [[array.of.tables]]
      const size_t at = i++;
      bool blank = skip_blanks();
      if (i < n && s[i] == '[' && !blank) {
        ++i;
        skip_blanks();
      }
      if (i < n && !key_start(s[i]) && s[i] != ']') return at;
      skip_line();  // a header cannot continue on the next line
    } else {
      // key = value; the value may span lines inside arrays and multi-line strings
      std::string open;  // the brackets of the arrays and inline tables around i
      while (i < n) {
        char c = s[i];
        if (c == '"' || c == '\'') {
          SkipTomlString(s, i);
        } else if (c == '#') {
          skip_line();
        } else if (c == '\n') {
          ++i;
          if (open.empty()) break;
        } else {
          // A '}' in an array reaches toml++'s value parser, which assumes it cannot.
          if (c == '}' && !open.empty() && open.back() == '[') return i;
          if (c == '[' || c == '{') open.push_back(c);
          if ((c == ']' || c == '}') && !open.empty()) open.pop_back();
          ++i;
        }
      }
    }
  }
  return std::string_view::npos;
}

// Stands for every byte outside ASCII in the text toml++ parses (see ParseToml).
inline constexpr char kNonAscii = '?';

inline base::Result<toml::table> ParseTomlSafely(std::string_view bytes, const std::string& where,
                                                 std::string_view what) {
  if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);
  if (size_t at = FindUnsafeToml(bytes); at != std::string_view::npos) {
    size_t line = 1;
    for (size_t k = 0; k < at; ++k) line += bytes[k] == '\n' ? 1 : 0;
    return base::Status::InvalidArgument(where + ":" + std::to_string(line) + ": not a " +
                                         std::string(what) + " (invalid table header or array)");
  }
  // toml++ 3.3 classifies non-ASCII characters with generated tables that reach
  // __builtin_unreachable for much of U+00A1..U+0499 (is_non_ascii_horizontal_whitespace), e.g.
  // for a letter in a quoted key or after a line-ending backslash. Lockfile names and versions
  // are ASCII, so the parser sees every other byte as kNonAscii; a name or version holding one
  // is then refused (PackageNameAndVersionOk).
  std::string ascii;
  for (size_t k = 0; k < bytes.size(); ++k) {
    if (static_cast<unsigned char>(bytes[k]) >= 0x80) {
      if (ascii.empty()) ascii.assign(bytes);
      ascii[k] = kNonAscii;
    }
  }
  if (!ascii.empty()) bytes = ascii;
  try {
    return toml::parse(bytes, where);
  } catch (const toml::parse_error& e) {
    return base::Status::InvalidArgument(where + ":" + std::to_string(e.source().begin.line) +
                                         ": not a " + std::string(what) + " (" +
                                         std::string(e.description()) + ")");
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(where + ": not a " + std::string(what) + " (" + e.what() +
                                         ")");
  }
}

}  // namespace assay::inventory::internal
