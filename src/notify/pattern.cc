// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "notify/pattern.h"

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <utility>

#include "base/strings.h"

namespace assay::notify {
namespace {

using base::QuoteForMessage;
using base::Result;
using base::Status;
using Json = nlohmann::json;

constexpr std::size_t kQuoteMax = 64;
constexpr std::string_view kOr = "$or";

// ---- Paths and messages ----

bool PlainKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!base::IsAlnum(c) && c != '_' && c != '-' && c != '$') return false;
  }
  return true;
}

std::string Member(const std::string& path, std::string_view key) {
  if (PlainKey(key)) return path + "." + std::string(key);
  return path + "[" + QuoteForMessage(key, kQuoteMax) + "]";
}

std::string Index(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

std::string TypeName(const Json& j) {
  return j.is_number() ? "number" : std::string(j.type_name());
}

Status Invalid(const std::string& path, std::string_view problem) {
  return Status::InvalidArgument(path + ": " + std::string(problem));
}

Status WrongType(const std::string& path, std::string_view expected, const Json& got) {
  return Invalid(path, "expected " + std::string(expected) + ", got " + TypeName(got));
}

std::string NumberText(double d) { return Json(d).dump(); }

bool ValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    std::uint32_t cp;
    std::uint32_t min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// A string operand: type and UTF-8 checked.
Status ReadString(const std::string& path, const Json& j, std::string_view expected,
                  std::string* out) {
  if (!j.is_string()) return WrongType(path, expected, j);
  const auto& s = j.get_ref<const std::string&>();
  if (!ValidUtf8(s)) return Invalid(path, "not valid UTF-8");
  *out = s;
  return Status::Ok();
}

Status CheckNumber(const std::string& path, const Json& j) {
  if (!j.is_number()) return WrongType(path, "a number", j);
  if (j.is_number_float() && !std::isfinite(j.get<double>())) {
    return Invalid(path, "expected a finite number");
  }
  return Status::Ok();
}

// ---- Wildcards ----

// Splits a wildcard into the literal runs between its stars (escapes resolved); the result has
// one more element than the pattern has stars. nullopt with `error` set for a malformed one.
std::optional<std::vector<std::string>> SplitWildcard(std::string_view w, std::string* error) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < w.size(); ++i) {
    char c = w[i];
    if (c == '*') {
      if (i + 1 < w.size() && w[i + 1] == '*') {
        if (error) *error = "two \"*\" in a row at offset " + std::to_string(i);
        return std::nullopt;
      }
      parts.emplace_back();
    } else if (c == '\\') {
      if (i + 1 < w.size() && (w[i + 1] == '*' || w[i + 1] == '\\')) {
        parts.back().push_back(w[++i]);
      } else {
        if (error) {
          *error = "\"\\\" at offset " + std::to_string(i) + " escapes neither \"*\" nor \"\\\"";
        }
        return std::nullopt;
      }
    } else {
      parts.back().push_back(c);
    }
  }
  return parts;
}

bool WildcardMatches(std::string_view w, std::string_view s) {
  auto parts = SplitWildcard(w, nullptr);
  if (!parts) return false;  // never stored: Parse refuses malformed wildcards
  if (parts->size() == 1) return s == parts->front();
  const std::string& first = parts->front();
  const std::string& last = parts->back();
  if (s.size() < first.size() + last.size()) return false;
  if (!s.starts_with(first) || !s.ends_with(last)) return false;
  std::size_t pos = first.size();
  const std::size_t end = s.size() - last.size();
  // Leftmost placement of each middle run is optimal when `*` is the only metacharacter.
  for (std::size_t k = 1; k + 1 < parts->size(); ++k) {
    const std::string& part = (*parts)[k];
    std::size_t at = s.substr(0, end).find(part, pos);
    if (at == std::string_view::npos) return false;
    pos = at + part.size();
  }
  return true;
}

