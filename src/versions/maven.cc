// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "versions/maven.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"

namespace assay::versions {
namespace {

using base::IsDigit;

// Qualifier ranks. "ga", "final", "release" and the empty qualifier share the release rank;
// unknown qualifiers rank after "sp" and then order lexically among themselves.
constexpr int kReleaseRank = 5;
constexpr int kUnknownRank = 7;

int QualifierRank(std::string_view q) {
  if (q == "alpha") return 0;
  if (q == "beta") return 1;
  if (q == "milestone") return 2;
  if (q == "rc") return 3;
  if (q == "snapshot") return 4;
  if (q.empty() || q == "ga" || q == "final" || q == "release") return kReleaseRank;
  if (q == "sp") return 6;
  return kUnknownRank;
}

// Java compares strings by UTF-16 code unit. On UTF-8 input that is code point order, except
// that supplementary characters (4-byte sequences, surrogate pairs in Java) sort before
// U+E000..U+FFFF. Bytes that are not valid UTF-8 sort after everything, by byte value, so that
// distinct strings never compare equal. Returns the order key and advances `i`.
uint32_t NextUtf16OrderKey(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i + k])); };
  auto cont = [&](size_t k) { return i + k < s.size() && (byte(k) & 0xC0) == 0x80; };
  uint32_t b0 = byte(0);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  uint32_t cp = 0;
  size_t len = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    cp = ((b0 & 0x1F) << 6) | (byte(1) & 0x3F);
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    cp = ((b0 & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF)) len = 3;
  } else if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    cp =
        ((b0 & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
    if (cp >= 0x10000 && cp <= 0x10FFFF) len = 4;
  }
  if (len == 0) {
    ++i;
    return 0x200000 + b0;
  }
  i += len;
  if (cp < 0xD800) return cp;
  if (cp >= 0x10000) return 0xD800 + (cp - 0x10000);
  return 0x110000 + cp;  // U+E000..U+FFFF: above every surrogate pair
}

