// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Event patterns: how a notification route selects events, as Amazon EventBridge's content
// filtering defines them. A pattern is a JSON object shaped like the events it matches; its
// leaves are arrays of matchers, its nested objects match nested fields:
//
//   {"source": ["assay.findings"],
//    "detail": {"severity": ["CRITICAL", "HIGH"],
//               "fixAvailable": [{"anything-but": "NO"}],
//               "resourceTags": {"env": [{"prefix": "prod"}]}}}
//
// Matchers (an element of a leaf array):
//   "text", 42, true, null        the value equals it: strings byte for byte, numbers by value
//                                 (5 matches 5.0 and 5e0), booleans and null by kind.
//   {"prefix": "us-"}             a string starting with it; {"prefix": {"equals-ignore-case":
//   {"suffix": ".png"}            "us-"}} and the same for suffix ignore ASCII case.
//   {"equals-ignore-case": "x"}   a string equal to it, ignoring ASCII case.
//   {"wildcard": "a*b"}           a whole string, `*` standing for any run of characters (also
//                                 none). `\*` is a literal star, `\\` a literal backslash; any
//                                 other backslash, and two stars in a row, are refused.
//   {"numeric": [">", 0, "<=", 5]} a number within the comparisons: one of = < <= > >= with a
//                                 number, or a lower bound (> or >=) followed by an upper bound
//                                 (< or <=) above it. Strings that look like numbers do not match.
//   {"exists": true | false}      whether the field has a value (see below).
//   {"anything-but": ...}         the field has a value that is not excluded by: a string, a
//                                 number, a list of only strings or only numbers, {"prefix": s},
//                                 {"suffix": s} (s not empty), {"equals-ignore-case": s | [s...]}
//                                 or {"wildcard": w | [w...]}. Exclusions apply to values of
//                                 their own kind: a string exclusion never excludes a number,
//                                 null or boolean, and a number exclusion never excludes a string.
//
// "$or": [pattern, pattern, ...] (at least two objects) may appear in any object of the pattern:
// the object matches when its other fields match and at least one of the sub-patterns matches at
// the same place in the event.
//
// Matching, as EventBridge's engine (Event Ruler) does it:
//   - Every field of the pattern must match (AND); a leaf matches when any of its matchers
//     matches (OR). Event fields the pattern does not name are ignored.
//   - A field's values are its leaf values: a string, number, boolean or null, or the leaf
//     elements of an array (nested arrays flattened). Objects are not values, so a field holding
//     an object, an empty array or only objects has no value.
//   - A matcher other than exists matches when any value matches it: ["host:a"] matches
//     "resources": ["host:b", "host:a"], and {"anything-but": "NO"} matches ["NO", "YES"].
//   - exists: true matches a field with a value (null counts: it is a value); exists: false
//     matches a missing field, or one without a value. anything-but needs a value, so it does
//     not match a missing field.
//   - Where the event has an array of objects below a nested pattern object, each element is
//     matched on its own: {"packages": {"name": ["a"], "ecosystem": ["b"]}} needs one package
//     that is both, not "a" in one element and "b" in another.
//
// Limits: the pattern's JSON text, as given and in canonical form, is at most 64 KiB; objects
// nest at most 32 levels (the root is level 1; a nested field and each $or sub-pattern add one).
// Strings must be valid UTF-8.
// Errors are InvalidArgument naming the offending part, e.g.
// `pattern.detail.severity[1]: expected a value or a matcher object, got array`.
//
// Where assay differs from EventBridge: numbers are compared as IEEE doubles with no range limit
// (EventBridge limits numeric matching to about +-5e9 and six decimal places); ignoring case
// folds ASCII letters only; `cidr` matching is not supported. Duplicate keys in pattern text
// keep the last value, as EventBridge does.
//
// EventPattern is an immutable value; all methods are const and thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::notify {

inline constexpr int kMaxPatternDepth = 32;
inline constexpr std::size_t kMaxPatternBytes = 64 * 1024;

enum class NumericOp { kEq, kLt, kLe, kGt, kGe };
std::string_view NumericOpName(NumericOp op);  // "=", "<", "<=", ">", ">="

struct NumericComparison {
  NumericOp op = NumericOp::kEq;
  double value = 0;
  friend bool operator==(const NumericComparison&, const NumericComparison&) = default;
};

struct AnythingBut {
  enum class Kind { kValues, kPrefix, kSuffix, kEqualsIgnoreCase, kWildcard };
  Kind kind = Kind::kValues;
  std::vector<nlohmann::json> values;  // kValues: one or more, all strings or all numbers
  std::vector<std::string> texts;      // the others: one or more (exactly one for prefix, suffix)
  bool operator==(const AnythingBut&) const;
};

struct Matcher {
  enum class Kind {
    kExact,
    kPrefix,
    kSuffix,
    kEqualsIgnoreCase,
    kWildcard,
    kNumeric,
    kExists,
    kAnythingBut
  };
  Kind kind = Kind::kExact;
  nlohmann::json value;                    // kExact: a string, number, boolean or null
  std::string text;                        // kPrefix, kSuffix, kEqualsIgnoreCase, kWildcard
  bool ignore_case = false;                // kPrefix, kSuffix given as {"equals-ignore-case": }
  std::vector<NumericComparison> numeric;  // kNumeric: one, or a lower then an upper bound
  bool exists = false;                     // kExists
  AnythingBut anything_but;                // kAnythingBut
  bool operator==(const Matcher&) const;
};

struct PatternNode;

// One named field of a pattern object: a leaf (matchers) or a nested object (one node).
struct PatternField {
  std::string name;
  std::vector<Matcher> matchers;    // a leaf: non-empty; OR-ed
  std::vector<PatternNode> nested;  // a nested object: exactly one node
  bool operator==(const PatternField&) const;
};

struct PatternNode {
  std::vector<PatternField> fields;  // sorted by name; "$or" is never a field
  std::vector<PatternNode> any_of;   // the "$or" sub-patterns: none, or two or more
  bool operator==(const PatternNode&) const;
};

class EventPattern {
 public:
  // Validates and compiles a pattern (see above for the errors).
  static base::Result<EventPattern> Parse(const nlohmann::json& pattern);
  // Parse of JSON text; also InvalidArgument for text over 64 KiB and for invalid JSON
  // ("pattern: invalid JSON at byte 12").
  static base::Result<EventPattern> ParseText(std::string_view text);

  // Whether `event` (normally an object; anything else has no fields) matches.
  bool Matches(const nlohmann::json& event) const;

  // Canonical JSON text (fields sorted, no spaces, a single anything-but value written bare):
  // ParseText(ToJson()) gives an equal pattern with the same ToJson().
  std::string ToJson() const;

  const PatternNode& root() const { return root_; }

  friend bool operator==(const EventPattern& a, const EventPattern& b) {
    return a.root_ == b.root_;
  }

 private:
  PatternNode root_;
};

}  // namespace assay::notify
