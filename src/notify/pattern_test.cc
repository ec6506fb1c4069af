// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// EventBridge-style event patterns: parse errors with their paths, canonical text, and a match
// table over assay's finding and run events, EventBridge's documented examples and the edge
// cases of every matcher. Every pattern in the tables also survives the ToJson round trip with
// the same match results.
#include "notify/pattern.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace assay::notify {
namespace {

using Json = nlohmann::json;

// A finding event as the outbox writes it.
constexpr const char* kFinding = R"({
  "id": "evt-42", "source": "assay.findings", "detail-type": "finding.created",
  "time": "2026-11-25T06:00:00Z", "account": "acme", "resources": ["host:a"],
  "detail": {"severity": "CRITICAL", "score": 9.8, "vulnerabilityId": "CVE-2024-1",
             "package": {"name": "openssl", "ecosystem": "Debian:12"},
             "fixAvailable": "YES", "exploitAvailable": "NO",
             "resourceTags": {"env": "prod"}}})";

// The same finding on a staging host, without a fix.
constexpr const char* kStagingFinding = R"({
  "id": "evt-44", "source": "assay.findings", "detail-type": "finding.updated",
  "account": "acme", "resources": ["host:b"],
  "detail": {"severity": "HIGH", "score": 7.5, "vulnerabilityId": "CVE-2024-2",
             "package": {"name": "zlib", "ecosystem": "Alpine:v3.19"},
             "fixAvailable": "NO", "exploitAvailable": "YES",
             "resourceTags": {"env": "staging"}}})";

constexpr const char* kRunFailed = R"({
  "id": "evt-43", "source": "assay.assess", "detail-type": "run.state-changed",
  "time": "2026-11-25T06:05:00Z", "account": "acme", "resources": ["target:web"],
  "detail": {"runId": "run-7", "state": "FAILED", "previousState": "EVALUATING_RULES"}})";

constexpr const char* kRunCompleted = R"({
  "id": "evt-45", "source": "assay.assess", "detail-type": "run.state-changed",
  "account": "acme", "detail": {"runId": "run-8", "state": "COMPLETED"}})";

// EventBridge's documentation examples.
constexpr const char* kEc2Pending = R"({
  "version": "0", "id": "7bf73129-1428-4cd3-a780-95db273d1602",
  "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
  "account": "123456789012", "time": "2015-11-11T21:29:54Z", "region": "us-east-1",
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  "detail": {"instance-id": "i-abcd1111", "state": "pending"}})";

constexpr const char* kCCountObject = R"({
  "detail-type": ["EC2 Instance State-change Notification"],
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-02ebd4584a2ebd341"],
  "detail": {"c-count": {"c1": 100}}})";

constexpr const char* kRulerEvent = R"({
  "version": "0", "id": "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
  "account": "012345679012", "time": "2017-10-02T16:24:49Z", "region": "us-east-1",
  "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  "detail": {"c-count": 5, "d-count": 3, "x-limit": 301.8, "source-ip": "10.0.0.33",
             "instance-id": "i-000000aaaaaa00000", "state": "running"}})";

constexpr const char* kNullAndEmpty = R"({
  "version": "0", "id": "3e3c153a-8339-4e30-8c35-687ebef853fe",
  "detail-type": "EC2 Instance Launch Successful", "source": "aws.autoscaling",
  "account": "123456789012", "time": "2015-11-11T21:31:47Z", "region": "us-east-1",
  "resources": [], "detail": {"eventVersion": "", "responseElements": null}})";

constexpr const char* kEmployees = R"({"employees": [
  {"firstName": "John", "lastName": "Doe"}, {"firstName": "Anna", "lastName": "Smith"},
  {"firstName": "Peter", "lastName": "Jones"}]})";

