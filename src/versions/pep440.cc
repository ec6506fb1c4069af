// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/pep440.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "base/strings.h"

namespace assay::versions {
namespace {

using base::CompareNumeric;
using base::IsAlnum;
using base::IsDigit;

// ---------------------------------------------------------------------------------------------
// Whitespace. packaging strips with Python's `\s`, which is Unicode-aware: a version copied from
// a web page may carry U+00A0 or U+202F around it and is still valid.

// Decodes one UTF-8 code point at s[i]; sets *len to its byte length, or 0 when malformed.
uint32_t DecodeUtf8(std::string_view s, size_t i, size_t* len) {
  auto c = static_cast<unsigned char>(s[i]);
  *len = 0;
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  size_t n;
  uint32_t cp;
  uint32_t min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min) return 0;  // overlong encodings are not characters
  *len = n;
  return cp;
}

// Python's str.isspace() set, which is what `\s` matches in a str pattern.
bool IsPythonSpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

// Byte length of the whitespace character at s[i], or 0.
size_t SpaceAt(std::string_view s, size_t i) {
  size_t len;
  uint32_t cp = DecodeUtf8(s, i, &len);
  return len != 0 && IsPythonSpace(cp) ? len : 0;
}

std::string_view TrimPython(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    size_t n = SpaceAt(s, b);
    if (n == 0) break;
    b += n;
  }
  size_t e = s.size();
  while (e > b) {
    // Step back to the start of the last code point (at most 3 continuation bytes).
    size_t st = e - 1;
    while (st > b && e - st < 4 && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
    size_t n = SpaceAt(s, st);
    if (n == 0 || st + n != e) break;
    e = st;
  }
  return s.substr(b, e - b);
}

// ---------------------------------------------------------------------------------------------
// The parsed version: views into the parsed text, valid while it is. Numbers are decimal digit
// runs without leading zeros, so they have no size limit (Python ints have none either).

enum PreKind { kNoPre = -1, kAlpha = 0, kBeta = 1, kRc = 2 };

struct Version {
  std::string_view epoch = "0";
  std::vector<std::string_view> release;
  int pre_kind = kNoPre;
  std::string_view pre_num;
  bool has_post = false;
  std::string_view post_num;
  bool has_dev = false;
  std::string_view dev_num;
  bool has_local = false;
  std::vector<std::string_view> local;  // as written; numeric parts without leading zeros