int CompareUtf16Order(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    uint32_t ka = NextUtf16OrderKey(a, i);
    uint32_t kb = NextUtf16OrderKey(b, j);
    if (ka != kb) return ka < kb ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

enum class Kind : uint8_t {
  kNumber,       // digits
  kString,       // a qualifier
  kCombination,  // a qualifier immediately followed by a number: "rc1", "alpha-2"
};

// Views point into the owning Parsed::text or at string literals.
struct Scalar {
  Kind kind;
  int rank = 0;             // kString, kCombination: QualifierRank(word)
  std::string_view word;    // kString, kCombination: the qualifier after aliasing
  std::string_view digits;  // kNumber, kCombination: no leading zeros, "0" for zero
};

bool IsZero(std::string_view digits) { return digits == "0"; }

std::string_view StripLeadingZeros(std::string_view digits) {
  size_t i = 0;
  while (i < digits.size() && digits[i] == '0') ++i;
  return i == digits.size() ? std::string_view("0") : digits.substr(i);
}

// A single 'a', 'b' or 'm' directly followed by a number abbreviates alpha, beta, milestone;
// "cr" is an alias of "rc".
std::string_view CanonicalQualifier(std::string_view q, bool followed_by_digit) {
  if (followed_by_digit && q.size() == 1) {
    if (q[0] == 'a') return "alpha";
    if (q[0] == 'b') return "beta";
    if (q[0] == 'm') return "milestone";
  }
  if (q == "cr") return "rc";
  return q;
}

Scalar Number(std::string_view digits) { return {Kind::kNumber, 0, {}, StripLeadingZeros(digits)}; }

Scalar Qualifier(std::string_view q, bool followed_by_digit) {
  std::string_view w = CanonicalQualifier(q, followed_by_digit);
  return {Kind::kString, QualifierRank(w), w, {}};
}

// One item of the token text `buf` (a view into the lower-cased version), typed by the parser
// state.
Scalar MakeItem(bool is_combination, bool is_digit, std::string_view buf) {
  if (is_combination) {
    // The parser marks a combination only when ASCII digits follow letters, optionally with one
    // '-' between them ("rc1", "rc-1"); Maven drops that '-'.
    size_t d = 0;
    while (d < buf.size() && !IsDigit(buf[d])) ++d;
    std::string_view letters = buf.substr(0, d);
    if (!letters.empty() && letters.back() == '-') letters.remove_suffix(1);
    if (!letters.empty() && d < buf.size()) {
      Scalar s = Qualifier(letters, true);
      s.kind = Kind::kCombination;
      s.digits = StripLeadingZeros(buf.substr(d));
      return s;
    }
    return Qualifier(buf, false);
  }
  if (is_digit) return Number(buf);
  return Qualifier(buf, false);
}

// Java's StringItem.isNull / IntItem.isNull; a combination is never null.
bool IsNull(const Scalar& s) {
  switch (s.kind) {
    case Kind::kNumber:
      return IsZero(s.digits);
    case Kind::kString:
      return s.word.empty();
    case Kind::kCombination:
      return false;
  }
  return false;
}

// The parsed version. Maven's item tree only ever nests a new list as the last element of the
// current one, so the tree is a chain of levels: level 0 is the top-level list and level k + 1
// is the list nested at the end of level k. The chain is stored flat (the scalars of all levels
// in one array), which keeps parsing allocation-light and comparison and destruction free of
// recursion whatever the input length. Scalars point into `text`, so a Parsed is not copyable.
struct Parsed {
  std::string text;             // the lower-cased version
  std::vector<Scalar> items;    // the scalars of every level, level 0 first
  std::vector<uint32_t> begin;  // level k is items[begin[k], begin[k + 1])

  Parsed() = default;
  Parsed(const Parsed&) = delete;
  Parsed& operator=(const Parsed&) = delete;

  size_t Levels() const { return begin.size() - 1; }
  bool HasChild(size_t k) const { return k + 1 < Levels(); }
  size_t Count(size_t k) const { return begin[k + 1] - begin[k]; }
  const Scalar& At(size_t k, size_t i) const { return items[begin[k] + i]; }
  // Elements of level k: its scalars, then the nested list if there is one.
  size_t Size(size_t k) const { return Count(k) + (HasChild(k) ? 1 : 0); }
};

// Maven's ListItem.normalize, applied to every list from the deepest up: a null item (zero,
// empty qualifier, empty list) is dropped when it is last, when a qualifier follows it, or when
// the list that follows starts with a qualifier or combination; a list left holding only a
// nested list takes that list's contents.
void Normalize(Parsed& p) {
  std::vector<Scalar> rev;      // kept scalars, deepest level first, each level reversed
  std::vector<uint32_t> sizes;  // kept scalars per surviving level, deepest first
  rev.reserve(p.items.size());
  sizes.reserve(p.Levels());
  for (size_t k = p.Levels(); k-- > 0;) {
    // A normalised level without scalars has no child either (it would have been flattened), so
    // it is an empty list: null, and the last element of this level.
    if (!sizes.empty() && sizes.back() == 0) sizes.pop_back();
    const size_t level_start = rev.size();
    for (size_t i = p.begin[k + 1]; i-- > p.begin[k];) {
      const Scalar& s = p.items[i];
      if (IsNull(s)) {
        bool drop;
        if (rev.size() > level_start) {
          drop = rev.back().kind == Kind::kString;  // the next item of this level
        } else if (!sizes.empty()) {
          // The nested list follows (rev.back() is its first scalar): drop before a qualifier or
          // combination.
          drop = sizes.back() > 0 && rev.back().kind != Kind::kNumber;
        } else {
          drop = true;  // last item
        }
        if (drop) continue;
      }
      rev.push_back(s);
    }
    const auto kept = static_cast<uint32_t>(rev.size() - level_start);
    if (kept == 0 && !sizes.empty()) continue;  // flattened: the child takes this level's place
    sizes.push_back(kept);
  }
  std::reverse(rev.begin(), rev.end());
  std::reverse(sizes.begin(), sizes.end());
  p.items = std::move(rev);
  p.begin.assign(1, 0);
  for (uint32_t n : sizes) p.begin.push_back(p.begin.back() + n);
}

void Parse(std::string_view raw, Parsed& p) {
  p.text = base::AsciiLower(raw);
  const std::string_view v = p.text;
  const size_t n = v.size();
  p.items.clear();
  p.items.reserve(n / 2 + 1);
  p.begin.assign(1, 0);
  p.begin.reserve(n / 2 + 2);
  // The current list is always the deepest one, so adding appends to `items` and opening a
  // nested list starts a new level at the end.
  auto add = [&](Scalar s) { p.items.push_back(s); };
  auto open = [&]() { p.begin.push_back(static_cast<uint32_t>(p.items.size())); };
  auto current_empty = [&]() { return p.items.size() == p.begin.back(); };

  bool is_digit = false;
  bool is_combination = false;
  size_t start = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = v[i];
    if (c == '.') {
      if (i == start) {
        add(Number("0"));
      } else {
        add(MakeItem(is_combination, is_digit, v.substr(start, i - start)));
      }
      is_combination = false;
      start = i + 1;
    } else if (c == '-') {
      if (i == start) {
        add(Number("0"));
      } else {
        // "X-1" reads as the combination "X1".
        if (!is_digit && i + 1 < n && IsDigit(v[i + 1])) {
          is_combination = true;
          continue;
        }
        add(MakeItem(is_combination, is_digit, v.substr(start, i - start)));
      }
      start = i + 1;
      if (!current_empty()) open();
      is_combination = false;
    } else if (IsDigit(c)) {
      if (!is_digit && i > start) {
        // Letters then digits: "X1".
        is_combination = true;
        if (!current_empty()) open();
      }
      is_digit = true;
    } else {
      if (is_digit && i > start) {
        // Digits then letters: the number ends and a qualifier list starts.
        add(MakeItem(is_combination, true, v.substr(start, i - start)));
        start = i;
        open();
        is_combination = false;
      }
      is_digit = false;
    }
  }
  if (n > start) {
    // ".X" at the end reads as "-X" for any qualifier X: 1.0.0.X1 < 1.0.0-X2.
    if (!is_digit && !current_empty()) open();
    add(MakeItem(is_combination, is_digit, v.substr(start)));
  }
  p.begin.push_back(static_cast<uint32_t>(p.items.size()));
  Normalize(p);
}

