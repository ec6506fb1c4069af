// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/apk.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace assay::versions {
namespace {

// Token kinds in the order apk allows them to follow each other. The order matters: a token
// may only follow one of a lower kind (with the exceptions in Tokenizer::Next), and after a
// common prefix the string that ends first sorts first unless the other continues with a
// pre-release suffix (kEnd is above every kind a valid version can continue with).
enum class Tok {
  kInitialDigit,
  kDigit,
  kLetter,
  kSuffix,
  kSuffixNo,
  kCommitHash,
  kRevisionNo,
  kEnd,
  kInvalid,
};

// Rank of "no suffix" among the suffix ranks below: lower ranks are pre-releases.
constexpr int kNoSuffixRank = 4;

struct SuffixName {
  std::string_view name;
  int rank;
};
constexpr std::array<SuffixName, 9> kSuffixes = {{
    {"alpha", 0},
    {"beta", 1},
    {"pre", 2},
    {"rc", 3},
    {"cvs", 5},
    {"svn", 6},
    {"git", 7},
    {"hg", 8},
    {"p", 9},
}};

// -1 when `name` is not a known suffix.
int SuffixRank(std::string_view name) {
  for (const auto& s : kSuffixes) {
    if (s.name == name) return s.rank;
  }
  return -1;
}

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsLowerHex(char c) { return base::IsDigit(c) || (c >= 'a' && c <= 'f'); }

int Bytewise(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

struct Token {
  Tok type = Tok::kInvalid;
  std::string_view text;  // the digits, letter, suffix name or hash; "" for kEnd / kInvalid
  int suffix_rank = 0;    // kSuffix only
};

// apk-tools 3's tokenizer: First() once, then Next() until kEnd or kInvalid.
class Tokenizer {
 public:
  explicit Tokenizer(std::string_view s) : rest_(s) {}

  Token First() {
    std::string_view digits = TakeWhile(base::IsDigit);
    return digits.empty() ? Token{} : Token{Tok::kInitialDigit, digits};
  }

  Token Next(Tok prev) {
    if (rest_.empty()) return {Tok::kEnd, {}};
    const char c = rest_.front();
    if (IsLower(c)) {
      if (prev > Tok::kDigit) return {};
      Token t{Tok::kLetter, rest_.substr(0, 1)};
      rest_.remove_prefix(1);
      return t;
    }
    if (c == '.' || base::IsDigit(c)) {
      if (c == '.') {
        if (prev > Tok::kDigit) return {};
        rest_.remove_prefix(1);
      }
      Tok type;
      if (prev == Tok::kInitialDigit || prev == Tok::kDigit) {
        type = Tok::kDigit;
      } else if (prev == Tok::kSuffix) {
        type = Tok::kSuffixNo;
      } else {
        return {};
      }
      std::string_view digits = TakeWhile(base::IsDigit);
      return digits.empty() ? Token{} : Token{type, digits};
    }
    if (c == '_') {
      if (prev > Tok::kSuffixNo) return {};
      rest_.remove_prefix(1);
      std::string_view name = TakeWhile(IsLower);
      int rank = SuffixRank(name);
      return rank < 0 ? Token{} : Token{Tok::kSuffix, name, rank};
    }
    if (c == '~') {
      if (prev >= Tok::kCommitHash) return {};
      rest_.remove_prefix(1);
      std::string_view hash = TakeWhile(IsLowerHex);
      return hash.empty() ? Token{} : Token{Tok::kCommitHash, hash};
    }
    if (c == '-') {
      if (prev >= Tok::kRevisionNo || rest_.substr(0, 2) != "-r") return {};
      rest_.remove_prefix(2);
      std::string_view digits = TakeWhile(base::IsDigit);
      return digits.empty() ? Token{} : Token{Tok::kRevisionNo, digits};
    }
    return {};
  }

 private:
  template <typename Pred>
  std::string_view TakeWhile(Pred pred) {
    size_t n = 0;
    while (n < rest_.size() && pred(rest_[n])) ++n;
    std::string_view out = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return out;
  }

  std::string_view rest_;
};

// Two tokens of the same type.
int CompareTokens(const Token& x, const Token& y) {
  switch (x.type) {
    case Tok::kDigit:
      // Like Gentoo, a later number with a leading zero is a decimal fraction: compare text.
      if (x.text.front() == '0' || y.text.front() == '0') return Bytewise(x.text, y.text);
      return base::CompareNumeric(x.text, y.text);
    case Tok::kInitialDigit:
    case Tok::kSuffixNo:
    case Tok::kRevisionNo:
      return base::CompareNumeric(x.text, y.text);
    case Tok::kSuffix:
      return x.suffix_rank < y.suffix_rank ? -1 : (x.suffix_rank > y.suffix_rank ? 1 : 0);
    default:  // kLetter, kCommitHash
      return Bytewise(x.text, y.text);
  }
}

// apk-tools 3's comparison loop, exact for any input. With `fuzzy`, a `b` whose tokens are a
// prefix of `a`'s compares equal.
int TokenCompare(std::string_view a, std::string_view b, bool fuzzy) {
  Tokenizer ta(a), tb(b);
  Token x = ta.First(), y = tb.First();
  while (x.type == y.type && x.type < Tok::kEnd) {
    if (int c = CompareTokens(x, y); c != 0) return c;
    x = ta.Next(x.type);
    y = tb.Next(y.type);
  }
  if (x.type == y.type) return 0;
  if (fuzzy && y.type == Tok::kEnd) return 0;
  // Equal so far: the string that goes on is newer, unless it goes on with a pre-release.
  if (x.type == Tok::kSuffix && x.suffix_rank < kNoSuffixRank) return -1;
  if (y.type == Tok::kSuffix && y.suffix_rank < kNoSuffixRank) return 1;
  return x.type > y.type ? -1 : 1;
}

bool IsValid(std::string_view v) {
  Tokenizer t(v);
  Token tok = t.First();
  while (tok.type < Tok::kEnd) tok = t.Next(tok.type);
  return tok.type == Tok::kEnd;
}

// What can be read of a version apk rejects; see ApkCompare in the header.
struct Lenient {
  std::vector<std::string_view> numbers;
  char letter = 0;                                         // 0 when absent
  std::vector<std::pair<int, std::string_view>> suffixes;  // rank, number ("" = 0)
  std::string_view revision;                               // "" = 0
  bool unreadable_tail = false;  // something other than "-r..." follows the hash position
  bool leftovers = false;        // anything at all was left unread
};

Lenient ReadLeniently(std::string_view s) {
  Lenient out;
  size_t i = 0;
  auto span = [&s](size_t from, auto pred) {
    while (from < s.size() && pred(s[from])) ++from;
    return from;
  };
  if (i < s.size() && base::IsDigit(s[i])) {
    while (true) {
      size_t end = span(i, base::IsDigit);
      out.numbers.push_back(s.substr(i, end - i));
      i = end;
      if (i + 1 < s.size() && s[i] == '.' && base::IsDigit(s[i + 1])) {
        ++i;
        continue;
      }
      break;
    }
  }
  if (i < s.size() && IsLower(s[i])) out.letter = s[i++];
  while (i < s.size() && s[i] == '_') {
    size_t name_end = span(i + 1, IsLower);
    int rank = SuffixRank(s.substr(i + 1, name_end - i - 1));
    if (rank < 0) break;
    size_t num_end = span(name_end, base::IsDigit);
    out.suffixes.emplace_back(rank, s.substr(name_end, num_end - name_end));
    i = num_end;
  }
  if (i < s.size() && s[i] == '~') {
    size_t end = span(i + 1, IsLowerHex);
    if (end > i + 1) i = end;
  }
  if (i < s.size()) {
    if (s.substr(i, 2) == "-r") {
      size_t end = span(i + 2, base::IsDigit);
      out.revision = s.substr(i + 2, end - i - 2);
      i = end;
    } else {
      out.unreadable_tail = true;
    }
  }
  out.leftovers = i < s.size();
  return out;
}

int CompareLeniently(std::string_view a, std::string_view b) {
  Lenient x = ReadLeniently(a), y = ReadLeniently(b);
  if (x.unreadable_tail && y.unreadable_tail) return Bytewise(a, b);
  const size_t nx = x.numbers.size(), ny = y.numbers.size();
  for (size_t k = 0; k < std::max(nx, ny); ++k) {
    std::string_view p = k < nx ? x.numbers[k] : "0", q = k < ny ? y.numbers[k] : "0";
    int c = (k > 0 && k < nx && k < ny && (p.front() == '0' || q.front() == '0'))
                ? Bytewise(p, q)
                : base::CompareNumeric(p, q);
    if (c != 0) return c;
  }
  if (x.letter != y.letter) return x.letter < y.letter ? -1 : 1;
  const size_t sx = x.suffixes.size(), sy = y.suffixes.size();
  for (size_t k = 0; k < std::max(sx, sy); ++k) {
    auto p = k < sx ? x.suffixes[k] : std::pair<int, std::string_view>(kNoSuffixRank, "");
    auto q = k < sy ? y.suffixes[k] : std::pair<int, std::string_view>(kNoSuffixRank, "");
    if (p.first != q.first) return p.first < q.first ? -1 : 1;
    if (int c = base::CompareNumeric(p.second, q.second); c != 0) return c;
  }
  if (int c = base::CompareNumeric(x.revision, y.revision); c != 0) return c;
  if (x.leftovers != y.leftovers) return x.leftovers ? -1 : 1;
  return 0;
}

base::Status Invalid(std::string_view v, std::string_view why) {
  return base::Status::InvalidArgument("invalid apk version \"" + std::string(v) +
                                       "\": " + std::string(why));
}

// apk's result and operator bits.
constexpr int kEqual = 1, kLess = 2, kGreater = 4, kFuzzy = 8;
constexpr int kAny = kEqual | kLess | kGreater | kFuzzy;

class ApkSchemeImpl final : public Scheme {
 public:
  std::string_view Name() const override { return "apk"; }
  base::Status Validate(std::string_view v) const override { return ValidateApk(v); }
  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    if (a.empty()) return Invalid(a, "empty");
    if (b.empty()) return Invalid(b, "empty");
    return ApkCompare(a, b);
  }
};

}  // namespace

