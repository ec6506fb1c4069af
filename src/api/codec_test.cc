// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "api/codec.h"

#include <gtest/gtest.h>

#include <string>

namespace assay::api {
namespace {

using nlohmann::json;

TEST(CodecTest, CheckJsonDepth) {
  struct Case {
    std::string text;
    bool ok;
  };
  const Case cases[] = {
      {"{}", true},
      {std::string(64, '[') + std::string(64, ']'), true},
      {std::string(65, '[') + std::string(65, ']'), false},
      {R"({"a":")" + std::string(100, '[') + R"("})", true},  // brackets inside a string
      {R"({"a":"\"[[[[", "b":[]})", true},                    // an escaped quote
      {R"({"a":"\\")" + std::string(70, '[') + "}", false},   // an escaped backslash
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text.substr(0, 40));
    base::Status st = CheckJsonDepth(c.text, "body");
    EXPECT_EQ(st.ok(), c.ok) << st.ToString();
    if (!c.ok) {
      EXPECT_EQ(st.message(), "body: JSON nested deeper than 64 levels");
    }
  }
}

TEST(CodecTest, CheckNoNulNamesThePath) {
  struct Case {
    json doc;
    std::string message;  // "" = accepted
  };
  const Case cases[] = {
      {json{{"a", "x"}, {"b", {1, "y"}}}, ""},
      {json{{"a", std::string("x\0y", 3)}}, "a: must not contain NUL characters"},
      {json{{"r", {{"tags", {{"k", std::string("\0", 1)}}}}}},
       "r.tags.k: must not contain NUL characters"},
      {json{{"p", {"ok", std::string("\0", 1)}}}, "p[1]: must not contain NUL characters"},
      {json{{std::string("k\0", 2), 1}}, "body: a key contains a NUL character"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.doc.dump());
    base::Status st = CheckNoNul(c.doc, "");
    EXPECT_EQ(st.ok() ? "" : st.message(), c.message);
  }
}

TEST(CodecTest, StringField) {
  json obj = {{"s", "v"}, {"n", 5}, {"z", nullptr}};
  EXPECT_EQ(*StringField(obj, "s", ""), "v");
  EXPECT_EQ(*StringField(obj, "missing", "", "dflt"), "dflt");
  EXPECT_EQ(*StringField(obj, "z", "", "dflt"), "dflt");
  auto bad = StringField(obj, "n", "sortCriteria");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "sortCriteria.n: must be a string");
}