EventPattern MustParse(const std::string& text) {
  auto p = EventPattern::ParseText(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().ToString();
  return p.ok() ? *p : EventPattern();
}

// ---- Parsing ----

TEST(EventPatternParseTest, Errors) {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {R"([])", "pattern: expected an object, got array"},
      {R"("source")", "pattern: expected an object, got string"},
      {R"(null)", "pattern: expected an object, got null"},
      {R"({})", "pattern: expected at least one field, got an empty object"},
      {R"({"detail": {}})", "pattern.detail: expected at least one field, got an empty object"},
      {R"({"source": "assay.findings"})",
       "pattern.source: expected an array of matchers or an object of fields, got string"},
      {R"({"detail": {"score": 9.8}})",
       "pattern.detail.score: expected an array of matchers or an object of fields, got number"},
      {R"({"source": []})", "pattern.source: expected at least one matcher, got an empty array"},
      {R"({"detail": {"severity": ["HIGH", ["CRITICAL"]]}})",
       "pattern.detail.severity[1]: expected a value or a matcher object, got array"},
      {R"({"a.b": [[]]})", R"(pattern["a.b"][0]: expected a value or a matcher object, got array)"},
      {R"({"source": [{"contains": "x"}]})",
       R"(pattern.source[0]: unknown matcher "contains" (expected anything-but, equals-ignore-case, exists, numeric, prefix, suffix or wildcard))"},
      {R"({"ip": [{"cidr": "10.0.0.0/24"}]})",
       R"(pattern.ip[0]: unknown matcher "cidr" (expected anything-but, equals-ignore-case, exists, numeric, prefix, suffix or wildcard))"},
      {R"({"source": [{"Prefix": "assay."}]})",
       R"(pattern.source[0]: unknown matcher "Prefix" (expected anything-but, equals-ignore-case, exists, numeric, prefix, suffix or wildcard))"},
      {R"({"source": [{}]})", "pattern.source[0]: expected one matcher, got an empty object"},
      {R"({"source": [{"prefix": "a", "suffix": "b"}]})",
       R"(pattern.source[0]: expected one matcher, got 2 keys ("prefix", "suffix"))"},
      // prefix, suffix, equals-ignore-case
      {R"({"source": [{"prefix": 5}]})",
       R"(pattern.source[0].prefix: expected a string or {"equals-ignore-case": string}, got number)"},
      {R"({"source": [{"suffix": null}]})",
       R"(pattern.source[0].suffix: expected a string or {"equals-ignore-case": string}, got null)"},
      {R"({"source": [{"prefix": {"ignore-case": "a"}}]})",
       R"(pattern.source[0].prefix: expected a string or {"equals-ignore-case": string})"},
      {R"({"source": [{"suffix": {"equals-ignore-case": 5}}]})",
       "pattern.source[0].suffix.equals-ignore-case: expected a string, got number"},
      {R"({"source": [{"equals-ignore-case": ["a"]}]})",
       "pattern.source[0].equals-ignore-case: expected a string, got array"},
      // wildcard
      {R"({"w": [{"wildcard": "a**b"}]})",
       R"(pattern.w[0].wildcard: two "*" in a row at offset 1)"},
      {R"({"w": [{"wildcard": "a\\b"}]})",
       R"(pattern.w[0].wildcard: "\" at offset 1 escapes neither "*" nor "\")"},
      {R"({"w": [{"wildcard": "ab\\"}]})",
       R"(pattern.w[0].wildcard: "\" at offset 2 escapes neither "*" nor "\")"},
      {R"({"w": [{"wildcard": 1}]})", "pattern.w[0].wildcard: expected a string, got number"},
      // exists
      {R"({"x": [{"exists": "true"}]})", "pattern.x[0].exists: expected true or false, got string"},
      {R"({"x": [{"exists": null}]})", "pattern.x[0].exists: expected true or false, got null"},
      // numeric
      {R"({"n": [{"numeric": 5}]})",
       R"(pattern.n[0].numeric: expected an array such as [">", 0, "<=", 5], got number)"},
      {R"({"n": [{"numeric": []}]})",
       "pattern.n[0].numeric: expected [operator, number] or [lower operator, number, upper "
       "operator, number], got 0 elements"},
      {R"({"n": [{"numeric": [">"]}]})",
       "pattern.n[0].numeric: expected [operator, number] or [lower operator, number, upper "
       "operator, number], got 1 element"},
      {R"({"n": [{"numeric": [">", 0, "<"]}]})",
       "pattern.n[0].numeric: expected [operator, number] or [lower operator, number, upper "
       "operator, number], got 3 elements"},
      {R"({"n": [{"numeric": ["=>", 0]}]})",
       R"(pattern.n[0].numeric[0]: unknown operator "=>" (expected =, <, <=, > or >=))"},
      {R"({"n": [{"numeric": [0, ">"]}]})",
       "pattern.n[0].numeric[0]: expected an operator (=, <, <=, > or >=), got number"},
      {R"({"n": [{"numeric": [">", "0"]}]})",
       "pattern.n[0].numeric[1]: expected a number, got string"},
      {R"({"n": [{"numeric": ["<", 5, ">", 0]}]})",
       R"(pattern.n[0].numeric: only a lower bound (">" or ">=") may be followed by a second comparison, got "<" first)"},
      {R"({"n": [{"numeric": ["=", 5, "<", 6]}]})",
       R"(pattern.n[0].numeric: only a lower bound (">" or ">=") may be followed by a second comparison, got "=" first)"},
      {R"({"n": [{"numeric": [">", 0, ">", 5]}]})",
       R"(pattern.n[0].numeric[2]: expected an upper bound ("<" or "<=") after a lower bound, got ">")"},
      {R"({"n": [{"numeric": [">", 0, "<=", "5"]}]})",
       "pattern.n[0].numeric[3]: expected a number, got string"},
      {R"({"n": [{"numeric": [">", 5, "<", 1]}]})",
       "pattern.n[0].numeric: lower bound 5.0 is not below upper bound 1.0"},
      {R"({"n": [{"numeric": [">=", 5, "<=", 5]}]})",
       "pattern.n[0].numeric: lower bound 5.0 is not below upper bound 5.0"},
      // anything-but
      {R"({"s": [{"anything-but": []}]})",
       "pattern.s[0].anything-but: expected at least one value, got an empty array"},
      {R"({"s": [{"anything-but": ["a", 1]}]})",
       "pattern.s[0].anything-but[1]: expected a string like the first value, got number"},
      {R"({"s": [{"anything-but": [1, "a"]}]})",
       "pattern.s[0].anything-but[1]: expected a number like the first value, got string"},
      {R"({"s": [{"anything-but": [null]}]})",
       "pattern.s[0].anything-but[0]: expected a string or a number, got null"},
      {R"({"s": [{"anything-but": true}]})",
       "pattern.s[0].anything-but: expected a string, a number, an array or an object, got "
       "boolean"},
      {R"({"s": [{"anything-but": {"prefix": ""}}]})",
       "pattern.s[0].anything-but.prefix: expected a non-empty string"},
      {R"({"s": [{"anything-but": {"suffix": ["a", "b"]}}]})",
       "pattern.s[0].anything-but.suffix: expected a string, got array"},
      {R"({"s": [{"anything-but": {"contains": "a"}}]})",
       R"(pattern.s[0].anything-but: unknown key "contains" (expected prefix, suffix, equals-ignore-case or wildcard))"},
      {R"({"s": [{"anything-but": {"prefix": "a", "suffix": "b"}}]})",
       "pattern.s[0].anything-but: expected an object with one of prefix, suffix, "
       "equals-ignore-case or wildcard, got 2 keys"},
      {R"({"s": [{"anything-but": {"equals-ignore-case": []}}]})",
       "pattern.s[0].anything-but.equals-ignore-case: expected at least one string, got an empty "
       "array"},
      {R"({"s": [{"anything-but": {"equals-ignore-case": [1]}}]})",
       "pattern.s[0].anything-but.equals-ignore-case[0]: expected a string, got number"},
      {R"({"s": [{"anything-but": {"wildcard": ["*a", "b**"]}}]})",
       R"(pattern.s[0].anything-but.wildcard[1]: two "*" in a row at offset 1)"},
      {R"({"s": [{"anything-but": {"wildcard": 7}}]})",
       "pattern.s[0].anything-but.wildcard: expected a string or an array of strings, got number"},
      // $or
      {R"({"$or": {"a": ["x"]}})",
       "pattern.$or: expected an array of at least 2 patterns, got object"},
      {R"({"$or": [{"a": ["x"]}]})", "pattern.$or: expected at least 2 patterns, got 1"},
      {R"({"$or": [{"a": ["x"]}, "b"]})", "pattern.$or[1]: expected an object, got string"},
      {R"({"detail": {"$or": [{"a": ["x"]}, {}]}})",
       "pattern.detail.$or[1]: expected at least one field, got an empty object"},
      {R"({"detail": {"$or": [{"a": ["x"]}, {"b": [{"numeric": [">"]}]}]}})",
       "pattern.detail.$or[1].b[0].numeric: expected [operator, number] or [lower operator, "
       "number, upper operator, number], got 1 element"},
      // text
      {R"({"source": ["a"])", "pattern: invalid JSON at byte 17"},
      {"", "pattern: invalid JSON at byte 1"},
  };
  for (const auto& c : cases) {
    auto p = EventPattern::ParseText(c.text);
    ASSERT_FALSE(p.ok()) << c.text << " parsed as " << p->ToJson();
    EXPECT_EQ(p.status().code(), base::Code::kInvalidArgument) << c.text;
    EXPECT_EQ(p.status().message(), c.message) << c.text;
  }
}