base::Status ValidateApk(std::string_view v) {
  if (v.empty()) return Invalid(v, "empty");
  if (!IsValid(v)) return Invalid(v, "not number{.number}{letter}{_suffix{number}}{~hash}{-rN}");
  return base::Status::Ok();
}

int ApkCompare(std::string_view a, std::string_view b) {
  if (IsValid(a) && IsValid(b)) return TokenCompare(a, b, /*fuzzy=*/false);
  return CompareLeniently(a, b);
}

base::Result<bool> ApkSatisfies(std::string_view version, std::string_view op,
                                std::string_view other) {
  if (version.empty()) return Invalid(version, "empty");
  if (other.empty()) return Invalid(other, "empty");
  if (op.empty()) return base::Status::InvalidArgument("empty apk version operator");
  int mask = 0;
  for (char c : op) {
    switch (c) {
      case '<':
        mask |= kLess;
        break;
      case '>':
        mask |= kGreater;
        break;
      case '=':
        mask |= kEqual;
        break;
      case '~':
        mask |= kFuzzy | kEqual;
        break;
      default:
        return base::Status::InvalidArgument("unknown apk version operator \"" + std::string(op) +
                                             "\"");
    }
  }
  if ((mask & kAny) == kAny) return true;
  int result;
  if ((mask & kFuzzy) != 0 && IsValid(other) && TokenCompare(version, other, true) == 0) {
    result = kEqual;
  } else {
    int c = ApkCompare(version, other);
    result = c < 0 ? kLess : (c > 0 ? kGreater : kEqual);
  }
  return (mask & result) != 0;
}

const Scheme& ApkScheme() {
  static const ApkSchemeImpl kScheme;
  return kScheme;
}

}  // namespace assay::versions
