// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "report/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "model/finding_json.h"
#include "report/test_fixture.h"

namespace assay::report {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

RenderOptions Opts(bool color = false) {
  RenderOptions o;
  o.color = color;
  o.tool_version = "0.0.0-test";
  return o;
}

std::string GoldenName(std::string_view format, std::string_view prefix) {
  static const std::map<std::string_view, std::string_view> kExt = {
      {"json", ".json"},          {"table", ".txt"},      {"sarif", ".sarif.json"},
      {"cyclonedx", ".cdx.json"}, {"spdx", ".spdx.json"}, {"html", ".html"}};
  return std::string(prefix) + std::string(kExt.at(format));
}

TEST(RegistryTest, OneEntryPerFormat) {
  std::vector<std::string> names;
  for (const Renderer& r : Renderers()) names.emplace_back(r.name);
  EXPECT_THAT(names, ::testing::ElementsAre("table", "json", "sarif", "cyclonedx", "spdx", "html"));
  EXPECT_EQ(KnownFormats(), "table, json, sarif, cyclonedx, spdx, html");
  ASSERT_NE(FindRenderer("sarif"), nullptr);
  EXPECT_EQ(FindRenderer("sarif")->render, &RenderSarif);
  EXPECT_EQ(FindRenderer("asff"), nullptr);
}

TEST(RenderGoldenTest, ScanResultInEveryFormat) {
  ScanResult r = testing::SampleResult();
  for (const Renderer& renderer : Renderers()) {
    SCOPED_TRACE(renderer.name);
    std::string out = renderer.render(r, Opts());
    EXPECT_EQ(out, renderer.render(r, Opts())) << "not deterministic";
    testing::ExpectGolden(GoldenName(renderer.name, "scan"), out);
  }
}

TEST(RenderGoldenTest, InventoryOnlyCycloneDxAndSpdx) {
  ScanResult r = testing::SampleResult();
  ScanResult inv = InventoryResult(r.inventory, r.resource);
  testing::ExpectGolden("sbom.cdx.json", RenderCycloneDx(inv, Opts()));
  testing::ExpectGolden("sbom.spdx.json", RenderSpdx(inv, Opts()));
  EXPECT_FALSE(json::parse(RenderCycloneDx(inv, Opts())).contains("vulnerabilities"));
}

TEST(RenderJsonTest, ShapeAndSummary) {
  ScanResult r = testing::SampleResult();
  json doc = json::parse(RenderJson(r, Opts()));
  std::vector<std::string> keys;
  for (const auto& [k, v] : doc.items()) keys.push_back(k);
  EXPECT_THAT(keys, ::testing::UnorderedElementsAre("resource", "findings", "summary", "warnings",
                                                    "database"));
  EXPECT_EQ(doc["resource"]["type"], "rootfs");
  EXPECT_EQ(doc["resource"]["os"]["ecosystem"], "Debian:12");
  EXPECT_EQ(doc["summary"], json({{"critical", 1},
                                  {"high", 0},
                                  {"medium", 2},
                                  {"low", 1},
                                  {"informational", 0},
                                  {"untriaged", 0},
                                  {"total", 4},
                                  {"fixable", 2},
                                  {"packages", 4}}));
  EXPECT_EQ(doc["warnings"].size(), 2u);
  EXPECT_EQ(doc["database"]["buildId"], "0123456789abcdef0123456789abcdef");
  ASSERT_EQ(doc["findings"].size(), 4u);
  // Every finding decodes back to what was rendered.
  for (std::size_t i = 0; i < r.findings.size(); ++i) {
    auto back = model::FindingFromJson(doc["findings"][i]);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(model::FindingToJson(*back), model::FindingToJson(r.findings[i]));
  }
}

TEST(RenderTableTest, ColourOnlyWhenAsked) {
  ScanResult r = testing::SampleResult();
  std::string plain = RenderTable(r, Opts(false));
  EXPECT_THAT(plain, Not(HasSubstr("\x1b")));  // also the ESC inside the zlib title
  std::string coloured = RenderTable(r, Opts(true));
  EXPECT_THAT(coloured, HasSubstr("\x1b[1;31mCRITICAL"));
  EXPECT_THAT(coloured, HasSubstr("\x1b[33mMEDIUM"));
  EXPECT_THAT(coloured, HasSubstr("\x1b[0m"));
  EXPECT_THAT(plain,
              HasSubstr("4 findings (1 critical, 2 medium, 1 low) in 4 packages; 2 fixable\n"));
}

TEST(RenderTableTest, GroupsByPackage) {
  std::string plain = RenderTable(testing::SampleResult(), Opts());
  // libssl3 is named once, on its first row; its second finding's row leaves the cell empty.
  std::size_t first = plain.find("\nlibssl3 ");
  ASSERT_NE(first, std::string::npos);
  EXPECT_EQ(plain.find("\nlibssl3 ", first + 1), std::string::npos);
  EXPECT_LT(plain.find("CVE-2024-0727"), plain.find("CVE-2023-5678"));  // MEDIUM before LOW
}

TEST(SummaryLineTest, Wording) {
  Summary s;
  EXPECT_EQ(SummaryLine(s), "0 findings in 0 packages; 0 fixable");
  s.total = 1;
  s.high = 1;
  s.packages = 1;
  s.fixable = 1;
  EXPECT_EQ(SummaryLine(s), "1 finding (1 high) in 1 package; 1 fixable");
}

TEST(RenderSarifTest, RulesLevelsAndLocations) {
  json doc = json::parse(RenderSarif(testing::SampleResult(), Opts()));
  EXPECT_EQ(doc["version"], "2.1.0");
  ASSERT_EQ(doc["runs"].size(), 1u);
  const json& run = doc["runs"][0];
  EXPECT_EQ(run["tool"]["driver"]["name"], "assay");
  const json& rules = run["tool"]["driver"]["rules"];
  ASSERT_EQ(rules.size(), 3u);  // CVE-2024-0727 once for its two findings
  std::map<std::string, std::string> level;
  for (const json& res : run["results"]) {
    const json& rule = rules[res["ruleIndex"].get<std::size_t>()];
    EXPECT_EQ(rule["id"], res["ruleId"]);
    level[res["ruleId"]] = res["level"];
    EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "var/lib/dpkg/status");
    EXPECT_EQ(res["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "ROOTPATH");
  }
  EXPECT_EQ(level["CVE-2023-45853"], "error");
  EXPECT_EQ(level["CVE-2024-0727"], "warning");
  EXPECT_EQ(level["CVE-2023-5678"], "note");
  EXPECT_EQ(rules[0]["properties"]["security-severity"], "9.8");
  EXPECT_EQ(rules[2]["properties"]["security-severity"], "2.0");  // LOW without a score
  EXPECT_EQ(run["originalUriBaseIds"]["ROOTPATH"]["uri"], "file:///srv/debian/");
  EXPECT_EQ(run["invocations"][0]["toolExecutionNotifications"].size(), 2u);
}

TEST(RenderCycloneDxTest, ReferencesResolve) {
  json doc = json::parse(RenderCycloneDx(testing::SampleResult(), Opts()));
  std::set<std::string> refs;
  for (const json& c : doc["components"]) {
    EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second) << c["bom-ref"];
  }
  EXPECT_EQ(doc["components"][0]["type"], "operating-system");
  EXPECT_EQ(doc["components"].size(), 5u);
  ASSERT_EQ(doc["vulnerabilities"].size(), 3u);
  for (const json& v : doc["vulnerabilities"]) {
    for (const json& a : v["affects"]) EXPECT_EQ(refs.count(a["ref"].get<std::string>()), 1u);
  }
  const json& ssl = doc["vulnerabilities"][1];
  EXPECT_EQ(ssl["id"], "CVE-2024-0727");
  EXPECT_EQ(ssl["affects"].size(), 2u);
  EXPECT_EQ(ssl["analysis"]["response"], json::array({"update"}));
  EXPECT_EQ(ssl["recommendation"],
            "Upgrade libssl3 to 3.0.13-1~deb12u1; Upgrade openssl to 3.0.13-1~deb12u1");
  const json& zlib = doc["vulnerabilities"][0];
  EXPECT_FALSE(zlib.contains("analysis"));
  EXPECT_EQ(zlib["ratings"][1]["method"], "CVSSv31");
  EXPECT_EQ(zlib["ratings"][1]["severity"], "critical");
  EXPECT_EQ(zlib["advisories"].size(), 1u);  // "not a url" left out
  EXPECT_THAT(
      doc["serialNumber"].get<std::string>(),
      ::testing::MatchesRegex("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                              "[0-9a-f]{12}"));
}

TEST(RenderSpdxTest, IdsAndRelationships) {
  json doc = json::parse(RenderSpdx(testing::SampleResult(), Opts()));
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  std::set<std::string> ids = {"SPDXRef-DOCUMENT"};
  const std::regex id_re("SPDXRef-[A-Za-z0-9.-]+");
  for (const json& p : doc["packages"]) {
    std::string id = p["SPDXID"];
    EXPECT_TRUE(std::regex_match(id, id_re)) << id;
    EXPECT_TRUE(ids.insert(id).second) << id;
  }
  EXPECT_EQ(doc["packages"].size(), 6u);  // resource, OS, 4 packages
  for (const json& rel : doc["relationships"]) {
    EXPECT_EQ(ids.count(rel["spdxElementId"]), 1u);
    EXPECT_EQ(ids.count(rel["relatedSpdxElement"]), 1u);
  }
  EXPECT_EQ(doc["relationships"][0]["relationshipType"], "DESCRIBES");
  EXPECT_EQ(doc["packages"][2]["externalRefs"][0]["referenceType"], "purl");
}

TEST(RenderHtmlTest, EscapesAndLoadsNothing) {
  std::string html = RenderHtml(testing::SampleResult(), Opts());
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt; &amp;"));
  EXPECT_THAT(html, Not(HasSubstr("\x1b")));
  EXPECT_THAT(html, Not(HasSubstr(" src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, HasSubstr("default-src 'none'"));
  EXPECT_THAT(html, HasSubstr("<li>the advisory DB was built 9 days ago"));
}

TEST(RenderTest, HostileBytesStayValid) {
  ScanResult r = testing::SampleResult();
  r.findings[0].title = std::string("bad \xff\xfe utf-8 \xc2\x9b[31m");
  r.inventory.packages[0].name = std::string("pkg\xc3");
  r.warnings.push_back(std::string("\xe2\x82"));
  for (const Renderer& renderer : Renderers()) {
    SCOPED_TRACE(renderer.name);
    std::string out = renderer.render(r, Opts());
    if (renderer.name != "table" && renderer.name != "html") {
      EXPECT_NO_THROW(json::parse(out));
    }
    // The 8-bit CSI (U+009B) never reaches a terminal either.
    if (renderer.name == "table") {
      EXPECT_THAT(out, Not(HasSubstr("\xc2\x9b")));
    }
  }
}

TEST(RenderTest, EmptyResult) {
  ScanResult r;
  r.resource = {"sbom", "sbom:/tmp/x.json", "/tmp/x.json", "2024-05-01T12:00:00Z", {}};
  for (const Renderer& renderer : Renderers()) {
    SCOPED_TRACE(renderer.name);
    std::string out = renderer.render(r, Opts());
    EXPECT_FALSE(out.empty());
  }
  EXPECT_EQ(RenderTable(r, Opts()), "sbom /tmp/x.json\n\n0 findings in 0 packages; 0 fixable\n");
}

}  // namespace
}  // namespace assay::report