Status CheckWildcard(const std::string& path, const std::string& w) {
  std::string error;
  if (!SplitWildcard(w, &error)) return Invalid(path, error);
  return Status::Ok();
}

// ---- Parsing ----

constexpr std::string_view kMatcherNames =
    "anything-but, equals-ignore-case, exists, numeric, prefix, suffix or wildcard";

std::optional<NumericOp> ParseOp(std::string_view s) {
  if (s == "=") return NumericOp::kEq;
  if (s == "<") return NumericOp::kLt;
  if (s == "<=") return NumericOp::kLe;
  if (s == ">") return NumericOp::kGt;
  if (s == ">=") return NumericOp::kGe;
  return std::nullopt;
}

Status ParseComparison(const std::string& path, const Json& arr, std::size_t i,
                       NumericComparison* out) {
  const Json& op = arr[i];
  if (!op.is_string()) return WrongType(Index(path, i), "an operator (=, <, <=, > or >=)", op);
  auto parsed = ParseOp(op.get_ref<const std::string&>());
  if (!parsed) {
    return Invalid(Index(path, i),
                   "unknown operator " +
                       QuoteForMessage(op.get_ref<const std::string&>(), kQuoteMax) +
                       " (expected =, <, <=, > or >=)");
  }
  ASSAY_RETURN_IF_ERROR(CheckNumber(Index(path, i + 1), arr[i + 1]));
  out->op = *parsed;
  out->value = arr[i + 1].get<double>();
  return Status::Ok();
}

Status ParseNumeric(const std::string& path, const Json& j, std::vector<NumericComparison>* out) {
  if (!j.is_array()) return WrongType(path, "an array such as [\">\", 0, \"<=\", 5]", j);
  if (j.size() != 2 && j.size() != 4) {
    return Invalid(path,
                   "expected [operator, number] or [lower operator, number, upper "
                   "operator, number], got " +
                       std::to_string(j.size()) + (j.size() == 1 ? " element" : " elements"));
  }
  NumericComparison first;
  ASSAY_RETURN_IF_ERROR(ParseComparison(path, j, 0, &first));
  out->push_back(first);
  if (j.size() == 2) return Status::Ok();
  if (first.op != NumericOp::kGt && first.op != NumericOp::kGe) {
    return Invalid(path,
                   "only a lower bound (\">\" or \">=\") may be followed by a second "
                   "comparison, got \"" +
                       std::string(NumericOpName(first.op)) + "\" first");
  }
  NumericComparison second;
  ASSAY_RETURN_IF_ERROR(ParseComparison(path, j, 2, &second));
  if (second.op != NumericOp::kLt && second.op != NumericOp::kLe) {
    return Invalid(Index(path, 2),
                   "expected an upper bound (\"<\" or \"<=\") after a lower "
                   "bound, got \"" +
                       std::string(NumericOpName(second.op)) + "\"");
  }
  if (!(first.value < second.value)) {
    return Invalid(path, "lower bound " + NumberText(first.value) + " is not below upper bound " +
                             NumberText(second.value));
  }
  out->push_back(second);
  return Status::Ok();
}

// A string or a non-empty array of strings (anything-but's equals-ignore-case and wildcard).
Status ParseTexts(const std::string& path, const Json& j, bool wildcard,
                  std::vector<std::string>* out) {
  auto one = [&](const std::string& p, const Json& v) -> Status {
    std::string s;
    ASSAY_RETURN_IF_ERROR(ReadString(p, v, "a string", &s));
    if (wildcard) ASSAY_RETURN_IF_ERROR(CheckWildcard(p, s));
    out->push_back(std::move(s));
    return Status::Ok();
  };
  if (j.is_array()) {
    if (j.empty()) return Invalid(path, "expected at least one string, got an empty array");
    for (std::size_t i = 0; i < j.size(); ++i) ASSAY_RETURN_IF_ERROR(one(Index(path, i), j[i]));
    return Status::Ok();
  }
  if (!j.is_string()) return WrongType(path, "a string or an array of strings", j);
  return one(path, j);
}