TEST(CodecTest, ChangesRoundTrip) {
  findings::ChangeStats c;
  c.created = 3;
  c.closed = 2;
  c.unsuppressed = 1;
  c.events = 6;
  auto back = ChangesFromJson(json::parse(ChangesToJson(c).dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->created, 3);
  EXPECT_EQ(back->closed, 2);
  EXPECT_EQ(back->unsuppressed, 1);
  EXPECT_EQ(back->events, 6);
  EXPECT_EQ(ChangesFromJson(json{{"created", "3"}}).status().message(),
            "changes.created: must be an integer");
  EXPECT_FALSE(ChangesFromJson(json::array()).ok());
}

TEST(CodecTest, SuppressionRuleRequestRoundTrips) {
  json body = {{"name", "n"},
               {"reason", "r"},
               {"description", "d"},
               {"expiresAt", "2030-01-02T03:04:05Z"},
               {"accountId", "acme-web"},
               {"filterCriteria", {{"severity", {{{"comparison", "EQUALS"}, {"value", "HIGH"}}}}}}};
  auto rule = ParseSuppressionRule(body);
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();
  auto again = ParseSuppressionRule(json::parse(SuppressionRuleRequestToJson(*rule).dump()));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(SuppressionRuleRequestToJson(*again), SuppressionRuleRequestToJson(*rule));
  EXPECT_EQ(again->expires_at, "2030-01-02T03:04:05Z");
  EXPECT_EQ(again->account_id, "acme-web");
  body["reason"] = std::string("r\0", 2);
  EXPECT_EQ(ParseSuppressionRule(body).status().message(),
            "reason: must not contain NUL characters");
}

TEST(CodecTest, UploadRefusesDeepAndNulDocuments) {
  const std::string deep = R"({"resource":{"id":"x","type":"rootfs","details":{"a":)" +
                           std::string(100, '[') + std::string(100, ']') + "}},\"inventory\":{}}";
  EXPECT_EQ(ParseInventoryUpload(deep).status().message(),
            "body: JSON nested deeper than 64 levels");
  EXPECT_EQ(ParseInventoryUpload(R"({"resource":{"id":"a\u0000","type":"rootfs"},"inventory":{}})")
                .status()
                .message(),
            "resource.id: must not contain NUL characters");
  auto ok = ParseInventoryUpload(R"({"resource":{"id":"a","type":"rootfs"},"inventory":{}})");
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST(CodecTest, ErrorMessage) {
  EXPECT_EQ(ErrorMessage(ErrorBody("NotFound", "finding x not found")), "finding x not found");
  EXPECT_EQ(ErrorMessage(R"({"error":{"code":"payload_too_large","message":"too big"}})"),
            "too big");
  EXPECT_EQ(ErrorMessage("<html>"), "");
  EXPECT_EQ(ErrorMessage(R"({"error":"x"})"), "");
}

// The simdjson reader behind ParseInventoryUpload and the checked reader agree on every body:
// the same upload, or the same refusal.
TEST(CodecTest, UploadReadersAgree) {
  const std::string pkg =
      R"({"ecosystem":"Debian:12","name":"openssl","version":"3.0.11-1~deb12u2",)"
      R"("sourceName":"openssl","sourceVersion":"3.0.11-1~deb12u2","arch":"amd64",)"
      R"("purl":"pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64","path":"var/lib/dpkg/status",)"
      R"("layerDigest":"sha256:ab","packageManager":"dpkg","dev":false})";
  const std::string os =
      R"({"id":"debian","versionId":"12","codename":"bookworm","prettyName":"Debian 12",)"
      R"("ecosystem":"Debian:12","ubuntuPro":false})";
  const std::string bodies[] = {
      R"({"resource":{"id":"host:a","type":"host"},"inventory":{}})",
      R"({"resource":{"id":"host:a","type":"host","name":"a","accountId":"acme",)"
      R"("tags":{"env":"prod","team":"x"}},"inventory":{"os":)" + os + R"(,"packages":[)" + pkg +
          "," + pkg + R"(],"warnings":[{"location":"l","message":"m"}],"collectors":["dpkg"]}})",
      R"({"resource":{"id":"host:a","type":"host","name":null,"tags":null},)"
      R"("inventory":{"os":null,"packages":[{"ecosystem":"PyPI","name":"x","version":null,)"
      R"("dev":true}],"warnings":null,"collectors":null}})",
      R"({"resource":{"id":"host:a","type":"host","details":{"a":[1,{"b":2}]}},"inventory":{}})",
      R"({"inventory":{},"resource":{"type":"host","id":"b","id":"c"}})",  // the last id wins
      // Refused, each with the checked reader's message.
      R"({"resource":{"id":"host:a","type":"host"},"inventory":{"packages":[{"nme":"x"}]}})",
      R"({"resource":{"id":"host:a","type":"host","tags":{"k":1}},"inventory":{}})",
      R"({"resource":{"id":"host:a","type":"host","tags":{"k":"a","k":"b"}},"inventory":{}})",
      R"({"resource":{"id":"","type":"host"},"inventory":{}})",
      R"({"resource":{"id":"host:a"},"inventory":{}})",
      R"({"resource":{"id":"host:a","type":"host"},"inventory":{"packages":{}}})",
      R"({"resource":{"id":"host:a","type":"host"},"inventory":{"os":{"id":1}}})",
      R"({"resource":{"id":"host:a","type":"host"},"inventory":{"collectors":[1]}})",
      R"({"resource":{"id":"host:a","type":"host"},"inventory":{},"extra":1})",
      R"({"resource":{"id":"host:\u0000","type":"host"},"inventory":{}})",
      R"({"resource":{"id":")" + std::string(1025, 'x') + R"(","type":"host"},"inventory":{}})",
      R"({"resource":{"id":"host:a","type":"host"},"inventory":{"packages":[{"dev":"yes"}]}})",
      R"([1,2])",
      R"({"resource":)",
  };
  for (const std::string& body : bodies) {
    SCOPED_TRACE(body.substr(0, 120));
    auto fast = ParseInventoryUpload(body);
    auto checked = ParseInventoryUploadChecked(body);
    ASSERT_EQ(fast.ok(), checked.ok()) << (fast.ok() ? checked : fast).status().ToString();
    if (!fast.ok()) {
      EXPECT_EQ(fast.status().ToString(), checked.status().ToString());
      continue;
    }
    EXPECT_EQ(InventoryUploadToJson(*fast).dump(), InventoryUploadToJson(*checked).dump());
  }
}

}  // namespace
}  // namespace assay::api