TEST(EventPatternParseTest, ErrorsOnlyJsonValuesCanHold) {
  struct Case {
    Json pattern;
    std::string message;
  };
  const Case cases[] = {
      {Json{{"a", {std::string("\xff")}}}, "pattern.a[0]: not valid UTF-8"},
      {Json{{"a", {{{"prefix", std::string("\xc0\x80")}}}}},
       "pattern.a[0].prefix: not valid UTF-8"},
      {Json{{std::string("k\xed\xa0\x80"), {"x"}}},
       R"(pattern["k\xed\xa0\x80"]: field name is not valid UTF-8)"},
      {Json{{"n", {std::numeric_limits<double>::quiet_NaN()}}},
       "pattern.n[0]: expected a finite number"},
      {Json{{"n", {{{"numeric", {">", std::numeric_limits<double>::infinity()}}}}}},
       "pattern.n[0].numeric[1]: expected a finite number"},
      {Json{{"n", {Json::binary({1, 2})}}},
       "pattern.n[0]: expected a value or a matcher object, got binary"},
  };
  for (const auto& c : cases) {
    auto p = EventPattern::Parse(c.pattern);
    ASSERT_FALSE(p.ok()) << c.message;
    EXPECT_EQ(p.status().message(), c.message);
  }
}

TEST(EventPatternParseTest, NestingLimit) {
  auto nested = [](int objects) {
    Json j = {{"a", {"x"}}};
    for (int i = 1; i < objects; ++i) j = Json{{"a", j}};
    return j;
  };
  EXPECT_TRUE(EventPattern::Parse(nested(32)).ok());
  auto p = EventPattern::Parse(nested(33));
  ASSERT_FALSE(p.ok());
  std::string path = "pattern";
  for (int i = 0; i < 32; ++i) path += ".a";
  EXPECT_EQ(p.status().message(), path + ": nested deeper than 32 levels");

  // $or sub-patterns count as levels too.
  Json j = {{"a", {"x"}}};
  for (int i = 1; i < 33; ++i) j = Json{{"$or", {j, {{"b", {"y"}}}}}};
  p = EventPattern::Parse(j);
  ASSERT_FALSE(p.ok());
  path = "pattern";
  for (int i = 0; i < 32; ++i) path += ".$or[0]";
  EXPECT_EQ(p.status().message(), path + ": nested deeper than 32 levels");

  // Deep arrays and objects inside a leaf are refused where they start.
  std::string deep = R"({"a": [)" + std::string(10000, '[') + std::string(10000, ']') + "]}";
  p = EventPattern::ParseText(deep);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "pattern.a[0]: expected a value or a matcher object, got array");
}

TEST(EventPatternParseTest, SizeLimit) {
  const std::string head = R"({"a":[")";
  const std::string tail = R"("]})";
  const std::string fits =
      head + std::string(kMaxPatternBytes - head.size() - tail.size(), 'x') + tail;
  ASSERT_EQ(fits.size(), kMaxPatternBytes);
  EXPECT_TRUE(EventPattern::ParseText(fits).ok());
  EXPECT_TRUE(EventPattern::Parse(Json::parse(fits)).ok());

  const std::string over =
      head + std::string(kMaxPatternBytes - head.size() - tail.size() + 1, 'x') + tail;
  auto p = EventPattern::ParseText(over);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "pattern: 65537 bytes of JSON text, more than the limit of 65536");
  p = EventPattern::Parse(Json::parse(over));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(),
            "pattern: 65537 bytes of JSON text, more than the limit of 65536");
  // Whitespace counts in text, not in a parsed value.
  const std::string spaced = fits.substr(0, 1) + " " + fits.substr(1);
  EXPECT_FALSE(EventPattern::ParseText(spaced).ok());
  EXPECT_TRUE(EventPattern::Parse(Json::parse(spaced)).ok());

  // The canonical text counts too: each [">", 5] prints as [">",5.0], two bytes longer.
  std::string numeric = R"({"n":[)";
  const std::string one = R"({"numeric":[">",5]},)";
  while (numeric.size() + one.size() + 3 <= kMaxPatternBytes - 2) numeric += one;
  numeric.back() = ']';
  numeric += "}";
  ASSERT_LE(numeric.size(), kMaxPatternBytes);
  p = EventPattern::ParseText(numeric);
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(p.status().message().ends_with("bytes of JSON text, more than the limit of 65536"))
      << p.status().message();
}