Status ParseAnythingBut(const std::string& path, const Json& j, AnythingBut* out) {
  if (j.is_string() || j.is_number()) {
    if (j.is_string()) {
      std::string s;
      ASSAY_RETURN_IF_ERROR(ReadString(path, j, "a string", &s));
    } else {
      ASSAY_RETURN_IF_ERROR(CheckNumber(path, j));
    }
    out->kind = AnythingBut::Kind::kValues;
    out->values.push_back(j);
    return Status::Ok();
  }
  if (j.is_array()) {
    if (j.empty()) return Invalid(path, "expected at least one value, got an empty array");
    const bool strings = j[0].is_string();
    for (std::size_t i = 0; i < j.size(); ++i) {
      const Json& v = j[i];
      const std::string p = Index(path, i);
      if (!v.is_string() && !v.is_number()) return WrongType(p, "a string or a number", v);
      if (v.is_string() != strings) {
        return WrongType(
            p, strings ? "a string like the first value" : "a number like the first value", v);
      }
      if (strings) {
        std::string s;
        ASSAY_RETURN_IF_ERROR(ReadString(p, v, "a string", &s));
      } else {
        ASSAY_RETURN_IF_ERROR(CheckNumber(p, v));
      }
      out->values.push_back(v);
    }
    out->kind = AnythingBut::Kind::kValues;
    return Status::Ok();
  }
  if (!j.is_object()) {
    return WrongType(path, "a string, a number, an array or an object", j);
  }
  if (j.size() != 1) {
    return Invalid(path,
                   "expected an object with one of prefix, suffix, equals-ignore-case or "
                   "wildcard, got " +
                       std::to_string(j.size()) + " keys");
  }
  const std::string& key = j.begin().key();
  const Json& v = j.begin().value();
  const std::string p = Member(path, key);
  if (key == "prefix" || key == "suffix") {
    std::string s;
    ASSAY_RETURN_IF_ERROR(ReadString(p, v, "a string", &s));
    if (s.empty()) return Invalid(p, "expected a non-empty string");
    out->kind = key == "prefix" ? AnythingBut::Kind::kPrefix : AnythingBut::Kind::kSuffix;
    out->texts.push_back(std::move(s));
    return Status::Ok();
  }
  if (key == "equals-ignore-case" || key == "wildcard") {
    const bool wildcard = key == "wildcard";
    out->kind = wildcard ? AnythingBut::Kind::kWildcard : AnythingBut::Kind::kEqualsIgnoreCase;
    return ParseTexts(p, v, wildcard, &out->texts);
  }
  return Invalid(path, "unknown key " + QuoteForMessage(key, kQuoteMax) +
                           " (expected prefix, suffix, equals-ignore-case or wildcard)");
}

// {"prefix": "s"} or {"prefix": {"equals-ignore-case": "s"}}; the same for suffix.
Status ParseAffix(const std::string& path, const Json& j, Matcher* m) {
  if (j.is_object()) {
    if (j.size() != 1 || j.begin().key() != "equals-ignore-case") {
      return Invalid(path, "expected a string or {\"equals-ignore-case\": string}");
    }
    m->ignore_case = true;
    return ReadString(Member(path, "equals-ignore-case"), j.begin().value(), "a string", &m->text);
  }
  return ReadString(path, j, "a string or {\"equals-ignore-case\": string}", &m->text);
}