int Sgn(int c) { return c < 0 ? -1 : (c > 0 ? 1 : 0); }

int CompareQualifiers(const Scalar& a, const Scalar& b) {
  if (a.rank != b.rank) return a.rank < b.rank ? -1 : 1;
  return a.rank == kUnknownRank ? CompareUtf16Order(a.word, b.word) : 0;
}

// The qualifier against "no item": below a release for alpha..snapshot, above for sp/unknown.
int QualifierVsNull(const Scalar& s) {
  if (s.rank != kReleaseRank) return s.rank < kReleaseRank ? -1 : 1;
  return 0;
}

int ScalarVsNull(const Scalar& s) {
  switch (s.kind) {
    case Kind::kNumber:
      return IsZero(s.digits) ? 0 : 1;
    case Kind::kString:
      return QualifierVsNull(s);
    case Kind::kCombination: {
      // 1-rc1 < 1 < 1-ga1.
      int r = QualifierVsNull(s);
      if (r != 0) return r;
      return IsZero(s.digits) ? 0 : 1;
    }
  }
  return 0;
}

int ScalarVsScalar(const Scalar& a, const Scalar& b) {
  switch (a.kind) {
    case Kind::kNumber:
      return b.kind == Kind::kNumber ? base::CompareNumeric(a.digits, b.digits) : 1;
    case Kind::kString:
      if (b.kind == Kind::kNumber) return -1;
      if (b.kind == Kind::kString) return CompareQualifiers(a, b);
      if (int r = CompareQualifiers(a, b); r != 0) return r;
      // Same qualifier: X < X1, but "" == ga0 and "" < ga1.
      if (QualifierVsNull(a) == 0) return IsZero(b.digits) ? 0 : -1;
      return -1;
    case Kind::kCombination:
      if (b.kind == Kind::kNumber) return -1;
      if (int r = CompareQualifiers(a, b); r != 0) return r;
      if (b.kind == Kind::kCombination) return base::CompareNumeric(a.digits, b.digits);
      if (QualifierVsNull(a) == 0) return IsZero(a.digits) ? 0 : 1;
      return 1;
  }
  return 0;
}