TEST(EventPatternParseTest, CanonicalText) {
  struct Case {
    std::string text;
    std::string canonical;
  };
  const Case cases[] = {
      {R"({ "source" : [ "assay.findings" ] })", R"({"source":["assay.findings"]})"},
      {R"({"b": {"y": ["x"]}, "a": ["y"]})", R"({"a":["y"],"b":{"y":["x"]}})"},
      // Duplicate keys: the last one counts, as EventBridge documents.
      {R"({"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}})",
       R"({"detail":{"location":[{"anything-but":"us-east"}]}})"},
      {R"({"n": [5, 5.0, -1, 3.018e2, 0.5]})", R"({"n":[5,5.0,-1,301.8,0.5]})"},
      {R"({"v": [true, false, null, ""]})", R"({"v":[true,false,null,""]})"},
      {R"({"n": [{"numeric": ["=", 3.018e2]}]})", R"({"n":[{"numeric":["=",301.8]}]})"},
      {R"({"n": [{"numeric": [">", 0, "<=", 5]}]})", R"({"n":[{"numeric":[">",0.0,"<=",5.0]}]})"},
      {R"({"s": [{"anything-but": ["a"]}]})", R"({"s":[{"anything-but":"a"}]})"},
      {R"({"s": [{"anything-but": [100, 200]}]})", R"({"s":[{"anything-but":[100,200]}]})"},
      {R"({"s": [{"anything-but": {"equals-ignore-case": ["a"]}}]})",
       R"({"s":[{"anything-but":{"equals-ignore-case":"a"}}]})"},
      {R"({"s": [{"anything-but": {"wildcard": ["*/lib/*", "*/bin/*"]}}]})",
       R"({"s":[{"anything-but":{"wildcard":["*/lib/*","*/bin/*"]}}]})"},
      {R"({"s": [{"prefix": {"equals-ignore-case": "EventB"}}, {"suffix": ".png"}]})",
       R"({"s":[{"prefix":{"equals-ignore-case":"EventB"}},{"suffix":".png"}]})"},
      {R"({"w": [{"wildcard": "a\\*b\\\\*"}]})", R"({"w":[{"wildcard":"a\\*b\\\\*"}]})"},
      {R"({"source": ["a"], "$or": [{"x": ["1"]}, {"y": {"z": [{"exists": false}]}}]})",
       R"({"$or":[{"x":["1"]},{"y":{"z":[{"exists":false}]}}],"source":["a"]})"},
      {R"({"prefix": ["field names are not matchers"]})",
       R"({"prefix":["field names are not matchers"]})"},
      {"{\"s\": [\"caf\xc3\xa9\"]}", "{\"s\":[\"caf\xc3\xa9\"]}"},
  };
  for (const auto& c : cases) {
    auto p = EventPattern::ParseText(c.text);
    ASSERT_TRUE(p.ok()) << c.text << ": " << p.status().ToString();
    EXPECT_EQ(p->ToJson(), c.canonical) << c.text;
    auto again = EventPattern::ParseText(p->ToJson());
    ASSERT_TRUE(again.ok()) << p->ToJson();
    EXPECT_EQ(*again, *p) << c.text;
    EXPECT_EQ(again->ToJson(), c.canonical);
  }
}

TEST(EventPatternParseTest, StructureOfParsedPattern) {
  EventPattern p = MustParse(
      R"({"detail": {"score": [{"numeric": [">=", 9]}], "severity": ["CRITICAL"]},
          "$or": [{"a": [{"anything-but": {"prefix": "x"}}]}, {"b": [{"exists": true}]}]})");
  const PatternNode& root = p.root();
  ASSERT_EQ(root.fields.size(), 1u);
  EXPECT_EQ(root.fields[0].name, "detail");
  ASSERT_EQ(root.fields[0].nested.size(), 1u);
  const PatternNode& detail = root.fields[0].nested[0];
  ASSERT_EQ(detail.fields.size(), 2u);
  EXPECT_EQ(detail.fields[0].name, "score");
  ASSERT_EQ(detail.fields[0].matchers.size(), 1u);
  const Matcher& numeric = detail.fields[0].matchers[0];
  EXPECT_EQ(numeric.kind, Matcher::Kind::kNumeric);
  EXPECT_EQ(numeric.numeric, (std::vector<NumericComparison>{{NumericOp::kGe, 9}}));
  EXPECT_EQ(detail.fields[1].matchers[0].value, "CRITICAL");
  ASSERT_EQ(root.any_of.size(), 2u);
  EXPECT_EQ(root.any_of[0].fields[0].matchers[0].anything_but.kind, AnythingBut::Kind::kPrefix);
  EXPECT_TRUE(root.any_of[1].fields[0].matchers[0].exists);
  EXPECT_NE(p, MustParse(R"({"detail": {"severity": ["CRITICAL"]}})"));
}

// ---- Matching ----

struct MatchCase {
  std::string pattern;
  std::string event;
  bool matches;
};

const std::vector<MatchCase>& MatchCases() {
  static const std::vector<MatchCase> cases = {
      // Exact values: strings byte for byte, numbers by value, booleans and null by kind.
      {R"({"source": ["assay.findings"]})", kFinding, true},
      {R"({"source": ["assay.assess"]})", kFinding, false},
      {R"({"source": ["ASSAY.FINDINGS"]})", kFinding, false},
      {R"({"detail": {"severity": ["HIGH", "CRITICAL"]}})", kFinding, true},
      {R"({"detail": {"severity": ["HIGH", "MEDIUM"]}})", kFinding, false},
      {R"({"detail": {"score": [9.8]}})", kFinding, true},
      {R"({"detail": {"score": ["9.8"]}})", kFinding, false},
      {R"({"n": [5]})", R"({"n": 5.0})", true},
      {R"({"n": [5.0]})", R"({"n": 5})", true},
      {R"({"n": [3.018e2]})", R"({"n": 301.8})", true},
      {R"({"n": [-0.0]})", R"({"n": 0})", true},
      {R"({"n": ["5"]})", R"({"n": 5})", false},
      {R"({"n": [5]})", R"({"n": "5"})", false},
      {R"({"n": [123456789012345678]})", R"({"n": 123456789012345679})", false},
      {R"({"n": [123456789012345678]})", R"({"n": 123456789012345678})", true},
      {R"({"n": [-1]})", R"({"n": 18446744073709551615})", false},
      {R"({"b": [true]})", R"({"b": true})", true},
      {R"({"b": [true]})", R"({"b": "true"})", false},
      {R"({"b": [false]})", R"({"b": true})", false},
      {R"({"b": [false]})", R"({"b": 0})", false},
      {R"({"detail": {"responseElements": [null]}})", kNullAndEmpty, true},
      {R"({"detail": {"eventVersion": [""]}})", kNullAndEmpty, true},
      {R"({"detail": {"eventVersion": [null]}})", kNullAndEmpty, false},
      {R"({"detail": {"responseElements": [""]}})", kNullAndEmpty, false},
      {R"({"detail": {"missing": [null]}})", kNullAndEmpty, false},
      // Fields the pattern does not name are ignored; every named field must match.
      {R"({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"],
           "detail": {"state": ["pending"]}})",
       kEc2Pending, true},
      {R"({"source": ["aws.ec2"], "detail": {"state": ["terminated"]}})", kEc2Pending, false},
      // Arrays in events: any element.
      {R"({"resources": ["host:a"]})", kFinding, true},
      {R"({"resources": ["host:a"]})", R"({"resources": ["host:b", "host:a"]})", true},
      {R"({"resources": ["host:c", "host:d"]})", R"({"resources": ["host:b", "host:a"]})", false},
      {R"({"resources": ["host:a"]})", R"({"resources": [["host:b"], ["host:a"]]})", true},
      {R"({"resources": ["host:a"]})", R"({"resources": [{"id": "host:a"}]})", false},
      {R"({"resources": ["host:a"]})", R"({"resources": []})", false},
      {R"({"detail-type": ["EC2 Instance State-change Notification"],
           "resources": ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
           "detail": {"state": ["initializing", "running"]}})",
       kRulerEvent, true},
      // Nested fields, and arrays of objects matched element by element.
      {R"({"detail": {"package": {"name": ["openssl"]}}})", kFinding, true},
      {R"({"detail": {"package": {"name": ["zlib"]}}})", kFinding, false},
      {R"({"detail": {"package": ["openssl"]}})", kFinding, false},
      {R"({"detail": {"resourceTags": {"env": ["prod"]}}})", kFinding, true},
      {R"({"detail": {"severity": {"level": ["CRITICAL"]}}})", kFinding, false},
      {R"({"employees": {"firstName": ["Anna"]}})", kEmployees, true},
      {R"({"employees": {"firstName": ["Anna"], "lastName": ["Smith"]}})", kEmployees, true},
      {R"({"employees": {"firstName": ["Anna"], "lastName": ["Jones"]}})", kEmployees, false},
      {R"({"employees": {"firstName": ["Anna"]}})",
       R"({"employees": [[{"firstName": "John"}], [{"firstName": "Anna"}]]})", true},
      // prefix, suffix, equals-ignore-case: strings only.
      {R"({"time": [{"prefix": "2026-11-25"}]})", kFinding, true},
      {R"({"time": [{"prefix": "2026-11-26"}]})", kFinding, false},
      {R"({"time": [{"prefix": "2017-10-02"}]})", R"({"time": "2017-10-02T18:43:48Z"})", true},
      {R"({"detail": {"vulnerabilityId": [{"prefix": "cve-"}]}})", kFinding, false},
      {R"({"detail": {"vulnerabilityId": [{"prefix": {"equals-ignore-case": "cve-"}}]}})", kFinding,
       true},
      {R"({"detail": {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}})",
       R"({"detail": {"service": "eventbridge"}})", true},
      {R"({"n": [{"prefix": "5"}]})", R"({"n": 55})", false},
      {R"({"x": [{"prefix": ""}]})", R"({"x": ""})", true},
      {R"({"x": [{"prefix": ""}]})", R"({"x": null})", false},
      {R"({"FileName": [{"suffix": ".png"}]})", R"({"FileName": "a.png"})", true},
      {R"({"FileName": [{"suffix": ".png"}]})", R"({"FileName": "a.PNG"})", false},
      {R"({"FileName": [{"suffix": {"equals-ignore-case": ".png"}}]})", R"({"FileName": "a.PNG"})",
       true},
      {R"({"FileName": [{"suffix": ".png"}]})", R"({"FileName": "png"})", false},
      {R"({"source": [{"equals-ignore-case": "ASSAY.findings"}]})", kFinding, true},
      {R"({"source": [{"equals-ignore-case": "assay"}]})", kFinding, false},
      {R"({"Name": [{"equals-ignore-case": "alice"}]})", R"({"Name": "ALICE"})", true},
      {R"({"n": [{"equals-ignore-case": "true"}]})", R"({"n": true})", false},
      // wildcard
      {R"({"detail": {"vulnerabilityId": [{"wildcard": "CVE-*-1"}]}})", kFinding, true},
      {R"({"detail": {"vulnerabilityId": [{"wildcard": "GHSA-*"}]}})", kFinding, false},
      {R"({"source": [{"wildcard": "Simple*Service"}]})", R"({"source": "SimpleQueueService"})",
       true},
      {R"({"w": [{"wildcard": "*/lib/*"}]})", R"({"w": "/usr/lib/x.so"})", true},
      {R"({"w": [{"wildcard": "dir/*.png"}]})", R"({"w": "dir/a/b.png"})", true},
      {R"({"w": [{"wildcard": "a*b*c"}]})", R"({"w": "abc"})", true},
      {R"({"w": [{"wildcard": "a*b*c"}]})", R"({"w": "acb"})", false},
      {R"({"w": [{"wildcard": "a*b*c"}]})", R"({"w": "aXbYbZc"})", true},
      {R"({"w": [{"wildcard": "a*b*c"}]})", R"({"w": "abcx"})", false},
      {R"({"w": [{"wildcard": "*"}]})", R"({"w": ""})", true},
      {R"({"w": [{"wildcard": "a*a"}]})", R"({"w": "a"})", false},
      {R"({"w": [{"wildcard": "a*a"}]})", R"({"w": "aa"})", true},
      {R"({"w": [{"wildcard": "*ab*ab*"}]})", R"({"w": "xabyab"})", true},
      {R"({"w": [{"wildcard": "*ab*ab*"}]})", R"({"w": "xaby"})", false},
      {R"({"w": [{"wildcard": "a\\*b"}]})", R"({"w": "a*b"})", true},
      {R"({"w": [{"wildcard": "a\\*b"}]})", R"({"w": "axb"})", false},
      {R"({"w": [{"wildcard": "a\\\\*"}]})", R"({"w": "a\\xyz"})", true},
      {R"({"w": [{"wildcard": "a\\\\*"}]})", R"({"w": "axyz"})", false},
      {R"({"w": [{"wildcard": "*.png"}]})", R"({"w": 5})", false},
      // numeric: numbers only, bounds as written.
      {R"({"detail": {"c-count": [{"numeric": [">", 0, "<=", 5]}],
                      "d-count": [{"numeric": ["<", 10]}],
                      "x-limit": [{"numeric": ["=", 3.018e2]}]}})",
       kRulerEvent, true},
      {R"({"detail": {"c-count": [{"numeric": [">", 5]}]}})", kRulerEvent, false},
      {R"({"n": [{"numeric": [">", 0, "<=", 5]}]})", R"({"n": 0})", false},
      {R"({"n": [{"numeric": [">", 0, "<=", 5]}]})", R"({"n": 5})", true},
      {R"({"n": [{"numeric": [">=", 0, "<", 5]}]})", R"({"n": 0})", true},
      {R"({"n": [{"numeric": [">=", 0, "<", 5]}]})", R"({"n": 5})", false},
      {R"({"n": [{"numeric": [">=", 0, "<", 5]}]})", R"({"n": 4.999999})", true},
      {R"({"n": [{"numeric": ["<=", 5]}]})", R"({"n": 5.0})", true},
      {R"({"n": [{"numeric": ["<", 5]}]})", R"({"n": 5})", false},
      {R"({"n": [{"numeric": ["=", 5]}]})", R"({"n": 5.0})", true},
      {R"({"n": [{"numeric": ["=", 5]}]})", R"({"n": 5.000001})", false},
      {R"({"n": [{"numeric": [">", -1e9, "<", 1e12]}]})", R"({"n": -5})", true},
      {R"({"n": [{"numeric": [">", 0]}]})", R"({"n": "7"})", false},
      {R"({"n": [{"numeric": [">", 0]}]})", R"({"n": true})", false},
      {R"({"n": [{"numeric": [">", 0]}]})", R"({"n": null})", false},
      {R"({"n": [{"numeric": [">", 0]}]})", R"({})", false},
      {R"({"n": [{"numeric": ["<", 0]}]})", R"({"n": [5, -1]})", true},
      {R"({"detail": {"score": [{"numeric": [">=", 9]}]}})", kFinding, true},
      {R"({"detail": {"score": [{"numeric": [">=", 9.9]}]}})", kFinding, false},
      // exists: null is a value; objects and empty arrays are not.
      {R"({"detail": {"fixAvailable": [{"exists": true}]}})", kFinding, true},
      {R"({"detail": {"fixedInVersion": [{"exists": true}]}})", kFinding, false},
      {R"({"detail": {"fixedInVersion": [{"exists": false}]}})", kFinding, true},
      {R"({"detail": {"fixAvailable": [{"exists": false}]}})", kFinding, false},
      {R"({"x": [{"exists": true}]})", R"({"x": null})", true},
      {R"({"x": [{"exists": false}]})", R"({"x": null})", false},
      {R"({"x": [{"exists": false}]})", R"({"x": []})", true},
      {R"({"x": [{"exists": true}]})", R"({"x": [null]})", true},
      {R"({"detail": {"state": [{"exists": true}]}})", kEc2Pending, true},
      {R"({"detail": {"state": [{"exists": true}]}})", kCCountObject, false},
      {R"({"detail": {"c-count": [{"exists": false}]}})", kCCountObject, true},
      {R"({"detail": {"c-count": [{"exists": true}]}})", kCCountObject, false},
      {R"({"detail": {"c-count": [{"exists": false}]}})", kEc2Pending, true},
      {R"({"a": {"b": [{"exists": false}]}})", R"({})", true},
      {R"({"a": {"b": [{"exists": false}]}})", R"({"a": "text"})", true},
      {R"({"a": {"b": [{"exists": false}]}})", R"({"a": {"b": 1}})", false},
      {R"({"x": ["a", {"exists": false}]})", R"({})", true},
      {R"({"x": ["a", {"exists": false}]})", R"({"x": "b"})", false},
      // anything-but: a value that is not excluded; a missing field has none.
      {R"({"detail": {"state": [{"anything-but": "initializing"}]}})", kRulerEvent, true},
      {R"({"detail": {"state": [{"anything-but": "running"}]}})", kRulerEvent, false},
      {R"({"detail": {"x-limit": [{"anything-but": 123}]}})", kRulerEvent, true},
      {R"({"detail": {"x-limit": [{"anything-but": 301.8}]}})", kRulerEvent, false},
      {R"({"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}})", kRulerEvent, true},
      {R"({"detail": {"x-limit": [{"anything-but": [100, 200, 300]}]}})",
       R"({"detail": {"x-limit": 200.0}})", false},
      {R"({"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}})", kRulerEvent,
       true},
      {R"({"detail": {"state": [{"anything-but": ["stopped", "overloaded"]}]}})",
       R"({"detail": {"state": "stopped"}})", false},
      {R"({"detail": {"state": [{"anything-but": {"prefix": "init"}}]}})",
       R"({"detail": {"state": "initializing"}})", false},
      {R"({"detail": {"state": [{"anything-but": {"prefix": "init"}}]}})", kRulerEvent, true},
      {R"({"FileName": [{"anything-but": {"suffix": ".png"}}]})", R"({"FileName": "a.png"})",
       false},
      {R"({"FileName": [{"anything-but": {"suffix": ".png"}}]})", R"({"FileName": "a.jpg"})", true},
      {R"({"state": [{"anything-but": {"equals-ignore-case": ["initializing", "stopped"]}}]})",
       R"({"state": "INITIALIZING"})", false},
      {R"({"state": [{"anything-but": {"equals-ignore-case": "initializing"}}]})",
       R"({"state": "running"})", true},
      {R"({"FilePath": [{"anything-but": {"wildcard": "*/lib/*"}}]})",
       R"({"FilePath": "/usr/lib/libssl.so"})", false},
      {R"({"FilePath": [{"anything-but": {"wildcard": ["*/lib/*", "*/bin/*"]}}]})",
       R"({"FilePath": "/etc/ssl/openssl.cnf"})", true},
      {R"({"state": [{"anything-but": "initializing"}]})", R"({})", false},
      {R"({"state": [{"anything-but": "initializing"}]})", R"({"state": {"a": 1}})", false},
      {R"({"state": [{"anything-but": "x"}]})", R"({"state": null})", true},
      {R"({"state": [{"anything-but": "x"}]})", R"({"state": 5})", true},
      {R"({"n": [{"anything-but": 5}]})", R"({"n": "5"})", true},
      {R"({"s": [{"anything-but": {"prefix": "5"}}]})", R"({"s": 55})", true},
      {R"({"fix": [{"anything-but": "NO"}]})", R"({"fix": ["NO", "YES"]})", true},
      {R"({"fix": [{"anything-but": "NO"}]})", R"({"fix": ["NO", "NO"]})", false},
      {R"({"fix": [{"anything-but": "NO"}]})", R"({"fix": []})", false},
      {R"({"detail": {"location": [{"prefix": "us-"}], "location": [{"anything-but": "us-east"}]}})",
       R"({"detail": {"location": "eu-west"}})", true},
      // Several matchers in one leaf: any of them.
      {R"({"detail": {"severity": [{"prefix": "CRIT"}, "HIGH"]}})", kFinding, true},
      {R"({"detail": {"severity": [{"prefix": "CRIT"}, "HIGH"]}})", kStagingFinding, true},
      {R"({"detail": {"severity": [{"prefix": "MED"}, "LOW"]}})", kFinding, false},
      // $or, at the root and nested, with AND inside branches.
      {R"({"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]},
                                                 {"namespace": ["AWS/EC2", "AWS/ES"]}]})",
       R"({"source": "aws.cloudwatch", "namespace": "AWS/EC2"})", true},
      {R"({"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]},
                                                 {"namespace": ["AWS/EC2", "AWS/ES"]}]})",
       R"({"source": "aws.cloudwatch", "metricName": "DiskUsage", "namespace": "AWS/RDS"})", false},
      {R"({"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization", "ReadLatency"]},
                                                 {"namespace": ["AWS/EC2", "AWS/ES"]}]})",
       R"({"source": "aws.ec2", "metricName": "CPUUtilization"})", false},
      {R"({"source": ["aws.cloudwatch"],
           "$or": [{"metricName": ["CPUUtilization"]},
                   {"metricType": ["MetricType"], "namespace": ["AWS/EC2"],
                    "$or": [{"metricId": [1234]}, {"spaceId": [1000]}]}]})",
       R"({"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2",
           "spaceId": 1000})",
       true},
      {R"({"source": ["aws.cloudwatch"],
           "$or": [{"metricName": ["CPUUtilization"]},
                   {"metricType": ["MetricType"], "namespace": ["AWS/EC2"],
                    "$or": [{"metricId": [1234]}, {"spaceId": [1000]}]}]})",
       R"({"source": "aws.cloudwatch", "metricType": "MetricType", "spaceId": 1000})", false},
      {R"({"detail": {"$or": [{"fixAvailable": ["YES"]}, {"fixedInVersion": [{"exists": true}]}]}})",
       kStagingFinding, false},
      {R"({"detail": {"$or": [{"fixAvailable": ["YES"]}, {"package": {"name": ["zlib"]}}]}})",
       kStagingFinding, true},
      {R"({"packages": {"$or": [{"name": ["a"], "ecosystem": ["npm"]}, {"name": ["b"]}]}})",
       R"({"packages": [{"name": "a", "ecosystem": "PyPI"}, {"name": "c", "ecosystem": "npm"}]})",
       false},
      {R"({"packages": {"$or": [{"name": ["a"], "ecosystem": ["npm"]}, {"name": ["b"]}]}})",
       R"({"packages": [{"name": "a", "ecosystem": "PyPI"}, {"name": "b"}]})", true},
      // Events that are not objects have no fields.
      {R"({"a": [{"exists": false}]})", R"([{"a": 1}])", true},
      {R"({"a": [1]})", R"([{"a": 1}])", false},
      {R"({"a": [{"exists": false}]})", R"("text")", true},
      // Routes as users write them.
      // CRITICAL or HIGH findings with a fix, in prod.
      {R"({"source": ["assay.findings"], "detail-type": ["finding.created", "finding.updated"],
           "detail": {"severity": ["CRITICAL", "HIGH"], "fixAvailable": ["YES", "PARTIAL"],
                      "resourceTags": {"env": ["prod"]}}})",
       kFinding, true},
      {R"({"source": ["assay.findings"], "detail-type": ["finding.created", "finding.updated"],
           "detail": {"severity": ["CRITICAL", "HIGH"], "fixAvailable": ["YES", "PARTIAL"],
                      "resourceTags": {"env": ["prod"]}}})",
       kStagingFinding, false},
      // A run whose state changed to FAILED.
      {R"({"source": ["assay.assess"], "detail-type": ["run.state-changed"],
           "detail": {"state": ["FAILED"]}})",
       kRunFailed, true},
      {R"({"source": ["assay.assess"], "detail-type": ["run.state-changed"],
           "detail": {"state": ["FAILED"]}})",
       kRunCompleted, false},
      {R"({"source": ["assay.assess"], "detail-type": ["run.state-changed"],
           "detail": {"state": ["FAILED"]}})",
       kFinding, false},
      // Exploited (KEV) findings or a score of at least 9.
      {R"({"source": ["assay.findings"],
           "detail": {"$or": [{"exploitAvailable": ["YES"]}, {"score": [{"numeric": [">=", 9]}]}]}})",
       kFinding, true},
      {R"({"source": ["assay.findings"],
           "detail": {"$or": [{"exploitAvailable": ["YES"]}, {"score": [{"numeric": [">=", 9]}]}]}})",
       kStagingFinding, true},
      {R"({"source": ["assay.findings"],
           "detail": {"$or": [{"exploitAvailable": ["YES"]}, {"score": [{"numeric": [">=", 9]}]}]}})",
       kRunFailed, false},
      // Debian's openssl, any release.
      {R"({"detail": {"package": {"name": ["openssl"], "ecosystem": [{"prefix": "Debian:"}]}}})",
       kFinding, true},
      {R"({"detail": {"package": {"name": ["openssl"], "ecosystem": [{"prefix": "Debian:"}]}}})",
       kStagingFinding, false},
      // Everything but informational findings, from accounts not named test-*.
      {R"({"account": [{"anything-but": {"prefix": "test-"}}],
           "detail": {"severity": [{"anything-but": ["INFORMATIONAL", "UNTRIAGED"]}]}})",
       kFinding, true},
      {R"({"account": [{"anything-but": {"prefix": "test-"}}],
           "detail": {"severity": [{"anything-but": ["INFORMATIONAL", "UNTRIAGED"]}]}})",
       R"({"account": "test-1", "detail": {"severity": "HIGH"}})", false},
      // Findings closed on hosts, not images.
      {R"({"detail-type": ["finding.closed"], "resources": [{"wildcard": "host:*"}]})",
       R"({"detail-type": "finding.closed", "resources": ["image:sha256:ab", "host:db-1"]})", true},
      {R"({"detail-type": ["finding.closed"], "resources": [{"wildcard": "host:*"}]})",
       R"({"detail-type": "finding.closed", "resources": ["image:sha256:ab"]})", false},
  };
  return cases;
}

TEST(EventPatternMatchTest, Table) {
  int rows = 0;
  for (const auto& c : MatchCases()) {
    EventPattern p = MustParse(c.pattern);
    Json event = Json::parse(c.event);
    EXPECT_EQ(p.Matches(event), c.matches) << c.pattern << "\nevent: " << c.event;
    ++rows;
  }
  EXPECT_GE(rows, 60);
}

TEST(EventPatternMatchTest, RoundTripKeepsResults) {
  for (const auto& c : MatchCases()) {
    EventPattern p = MustParse(c.pattern);
    auto again = EventPattern::ParseText(p.ToJson());
    ASSERT_TRUE(again.ok()) << p.ToJson() << ": " << again.status().ToString();
    EXPECT_EQ(*again, p) << c.pattern;
    EXPECT_EQ(again->ToJson(), p.ToJson());
    auto from_value = EventPattern::Parse(Json::parse(c.pattern));
    ASSERT_TRUE(from_value.ok());
    EXPECT_EQ(*from_value, p);
    Json event = Json::parse(c.event);
    EXPECT_EQ(again->Matches(event), c.matches) << p.ToJson() << "\nevent: " << c.event;
  }
}

TEST(EventPatternMatchTest, DeepEventArraysDoNotRecurse) {
  std::string deep = std::string(100000, '[') + R"("host:a")" + std::string(100000, ']');
  Json event = Json::object();  // moved in: copying a deep value would recurse
  event["resources"] = Json::parse(deep);
  event["detail"] = Json::parse(deep);
  EXPECT_TRUE(MustParse(R"({"resources": ["host:a"]})").Matches(event));
  EXPECT_TRUE(MustParse(R"({"detail": {"x": [{"exists": false}]}})").Matches(event));
  EXPECT_FALSE(MustParse(R"({"detail": {"x": [{"exists": true}]}})").Matches(event));
}

}  // namespace
}  // namespace assay::notify