Status ParseMatcherObject(const std::string& path, const Json& j, Matcher* m) {
  if (j.size() != 1) {
    if (j.empty()) return Invalid(path, "expected one matcher, got an empty object");
    std::string keys;
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!keys.empty()) keys += ", ";
      keys += QuoteForMessage(it.key(), kQuoteMax);
    }
    return Invalid(
        path, "expected one matcher, got " + std::to_string(j.size()) + " keys (" + keys + ")");
  }
  const std::string& key = j.begin().key();
  const Json& v = j.begin().value();
  const std::string p = Member(path, key);
  if (key == "prefix" || key == "suffix") {
    m->kind = key == "prefix" ? Matcher::Kind::kPrefix : Matcher::Kind::kSuffix;
    return ParseAffix(p, v, m);
  }
  if (key == "equals-ignore-case") {
    m->kind = Matcher::Kind::kEqualsIgnoreCase;
    return ReadString(p, v, "a string", &m->text);
  }
  if (key == "wildcard") {
    m->kind = Matcher::Kind::kWildcard;
    ASSAY_RETURN_IF_ERROR(ReadString(p, v, "a string", &m->text));
    return CheckWildcard(p, m->text);
  }
  if (key == "numeric") {
    m->kind = Matcher::Kind::kNumeric;
    return ParseNumeric(p, v, &m->numeric);
  }
  if (key == "exists") {
    if (!v.is_boolean()) return WrongType(p, "true or false", v);
    m->kind = Matcher::Kind::kExists;
    m->exists = v.get<bool>();
    return Status::Ok();
  }
  if (key == "anything-but") {
    m->kind = Matcher::Kind::kAnythingBut;
    return ParseAnythingBut(p, v, &m->anything_but);
  }
  return Invalid(path, "unknown matcher " + QuoteForMessage(key, kQuoteMax) + " (expected " +
                           std::string(kMatcherNames) + ")");
}

Status ParseLeaf(const std::string& path, const Json& arr, std::vector<Matcher>* out) {
  if (arr.empty()) return Invalid(path, "expected at least one matcher, got an empty array");
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const Json& v = arr[i];
    const std::string p = Index(path, i);
    Matcher m;
    if (v.is_object()) {
      ASSAY_RETURN_IF_ERROR(ParseMatcherObject(p, v, &m));
    } else if (v.is_array() || v.is_binary() || v.is_discarded()) {
      return WrongType(p, "a value or a matcher object", v);
    } else {
      if (v.is_string()) {
        std::string s;
        ASSAY_RETURN_IF_ERROR(ReadString(p, v, "a string", &s));
      } else if (v.is_number()) {
        ASSAY_RETURN_IF_ERROR(CheckNumber(p, v));
      }
      m.kind = Matcher::Kind::kExact;
      m.value = v;
    }
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

Status ParseNode(const std::string& path, const Json& j, int depth, PatternNode* out) {
  if (!j.is_object()) return WrongType(path, "an object", j);
  if (depth > kMaxPatternDepth) {
    return Invalid(path, "nested deeper than " + std::to_string(kMaxPatternDepth) + " levels");
  }
  if (j.empty()) return Invalid(path, "expected at least one field, got an empty object");
  // nlohmann's objects iterate in key order, so fields come out sorted.
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    const std::string p = Member(path, key);
    if (!ValidUtf8(key)) return Invalid(p, "field name is not valid UTF-8");
    if (key == kOr) {
      if (!v.is_array()) return WrongType(p, "an array of at least 2 patterns", v);
      if (v.size() < 2) {
        return Invalid(p, "expected at least 2 patterns, got " + std::to_string(v.size()));
      }
      for (std::size_t i = 0; i < v.size(); ++i) {
        PatternNode sub;
        ASSAY_RETURN_IF_ERROR(ParseNode(Index(p, i), v[i], depth + 1, &sub));
        out->any_of.push_back(std::move(sub));
      }
      continue;
    }
    PatternField field;
    field.name = key;
    if (v.is_array()) {
      ASSAY_RETURN_IF_ERROR(ParseLeaf(p, v, &field.matchers));
    } else if (v.is_object()) {
      PatternNode nested;
      ASSAY_RETURN_IF_ERROR(ParseNode(p, v, depth + 1, &nested));
      field.nested.push_back(std::move(nested));
    } else {
      return WrongType(p, "an array of matchers or an object of fields", v);
    }
    out->fields.push_back(std::move(field));
  }
  return Status::Ok();
}

