// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "model/osv.h"

#include <gtest/gtest.h>

#include "model/ecosystem.h"
#include "model/severity.h"

namespace assay::model {
namespace {

constexpr std::string_view kRecord = R"({
  "id": "DSA-5000-1", "modified": "2023-04-02T00:00:00Z", "published": "2021-11-15T00:00:00Z",
  "aliases": ["CVE-2021-1"], "related": ["CVE-2021-2"], "summary": "openjdk-11 - security update",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [{
    "package": {"ecosystem": "Debian:11", "name": "openjdk-11", "purl": "pkg:deb/debian/openjdk-11"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "11.0.13+8-1~deb11u1"}]}],
    "versions": ["11.0.12+7-2"],
    "ecosystem_specific": {"urgency": "high"},
    "database_specific": {"source": "x"}
  }],
  "references": [{"type": "ADVISORY", "url": "https://www.debian.org/security/2021/dsa-5000"}],
  "database_specific": {"k": [1, 2]},
  "unknown_field": true
})";

TEST(OsvTest, ParsesTypedFieldsAndKeepsRawJson) {
  auto a = ParseOsv(kRecord);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->id, "DSA-5000-1");
  EXPECT_EQ(a->aliases, std::vector<std::string>{"CVE-2021-1"});
  ASSERT_EQ(a->affected.size(), 1u);
  const auto& af = a->affected[0];
  EXPECT_EQ(af.ecosystem, "Debian:11");
  EXPECT_EQ(af.name, "openjdk-11");
  ASSERT_EQ(af.ranges.size(), 1u);
  EXPECT_EQ(af.ranges[0].type, OsvRange::Type::kEcosystem);
  ASSERT_EQ(af.ranges[0].events.size(), 2u);
  EXPECT_EQ(af.ranges[0].events[1].kind, OsvEvent::Kind::kFixed);
  EXPECT_EQ(af.ranges[0].events[1].version, "11.0.13+8-1~deb11u1");
  EXPECT_EQ(af.ecosystem_specific, R"({"urgency":"high"})");
  EXPECT_EQ(a->database_specific, R"({"k":[1,2]})");
}

TEST(OsvTest, RoundTrips) {
  auto a = ParseOsv(kRecord);
  ASSERT_TRUE(a.ok());
  auto b = ParseOsv(ToOsvJson(*a));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(ToOsvJson(*a), ToOsvJson(*b));
}

TEST(OsvTest, RejectsMalformed) {
  struct Case {
    std::string name, json, want;
  };
  std::vector<Case> cases = {
      {"not json", "{", "invalid JSON"},
      {"not object", "[1]", "not a JSON object"},
      {"no id", R"({"modified":"x"})", "no \"id\""},
      {"affected not object", R"({"id":"X","affected":[1]})", "X: affected[0] is not an object"},
      {"range without events", R"({"id":"X","affected":[{"ranges":[{"type":"SEMVER"}]}]})",
       "X: affected[0].ranges[0]: range without events"},
      {"event value not string",
       R"({"id":"X","affected":[{"ranges":[{"type":"SEMVER","events":[{"fixed":1}]}]}]})",
       "event value is not a string"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto a = ParseOsv(tc.json);
    ASSERT_FALSE(a.ok());
    EXPECT_EQ(a.status().code(), base::Code::kCorruption);
    EXPECT_NE(a.status().message().find(tc.want), std::string::npos) << a.status().message();
  }
}

TEST(EcosystemTest, Split) {
  EXPECT_EQ(SplitEcosystem("Ubuntu:22.04:LTS").base, "Ubuntu");
  EXPECT_EQ(SplitEcosystem("Ubuntu:22.04:LTS").release, "22.04:LTS");
  EXPECT_EQ(SplitEcosystem("PyPI").release, "");
  EXPECT_TRUE(IsOsEcosystem("AlmaLinux"));
  EXPECT_FALSE(IsOsEcosystem("PyPI"));
}

TEST(SeverityTest, Names) {
  EXPECT_EQ(ParseSeverity("Moderate"), Severity::kMedium);
  EXPECT_EQ(ParseSeverity("important"), Severity::kHigh);
  EXPECT_EQ(SeverityName(Severity::kCritical), "CRITICAL");
  EXPECT_FALSE(ParseSeverity("bogus").has_value());
}

}  // namespace
}  // namespace assay::model