// The nested list starting at level k against "no item": the first non-equal item decides.
int ListVsNull(const Parsed& p, size_t k) {
  for (size_t i = p.begin[k]; i < p.items.size(); ++i) {
    if (int r = ScalarVsNull(p.items[i]); r != 0) return r;
  }
  return 0;
}

// The nested list starting at level k against a scalar item.
int ListVsScalar(const Parsed& p, size_t k, const Scalar& item) {
  if (item.kind == Kind::kNumber) return -1;  // 1-1 < 1.1
  // A list whose first element is a list compares through it (normalisation leaves none).
  while (p.Count(k) == 0 && p.HasChild(k)) ++k;
  if (p.Count(k) == 0) return -ScalarVsNull(item);
  int r = ScalarVsScalar(p.At(k, 0), item);
  for (size_t i = 1; r == 0 && i < p.Count(k); ++i) r = ScalarVsNull(p.At(k, i));
  if (r == 0 && p.HasChild(k)) r = ListVsNull(p, k + 1);
  return r;
}

int ScalarVsList(const Scalar& s, const Parsed& p, size_t k) { return -ListVsScalar(p, k, s); }

// Element i of level k: a scalar, the nested list, or past the end.
struct Element {
  const Scalar* scalar = nullptr;
  bool list = false;
};

Element ElementAt(const Parsed& p, size_t k, size_t i) {
  if (i < p.Count(k)) return {&p.At(k, i), false};
  if (i == p.Count(k) && p.HasChild(k)) return {nullptr, true};
  return {};
}

int CompareParsed(const Parsed& a, const Parsed& b) {
  size_t ka = 0, kb = 0;
  for (;;) {
    const size_t n = std::max(a.Size(ka), b.Size(kb));
    bool descend = false;
    for (size_t i = 0; i < n && !descend; ++i) {
      const Element l = ElementAt(a, ka, i);
      const Element r = ElementAt(b, kb, i);
      int c;
      if (l.scalar != nullptr) {
        c = r.scalar != nullptr ? ScalarVsScalar(*l.scalar, *r.scalar)
            : r.list            ? ScalarVsList(*l.scalar, b, kb + 1)
                                : ScalarVsNull(*l.scalar);
      } else if (l.list) {
        if (r.list) {
          descend = true;  // both nested lists are last: compare them in place
          continue;
        }
        c = r.scalar != nullptr ? ListVsScalar(a, ka + 1, *r.scalar) : ListVsNull(a, ka + 1);
      } else {
        c = r.scalar != nullptr ? -ScalarVsNull(*r.scalar) : -ListVsNull(b, kb + 1);
      }
      if (c != 0) return Sgn(c);
    }
    if (!descend) return 0;
    ++ka;
    ++kb;
  }
}

class Maven final : public Scheme {
 public:
  std::string_view Name() const override { return "maven"; }

  base::Status Validate(std::string_view v) const override {
    if (v.empty()) return base::Status::InvalidArgument("invalid maven version \"\": empty");
    return base::Status::Ok();
  }

  base::Result<int> Compare(std::string_view a, std::string_view b) const override {
    ASSAY_RETURN_IF_ERROR(Validate(a));
    ASSAY_RETURN_IF_ERROR(Validate(b));
    Parsed pa, pb;
    Parse(a, pa);
    Parse(b, pb);
    return CompareParsed(pa, pb);
  }
};

}  // namespace

const Scheme& MavenScheme() {
  static const Maven kScheme;
  return kScheme;
}

}  // namespace assay::versions