// ---- Matching ----

// Numbers by value; integers exactly (account-sized integers are beyond a double's 53 bits).
bool NumbersEqual(const Json& a, const Json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    const bool a_neg = !a.is_number_unsigned() && a.get<std::int64_t>() < 0;
    const bool b_neg = !b.is_number_unsigned() && b.get<std::int64_t>() < 0;
    if (a_neg != b_neg) return false;
    if (a_neg) return a.get<std::int64_t>() == b.get<std::int64_t>();
    return a.get<std::uint64_t>() == b.get<std::uint64_t>();
  }
  return a.get<double>() == b.get<double>();
}

bool ExactMatches(const Json& want, const Json& v) {
  if (want.is_number()) return v.is_number() && NumbersEqual(want, v);
  if (want.is_string()) {
    return v.is_string() && v.get_ref<const std::string&>() == want.get_ref<const std::string&>();
  }
  if (want.is_boolean()) return v.is_boolean() && v.get<bool>() == want.get<bool>();
  return want.is_null() && v.is_null();
}

bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         base::EqualsIgnoreCase(s.substr(s.size() - suffix.size()), suffix);
}

bool NumericMatches(const std::vector<NumericComparison>& cs, const Json& v) {
  if (!v.is_number()) return false;
  const double x = v.get<double>();
  for (const auto& c : cs) {
    bool ok = false;
    switch (c.op) {
      case NumericOp::kEq:
        ok = x == c.value;
        break;
      case NumericOp::kLt:
        ok = x < c.value;
        break;
      case NumericOp::kLe:
        ok = x <= c.value;
        break;
      case NumericOp::kGt:
        ok = x > c.value;
        break;
      case NumericOp::kGe:
        ok = x >= c.value;
        break;
    }
    if (!ok) return false;
  }
  return true;
}

// Whether `v` is one of the values anything-but excludes.
bool Excluded(const AnythingBut& ab, const Json& v) {
  if (ab.kind == AnythingBut::Kind::kValues) {
    for (const Json& x : ab.values) {
      if (ExactMatches(x, v)) return true;
    }
    return false;
  }
  if (!v.is_string()) return false;
  std::string_view s = v.get_ref<const std::string&>();
  for (const std::string& t : ab.texts) {
    switch (ab.kind) {
      case AnythingBut::Kind::kPrefix:
        if (s.starts_with(t)) return true;
        break;
      case AnythingBut::Kind::kSuffix:
        if (s.ends_with(t)) return true;
        break;
      case AnythingBut::Kind::kEqualsIgnoreCase:
        if (base::EqualsIgnoreCase(s, t)) return true;
        break;
      case AnythingBut::Kind::kWildcard:
        if (WildcardMatches(t, s)) return true;
        break;
      case AnythingBut::Kind::kValues:
        break;
    }
  }
  return false;
}

// Whether one leaf value satisfies a matcher (exists is decided by the caller).
bool ValueMatches(const Matcher& m, const Json& v) {
  switch (m.kind) {
    case Matcher::Kind::kExact:
      return ExactMatches(m.value, v);
    case Matcher::Kind::kNumeric:
      return NumericMatches(m.numeric, v);
    case Matcher::Kind::kAnythingBut:
      return !Excluded(m.anything_but, v);
    case Matcher::Kind::kExists:
      return false;
    default:
      break;
  }
  if (!v.is_string()) return false;
  std::string_view s = v.get_ref<const std::string&>();
  switch (m.kind) {
    case Matcher::Kind::kPrefix:
      return m.ignore_case ? base::StartsWithIgnoreCase(s, m.text) : s.starts_with(m.text);
    case Matcher::Kind::kSuffix:
      return m.ignore_case ? EndsWithIgnoreCase(s, m.text) : s.ends_with(m.text);
    case Matcher::Kind::kEqualsIgnoreCase:
      return base::EqualsIgnoreCase(s, m.text);
    case Matcher::Kind::kWildcard:
      return WildcardMatches(m.text, s);
    default:
      return false;
  }
}

