// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/npm.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "base/strings.h"

namespace assay::versions {
namespace {

using base::CompareNumeric;
using base::IsAlpha;
using base::IsDigit;

constexpr size_t kMaxLength = 256;                         // node-semver's MAX_LENGTH
constexpr std::string_view kMaxSafe = "9007199254740991";  // Number.MAX_SAFE_INTEGER
// node-semver bounds its regular expressions so they cannot be made slow: a digit run matches
// at most kMaxLength digits and an identifier tail at most kMaxBuild characters. Inside a range
// (which has no length limit) those bounds decide what matches, so they are reproduced here.
constexpr size_t kMaxBuild = kMaxLength - 6;

bool IsIdentChar(char c) { return IsDigit(c) || IsAlpha(c) || c == '-'; }

// ---------------------------------------------------------------------------------------------
// JavaScript whitespace (String.prototype.trim and `\s`).

size_t JsSpaceAt(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  auto c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return 1;
  if (c < 0x80) return 0;
  auto at = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (c == 0xC2 && i + 1 < s.size() && at(1) == 0xA0) return 2;  // U+00A0
  if (i + 2 >= s.size()) return 0;
  uint32_t cp = 0;
  if ((c & 0xF0) == 0xE0 && (at(1) & 0xC0) == 0x80 && (at(2) & 0xC0) == 0x80) {
    cp = ((c & 0x0Fu) << 12) | ((at(1) & 0x3Fu) << 6) | (at(2) & 0x3Fu);
  }
  bool space = cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
               cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
  return space ? 3 : 0;
}

std::string_view JsTrim(std::string_view s) {
  size_t b = 0;
  while (size_t n = JsSpaceAt(s, b)) b += n;
  size_t e = s.size();
  while (e > b) {
    size_t n = 0;
    for (size_t k = 1; k <= 3 && k <= e - b; ++k) {
      if (JsSpaceAt(s, e - k) == k) n = k;
    }
    if (n == 0) break;
    e -= n;
  }
  return s.substr(b, e - b);
}

// JavaScript string length in UTF-16 code units.
size_t Utf16Length(std::string_view s) {
  size_t n = 0;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++n;
    if (c >= 0xF0) ++n;  // a 4-byte sequence is a surrogate pair
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Versions.

// A parsed version: views into the parsed text, valid while it is.
struct Semver {
  std::vector<std::string_view> core;  // decimal, no leading zeros
  std::vector<std::string_view> pre;   // numeric identifiers < 2^53-1 without leading zeros
  std::vector<std::string_view> build;
};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

std::string_view Number(std::string_view digits) {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

int Sign3(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

int CompareIdentifier(std::string_view a, std::string_view b) {
  bool an = AllDigits(a), bn = AllDigits(b);
  if (an && bn) return CompareNumeric(a, b);
  if (an != bn) return an ? -1 : 1;
  return Sign3(a.compare(b));
}

int CompareSemver(const Semver& a, const Semver& b) {
  size_t n = std::max(a.core.size(), b.core.size());
  for (size_t i = 0; i < n; ++i) {
    int c =
        CompareNumeric(i < a.core.size() ? a.core[i] : "0", i < b.core.size() ? b.core[i] : "0");
    if (c != 0) return c;
  }
  if (a.pre.empty() != b.pre.empty()) return a.pre.empty() ? 1 : -1;
  size_t m = std::min(a.pre.size(), b.pre.size());
  for (size_t i = 0; i < m; ++i) {
    if (int c = CompareIdentifier(a.pre[i], b.pre[i])) return c;
  }
  return a.pre.size() == b.pre.size() ? 0 : (a.pre.size() < b.pre.size() ? -1 : 1);
}

// What a version string may look like.
struct Dialect {
  std::string_view scheme;  // for messages
  bool loose;               // node-semver's loose grammar
  bool node_limits;         // 256 characters, numbers up to 2^53-1, surrounding whitespace
  size_t min_core;
  size_t max_core;
};

constexpr Dialect kNodeStrict{"npm", false, true, 3, 3};
constexpr Dialect kNodeLoose{"npm", true, true, 3, 3};
constexpr Dialect kNpmExtension{"npm", true, true, 1, std::numeric_limits<size_t>::max()};
constexpr Dialect kSemverScheme{"semver", false, false, 1, std::numeric_limits<size_t>::max()};

// Reads dot-separated identifiers at *i (at least one); false when one is empty or invalid.
// `pre` applies the pre-release rules: a purely numeric identifier has no leading zeros unless
// the grammar is loose.
bool ReadIdentifiers(std::string_view s, size_t* i, bool pre, bool loose,
                     std::vector<std::string_view>* out) {
  for (;;) {
    size_t b = *i;
    while (*i < s.size() && IsIdentChar(s[*i])) ++*i;
    std::string_view id = s.substr(b, *i - b);
    if (id.empty()) return false;
    if (pre && AllDigits(id)) {
      if (!loose && id.size() > 1 && id[0] == '0') return false;
      // node-semver turns a numeric identifier into a number only below 2^53-1 and keeps the
      // text otherwise; both compare by value.
      std::string_view num = Number(id);
      out->push_back(CompareNumeric(num, kMaxSafe) < 0 ? num : id);
    } else {
      out->push_back(id);
    }
    if (*i < s.size() && s[*i] == '.') {
      ++*i;
      continue;
    }
    return true;
  }
}

// Parses what follows the numeric core at i: [pre-release] [+build], to the end of s.
bool ParseTail(std::string_view s, size_t i, bool loose, Semver* v) {
  size_t n = s.size();
  v->pre.clear();
  v->build.clear();
  if (i < n && (s[i] == '-' || (loose && IsIdentChar(s[i])))) {
    // Loose grammar: the "-" is optional, and when nothing follows it, it is itself the
    // identifier ("1.2.3-" has the pre-release "-").
    size_t start = i;
    if (s[i] == '-') ++i;
    if (loose && (i >= n || !IsIdentChar(s[i]))) i = start;
    if (!ReadIdentifiers(s, &i, /*pre=*/true, loose, &v->pre)) return false;
  }
  if (i < n && s[i] == '+') {
    ++i;
    if (!ReadIdentifiers(s, &i, /*pre=*/false, loose, &v->build)) return false;
  }
  return i == n;
}

base::Result<Semver> ParseWith(std::string_view raw, const Dialect& d) {
  auto invalid = [&](std::string why) {
    return base::Status::InvalidArgument("invalid " + std::string(d.scheme) + " version \"" +
                                         std::string(raw) + "\": " + why);
  };
  if (d.node_limits && Utf16Length(raw) > kMaxLength) {
    return invalid("longer than 256 characters");
  }
  std::string_view s = d.node_limits ? JsTrim(raw) : raw;
  size_t n = s.size();
  size_t i = 0;
  if (d.loose) {
    while (i < n) {
      if (s[i] == 'v' || s[i] == '=') {
        ++i;
      } else if (size_t w = JsSpaceAt(s, i)) {
        i += w;
      } else {
        break;
      }
    }
  } else if (i < n && s[i] == 'v') {
    ++i;
  }

  Semver v;
  v.core.reserve(3);
  std::string_view last;  // the last component as written
  for (;;) {
    size_t b = i;
    while (i < n && IsDigit(s[i])) ++i;
    last = s.substr(b, i - b);
    if (last.empty()) return invalid("expected a number");
    if (!d.loose && last.size() > 1 && last[0] == '0') {
      return invalid("number with a leading zero");
    }
    v.core.push_back(Number(last));
    if (v.core.size() < d.max_core && i + 1 < n && s[i] == '.' && IsDigit(s[i + 1])) {
      ++i;
      continue;
    }
    break;
  }
  if (v.core.size() < d.min_core) return invalid("expected major.minor.patch");
  bool matched = ParseTail(s, i, d.loose, &v);
  // node-semver's loose expression backtracks into the patch number when that is the only way
  // to match: "1.2.34.5" is 1.2.3-4.5 (the pre-release needs no "-" in loose mode).
  if (!matched && d.loose && d.max_core == 3 && last.size() > 1 && i < n && s[i] == '.') {
    v.core.back() = Number(last.substr(0, last.size() - 1));
    matched = ParseTail(s, i - 1, d.loose, &v);
  }
  if (!matched) return invalid("bad pre-release, build metadata or trailing text");
  if (d.node_limits) {
    for (std::string_view c : v.core) {
      if (CompareNumeric(c, kMaxSafe) > 0) return invalid("number larger than 2^53-1");
    }
  }
  return v;
}

// The npm scheme: node-semver's loose grammar, else the OSV extension with any number of
// components (so a version node-semver accepts always means what node-semver says).
base::Result<Semver> ParseNpmScheme(std::string_view raw) {
  auto node = ParseWith(raw, kNodeLoose);
  if (node.ok()) return node;
  auto extended = ParseWith(raw, kNpmExtension);
  if (extended.ok()) return extended;
  return node.status();
}

std::string JoinViews(const std::vector<std::string_view>& v, char sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string Format(const Semver& v) {
  std::string out = JoinViews(v.core, '.');
  if (!v.pre.empty()) out += "-" + JoinViews(v.pre, '.');
  return out;
}

class SemverLike final : public Scheme {
 public:
  using ParseFn = base::Result<Semver> (*)(std::string_view);
  SemverLike(std::string_view name, ParseFn parse) : name_(name), parse_(parse) {}
  std::string_view Name() const override { return name_; }
  base::Status Validate(std::string_view v) const override { return parse_(v).status(); }
  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    ASSAY_ASSIGN_OR_RETURN(Semver va, parse_(a));
    ASSAY_ASSIGN_OR_RETURN(Semver vb, parse_(b));
    return CompareSemver(va, vb);
  }

 private:
  std::string_view name_;
  ParseFn parse_;
};

base::Result<Semver> ParseSemverScheme(std::string_view raw) {
  return ParseWith(raw, kSemverScheme);
}

// ---------------------------------------------------------------------------------------------
// Ranges. node-semver desugars a range by rewriting strings with anchored regular expressions
// and then parses the result as comparators; the quirks of that pipeline are observable (what a
// loose range drops, where whitespace may appear), so it is reproduced step by step. The
// matchers below return the end of the greedy match, which for these patterns is where the
// backtracking regular expression ends too, except that a loose patch number can give up its
// last digit to a pre-release (the `split` parameters).

char At(std::string_view s, size_t i) { return i < s.size() ? s[i] : '\0'; }

// A digit run starting at i, at most `limit` long.
size_t DigitsEnd(std::string_view s, size_t i, size_t limit) {
  size_t e = i;
  while (e < s.size() && e - i < limit && IsDigit(s[e])) ++e;
  return e;
}

// NUMERICIDENTIFIER (0|[1-9]\d*) or, loose, \d+. Returns i when there is none.
size_t NumberEnd(std::string_view s, size_t i, bool loose) {
  if (!IsDigit(At(s, i))) return i;
  if (!loose && s[i] == '0') return i + 1;
  return DigitsEnd(s, i, loose ? kMaxLength : kMaxLength + 1);
}

// One pre-release identifier: non-numeric (digits, then a letter or "-", then identifier
// characters) tried first, else numeric.
size_t PreIdEnd(std::string_view s, size_t i, bool loose) {
  size_t d = DigitsEnd(s, i, kMaxLength);
  char c = At(s, d);
  if (IsAlpha(c) || c == '-') {
    size_t e = d + 1;
    while (e < s.size() && e - (d + 1) < kMaxBuild && IsIdentChar(s[e])) ++e;
    return e;
  }
  return NumberEnd(s, i, loose);
}

// PRERELEASE ("-" ids) or, loose, PRERELEASELOOSE ("-"? ids). Returns i when absent; *id_start
// receives where the captured identifiers begin.
size_t PrereleaseEnd(std::string_view s, size_t i, bool loose, size_t* id_start) {
  bool hyphen = At(s, i) == '-';
  if (!loose && !hyphen) return i;
  size_t b = i + (hyphen ? 1 : 0);
  size_t e = PreIdEnd(s, b, loose);
  if (e == b) {
    if (!loose || !hyphen) return i;
    b = i;  // the lone "-" is itself an identifier
    e = PreIdEnd(s, b, loose);
  }
  while (At(s, e) == '.') {
    size_t next = PreIdEnd(s, e + 1, loose);
    if (next == e + 1) break;
    e = next;
  }
  *id_start = b;
  return e;
}

size_t BuildEnd(std::string_view s, size_t i) {
  if (At(s, i) != '+') return i;
  auto ident = [&](size_t k) {
    size_t e = k;
    while (e < s.size() && e - k < kMaxBuild && IsIdentChar(s[e])) ++e;
    return e;
  };
  size_t e = ident(i + 1);
  if (e == i + 1) return i;
  while (At(s, e) == '.') {
    size_t next = ident(e + 1);
    if (next == e + 1) break;
    e = next;
  }
  return e;
}

bool IsPrefixChar(char c) { return c == 'v' || c == '=' || c == ' '; }

// XRANGEPLAIN / XRANGEPLAINLOOSE: [v=\s]* xr (. xr (. xr pre? build?)?)?
struct XPlain {
  size_t end = std::string_view::npos;  // npos: no match
  std::string_view major, minor, patch, pre;
  bool has_minor = false, has_patch = false;
};

size_t XrEnd(std::string_view s, size_t i, bool loose) {
  char c = At(s, i);
  if (c == 'x' || c == 'X' || c == '*') return i + 1;
  return NumberEnd(s, i, loose);
}

// `split`: match the patch one digit short, so that its last digit starts a dash-less loose
// pre-release ("1.2.34.5" = 1.2.3-4.5), which is how the backtracking expression matches when
// nothing else does.
XPlain MatchXPlain(std::string_view s, size_t i, bool loose, bool split = false) {
  XPlain x;
  while (i < s.size() && IsPrefixChar(s[i])) ++i;
  size_t e = XrEnd(s, i, loose);
  if (e == i) return x;
  x.major = s.substr(i, e - i);
  if (At(s, e) == '.') {
    size_t e2 = XrEnd(s, e + 1, loose);
    if (e2 != e + 1) {
      x.minor = s.substr(e + 1, e2 - e - 1);
      x.has_minor = true;
      e = e2;
      if (At(s, e) == '.') {
        size_t e3 = XrEnd(s, e + 1, loose);
        if (split) {
          if (!loose || e3 < e + 3 || !IsDigit(s[e + 1]) || At(s, e3) != '.') return x;
          --e3;
        }
        if (e3 != e + 1) {
          x.patch = s.substr(e + 1, e3 - e - 1);
          x.has_patch = true;
          e = e3;
          size_t id_start = e;
          size_t pe = PrereleaseEnd(s, e, loose, &id_start);
          if (pe != e) x.pre = s.substr(id_start, pe - id_start);
          e = BuildEnd(s, pe);
        }
      }
    }
  }
  if (split && !x.has_patch) return x;
  x.end = e;
  return x;
}

// LOOSEPLAIN ([v=\s]* three loose numbers, loose pre-release, build) or FULLPLAIN (v? three
// strict numbers, pre-release, build). Returns npos when there is no match at i. `split` as for
// MatchXPlain.
size_t PlainEnd(std::string_view s, size_t i, bool loose, bool split = false) {
  if (loose) {
    while (i < s.size() && IsPrefixChar(s[i])) ++i;
  } else if (At(s, i) == 'v') {
    ++i;
  }
  size_t e = i;
  for (int k = 0; k < 3; ++k) {
    size_t next = NumberEnd(s, e, loose);
    if (next == e) return std::string_view::npos;
    if (k == 2 && split) {
      if (!loose || next < e + 2 || At(s, next) != '.') return std::string_view::npos;
      --next;
    }
    e = next;
    if (k < 2) {
      if (At(s, e) != '.') return std::string_view::npos;
      ++e;
    }
  }
  size_t id_start;
  return BuildEnd(s, PrereleaseEnd(s, e, loose, &id_start));
}

// The operator alternatives of GTLT ((?:<|>)?=?) that can start s, in the order a backtracking
// matcher tries them.
std::vector<std::string_view> GtltOptions(std::string_view s) {
  std::vector<std::string_view> out;
  char c = At(s, 0);
  if (c == '<' || c == '>') {
    if (At(s, 1) == '=') out.push_back(s.substr(0, 2));
    out.push_back(s.substr(0, 1));
  } else if (c == '=') {
    out.push_back(s.substr(0, 1));
  }
  out.push_back(std::string_view());
  return out;
}

// ^GTLT\s?PLAIN$ : on success sets *op and *plain.
bool MatchComparator(std::string_view s, bool loose, std::string_view* op,
                     std::string_view* plain) {
  for (std::string_view g : GtltOptions(s)) {
    size_t b = g.size();
    for (size_t skip : {size_t{1}, size_t{0}}) {
      if (skip == 1 && At(s, b) != ' ') continue;
      for (bool split : {false, true}) {
        if (PlainEnd(s, b + skip, loose, split) == s.size()) {
          *op = g;
          *plain = s.substr(b + skip);
          return true;
        }
      }
    }
  }
  return false;
}

// ^GTLT\s?XRANGEPLAIN$
bool MatchXRange(std::string_view s, bool loose, std::string_view* op, XPlain* x) {
  for (std::string_view g : GtltOptions(s)) {
    size_t b = g.size();
    for (size_t skip : {size_t{1}, size_t{0}}) {
      if (skip == 1 && At(s, b) != ' ') continue;
      for (bool split : {false, true}) {
        XPlain m = MatchXPlain(s, b + skip, loose, split);
        if (m.end == s.size()) {
          *op = g;
          *x = m;
          return true;
        }
      }
    }
  }
  return false;
}

bool IsX(std::string_view id, bool present) {
  return !present || id.empty() || id == "x" || id == "X" || id == "*";
}

// JavaScript's String(+digits + 1). Beyond 2^53 the result only has to keep its shape (digits,
// or exponent notation from 1e21 on), because node-semver rejects such numbers anyway.
std::string JsIncrement(std::string_view digits) {
  std::string d(Number(digits));
  if (d.size() <= 15) return std::to_string(std::stoull(d) + 1);
  double v = std::strtod(d.c_str(), nullptr) + 1.0;
  if (v < 9007199254740992.0) return std::to_string(static_cast<uint64_t>(v));
  if (v >= 1e21) return "1e+21";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

// "".split(/\s+/) semantics (only ' ' remains after the range is normalised).
std::vector<std::string> SplitWs(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  std::string cur;
  while (i < s.size()) {
    if (s[i] == ' ') {
      out.push_back(std::move(cur));
      cur.clear();
      while (i < s.size() && s[i] == ' ') ++i;
      continue;
    }
    cur += s[i++];
  }
  out.push_back(std::move(cur));
  return out;
}

std::string JoinSpace(const std::vector<std::string>& v) { return base::Join(v, " "); }

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

struct Comparator {
  std::string op;  // "", "<", "<=", ">", ">="
  bool any = false;
  std::unique_ptr<const std::string> text;  // owns what `version` views (stable when moved)
  Semver version;
  std::string value;  // node-semver's comparator value: op + formatted version, "" for any
};

class RangeParser {
 public:
  RangeParser(bool loose, bool include_prerelease) : loose_(loose), incpre_(include_prerelease) {}

  base::Result<std::vector<std::vector<Comparator>>> Parse(std::string_view range) const {
    // Trim, then collapse every whitespace run to one space.
    std::string raw;
    std::string_view t = JsTrim(range);
    for (size_t i = 0; i < t.size();) {
      if (size_t w = JsSpaceAt(t, i)) {
        if (raw.empty() || raw.back() != ' ') raw += ' ';
        i += w;
      } else {
        raw += t[i++];
      }
    }
    std::vector<std::vector<Comparator>> sets;
    size_t start = 0;
    for (;;) {
      size_t bar = raw.find("||", start);
      std::string_view part = std::string_view(raw).substr(
          start, bar == std::string::npos ? std::string::npos : bar - start);
      ASSAY_ASSIGN_OR_RETURN(std::vector<Comparator> set, ParsePart(TrimSpace(part)));
      if (!set.empty()) sets.push_back(std::move(set));
      if (bar == std::string::npos) break;
      start = bar + 2;
    }
    if (sets.empty()) return Invalid(range, "no valid comparator");

    // A set that can never match is dropped when there are others; "*" absorbs the rest.
    if (sets.size() > 1) {
      std::vector<std::vector<Comparator>> kept;
      for (auto& set : sets) {
        if (!IsNullSet(set[0])) kept.push_back(std::move(set));
      }
      if (kept.empty()) {
        kept.push_back(std::move(sets[0]));  // all null: keep the first
      } else if (kept.size() > 1) {
        for (auto& set : kept) {
          if (set.size() == 1 && set[0].any) {
            std::vector<Comparator> only = std::move(set);
            kept.clear();
            kept.push_back(std::move(only));
            break;
          }
        }
      }
      sets = std::move(kept);
    }
    return sets;
  }

 private:
  static base::Status Invalid(std::string_view range, std::string_view why) {
    return base::Status::InvalidArgument("invalid npm range \"" + std::string(range) +
                                         "\": " + std::string(why));
  }

  static bool IsNullSet(const Comparator& c) { return c.value == "<0.0.0-0"; }

  base::Result<std::vector<Comparator>> ParsePart(std::string_view part_in) const {
    std::string part = StripBuilds(part_in);
    part = ReplaceHyphen(part);
    part = TrimComparatorWhitespace(part);
    part = TrimAfter(part, '~');
    part = TrimAfter(part, '^');

    std::vector<std::string> desugared;
    for (std::string_view token : base::Split(part, ' ')) desugared.push_back(Desugar(token));
    std::vector<std::string> list = SplitWs(JoinSpace(desugared));
    for (std::string& comp : list) comp = ReplaceGte0(comp);

    std::vector<Comparator> comparators;
    for (const std::string& comp : list) {
      std::string_view op, plain;
      bool ok = comp.empty() || MatchComparator(comp, loose_, &op, &plain);
      if (!ok) {
        if (loose_) continue;  // loose ranges drop what is not a comparator
        return Invalid(part_in, "invalid comparator \"" + comp + "\"");
      }
      Comparator c;
      if (comp.empty()) {
        c.any = true;
      } else {
        c.op = op == "=" ? "" : std::string(op);
        c.text = std::make_unique<const std::string>(plain);
        auto v = ParseWith(*c.text, loose_ ? kNodeLoose : kNodeStrict);
        if (!v.ok()) return Invalid(part_in, v.status().message());
        c.version = std::move(*v);
        c.value = c.op + Format(c.version);
      }
      comparators.push_back(std::move(c));
    }
    // node-semver builds (and so validates) every comparator before this shortcut.
    for (auto& c : comparators) {
      if (IsNullSet(c)) {
        std::vector<Comparator> only;
        only.push_back(std::move(c));
        return only;
      }
    }
    // Drop duplicates, and "any" when there is something else.
    std::vector<Comparator> out;
    for (auto& c : comparators) {
      bool dup = false;
      for (auto& o : out) {
        if (o.value == c.value) {
          o = std::move(c);
          dup = true;
          break;
        }
      }
      if (!dup) out.push_back(std::move(c));
    }
    if (out.size() > 1) {
      for (size_t i = 0; i < out.size(); ++i) {
        if (out[i].any) {
          out.erase(out.begin() + static_cast<std::ptrdiff_t>(i));
          break;
        }
      }
    }
    return out;
  }

  // Removes every "+build.meta" (build metadata never takes part in range matching).
  static std::string StripBuilds(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
      if (s[i] == '+') {
        // Unbounded here: node-semver strips with an unbounded expression.
        size_t e = i + 1;
        while (e < s.size() && IsIdentChar(s[e])) ++e;
        if (e > i + 1) {
          while (At(s, e) == '.' && IsIdentChar(At(s, e + 1))) {
            ++e;
            while (e < s.size() && IsIdentChar(s[e])) ++e;
          }
          i = e;
          continue;
        }
      }
      out += s[i++];
    }
    return out;
  }

  // "A - B" => ">=A <=B", with partial versions widened.
  std::string ReplaceHyphen(const std::string& s) const {
    size_t i = At(s, 0) == ' ' ? 1 : 0;
    XPlain from, to;
    size_t e = 0;
    bool matched = false;
    for (bool split_from : {false, true}) {
      from = MatchXPlain(s, i, loose_, split_from);
      if (from.end == std::string_view::npos) continue;
      e = from.end;
      if (At(s, e) != ' ' || At(s, e + 1) != '-' || At(s, e + 2) != ' ') continue;
      for (bool split_to : {false, true}) {
        to = MatchXPlain(s, e + 3, loose_, split_to);
        if (to.end == std::string_view::npos) continue;
        if (to.end + (At(s, to.end) == ' ' ? 1 : 0) == s.size()) {
          matched = true;
          break;
        }
      }
      if (matched) break;
    }
    if (!matched) return s;
    std::string_view from_text = std::string_view(s).substr(i, from.end - i);
    std::string_view to_text = std::string_view(s).substr(e + 3, to.end - e - 3);
    std::string z = incpre_ ? "-0" : "";

    std::string lo;
    if (IsX(from.major, true)) {
      lo = "";
    } else if (IsX(from.minor, from.has_minor)) {
      lo = ">=" + std::string(from.major) + ".0.0" + z;
    } else if (IsX(from.patch, from.has_patch)) {
      lo = ">=" + std::string(from.major) + "." + std::string(from.minor) + ".0" + z;
    } else if (!from.pre.empty()) {
      lo = ">=" + std::string(from_text);
    } else {
      lo = ">=" + std::string(from_text) + z;
    }

    std::string hi;
    std::string tM(to.major), tm(to.minor), tp(to.patch);
    if (IsX(to.major, true)) {
      hi = "";
    } else if (IsX(to.minor, to.has_minor)) {
      hi = "<" + JsIncrement(tM) + ".0.0-0";
    } else if (IsX(to.patch, to.has_patch)) {
      hi = "<" + tM + "." + JsIncrement(tm) + ".0-0";
    } else if (!to.pre.empty()) {
      hi = "<=" + tM + "." + tm + "." + tp + "-" + std::string(to.pre);
    } else if (incpre_) {
      hi = "<" + tM + "." + tm + "." + JsIncrement(tp) + "-0";
    } else {
      hi = "<=" + std::string(to_text);
    }
    return std::string(TrimSpace(lo + " " + hi));
  }

  // "> 1.2.3" => ">1.2.3": removes the one space between an operator and the version after it.
  static std::string TrimComparatorWhitespace(const std::string& s) {
    auto is_start = [](char c) { return IsDigit(c) || c == 'x' || c == 'X' || c == '*'; };
    std::string out;
    size_t copy_from = 0;
    size_t cursor = 0;
    size_t n = s.size();
    while (cursor < n) {
      size_t match_start = cursor;
      if (s[cursor] == '<' || s[cursor] == '>') {
        ++cursor;
      } else if (!IsPrefixChar(s[cursor]) && !is_start(s[cursor])) {
        ++cursor;
        continue;
      }
      while (cursor < n && IsPrefixChar(s[cursor])) ++cursor;
      if (!is_start(At(s, cursor))) continue;
      size_t p = match_start;
      if (At(s, p) == ' ') ++p;
      if (At(s, p) == '<' || At(s, p) == '>') ++p;
      if (At(s, p) == '=') ++p;
      if (At(s, p) == ' ') {
        out.append(s, copy_from, p - copy_from);
        copy_from = p + 1;
      }
      cursor = VersionEnd(s, cursor);
    }
    out.append(s, copy_from, std::string::npos);
    return out;
  }

  // Where a candidate version that starts at i ends: a loose full version, else a partial one.
  static size_t VersionEnd(std::string_view s, size_t i) {
    size_t full = i;
    for (int k = 0;; ++k) {
      size_t next = NumberEnd(s, full, true);
      if (next == full) {
        full = std::string_view::npos;
        break;
      }
      full = next;
      if (k == 2) break;
      if (At(s, full) != '.') {
        full = std::string_view::npos;
        break;
      }
      ++full;
    }
    size_t id_start;
    if (full != std::string_view::npos) return BuildEnd(s, PrereleaseEnd(s, full, true, &id_start));
    auto component = [&](size_t k) {
      return IsDigit(At(s, k)) ? NumberEnd(s, k, false) : XrEnd(s, k, false);
    };
    size_t e = component(i);
    for (int k = 0; k < 2; ++k) {
      if (At(s, e) != '.') return e;
      size_t next = component(e + 1);
      if (next == e + 1) return e;
      e = next;
    }
    return BuildEnd(s, PrereleaseEnd(s, e, false, &id_start));
  }

  // "~ 1" => "~1", "~> 1" => "~1", "^ 1" => "^1".
  static std::string TrimAfter(const std::string& s, char sigil) {
    std::string out;
    for (size_t i = 0; i < s.size();) {
      if (s[i] == sigil) {
        size_t j = i + 1;
        if (sigil == '~' && At(s, j) == '>' && At(s, j + 1) == ' ') {
          out += sigil;
          i = j + 2;
          continue;
        }
        if (At(s, j) == ' ') {
          out += sigil;
          i = j + 1;
          continue;
        }
      }
      out += s[i++];
    }
    return out;
  }

  // One space-free token: carets, tildes, x-ranges and stars become plain comparators. (node-semver
  // splits on whitespace between the steps; a caret's output never matches the tilde step, so
  // only the x-range step can see more than one comparator.)
  std::string Desugar(std::string_view token) const {
    std::string s(token);
    std::string caret = ReplaceCaret(s);
    s = caret != s ? std::move(caret) : ReplaceTilde(s);
    std::vector<std::string> pieces;
    for (const std::string& c : SplitWs(s)) pieces.push_back(ReplaceXRange(c));
    return ReplaceStar(TrimSpace(JoinSpace(pieces)));
  }

  // ^XRANGEPLAIN$ or ~>?XRANGEPLAIN$ after the sigil at `b`.
  bool MatchWhole(const std::string& c, size_t b, XPlain* x) const {
    for (bool split : {false, true}) {
      *x = MatchXPlain(c, b, loose_, split);
      if (x->end == c.size()) return true;
    }
    return false;
  }

  std::string ReplaceCaret(const std::string& c) const {
    XPlain x;
    if (At(c, 0) != '^' || !MatchWhole(c, 1, &x)) return c;
    std::string z = incpre_ ? "-0" : "";
    std::string M(x.major), m(x.minor), p(x.patch), pr(x.pre);
    if (IsX(x.major, true)) return "";
    if (IsX(x.minor, x.has_minor)) return ">=" + M + ".0.0" + z + " <" + JsIncrement(M) + ".0.0-0";
    if (IsX(x.patch, x.has_patch)) {
      if (M == "0") return ">=" + M + "." + m + ".0" + z + " <" + M + "." + JsIncrement(m) + ".0-0";
      return ">=" + M + "." + m + ".0" + z + " <" + JsIncrement(M) + ".0.0-0";
    }
    std::string lo = ">=" + M + "." + m + "." + p + (pr.empty() ? "" : "-" + pr);
    if (M == "0") {
      if (m == "0") return lo + " <" + M + "." + m + "." + JsIncrement(p) + "-0";
      return lo + " <" + M + "." + JsIncrement(m) + ".0-0";
    }
    return lo + " <" + JsIncrement(M) + ".0.0-0";
  }

  std::string ReplaceTilde(const std::string& c) const {
    if (At(c, 0) != '~') return c;
    XPlain x;
    if (!MatchWhole(c, At(c, 1) == '>' ? 2 : 1, &x)) return c;
    std::string z = incpre_ ? "-0" : "";
    std::string M(x.major), m(x.minor), p(x.patch), pr(x.pre);
    if (IsX(x.major, true)) return "";
    if (IsX(x.minor, x.has_minor)) return ">=" + M + ".0.0" + z + " <" + JsIncrement(M) + ".0.0-0";
    if (IsX(x.patch, x.has_patch)) {
      return ">=" + M + "." + m + ".0" + z + " <" + M + "." + JsIncrement(m) + ".0-0";
    }
    return ">=" + M + "." + m + "." + p + (pr.empty() ? "" : "-" + pr) + " <" + M + "." +
           JsIncrement(m) + ".0-0";
  }

  std::string ReplaceXRange(const std::string& raw) const {
    std::string c(TrimSpace(raw));
    std::string_view op;
    XPlain x;
    if (!MatchXRange(c, loose_, &op, &x)) return c;
    bool xM = IsX(x.major, true);
    bool xm = xM || IsX(x.minor, x.has_minor);
    bool xp = xm || IsX(x.patch, x.has_patch);
    // "x.1" and "1.x.2" are not x-ranges.
    if ((xM && !IsX(x.minor, x.has_minor)) ||
        (IsX(x.minor, x.has_minor) && x.has_patch && !IsX(x.patch, true))) {
      return c;
    }
    std::string gtlt(op);
    if (gtlt == "=" && xp) gtlt = "";
    std::string pr = incpre_ ? "-0" : "";
    std::string M(x.major), m(x.minor);
    if (xM) return (gtlt == ">" || gtlt == "<") ? "<0.0.0-0" : "*";
    if (!gtlt.empty() && xp) {
      if (xm) m = "0";
      std::string p = "0";
      if (gtlt == ">") {
        gtlt = ">=";
        if (xm) {
          M = JsIncrement(M);
        } else {
          m = JsIncrement(m);
        }
      } else if (gtlt == "<=") {
        gtlt = "<";
        if (xm) {
          M = JsIncrement(M);
        } else {
          m = JsIncrement(m);
        }
      }
      if (gtlt == "<") pr = "-0";
      return gtlt + M + "." + m + "." + p + pr;
    }
    if (xm) return ">=" + M + ".0.0" + pr + " <" + JsIncrement(M) + ".0.0-0";
    if (xp) return ">=" + M + "." + m + ".0" + pr + " <" + M + "." + JsIncrement(m) + ".0-0";
    return c;
  }

  // Deletes the first "(<|>)?=?\s?\*".
  static std::string ReplaceStar(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
      for (int a : {1, 0}) {
        if (a == 1 && At(s, i) != '<' && At(s, i) != '>') continue;
        size_t j = i + static_cast<size_t>(a);
        for (int e : {1, 0}) {
          if (e == 1 && At(s, j) != '=') continue;
          size_t k = j + static_cast<size_t>(e);
          for (int w : {1, 0}) {
            if (w == 1 && At(s, k) != ' ') continue;
            size_t l = k + static_cast<size_t>(w);
            if (At(s, l) == '*') {
              return std::string(s.substr(0, i)) + std::string(s.substr(l + 1));
            }
          }
        }
      }
    }
    return std::string(s);
  }

  // ">=0.0.0" (">=0.0.0-0" with include_prerelease) means "any".
  std::string ReplaceGte0(const std::string& raw) const {
    std::string_view c = TrimSpace(raw);
    std::string_view zero = incpre_ ? "0.0.0-0" : "0.0.0";
    if (c.starts_with(">=")) {
      std::string_view rest = c.substr(2);
      if (rest.starts_with(' ')) rest.remove_prefix(1);
      if (rest == zero) return "";
    }
    return std::string(c);
  }

  bool loose_;
  bool incpre_;
};

bool TestComparator(const Comparator& c, const Semver& v) {
  if (c.any) return true;
  int r = CompareSemver(v, c.version);
  if (c.op.empty()) return r == 0;
  if (c.op == "<") return r < 0;
  if (c.op == "<=") return r <= 0;
  if (c.op == ">") return r > 0;
  return r >= 0;  // ">="
}

bool TestSet(const std::vector<Comparator>& set, const Semver& v, bool include_prerelease) {
  for (const Comparator& c : set) {
    if (!TestComparator(c, v)) return false;
  }
  if (v.pre.empty() || include_prerelease) return true;
  // A pre-release only matches when the range names a pre-release of the same x.y.z.
  for (const Comparator& c : set) {
    if (c.any || c.version.pre.empty()) continue;
    if (c.version.core == v.core) return true;
  }
  return false;
}

}  // namespace

const Scheme& NpmScheme() {
  static const SemverLike kScheme("npm", &ParseNpmScheme);
  return kScheme;
}

const Scheme& SemverScheme() {
  static const SemverLike kScheme("semver", &ParseSemverScheme);
  return kScheme;
}

base::Result<NpmVersion> ParseNpmVersion(std::string_view v, bool loose) {
  ASSAY_ASSIGN_OR_RETURN(Semver s, ParseWith(v, loose ? kNodeLoose : kNodeStrict));
  NpmVersion out;
  out.major = s.core[0];
  out.minor = s.core[1];
  out.patch = s.core[2];
  out.prerelease.assign(s.pre.begin(), s.pre.end());
  out.build.assign(s.build.begin(), s.build.end());
  return out;
}

base::Result<int> NpmCompare(std::string_view a, std::string_view b, bool loose) {
  const Dialect& d = loose ? kNodeLoose : kNodeStrict;
  ASSAY_ASSIGN_OR_RETURN(Semver va, ParseWith(a, d));
  ASSAY_ASSIGN_OR_RETURN(Semver vb, ParseWith(b, d));
  return CompareSemver(va, vb);
}

base::Result<bool> NpmRangeSatisfies(std::string_view range, std::string_view version, bool loose,
                                     bool include_prerelease) {
  RangeParser parser(loose, include_prerelease);
  ASSAY_ASSIGN_OR_RETURN(auto sets, parser.Parse(range));
  ASSAY_ASSIGN_OR_RETURN(Semver v, ParseWith(version, loose ? kNodeLoose : kNodeStrict));
  for (const auto& set : sets) {
    if (TestSet(set, v, include_prerelease)) return true;
  }
  return false;
}

}  // namespace assay::versions