  bool IsPrerelease() const { return pre_kind != kNoPre || has_dev; }
};

bool IsSep(char c) { return c == '-' || c == '_' || c == '.'; }

std::string_view Number(std::string_view digits) {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return digits;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// Reads a run of digits at *i; empty when there is none.
std::string_view Digits(std::string_view s, size_t* i) {
  size_t b = *i;
  while (*i < s.size() && IsDigit(s[*i])) ++*i;
  return s.substr(b, *i - b);
}

// Length of the longest of `labels` that starts s at i (ASCII case-insensitive), or 0. The
// regular expression in PEP 440's appendix lists its alternatives so that the longest spelling
// wins whenever the rest of the version can still match, which for these labels is always.
size_t MatchLabel(std::string_view s, size_t i, std::initializer_list<std::string_view> labels,
                  size_t* which) {
  if (i >= s.size() || !base::IsAlpha(s[i])) return 0;
  size_t best = 0;
  size_t index = 0;
  for (std::string_view l : labels) {
    if (l.size() > best && base::StartsWithIgnoreCase(s.substr(i), l)) {
      best = l.size();
      *which = index;
    }
    ++index;
  }
  return best;
}

// Parses a version without surrounding whitespace. On failure returns false and sets *why.
// Each optional segment is matched greedily; for this grammar a greedy match succeeds exactly
// when the backtracking regular expression does (separators never decide between segments).
bool ParseBody(std::string_view s, Version* v, const char** why) {
  size_t n = s.size();
  size_t i = 0;
  if (i < n && (s[i] == 'v' || s[i] == 'V')) ++i;

  // Epoch.
  size_t j = i;
  std::string_view lead = Digits(s, &j);
  if (!lead.empty() && j < n && s[j] == '!') {
    v->epoch = Number(lead);
    i = j + 1;
  }

  // Release segment.
  if (i >= n || !IsDigit(s[i])) {
    *why = "expected a release number";
    return false;
  }
  v->release.reserve(4);
  for (;;) {
    v->release.push_back(Number(Digits(s, &i)));
    if (i + 1 < n && s[i] == '.' && IsDigit(s[i + 1])) {
      ++i;
      continue;
    }
    break;
  }

  // Pre-release: [-_.]? (alpha|a|beta|b|preview|pre|c|rc) [-_.]? N?
  {
    size_t p = i;
    if (p < n && IsSep(s[p])) ++p;
    size_t which = 0;
    size_t len = MatchLabel(s, p, {"alpha", "a", "beta", "b", "preview", "pre", "c", "rc"}, &which);
    if (len > 0) {
      static constexpr int kKinds[] = {kAlpha, kAlpha, kBeta, kBeta, kRc, kRc, kRc, kRc};
      v->pre_kind = kKinds[which];
      p += len;
      if (p < n && IsSep(s[p])) ++p;
      v->pre_num = Number(Digits(s, &p));
      if (v->pre_num.empty()) v->pre_num = "0";
      i = p;
    }
  }

  // Post-release: -N, or [-_.]? (post|rev|r) [-_.]? N?
  {
    size_t p = i;
    if (p + 1 < n && s[p] == '-' && IsDigit(s[p + 1])) {
      ++p;
      v->has_post = true;
      v->post_num = Number(Digits(s, &p));
      i = p;
    } else {
      if (p < n && IsSep(s[p])) ++p;
      size_t which = 0;
      size_t len = MatchLabel(s, p, {"post", "rev", "r"}, &which);
      if (len > 0) {
        p += len;
        if (p < n && IsSep(s[p])) ++p;
        v->has_post = true;
        v->post_num = Number(Digits(s, &p));
        if (v->post_num.empty()) v->post_num = "0";
        i = p;
      }
    }
  }

  // Development release: [-_.]? dev [-_.]? N?
  {
    size_t p = i;
    if (p < n && IsSep(s[p])) ++p;
    size_t which = 0;
    if (MatchLabel(s, p, {"dev"}, &which) > 0) {
      p += 3;
      if (p < n && IsSep(s[p])) ++p;
      v->has_dev = true;
      v->dev_num = Number(Digits(s, &p));
      if (v->dev_num.empty()) v->dev_num = "0";
      i = p;
    }
  }

  // Local version: + [a-z0-9]+ ([-_.] [a-z0-9]+)*
  if (i < n && s[i] == '+') {
    ++i;
    v->has_local = true;
    for (;;) {
      size_t b = i;
      while (i < n && IsAlnum(s[i])) ++i;
      if (i == b) {
        *why = "empty local version segment";
        return false;
      }
      std::string_view part = s.substr(b, i - b);
      v->local.push_back(AllDigits(part) ? Number(part) : part);
      if (i + 1 < n && IsSep(s[i]) && IsAlnum(s[i + 1])) {
        ++i;
        continue;
      }
      break;
    }
  }

  if (i != n) {
    *why = "unexpected text after the version";
    return false;
  }
  return true;
}

base::Result<Version> Parse(std::string_view raw) {
  Version v;
  const char* why = "";
  if (!ParseBody(TrimPython(raw), &v, &why)) {
    return base::Status::InvalidArgument("invalid pep440 version \"" + std::string(raw) +
                                         "\": " + why);
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Ordering (packaging's _cmpkey).

int CompareRelease(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    int c = CompareNumeric(i < a.size() ? a[i] : "0", i < b.size() ? b[i] : "0");
    if (c != 0) return c;
  }
  return 0;
}

// 0: a dev release of the final version (sorts before its pre-releases); 1: a pre-release;
// 2: no pre-release segment.
int PreClass(const Version& v) {
  if (v.pre_kind == kNoPre) return (!v.has_post && v.has_dev) ? 0 : 2;
  return 1;
}

// ASCII case-insensitive three-way comparison (local segments are compared lower-cased).
int CompareLower(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    char x = base::ToLower(a[i]), y = base::ToLower(b[i]);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int CompareLocal(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    bool an = AllDigits(a[i]);
    bool bn = AllDigits(b[i]);
    int c;
    if (an && bn) {
      c = CompareNumeric(a[i], b[i]);
    } else if (an != bn) {
      c = an ? 1 : -1;  // numeric parts sort after alphanumeric ones
    } else {
      c = CompareLower(a[i], b[i]);
    }
    if (c != 0) return c;
  }
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

int ComparePublic(const Version& a, const Version& b) {
  if (int c = CompareNumeric(a.epoch, b.epoch)) return c;
  if (int c = CompareRelease(a.release, b.release)) return c;
  int pa = PreClass(a), pb = PreClass(b);
  if (pa != pb) return pa < pb ? -1 : 1;
  if (pa == 1) {
    if (a.pre_kind != b.pre_kind) return a.pre_kind < b.pre_kind ? -1 : 1;
    if (int c = CompareNumeric(a.pre_num, b.pre_num)) return c;
  }
  if (a.has_post != b.has_post) return a.has_post ? 1 : -1;
  if (a.has_post) {
    if (int c = CompareNumeric(a.post_num, b.post_num)) return c;
  }
  if (a.has_dev != b.has_dev) return a.has_dev ? -1 : 1;
  if (a.has_dev) {
    if (int c = CompareNumeric(a.dev_num, b.dev_num)) return c;
  }
  return 0;
}

int CompareVersions(const Version& a, const Version& b) {
  if (int c = ComparePublic(a, b)) return c;
  if (a.has_local != b.has_local) return a.has_local ? 1 : -1;
  return CompareLocal(a.local, b.local);
}

bool SameBase(const Version& a, const Version& b) {
  return CompareNumeric(a.epoch, b.epoch) == 0 && CompareRelease(a.release, b.release) == 0;
}

std::string Canonical(const Version& v) {
  std::string out;
  if (v.epoch != "0") {
    out += v.epoch;
    out += '!';
  }
  for (size_t i = 0; i < v.release.size(); ++i) {
    if (i) out += '.';
    out += v.release[i];
  }
  if (v.pre_kind != kNoPre) {
    static constexpr std::string_view kLetters[] = {"a", "b", "rc"};
    out += kLetters[v.pre_kind];
    out += v.pre_num;
  }
  if (v.has_post) {
    out += ".post";
    out += v.post_num;
  }
  if (v.has_dev) {
    out += ".dev";
    out += v.dev_num;
  }
  if (v.has_local) {
    out += '+';
    for (size_t i = 0; i < v.local.size(); ++i) {
      if (i) out += '.';
      out += base::AsciiLower(v.local[i]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Legacy (pre-PEP 440) ordering: setuptools' historical parse_version. The string is split into
// digit runs, letter runs, "." and "-", and runs of anything else; numbers are zero-padded to
// eight places and compared as strings; "pre", "preview" and "rc" mean "c", "dev" means "@" (so
// it sorts before letters), and "-" means "final-". Trailing zero numbers before a tag and a
// "-" before a pre-release tag are dropped.

std::vector<std::string> LegacyKey(std::string_view s) {
  std::vector<std::string> parts;
  parts.reserve(s.size() + 1);
  auto add = [&parts](std::string part) {
    if (part[0] == '*') {
      if (part < "*final") {
        while (!parts.empty() && parts.back() == "*final-") parts.pop_back();
      }
      while (!parts.empty() && parts.back() == "00000000") parts.pop_back();
    }
    parts.push_back(std::move(part));
  };
  auto is_lower = [](char c) { return c >= 'a' && c <= 'z'; };
  for (size_t i = 0; i < s.size();) {
    char c = base::ToLower(s[i]);
    size_t j = i + 1;
    if (IsDigit(c)) {
      while (j < s.size() && IsDigit(s[j])) ++j;
      std::string num(s.substr(i, j - i));
      if (num.size() < 8) num.insert(0, 8 - num.size(), '0');
      add(std::move(num));
    } else if (is_lower(c)) {
      while (j < s.size() && is_lower(base::ToLower(s[j]))) ++j;
      std::string word = base::AsciiLower(s.substr(i, j - i));
      if (word == "pre" || word == "preview" || word == "rc") {
        word = "c";
      } else if (word == "dev") {
        word = "@";
      }
      add("*" + word);
    } else if (c == '-') {
      add("*final-");
    } else if (c != '.') {
      // A run of other characters is one part.
      while (j < s.size() && !IsDigit(s[j]) && !is_lower(base::ToLower(s[j])) && s[j] != '.' &&
             s[j] != '-') {
        ++j;
      }
      add("*" + std::string(s.substr(i, j - i)));
    }
    i = j;
  }
  add("*final");
  return parts;
}

// ---------------------------------------------------------------------------------------------
// Specifiers.

enum class Op {
  kCompatible,
  kEqual,
  kNotEqual,
  kLessEqual,
  kGreaterEqual,
  kLess,
  kGreater,
  kArbitrary
};

// Views into the specifier text, valid while it is.
struct Specifier {
  Op op;
  std::string_view text;  // the operand as written (for ===)
  Version version;        // the operand, or for a prefix match its epoch and release
  bool prefix = false;    // "==V.*" / "!=V.*"
};

// Parses "v? (N!)? N(.N)*" exactly, for the operand of a prefix match.
bool ParsePrefixOperand(std::string_view s, Version* v) {
  Version parsed;
  const char* why = "";
  if (!ParseBody(s, &parsed, &why)) return false;
  if (parsed.pre_kind != kNoPre || parsed.has_post || parsed.has_dev || parsed.has_local) {
    return false;
  }
  *v = std::move(parsed);
  return true;
}

base::Result<Specifier> ParseSpecifier(std::string_view raw) {
  auto invalid = [&](std::string why) {
    return base::Status::InvalidArgument("invalid pep440 specifier \"" + std::string(raw) +
                                         "\": " + why);
  };
  std::string_view s = TrimPython(raw);
  Specifier spec;
  size_t op_len;
  if (s.starts_with("===")) {
    spec.op = Op::kArbitrary, op_len = 3;
  } else if (s.starts_with("~=")) {
    spec.op = Op::kCompatible, op_len = 2;
  } else if (s.starts_with("==")) {
    spec.op = Op::kEqual, op_len = 2;
  } else if (s.starts_with("!=")) {
    spec.op = Op::kNotEqual, op_len = 2;
  } else if (s.starts_with("<=")) {
    spec.op = Op::kLessEqual, op_len = 2;
  } else if (s.starts_with(">=")) {
    spec.op = Op::kGreaterEqual, op_len = 2;
  } else if (s.starts_with("<")) {
    spec.op = Op::kLess, op_len = 1;
  } else if (s.starts_with(">")) {
    spec.op = Op::kGreater, op_len = 1;
  } else {
    return invalid("expected an operator (~=, ==, !=, <=, >=, <, >, ===)");
  }
  std::string_view operand = TrimPython(s.substr(op_len));
  spec.text = operand;

  if (spec.op == Op::kArbitrary) {
    // Anything but whitespace, ";" and ")" (PEP 508 markers and parentheses delimit it).
    for (size_t i = 0; i < operand.size(); ++i) {
      if (operand[i] == ';' || operand[i] == ')' || SpaceAt(operand, i) != 0) {
        return invalid("arbitrary-equality operand contains a delimiter");
      }
    }
    return spec;
  }

  if ((spec.op == Op::kEqual || spec.op == Op::kNotEqual) && operand.ends_with(".*")) {
    if (!ParsePrefixOperand(operand.substr(0, operand.size() - 2), &spec.version)) {
      return invalid("a prefix match takes only an epoch and a release before \".*\"");
    }
    spec.prefix = true;
    return spec;
  }

  const char* why = "";
  if (!ParseBody(operand, &spec.version, &why)) return invalid(why);
  if (spec.version.has_local && spec.op != Op::kEqual && spec.op != Op::kNotEqual) {
    return invalid("only == and != allow a local version");
  }
  if (spec.op == Op::kCompatible && spec.version.release.size() < 2) {
    return invalid("~= needs at least two release numbers");
  }
  return spec;
}

// PEP 440 prefix matching: same epoch, and the candidate's release, padded with zeros, starts
// with the first `n` numbers of `spec`'s release.
bool PrefixMatch(const Version& candidate, const Version& spec, size_t n) {
  if (CompareNumeric(candidate.epoch, spec.epoch) != 0) return false;
  for (size_t i = 0; i < n; ++i) {
    std::string_view c = i < candidate.release.size() ? candidate.release[i] : "0";
    if (CompareNumeric(c, spec.release[i]) != 0) return false;
  }
  return true;
}

bool Contains(const Specifier& spec, const Version& v) {
  const Version& s = spec.version;
  switch (spec.op) {
    case Op::kEqual:
    case Op::kNotEqual: {
      bool eq;
      if (spec.prefix) {
        eq = PrefixMatch(v, s, s.release.size());
      } else if (s.has_local) {
        eq = CompareVersions(v, s) == 0;
      } else {
        eq = ComparePublic(v, s) == 0;
      }
      return spec.op == Op::kEqual ? eq : !eq;
    }
    // The operands of the remaining operators have no local segment, so comparing the
    // candidate's public version is ComparePublic.
    case Op::kLessEqual:
      return ComparePublic(v, s) <= 0;
    case Op::kGreaterEqual:
      return ComparePublic(v, s) >= 0;
    case Op::kLess:
      if (CompareVersions(v, s) >= 0) return false;
      // "<3.1" must not admit 3.1's own pre-releases unless the operand is one.
      return !(!s.IsPrerelease() && v.IsPrerelease() && SameBase(v, s));
    case Op::kGreater:
      if (CompareVersions(v, s) <= 0) return false;
      // ">3.1" must not admit 3.1's post-releases (unless the operand is one) nor 3.1+local.
      if (!s.has_post && v.has_post && SameBase(v, s)) return false;
      return !(v.has_local && SameBase(v, s));
    case Op::kCompatible: {
      if (ComparePublic(v, s) < 0) return false;
      return PrefixMatch(v, s, s.release.size() - 1);
    }
    case Op::kArbitrary:
      break;  // handled by the caller
  }
  return false;
}

class Pep440 final : public Scheme {
 public:
  std::string_view Name() const override { return "pep440"; }

  base::Status Validate(std::string_view v) const override { return Parse(v).status(); }

  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    ASSAY_ASSIGN_OR_RETURN(Version va, Parse(a));
    ASSAY_ASSIGN_OR_RETURN(Version vb, Parse(b));
    return CompareVersions(va, vb);
  }
};

}  // namespace

const Scheme& Pep440Scheme() {
  static const Pep440 kScheme;
  return kScheme;
}

base::Result<std::string> Pep440Normalize(std::string_view v) {
  ASSAY_ASSIGN_OR_RETURN(Version parsed, Parse(v));
  return Canonical(parsed);
}

int ComparePypiWithLegacy(std::string_view a, std::string_view b) {
  Version va, vb;
  const char* why = "";
  bool a_ok = ParseBody(TrimPython(a), &va, &why);
  bool b_ok = ParseBody(TrimPython(b), &vb, &why);
  if (a_ok && b_ok) return CompareVersions(va, vb);
  if (a_ok != b_ok) return a_ok ? 1 : -1;  // legacy versions sort first
  std::vector<std::string> ka = LegacyKey(a);
  std::vector<std::string> kb = LegacyKey(b);
  return ka < kb ? -1 : (kb < ka ? 1 : 0);
}

base::Result<bool> Pep440SpecifierContains(std::string_view specifier_set,
                                           std::string_view version) {
  std::vector<Specifier> specs;
  for (std::string_view piece : base::Split(specifier_set, ',')) {
    if (TrimPython(piece).empty()) continue;
    ASSAY_ASSIGN_OR_RETURN(Specifier spec, ParseSpecifier(piece));
    specs.push_back(std::move(spec));
  }
  auto parsed = Parse(version);
  if (!parsed.ok()) {
    for (const Specifier& spec : specs) {
      if (spec.op != Op::kArbitrary) return parsed.status();
    }
  }
  for (const Specifier& spec : specs) {
    if (spec.op == Op::kArbitrary) {
      bool eq = base::EqualsIgnoreCase(TrimPython(version), spec.text) ||
                (parsed.ok() && base::EqualsIgnoreCase(Canonical(*parsed), spec.text));
      if (!eq) return false;
      continue;
    }
    if (!Contains(spec, *parsed)) return false;
  }
  return true;
}

}  // namespace assay::versions