// The non-array elements of an array, nested arrays flattened (without recursion: events come
// from outside).
void FlattenArray(const Json& arr, std::vector<const Json*>* out) {
  std::vector<std::pair<const Json*, std::size_t>> stack{{&arr, 0}};
  while (!stack.empty()) {
    auto& [a, i] = stack.back();
    if (i == a->size()) {
      stack.pop_back();
      continue;
    }
    const Json& e = (*a)[i++];
    if (e.is_array()) {
      stack.emplace_back(&e, 0);
    } else {
      out->push_back(&e);
    }
  }
}

// A field's leaf values: a scalar, or the scalar elements of an array (objects are not values).
std::vector<const Json*> LeafValues(const Json* v) {
  std::vector<const Json*> out;
  if (v == nullptr || v->is_object()) return out;
  if (!v->is_array()) {
    out.push_back(v);
    return out;
  }
  std::vector<const Json*> elements;
  FlattenArray(*v, &elements);
  for (const Json* e : elements) {
    if (!e->is_object()) out.push_back(e);
  }
  return out;
}

bool LeafMatches(const std::vector<Matcher>& matchers, const Json* v) {
  const std::vector<const Json*> values = LeafValues(v);
  for (const Matcher& m : matchers) {
    if (m.kind == Matcher::Kind::kExists) {
      if (m.exists != values.empty()) return true;
      continue;
    }
    for (const Json* x : values) {
      if (ValueMatches(m, *x)) return true;
    }
  }
  return false;
}

bool NodeMatches(const PatternNode& node, const Json* v);

// `v` is an object, or stands for a place without fields (missing, a scalar).
bool NodeMatchesAt(const PatternNode& node, const Json* v) {
  const Json* obj = v != nullptr && v->is_object() ? v : nullptr;
  for (const PatternField& f : node.fields) {
    const Json* child = nullptr;
    if (obj != nullptr) {
      auto it = obj->find(f.name);
      if (it != obj->end()) child = &*it;
    }
    const bool ok =
        f.nested.empty() ? LeafMatches(f.matchers, child) : NodeMatches(f.nested.front(), child);
    if (!ok) return false;
  }
  if (node.any_of.empty()) return true;
  for (const PatternNode& sub : node.any_of) {
    if (NodeMatchesAt(sub, v)) return true;
  }
  return false;
}

// An array is matched element by element, so fields from different elements never combine.
bool NodeMatches(const PatternNode& node, const Json* v) {
  if (v == nullptr || !v->is_array()) return NodeMatchesAt(node, v);
  std::vector<const Json*> elements;
  FlattenArray(*v, &elements);
  if (elements.empty()) return NodeMatchesAt(node, nullptr);
  for (const Json* e : elements) {
    if (NodeMatchesAt(node, e)) return true;
  }
  return false;
}

// ---- Canonical JSON ----

Json TextsJson(const std::vector<std::string>& texts) {
  if (texts.size() == 1) return texts.front();
  return Json(texts);
}

Json MatcherJson(const Matcher& m) {
  auto affix = [&](std::string_view key) {
    Json operand = m.ignore_case ? Json{{"equals-ignore-case", m.text}} : Json(m.text);
    return Json{{std::string(key), operand}};
  };
  switch (m.kind) {
    case Matcher::Kind::kExact:
      return m.value;
    case Matcher::Kind::kPrefix:
      return affix("prefix");
    case Matcher::Kind::kSuffix:
      return affix("suffix");
    case Matcher::Kind::kEqualsIgnoreCase:
      return Json{{"equals-ignore-case", m.text}};
    case Matcher::Kind::kWildcard:
      return Json{{"wildcard", m.text}};
    case Matcher::Kind::kNumeric: {
      Json arr = Json::array();
      for (const auto& c : m.numeric) {
        arr.push_back(std::string(NumericOpName(c.op)));
        arr.push_back(c.value);
      }
      return Json{{"numeric", arr}};
    }
    case Matcher::Kind::kExists:
      return Json{{"exists", m.exists}};
    case Matcher::Kind::kAnythingBut: {
      const AnythingBut& ab = m.anything_but;
      Json operand;
      switch (ab.kind) {
        case AnythingBut::Kind::kValues:
          operand = ab.values.size() == 1 ? ab.values.front() : Json(ab.values);
          break;
        case AnythingBut::Kind::kPrefix:
          operand = Json{{"prefix", ab.texts.front()}};
          break;
        case AnythingBut::Kind::kSuffix:
          operand = Json{{"suffix", ab.texts.front()}};
          break;
        case AnythingBut::Kind::kEqualsIgnoreCase:
          operand = Json{{"equals-ignore-case", TextsJson(ab.texts)}};
          break;
        case AnythingBut::Kind::kWildcard:
          operand = Json{{"wildcard", TextsJson(ab.texts)}};
          break;
      }
      return Json{{"anything-but", operand}};
    }
  }
  return Json();
}

Json NodeJson(const PatternNode& node) {
  Json obj = Json::object();
  for (const PatternField& f : node.fields) {
    if (!f.nested.empty()) {
      obj[f.name] = NodeJson(f.nested.front());
      continue;
    }
    Json arr = Json::array();
    for (const Matcher& m : f.matchers) arr.push_back(MatcherJson(m));
    obj[f.name] = std::move(arr);
  }
  if (!node.any_of.empty()) {
    Json arr = Json::array();
    for (const PatternNode& sub : node.any_of) arr.push_back(NodeJson(sub));
    obj[std::string(kOr)] = std::move(arr);
  }
  return obj;
}

Status TooLarge(std::size_t size) {
  return Status::InvalidArgument("pattern: " + std::to_string(size) +
                                 " bytes of JSON text, more than the limit of " +
                                 std::to_string(kMaxPatternBytes));
}

}  // namespace

std::string_view NumericOpName(NumericOp op) {
  switch (op) {
    case NumericOp::kEq:
      return "=";
    case NumericOp::kLt:
      return "<";
    case NumericOp::kLe:
      return "<=";
    case NumericOp::kGt:
      return ">";
    case NumericOp::kGe:
      return ">=";
  }
  return "?";
}

bool AnythingBut::operator==(const AnythingBut&) const = default;
bool Matcher::operator==(const Matcher&) const = default;
bool PatternField::operator==(const PatternField&) const = default;
bool PatternNode::operator==(const PatternNode&) const = default;

Result<EventPattern> EventPattern::Parse(const Json& pattern) {
  EventPattern p;
  ASSAY_RETURN_IF_ERROR(ParseNode("pattern", pattern, 1, &p.root_));
  // The canonical text is what is stored and parsed again, so the limit applies to it (numbers
  // can print longer than they were written: 5 in a numeric comparison becomes 5.0).
  const std::size_t size = p.ToJson().size();
  if (size > kMaxPatternBytes) return TooLarge(size);
  return p;
}

Result<EventPattern> EventPattern::ParseText(std::string_view text) {
  if (text.size() > kMaxPatternBytes) return TooLarge(text.size());
  Json doc;
  try {
    doc = Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return Status::InvalidArgument("pattern: invalid JSON at byte " + std::to_string(e.byte));
  } catch (const Json::exception&) {  // out_of_range: a number too large for a double
    return Status::InvalidArgument("pattern: invalid JSON (number out of range)");
  }
  return Parse(doc);
}

bool EventPattern::Matches(const Json& event) const { return NodeMatchesAt(root_, &event); }

std::string EventPattern::ToJson() const { return NodeJson(root_).dump(); }

}  // namespace assay::notify
