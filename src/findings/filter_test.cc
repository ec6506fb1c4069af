// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Inspector2-shaped filter criteria: parse errors with their paths, round trips, in-memory
// evaluation over a table of findings, and SQL translation checked against a real SQLite
// database: the WHERE condition must select exactly the findings Matches selects, for a table of
// cases and for generated criteria, with packages on the finding row and in a table of their own.
#include "findings/filter.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace assay::findings {
namespace {

using Json = nlohmann::json;

FilterCriteria Parsed(const std::string& text) {
  auto r = ParseFilterCriteria(Json::parse(text));
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : FilterCriteria{};
}

// ---- Parsing ----

TEST(FilterParseTest, Errors) {
  struct Case {
    std::string json;
    std::string message;
  };
  const std::string many = [] {
    Json a = Json::array();
    for (int i = 0; i < 11; ++i) a.push_back({{"comparison", "EQUALS"}, {"value", "HIGH"}});
    return Json{{"severity", a}}.dump();
  }();
  const std::string long_value =
      Json{{"title", {{{"comparison", "PREFIX"}, {"value", std::string(1025, 'a')}}}}}.dump();
  const std::string long_key =
      Json{{"resourceTags", {{{"comparison", "EQUALS"}, {"key", std::string(129, 'k')}}}}}.dump();
  const std::string long_tag_value =
      Json{{"resourceTags",
            {{{"comparison", "EQUALS"}, {"key", "k"}, {"value", std::string(257, 'v')}}}}}
          .dump();
  const Case cases[] = {
      {R"([])", "filterCriteria: expected an object, got array"},
      {R"("severity")", "filterCriteria: expected an object, got string"},
      {R"({"inspectorScore": [{"lowerInclusive": 7}]})",
       R"(filterCriteria: unknown criterion "inspectorScore"; the closest valid name is "score")"},
      {R"({"awsAccountId": []})",
       R"(filterCriteria: unknown criterion "awsAccountId"; the closest valid name is "accountId")"},
      {R"({"findingArn": []})",
       R"(filterCriteria: unknown criterion "findingArn"; the closest valid name is "findingId")"},
      {R"({"severty": []})",
       R"(filterCriteria: unknown criterion "severty"; the closest valid name is "severity")"},
      {R"({"ecrImageTag": []})",
       R"(filterCriteria: unknown criterion "ecrImageTag"; the closest valid name is "ecrImageTags")"},
      {R"({"severity": {"comparison": "EQUALS", "value": "HIGH"}})",
       "filterCriteria.severity: expected an array of string filters, got object"},
      {R"({"resourceTags": "team"})",
       "filterCriteria.resourceTags: expected an array of map filters, got string"},
      {R"({"severity": []})", "filterCriteria.severity: expected 1 to 10 filters, got 0"},
      {many, "filterCriteria.severity: expected 1 to 10 filters, got 11"},
      {R"({"severity": ["HIGH"]})",
       "filterCriteria.severity[0]: expected a string filter object, got string"},
      {R"({"severity": [{"comparison": "EQUALS", "values": "HIGH"}]})",
       R"(filterCriteria.severity[0]: unknown field "values" (a string filter has comparison, value))"},
      {R"({"severity": [{"value": "HIGH"}]})", "filterCriteria.severity[0].comparison: required"},
      {R"({"severity": [{"comparison": null, "value": "HIGH"}]})",
       "filterCriteria.severity[0].comparison: required"},
      {R"({"severity": [{"comparison": "LIKE", "value": "HIGH"}]})",
       R"(filterCriteria.severity[0].comparison: expected EQUALS, PREFIX or NOT_EQUALS, got "LIKE")"},
      {R"({"severity": [{"comparison": "equals", "value": "HIGH"}]})",
       R"(filterCriteria.severity[0].comparison: expected EQUALS, PREFIX or NOT_EQUALS, got "equals")"},
      {R"({"severity": [{"comparison": 1, "value": "HIGH"}]})",
       "filterCriteria.severity[0].comparison: expected a string, got number"},
      {R"({"severity": [{"comparison": "EQUALS", "value": "HIGH"},
                        {"comparison": "EQUALS", "value": "LOW"},
                        {"comparison": "EQUALS", "value": 3}]})",
       "filterCriteria.severity[2].value: expected a string, got number"},
      {R"({"title": [{"comparison": "EQUALS"}]})", "filterCriteria.title[0].value: required"},
      {R"({"title": [{"comparison": "EQUALS", "value": ""}]})",
       "filterCriteria.title[0].value: expected 1 to 1024 characters, got 0"},
      {long_value, "filterCriteria.title[0].value: expected 1 to 1024 characters, got 1025"},
      {R"({"title": [{"comparison": "EQUALS", "value": "a\u0000b"}]})",
       "filterCriteria.title[0].value: contains a NUL character"},
      {R"({"score": [{"lowerInclusive": "7"}]})",
       "filterCriteria.score[0].lowerInclusive: expected a number, got string"},
      {R"({"score": [{"upperInclusive": true}]})",
       "filterCriteria.score[0].upperInclusive: expected a number, got boolean"},
      {R"({"score": [{"min": 1}]})",
       R"(filterCriteria.score[0]: unknown field "min" (a number filter has lowerInclusive, upperInclusive))"},
      {R"({"epssScore": [{"lowerInclusive": 0.9, "upperInclusive": 0.5}]})",
       "filterCriteria.epssScore[0]: lowerInclusive 0.9 is greater than upperInclusive 0.5"},
      {R"({"updatedAt": [{"startInclusive": "2024-13-01T00:00:00Z"}]})",
       R"(filterCriteria.updatedAt[0].startInclusive: expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got "2024-13-01T00:00:00Z")"},
      {R"({"updatedAt": [{"endInclusive": "2023-02-29T00:00:00Z"}]})",
       R"(filterCriteria.updatedAt[0].endInclusive: expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got "2023-02-29T00:00:00Z")"},
      {R"({"updatedAt": [{"endInclusive": "2024-05-01"}]})",
       R"(filterCriteria.updatedAt[0].endInclusive: expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got "2024-05-01")"},
      {R"({"lastObservedAt": [{"startInclusive": "2024-05-01T12:00:00"}]})",
       R"(filterCriteria.lastObservedAt[0].startInclusive: expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got "2024-05-01T12:00:00")"},
      {R"({"updatedAt": [{"endInclusive": true}]})",
       "filterCriteria.updatedAt[0].endInclusive: expected an RFC 3339 date-time string or epoch "
       "seconds, got boolean"},
      {R"({"updatedAt": [{"startInclusive": 1e12}]})",
       "filterCriteria.updatedAt[0].startInclusive: epoch seconds 1000000000000.0 outside years "
       "0000..9999"},
      {R"({"updatedAt": [{"startInclusive": "2024-06-01T00:00:00Z",
                         "endInclusive": "2024-05-01T02:00:00+02:00"}]})",
       "filterCriteria.updatedAt[0]: startInclusive 2024-06-01T00:00:00Z is after endInclusive "
       "2024-05-01T00:00:00Z"},
      {R"({"updatedAt": [{"start": 1}]})",
       R"(filterCriteria.updatedAt[0]: unknown field "start" (a date filter has startInclusive, endInclusive))"},
      {R"({"resourceTags": [{"comparison": "PREFIX", "key": "team"}]})",
       R"(filterCriteria.resourceTags[0].comparison: expected EQUALS, got "PREFIX")"},
      {R"({"resourceTags": [{"comparison": "EQUALS", "value": "payments"}]})",
       "filterCriteria.resourceTags[0].key: required"},
      {R"({"resourceTags": [{"comparison": "EQUALS", "key": ""}]})",
       "filterCriteria.resourceTags[0].key: expected 1 to 128 characters, got 0"},
      {long_key, "filterCriteria.resourceTags[0].key: expected 1 to 128 characters, got 129"},
      {long_tag_value,
       "filterCriteria.resourceTags[0].value: expected 0 to 256 characters, got 257"},
      {R"({"vulnerablePackages": [{"sourceLambdaLayerArn": {"comparison": "EQUALS", "value": "x"}}]})",
       R"(filterCriteria.vulnerablePackages[0]: unknown field "sourceLambdaLayerArn" (a package filter has architecture, epoch, filePath, name, release, sourceLayerHash, version))"},
      {R"({"vulnerablePackages": [{}]})",
       "filterCriteria.vulnerablePackages[0]: expected at least one of architecture, epoch, "
       "filePath, name, release, sourceLayerHash, version"},
      {R"({"vulnerablePackages": [{"name": "openssl"}]})",
       "filterCriteria.vulnerablePackages[0].name: expected a string filter object, got string"},
      {R"({"vulnerablePackages": [{"name": {"comparison": "EQUALS", "value": "a"}},
                                  {"version": {"comparison": "GT", "value": "1"}}]})",
       R"(filterCriteria.vulnerablePackages[1].version.comparison: expected EQUALS, PREFIX or NOT_EQUALS, got "GT")"},
      {R"({"vulnerablePackages": [{"epoch": {"lowerInclusive": 2, "upperInclusive": 1}}]})",
       "filterCriteria.vulnerablePackages[0].epoch: lowerInclusive 2.0 is greater than "
       "upperInclusive 1.0"},
      {R"({"portRange": [{"beginInclusive": 70000}]})",
       "filterCriteria.portRange[0].beginInclusive: expected an integer from 0 to 65535, got "
       "70000"},
      {R"({"portRange": [{"endInclusive": -1}]})",
       "filterCriteria.portRange[0].endInclusive: expected an integer from 0 to 65535, got -1"},
      {R"({"portRange": [{"endInclusive": 22.5}]})",
       "filterCriteria.portRange[0].endInclusive: expected an integer from 0 to 65535, got 22.5"},
      {R"({"portRange": [{"endInclusive": "22"}]})",
       "filterCriteria.portRange[0].endInclusive: expected an integer, got string"},
      {R"({"portRange": [{"beginInclusive": 90, "endInclusive": 80}]})",
       "filterCriteria.portRange[0]: beginInclusive 90 is greater than endInclusive 80"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    auto r = ParseFilterCriteria(Json::parse(c.json));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.message);
  }
}

TEST(FilterParseTest, PathPrefix) {
  auto r = ParseFilterCriteria(Json::parse(R"({"severity": [1]})"), "body.filterCriteria");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "body.filterCriteria.severity[0]: expected a string filter object, got number");
}

TEST(FilterParseTest, Limits) {
  // 1024 characters is the limit, not 1024 bytes.
  std::string e1024;
  for (int i = 0; i < 1024; ++i) e1024 += "\xc3\xa9";
  Json ten = Json::array();
  for (int i = 0; i < 10; ++i) ten.push_back({{"comparison", "PREFIX"}, {"value", e1024}});
  auto r = ParseFilterCriteria(Json{{"title", ten}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto tags = ParseFilterCriteria(
      Json{{"resourceTags",
            {{{"comparison", "EQUALS"}, {"key", std::string(128, 'k')}, {"value", ""}},
             {{"comparison", "EQUALS"}, {"key", "k"}, {"value", std::string(256, 'v')}}}}});
  EXPECT_TRUE(tags.ok()) << tags.status().ToString();
}

TEST(FilterParseTest, NullsAreAbsent) {
  auto r = ParseFilterCriteria(Json(nullptr));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  FilterCriteria c = Parsed(
      R"({"severity": null, "score": [{"lowerInclusive": null, "upperInclusive": 5}],
          "resourceTags": [{"comparison": "EQUALS", "key": "team", "value": null}]})");
  EXPECT_EQ(ToJson(c), Json::parse(R"({"score": [{"upperInclusive": 5.0}],
                                       "resourceTags": [{"comparison": "EQUALS", "key": "team"}]})"));
}

TEST(FilterParseTest, DatesNormalised) {
  struct Case {
    Json in;
    std::string out;
  };
  const Case cases[] = {
      {"2024-05-01T12:00:00Z", "2024-05-01T12:00:00Z"},
      {"2024-05-01T14:30:00+02:00", "2024-05-01T12:30:00Z"},
      {"2024-05-01T00:30:00-01:00", "2024-05-01T01:30:00Z"},
      {"2024-05-01t12:00:00.999z", "2024-05-01T12:00:00Z"},
      {"2024-02-29T23:59:59Z", "2024-02-29T23:59:59Z"},
      {"2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"},
      {"0000-01-01T00:00:00Z", "0000-01-01T00:00:00Z"},
      {"9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"},
      {1714564800, "2024-05-01T12:00:00Z"},
      {1714564800.7, "2024-05-01T12:00:00Z"},
      {0, "1970-01-01T00:00:00Z"},
      {-1, "1969-12-31T23:59:59Z"},
      {-0.5, "1969-12-31T23:59:59Z"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in.dump());
    auto r = ParseFilterCriteria(Json{{"updatedAt", {{{"startInclusive", c.in}}}}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const auto& d = std::get<std::vector<DateFilter>>(r->criteria.at("updatedAt"));
    EXPECT_EQ(d[0].start_inclusive, c.out);
  }
  for (const char* bad :
       {"2024-05-01T12:00:00", "2024-05-01 12:00:00Z", "2024-5-01T12:00:00Z",
        "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "2024-05-01T12:00:61Z",
        "2024-04-31T12:00:00Z", "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+0200",
        "2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00Zjunk", "9999-12-31T23:59:59-00:01",
        "0000-01-01T00:00:00+00:01", "", "2024-05-01T12:00:00\xef\xbc\xba"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseRfc3339(bad).has_value());
  }
  EXPECT_EQ(FormatRfc3339(*ParseRfc3339("1900-03-01T00:00:00Z")), "1900-03-01T00:00:00Z");
}

TEST(FilterParseTest, RoundTrip) {
  const char* text = R"({
    "accountId": [{"comparison": "EQUALS", "value": "123456789012"}],
    "severity": [{"comparison": "EQUALS", "value": "CRITICAL"},
                 {"comparison": "PREFIX", "value": "HI"},
                 {"comparison": "NOT_EQUALS", "value": "LOW"}],
    "title": [{"comparison": "PREFIX", "value": "100%_\u00e9"}],
    "score": [{"lowerInclusive": 7}, {"upperInclusive": 2.5}, {}],
    "epssScore": [{"lowerInclusive": 0.1, "upperInclusive": 0.9}],
    "updatedAt": [{"startInclusive": "2024-05-01T14:00:00+02:00", "endInclusive": 1717199999}],
    "firstObservedAt": [{}],
    "resourceTags": [{"comparison": "EQUALS", "key": "team", "value": "payments"},
                     {"comparison": "EQUALS", "key": "env"},
                     {"comparison": "EQUALS", "key": "empty", "value": ""}],
    "vulnerablePackages": [{"name": {"comparison": "EQUALS", "value": "openssl"},
                            "version": {"comparison": "PREFIX", "value": "3."},
                            "epoch": {"lowerInclusive": 1},
                            "release": {"comparison": "NOT_EQUALS", "value": "el9"},
                            "architecture": {"comparison": "EQUALS", "value": "x86_64"},
                            "sourceLayerHash": {"comparison": "EQUALS", "value": "sha256:ab"},
                            "filePath": {"comparison": "PREFIX", "value": "/usr/lib"}}],
    "portRange": [{"beginInclusive": 22, "endInclusive": 22}, {"beginInclusive": 8000}, {}]
  })";
  FilterCriteria c = Parsed(text);
  Json j = ToJson(c);
  EXPECT_EQ(j["updatedAt"], Json::parse(R"([{"startInclusive": "2024-05-01T12:00:00Z",
                                              "endInclusive": "2024-05-31T23:59:59Z"}])"));
  EXPECT_EQ(j["score"], Json::parse(R"([{"lowerInclusive": 7.0}, {"upperInclusive": 2.5}, {}])"));
  EXPECT_EQ(j["resourceTags"][1], Json::parse(R"({"comparison": "EQUALS", "key": "env"})"));
  EXPECT_EQ(j["vulnerablePackages"][0].size(), 7u);
  EXPECT_EQ(j["portRange"][0], Json::parse(R"({"beginInclusive": 22, "endInclusive": 22})"));
  EXPECT_EQ(j.size(), 10u);
  auto again = ParseFilterCriteria(j);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, c);
  auto from_text = ParseFilterCriteria(Json::parse(j.dump()));
  ASSERT_TRUE(from_text.ok());
  EXPECT_EQ(*from_text, c);
  EXPECT_TRUE(Validate(c).ok());
}

TEST(FilterParseTest, SupportedCriteriaTable) {
  std::set<std::string_view> names;
  for (const auto& c : SupportedCriteria()) {
    EXPECT_TRUE(names.insert(c.name).second) << c.name;
    EXPECT_EQ(FindCriterion(c.name), &c);
  }
  EXPECT_EQ(FindCriterion("inspectorScore"), nullptr);
  EXPECT_EQ(FindCriterion("vulnerablePackages")->kind, CriterionKind::kPackage);
  EXPECT_TRUE(FindCriterion("relatedVulnerabilities")->multi_valued);
}

TEST(FilterValidateTest, CriteriaBuiltInCode) {
  struct Case {
    std::string name;
    FilterList list;
    std::string message;
  };
  const Case cases[] = {
      {"severity", std::vector<NumberFilter>{{1.0, 2.0}},
       "filterCriteria.severity: expected string filters, got number filters"},
      {"updatedAt", std::vector<DateFilter>{{"2024-05-01T14:00:00+02:00", std::nullopt}},
       R"(filterCriteria.updatedAt[0].startInclusive: expected YYYY-MM-DDTHH:MM:SSZ, got "2024-05-01T14:00:00+02:00")"},
      {"title",
       std::vector<StringFilter>{{Comparison::kEquals, "ok"}, {Comparison::kEquals, "\xff"}},
       "filterCriteria.title[1].value: not valid UTF-8"},
      {"title", std::vector<StringFilter>{{Comparison::kEquals, "\xed\xa0\x80"}},
       "filterCriteria.title[0].value: not valid UTF-8"},
      {"score", std::vector<NumberFilter>{{std::nan(""), std::nullopt}},
       "filterCriteria.score[0].lowerInclusive: not a finite number"},
      {"resourceTags", std::vector<MapFilter>{{Comparison::kNotEquals, "k", std::nullopt}},
       "filterCriteria.resourceTags[0].comparison: expected EQUALS, got NOT_EQUALS"},
      {"title", std::vector<StringFilter>{},
       "filterCriteria.title: expected 1 to 10 filters, got 0"},
      {"findingArn", std::vector<StringFilter>{{Comparison::kEquals, "x"}},
       R"(filterCriteria: unknown criterion "findingArn"; the closest valid name is "findingId")"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    FilterCriteria fc;
    fc.criteria.emplace(c.name, c.list);
    base::Status s = Validate(fc);
    EXPECT_EQ(s.code(), base::Code::kInvalidArgument);
    EXPECT_EQ(s.message(), c.message);
  }
}

// ---- Findings for evaluation ----

struct TestFinding {
  std::int64_t id = 0;
  std::map<std::string, std::vector<std::string>> strings;
  std::map<std::string, double> numbers;
  std::map<std::string, std::string> dates;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<PackageView> packages;
  std::optional<std::pair<std::int64_t, std::int64_t>> ports;
};

// `row_package` mirrors the single-package layout: only the first package, and only when it has
// a name.
class View : public FindingView {
 public:
  View(const TestFinding& f, bool row_package) : f_(f), row_package_(row_package) {}
  std::vector<std::string> Strings(std::string_view c) const override {
    auto it = f_.strings.find(std::string(c));
    return it == f_.strings.end() ? std::vector<std::string>{} : it->second;
  }
  std::optional<double> Number(std::string_view c) const override {
    auto it = f_.numbers.find(std::string(c));
    if (it == f_.numbers.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> Date(std::string_view c) const override {
    auto it = f_.dates.find(std::string(c));
    if (it == f_.dates.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::pair<std::string, std::string>> Map(std::string_view c) const override {
    return c == "resourceTags" ? f_.tags : std::vector<std::pair<std::string, std::string>>{};
  }
  std::vector<PackageView> Packages(std::string_view c) const override {
    if (c != "vulnerablePackages") return {};
    if (!row_package_) return f_.packages;
    if (f_.packages.empty() || !f_.packages[0].name) return {};
    return {f_.packages[0]};
  }
  std::optional<std::pair<std::int64_t, std::int64_t>> PortRange(
      std::string_view c) const override {
    if (c != "portRange") return std::nullopt;
    return f_.ports;
  }

 private:
  const TestFinding& f_;
  bool row_package_;
};

PackageView Pkg(std::optional<std::string> name, std::optional<std::string> version,
                std::optional<double> epoch = std::nullopt,
                std::optional<std::string> arch = std::nullopt,
                std::optional<std::string> release = std::nullopt) {
  PackageView p;
  p.name = std::move(name);
  p.version = std::move(version);
  p.epoch = epoch;
  p.architecture = std::move(arch);
  p.release = std::move(release);
  return p;
}

std::vector<TestFinding> Findings() {
  std::vector<TestFinding> v;
  {
    TestFinding f;
    f.id = 1;
    f.strings = {
        {"severity", {"CRITICAL"}},          {"title", {"CVE-2024-1 - openssl"}},
        {"vulnerabilityId", {"CVE-2024-1"}}, {"relatedVulnerabilities", {"DSA-1", "GHSA-1"}},
        {"fixAvailable", {"YES"}},           {"ecrImageTags", {"latest", "v1"}}};
    f.numbers = {{"score", 9.8}, {"epssScore", 0.5}};
    f.dates = {{"updatedAt", "2024-05-01T12:00:00Z"}, {"firstObservedAt", "2024-01-01T00:00:00Z"}};
    f.tags = {{"team", "payments"}, {"env", "prod"}};
    f.packages = {Pkg("openssl", "3.0.1", 0, "amd64"), Pkg("libssl3", "3.0.1", 1, "amd64")};
    f.packages[0].file_path = "/usr/lib/x86_64-linux-gnu/libssl.so.3";
    f.packages[0].source_layer_hash = "sha256:aa";
    v.push_back(f);
  }
  {
    TestFinding f;
    f.id = 2;
    f.strings = {{"severity", {"HIGH"}},
                 {"title", {"100%_done"}},
                 {"vulnerabilityId", {"CVE-2024-2"}},
                 {"relatedVulnerabilities", {"GHSA-2"}},
                 {"fixAvailable", {"NO"}},
                 {"ecrImageTags", {"v1"}}};
    f.numbers = {{"score", 7.0}, {"epssScore", 0.25}};
    f.dates = {{"updatedAt", "2024-05-31T23:59:59Z"}, {"firstObservedAt", "2024-05-01T12:00:00Z"}};
    f.tags = {{"team", ""}};
    f.packages = {Pkg("libssl3", "3.0.2", 1, "arm64", "el9")};
    v.push_back(f);
  }
  {
    TestFinding f;
    f.id = 3;
    f.strings = {{"severity", {"LOW"}},
                 {"title", {"100%xdone"}},
                 {"networkProtocol", {"TCP"}},
                 {"fixAvailable", {"NO"}}};
    f.dates = {{"updatedAt", "2024-06-01T00:00:00Z"}};
    f.ports = {{20, 25}};
    v.push_back(f);
  }
  {
    TestFinding f;
    f.id = 4;
    f.strings = {{"severity", {"MEDIUM"}},
                 {"title", {"a_b \xc3\xa9t\xc3\xa9"}},
                 {"vulnerabilityId", {"GHSA-4"}},
                 {"fixAvailable", {"PARTIAL"}}};
    f.numbers = {{"score", 4.0}};
    f.dates = {{"firstObservedAt", "1999-12-31T23:59:59Z"}};
    f.tags = {{"env", "dev"}, {"owner", "100%"}};
    f.packages = {Pkg("zlib1g", "1:1.2.13", 1), Pkg(std::nullopt, "2.0")};
    v.push_back(f);
  }
  {
    TestFinding f;
    f.id = 5;
    f.strings = {{"severity", {"HIGH"}},
                 {"title", {"CVE-2024-1 - openssl-libs"}},
                 {"vulnerabilityId", {"CVE-2024-1"}},
                 {"relatedVulnerabilities", {"DSA-1"}},
                 {"networkProtocol", {"UDP"}},
                 {"fixAvailable", {"YES"}}};
    f.numbers = {{"score", 7.5}, {"epssScore", 0.0}};
    f.dates = {{"updatedAt", "2024-05-01T11:59:59Z"}};
    f.tags = {{"env", "dev"}};
    f.packages = {Pkg(std::nullopt, "1.0"),
                  Pkg("openssl-libs", "1:3.0.7-27.el9", 1, "x86_64", "27.el9")};
    f.ports = {{80, 80}};
    v.push_back(f);
  }
  {
    TestFinding f;
    f.id = 6;
    f.strings = {{"severity", {"UNTRIAGED"}}, {"title", {"aXb"}}};
    v.push_back(f);
  }
  // Characters around the edges of UTF-8 encodings, for PREFIX ranges.
  const std::pair<std::int64_t, std::string> titles[] = {
      {7, "\xc3\xa9"},                           // U+00E9
      {8, "\xc3\xaa"},                           // U+00EA
      {9, "\xdf\xbf\x61"},                       // U+07FF a
      {10, "\xe0\xa0\x80"},                      // U+0800
      {11, "\xed\x9f\xbf\x78"},                  // U+D7FF x
      {12, "\xee\x80\x80"},                      // U+E000
      {13, "z\xf4\x8f\xbf\xbf"},                 // z U+10FFFF
      {14, "z\xf4\x8f\xbf\xbf\x62"},             // z U+10FFFF b
      {15, "{"},                                 // 'z' + 1
      {16, "\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"},  // U+10FFFF U+10FFFF
  };
  for (const auto& [id, title] : titles) {
    TestFinding f;
    f.id = id;
    f.strings = {{"title", {title}}, {"severity", {"INFORMATIONAL"}}};
    v.push_back(f);
  }
  return v;
}

std::set<std::int64_t> MatchIds(const FilterCriteria& c, const std::vector<TestFinding>& fs,
                                bool row_package) {
  std::set<std::int64_t> ids;
  for (const auto& f : fs) {
    if (Matches(c, View(f, row_package))) ids.insert(f.id);
  }
  return ids;
}

struct MatchCase {
  std::string json;
  std::set<std::int64_t> ids;
};

const std::set<std::int64_t> kAll = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

std::vector<MatchCase> MatchCases() {
  return {
      {R"({})", kAll},
      {R"({"severity": [{"comparison": "EQUALS", "value": "HIGH"},
                        {"comparison": "EQUALS", "value": "CRITICAL"}]})",
       {1, 2, 5}},
      {R"({"severity": [{"comparison": "NOT_EQUALS", "value": "HIGH"},
                        {"comparison": "NOT_EQUALS", "value": "LOW"},
                        {"comparison": "NOT_EQUALS", "value": "INFORMATIONAL"}]})",
       {1, 4, 6}},
      {R"({"severity": [{"comparison": "EQUALS", "value": "HIGH"},
                        {"comparison": "NOT_EQUALS", "value": "HIGH"}]})",
       {}},
      {R"({"severity": [{"comparison": "PREFIX", "value": "HI"},
                        {"comparison": "EQUALS", "value": "LOW"},
                        {"comparison": "NOT_EQUALS", "value": "HIGH"}]})",
       {3}},
      {R"({"severity": [{"comparison": "EQUALS", "value": "high"}]})", {}},
      {R"({"title": [{"comparison": "PREFIX", "value": "100%"}]})", {2, 3}},
      {R"({"title": [{"comparison": "PREFIX", "value": "100%_"}]})", {2}},
      {R"({"title": [{"comparison": "EQUALS", "value": "a_b"}]})", {}},
      {R"({"title": [{"comparison": "PREFIX", "value": "a_"}]})", {4}},
      {R"({"title": [{"comparison": "PREFIX", "value": "a_b \u00e9"}]})", {4}},
      {R"({"title": [{"comparison": "PREFIX", "value": "\u00e9"}]})", {7}},
      {R"({"title": [{"comparison": "PREFIX", "value": "\u07ff"}]})", {9}},
      {R"({"title": [{"comparison": "PREFIX", "value": "\ud7ff"}]})", {11}},
      {R"({"title": [{"comparison": "PREFIX", "value": "z\udbff\udfff"}]})", {13, 14}},
      {R"({"title": [{"comparison": "PREFIX", "value": "\udbff\udfff"}]})", {16}},
      {R"({"title": [{"comparison": "PREFIX", "value": "CVE-2024-1 - openssl"}]})", {1, 5}},
      {R"({"vulnerabilityId": [{"comparison": "NOT_EQUALS", "value": "CVE-2024-1"}]})",
       {2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
      {R"({"relatedVulnerabilities": [{"comparison": "EQUALS", "value": "GHSA-1"}]})", {1}},
      {R"({"relatedVulnerabilities": [{"comparison": "PREFIX", "value": "GHSA"}]})", {1, 2}},
      {R"({"relatedVulnerabilities": [{"comparison": "NOT_EQUALS", "value": "DSA-1"}]})",
       {2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
      {R"({"relatedVulnerabilities": [{"comparison": "PREFIX", "value": "DSA"},
                                      {"comparison": "NOT_EQUALS", "value": "GHSA-1"}]})",
       {5}},
      {R"({"ecrImageTags": [{"comparison": "EQUALS", "value": "v1"}],
           "fixAvailable": [{"comparison": "EQUALS", "value": "NO"}]})",
       {2}},
      {R"({"score": [{"lowerInclusive": 7}]})", {1, 2, 5}},
      {R"({"score": [{"upperInclusive": 7}]})", {2, 4}},
      {R"({"score": [{"lowerInclusive": 7, "upperInclusive": 7}]})", {2}},
      {R"({"score": [{"upperInclusive": 4}, {"lowerInclusive": 9}]})", {1, 4}},
      {R"({"score": [{}]})", {1, 2, 4, 5}},
      {R"({"epssScore": [{"upperInclusive": 0.25}]})", {2, 5}},
      {R"({"updatedAt": [{"startInclusive": "2024-05-01T12:00:00Z",
                          "endInclusive": "2024-05-31T23:59:59Z"}]})",
       {1, 2}},
      {R"({"updatedAt": [{"startInclusive": 1714564800, "endInclusive": "2024-06-01T02:00:00+02:00"}]})",
       {1, 2, 3}},
      {R"({"updatedAt": [{"endInclusive": "2024-05-01T11:59:59Z"}, {"startInclusive": "2024-06-01T00:00:00Z"}]})",
       {3, 5}},
      {R"({"firstObservedAt": [{"endInclusive": "2024-01-01T00:00:00Z"}]})", {1, 4}},
      {R"({"firstObservedAt": [{}]})", {1, 2, 4}},
      {R"({"resourceTags": [{"comparison": "EQUALS", "key": "team", "value": "payments"}]})", {1}},
      {R"({"resourceTags": [{"comparison": "EQUALS", "key": "team"}]})", {1, 2}},
      {R"({"resourceTags": [{"comparison": "EQUALS", "key": "team", "value": ""}]})", {2}},
      {R"({"resourceTags": [{"comparison": "EQUALS", "key": "env", "value": "prod"},
                            {"comparison": "EQUALS", "key": "env", "value": "dev"}]})",
       {1, 4, 5}},
      {R"({"resourceTags": [{"comparison": "EQUALS", "key": "owner", "value": "100_"}]})", {}},
      {R"({"vulnerablePackages": [{"name": {"comparison": "EQUALS", "value": "openssl"}}]})", {1}},
      {R"({"vulnerablePackages": [{"name": {"comparison": "PREFIX", "value": "openssl"}},
                                  {"name": {"comparison": "EQUALS", "value": "zlib1g"}}]})",
       {1, 4, 5}},
      {R"({"vulnerablePackages": [{"name": {"comparison": "PREFIX", "value": "open"},
                                   "version": {"comparison": "EQUALS", "value": "3.0.1"}}]})",
       {1}},
      {R"({"vulnerablePackages": [{"epoch": {"lowerInclusive": 1}}]})", {1, 2, 4, 5}},
      {R"({"vulnerablePackages": [{"release": {"comparison": "NOT_EQUALS", "value": "el9"}}]})",
       {1, 4, 5}},
      {R"({"vulnerablePackages": [{"architecture": {"comparison": "EQUALS", "value": "amd64"},
                                   "sourceLayerHash": {"comparison": "EQUALS", "value": "sha256:aa"},
                                   "filePath": {"comparison": "PREFIX", "value": "/usr/lib/"}}]})",
       {1}},
      {R"({"portRange": [{"beginInclusive": 22, "endInclusive": 22}]})", {3}},
      {R"({"portRange": [{"beginInclusive": 25, "endInclusive": 80}]})", {3, 5}},
      {R"({"portRange": [{"beginInclusive": 26, "endInclusive": 79}]})", {}},
      {R"({"portRange": [{"beginInclusive": 80}]})", {5}},
      {R"({"portRange": [{}], "networkProtocol": [{"comparison": "EQUALS", "value": "TCP"}]})",
       {3}},
      {R"({"severity": [{"comparison": "EQUALS", "value": "HIGH"}],
           "score": [{"lowerInclusive": 7.5}]})",
       {5}},
      {R"({"severity": [{"comparison": "EQUALS", "value": "HIGH"}],
           "title": [{"comparison": "PREFIX", "value": "CVE"}],
           "fixAvailable": [{"comparison": "NOT_EQUALS", "value": "NO"}]})",
       {5}},
  };
}

TEST(FilterMatchTest, Table) {
  const auto findings = Findings();
  for (const auto& c : MatchCases()) {
    SCOPED_TRACE(c.json);
    FilterCriteria fc = Parsed(c.json);
    // The expected ids see every package; PackagesOnTheRow covers the one-package layout.
    EXPECT_EQ(MatchIds(fc, findings, false), c.ids);
    if (!fc.criteria.contains("vulnerablePackages")) {
      EXPECT_EQ(MatchIds(fc, findings, true), c.ids);
    }
  }
}

TEST(FilterMatchTest, PackagesOnTheRow) {
  const auto findings = Findings();
  FilterCriteria fc = Parsed(R"({"vulnerablePackages": [{"epoch": {"lowerInclusive": 1}}]})");
  EXPECT_EQ(MatchIds(fc, findings, true), (std::set<std::int64_t>{2, 4}));
}

TEST(FilterMatchTest, DefaultViewHasNoValues) {
  FindingView empty;
  EXPECT_TRUE(Matches(FilterCriteria{}, empty));
  EXPECT_TRUE(Matches(Parsed(R"({"title": [{"comparison": "NOT_EQUALS", "value": "x"}]})"), empty));
  EXPECT_FALSE(Matches(Parsed(R"({"title": [{"comparison": "PREFIX", "value": "x"}]})"), empty));
  EXPECT_FALSE(Matches(Parsed(R"({"score": [{}]})"), empty));
  EXPECT_FALSE(Matches(Parsed(R"({"updatedAt": [{}]})"), empty));
  EXPECT_FALSE(
      Matches(Parsed(R"({"resourceTags": [{"comparison": "EQUALS", "key": "k"}]})"), empty));
  EXPECT_FALSE(Matches(
      Parsed(R"({"vulnerablePackages": [{"name": {"comparison": "NOT_EQUALS", "value": "x"}}]})"),
      empty));
  EXPECT_FALSE(Matches(Parsed(R"({"portRange": [{}]})"), empty));
}

// ---- SQL ----

class Db {
 public:
  Db() {
    EXPECT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    Exec(R"(
      CREATE TABLE findings (
        id INTEGER PRIMARY KEY, resource TEXT NOT NULL,
        severity TEXT, title TEXT, vulnerability_id TEXT, fix_available TEXT, network_protocol TEXT,
        score REAL, epss REAL, updated_at TEXT, first_observed INTEGER,
        port_first INTEGER, port_last INTEGER,
        package_name TEXT, package_version TEXT, package_epoch REAL, package_release TEXT,
        package_arch TEXT, package_layer TEXT, package_path TEXT);
      CREATE INDEX findings_title ON findings (title);
      CREATE TABLE related (finding INTEGER NOT NULL, vuln_id TEXT NOT NULL);
      CREATE TABLE image_tags (finding INTEGER NOT NULL, tag TEXT NOT NULL);
      CREATE TABLE resource_tags (resource TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL);
      CREATE TABLE packages (finding INTEGER NOT NULL, name TEXT, version TEXT, epoch REAL,
                             release TEXT, arch TEXT, layer TEXT, path TEXT);
    )");
  }
  ~Db() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << "\n" << sql;
    sqlite3_free(err);
  }

  // Runs `sql` with `params` bound to ?1.. and returns the first column of every row.
  std::set<std::int64_t> Ids(const std::string& sql, const std::vector<sql::Value>& params) {
    std::set<std::int64_t> ids;
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr);
    EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(db_) << "\n" << sql;
    if (rc != SQLITE_OK) return ids;
    Bind(st, params);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) ids.insert(sqlite3_column_int64(st, 0));
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
    return ids;
  }

  void Insert(const std::string& sql, const std::vector<sql::Value>& params) {
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
    Bind(st, params);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE) << sqlite3_errmsg(db_);
    sqlite3_finalize(st);
  }

 private:
  static void Bind(sqlite3_stmt* st, const std::vector<sql::Value>& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      int at = static_cast<int>(i) + 1;
      const auto& v = params[i];
      if (std::holds_alternative<std::int64_t>(v)) {
        sqlite3_bind_int64(st, at, std::get<std::int64_t>(v));
      } else if (std::holds_alternative<double>(v)) {
        sqlite3_bind_double(st, at, std::get<double>(v));
      } else if (std::holds_alternative<std::string>(v)) {
        const auto& s = std::get<std::string>(v);
        sqlite3_bind_text(st, at, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(st, at);
      }
    }
  }

  sqlite3* db_ = nullptr;
};

sql::Value Opt(const std::optional<std::string>& s) { return s ? sql::Value(*s) : sql::Null(); }
sql::Value Opt(const std::optional<double>& d) { return d ? sql::Value(*d) : sql::Null(); }

void Load(Db& db, const std::vector<TestFinding>& findings) {
  for (const auto& f : findings) {
    auto str = [&](const char* c) -> sql::Value {
      auto it = f.strings.find(c);
      return it == f.strings.end() || it->second.empty() ? sql::Null() : sql::Value(it->second[0]);
    };
    auto num = [&](const char* c) -> sql::Value {
      auto it = f.numbers.find(c);
      return it == f.numbers.end() ? sql::Null() : sql::Value(it->second);
    };
    auto date = [&](const char* c) -> std::optional<std::string> {
      auto it = f.dates.find(c);
      if (it == f.dates.end()) return std::nullopt;
      return it->second;
    };
    PackageView p;
    if (!f.packages.empty()) p = f.packages[0];
    auto first = date("firstObservedAt");
    const std::string resource = "r" + std::to_string(f.id);
    db.Insert(
        "INSERT INTO findings VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "?15, ?16, ?17, ?18, ?19, ?20)",
        {f.id,
         resource,
         str("severity"),
         str("title"),
         str("vulnerabilityId"),
         str("fixAvailable"),
         str("networkProtocol"),
         num("score"),
         num("epssScore"),
         Opt(date("updatedAt")),
         first ? sql::Value(*ParseRfc3339(*first)) : sql::Null(),
         f.ports ? sql::Value(f.ports->first) : sql::Null(),
         f.ports ? sql::Value(f.ports->second) : sql::Null(),
         Opt(p.name),
         Opt(p.version),
         Opt(p.epoch),
         Opt(p.release),
         Opt(p.architecture),
         Opt(p.source_layer_hash),
         Opt(p.file_path)});
    for (const char* c : {"relatedVulnerabilities", "ecrImageTags"}) {
      auto it = f.strings.find(c);
      if (it == f.strings.end()) continue;
      for (const auto& v : it->second) {
        db.Insert(std::string(c) == "ecrImageTags" ? "INSERT INTO image_tags VALUES (?1, ?2)"
                                                   : "INSERT INTO related VALUES (?1, ?2)",
                  {f.id, v});
      }
    }
    for (const auto& [k, v] : f.tags) {
      db.Insert("INSERT INTO resource_tags VALUES (?1, ?2, ?3)", {resource, k, v});
    }
    for (const auto& pk : f.packages) {
      db.Insert("INSERT INTO packages VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                {f.id, Opt(pk.name), Opt(pk.version), Opt(pk.epoch), Opt(pk.release),
                 Opt(pk.architecture), Opt(pk.source_layer_hash), Opt(pk.file_path)});
    }
  }
}

SqlColumns Columns(bool row_package) {
  SqlColumns c = {
      {"severity", SqlColumn::Text("f.severity")},
      {"title", SqlColumn::Text("f.title")},
      {"vulnerabilityId", SqlColumn::Text("f.vulnerability_id")},
      {"fixAvailable", SqlColumn::Text("f.fix_available")},
      {"networkProtocol", SqlColumn::Text("f.network_protocol")},
      {"relatedVulnerabilities",
       SqlColumn::TextSet("SELECT 1 FROM related r WHERE r.finding = f.id AND {}", "r.vuln_id")},
      {"ecrImageTags",
       SqlColumn::TextSet("SELECT 1 FROM image_tags i WHERE i.finding = f.id AND {}", "i.tag")},
      {"score", SqlColumn::Number("f.score")},
      {"epssScore", SqlColumn::Number("f.epss")},
      {"updatedAt", SqlColumn::Date("f.updated_at")},
      {"firstObservedAt", SqlColumn::EpochSeconds("f.first_observed")},
      {"resourceTags",
       SqlColumn::Map("SELECT 1 FROM resource_tags t WHERE t.resource = f.resource AND {}", "t.key",
                      "t.value")},
      {"portRange", SqlColumn::PortRange("f.port_first", "f.port_last")},
  };
  if (row_package) {
    c["vulnerablePackages"] = SqlColumn::Package({{"name", "f.package_name"},
                                                  {"version", "f.package_version"},
                                                  {"epoch", "f.package_epoch"},
                                                  {"release", "f.package_release"},
                                                  {"architecture", "f.package_arch"},
                                                  {"sourceLayerHash", "f.package_layer"},
                                                  {"filePath", "f.package_path"}});
  } else {
    c["vulnerablePackages"] =
        SqlColumn::Package({{"name", "p.name"},
                            {"version", "p.version"},
                            {"epoch", "p.epoch"},
                            {"release", "p.release"},
                            {"architecture", "p.arch"},
                            {"sourceLayerHash", "p.layer"},
                            {"filePath", "p.path"}},
                           "SELECT 1 FROM packages p WHERE p.finding = f.id AND {}");
  }
  return c;
}

std::string WithoutCollateC(std::string s) {
  const std::string c = " COLLATE \"C\"";
  for (size_t at; (at = s.find(c)) != std::string::npos;) s.erase(at, c.size());
  return s;
}

// Runs the criteria through ToSql against `db` (parameters numbered from 2, after one of the
// query's own) and through Matches; both must select the same findings.
void ExpectSameSelection(Db& db, const FilterCriteria& fc, const std::vector<TestFinding>& findings,
                         bool row_package) {
  auto where = ToSql(fc, Columns(row_package), sql::Dialect::kSqlite, 2);
  ASSERT_TRUE(where.ok()) << where.status().ToString();
  std::vector<sql::Value> params = {std::int64_t{0}};
  params.insert(params.end(), where->params.begin(), where->params.end());
  auto got = db.Ids("SELECT f.id FROM findings f WHERE f.id > ?1 AND " + where->sql, params);
  EXPECT_EQ(got, MatchIds(fc, findings, row_package))
      << "criteria: " << ToJson(fc).dump() << "\nsql: " << where->sql;
  auto pg = ToSql(fc, Columns(row_package), sql::Dialect::kPostgres, 2);
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(WithoutCollateC(pg->sql), where->sql);
  EXPECT_EQ(pg->params, where->params);
}

TEST(FilterSqlTest, SelectsWhatMatchesSelects) {
  const auto findings = Findings();
  Db db;
  Load(db, findings);
  for (bool row_package : {false, true}) {
    for (const auto& c : MatchCases()) {
      SCOPED_TRACE(c.json + (row_package ? " (package on the row)" : " (package table)"));
      FilterCriteria fc = Parsed(c.json);
      ExpectSameSelection(db, fc, findings, row_package);
      if (!row_package) {
        EXPECT_EQ(MatchIds(fc, findings, false), c.ids);
      }
    }
  }
}

// Criteria generated from the findings' own values, their prefixes and near misses.
class CriteriaGenerator {
 public:
  explicit CriteriaGenerator(const std::vector<TestFinding>& findings) : rng_(20240501) {
    for (const auto& f : findings) {
      for (const auto& [c, values] : f.strings) {
        for (const auto& v : values) AddString(c, v);
      }
      for (const auto& [k, v] : f.tags) {
        tag_keys_.push_back(k);
        tag_values_.push_back(v);
      }
      for (const auto& p : f.packages) {
        if (p.name) AddString("package.name", *p.name);
        if (p.version) AddString("package.version", *p.version);
        if (p.release) AddString("package.release", *p.release);
        if (p.architecture) AddString("package.architecture", *p.architecture);
      }
      for (const auto& [c, d] : f.dates) {
        auto t = *ParseRfc3339(d);
        for (std::int64_t dt : {-1, 0, 1}) dates_.push_back(FormatRfc3339(t + dt));
      }
    }
    for (const char* junk : {"%", "_", "100%", "a%", "zz", "\xc3\xa9"}) {
      for (auto& [c, values] : strings_) values.push_back(junk);
    }
    tag_keys_.push_back("nope");
    tag_values_.push_back("x");
  }

  FilterCriteria Next() {
    static const char* kNames[] = {"severity",
                                   "title",
                                   "vulnerabilityId",
                                   "fixAvailable",
                                   "relatedVulnerabilities",
                                   "ecrImageTags",
                                   "networkProtocol",
                                   "score",
                                   "epssScore",
                                   "updatedAt",
                                   "firstObservedAt",
                                   "resourceTags",
                                   "vulnerablePackages",
                                   "portRange"};
    FilterCriteria fc;
    int n = Pick(1, 3);
    for (int i = 0; i < n; ++i) {
      std::string name = kNames[Pick(0, static_cast<int>(std::size(kNames)) - 1)];
      fc.criteria[name] = List(name);
    }
    return fc;
  }

 private:
  int Pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Coin() { return Pick(0, 1) == 1; }

  void AddString(const std::string& c, const std::string& v) {
    auto& values = strings_[c];
    values.push_back(v);
    // Prefixes at character boundaries.
    for (size_t i = 1; i < v.size(); ++i) {
      if ((static_cast<unsigned char>(v[i]) & 0xC0) != 0x80) values.push_back(v.substr(0, i));
    }
  }

  StringFilter String(const std::string& c) {
    const auto& values = strings_[c];
    auto comparison = static_cast<Comparison>(Pick(0, 2));
    return {comparison, values[Pick(0, static_cast<int>(values.size()) - 1)]};
  }

  NumberFilter Range(std::vector<double> points) {
    NumberFilter f;
    if (Coin()) f.lower_inclusive = points[Pick(0, static_cast<int>(points.size()) - 1)];
    if (Coin()) f.upper_inclusive = points[Pick(0, static_cast<int>(points.size()) - 1)];
    if (f.lower_inclusive && f.upper_inclusive && *f.lower_inclusive > *f.upper_inclusive) {
      std::swap(f.lower_inclusive, f.upper_inclusive);
    }
    return f;
  }

  FilterList List(const std::string& name) {
    int n = Pick(1, 3);
    const auto kind = FindCriterion(name)->kind;
    switch (kind) {
      case CriterionKind::kString: {
        std::vector<StringFilter> v;
        for (int i = 0; i < n; ++i) v.push_back(String(name));
        return v;
      }
      case CriterionKind::kNumber: {
        std::vector<NumberFilter> v;
        for (int i = 0; i < n; ++i) v.push_back(Range({0, 0.25, 0.5, 4, 7, 7.5, 9.8, 10}));
        return v;
      }
      case CriterionKind::kDate: {
        std::vector<DateFilter> v;
        for (int i = 0; i < n; ++i) {
          DateFilter d;
          if (Coin()) d.start_inclusive = dates_[Pick(0, static_cast<int>(dates_.size()) - 1)];
          if (Coin()) d.end_inclusive = dates_[Pick(0, static_cast<int>(dates_.size()) - 1)];
          if (d.start_inclusive && d.end_inclusive && *d.start_inclusive > *d.end_inclusive) {
            std::swap(d.start_inclusive, d.end_inclusive);
          }
          v.push_back(d);
        }
        return v;
      }
      case CriterionKind::kMap: {
        std::vector<MapFilter> v;
        for (int i = 0; i < n; ++i) {
          MapFilter m;
          m.key = tag_keys_[Pick(0, static_cast<int>(tag_keys_.size()) - 1)];
          if (Coin()) m.value = tag_values_[Pick(0, static_cast<int>(tag_values_.size()) - 1)];
          v.push_back(m);
        }
        return v;
      }
      case CriterionKind::kPackage: {
        std::vector<PackageFilter> v;
        for (int i = 0; i < n; ++i) {
          PackageFilter p;
          do {
            if (Coin()) p.name = String("package.name");
            if (Coin()) p.version = String("package.version");
            if (Pick(0, 3) == 0) p.release = String("package.release");
            if (Pick(0, 3) == 0) p.architecture = String("package.architecture");
            if (Pick(0, 3) == 0) p.epoch = Range({0, 1, 2});
          } while (p == PackageFilter{});
          v.push_back(p);
        }
        return v;
      }
      case CriterionKind::kPortRange: {
        std::vector<PortRangeFilter> v;
        const std::int64_t ports[] = {0, 20, 22, 25, 26, 79, 80, 81, 65535};
        for (int i = 0; i < n; ++i) {
          PortRangeFilter p;
          if (Coin()) p.begin_inclusive = ports[Pick(0, 8)];
          if (Coin()) p.end_inclusive = ports[Pick(0, 8)];
          if (p.begin_inclusive && p.end_inclusive && *p.begin_inclusive > *p.end_inclusive) {
            std::swap(p.begin_inclusive, p.end_inclusive);
          }
          v.push_back(p);
        }
        return v;
      }
    }
    return std::vector<StringFilter>{};
  }

  std::mt19937 rng_;
  std::map<std::string, std::vector<std::string>> strings_;
  std::vector<std::string> tag_keys_;
  std::vector<std::string> tag_values_;
  std::vector<std::string> dates_;
};

TEST(FilterSqlTest, GeneratedCriteriaSelectWhatMatchesSelects) {
  const auto findings = Findings();
  Db db;
  Load(db, findings);
  CriteriaGenerator gen(findings);
  int nonempty = 0;
  for (int i = 0; i < 1500; ++i) {
    FilterCriteria fc = gen.Next();
    ASSERT_TRUE(Validate(fc).ok()) << Validate(fc).ToString();
    for (bool row_package : {false, true}) {
      ExpectSameSelection(db, fc, findings, row_package);
      if (HasFailure()) return;
    }
    if (!MatchIds(fc, findings, false).empty()) ++nonempty;
  }
  // The generator must reach findings, not only produce empty selections.
  EXPECT_GT(nonempty, 300);
}

TEST(FilterSqlTest, Text) {
  FilterCriteria fc = Parsed(R"({
    "severity": [{"comparison": "EQUALS", "value": "HIGH"},
                 {"comparison": "EQUALS", "value": "CRITICAL"},
                 {"comparison": "NOT_EQUALS", "value": "LOW"}],
    "title": [{"comparison": "PREFIX", "value": "100%_"}],
    "score": [{"lowerInclusive": 7}, {"upperInclusive": 1}]})");
  auto lite = ToSql(fc, Columns(true), sql::Dialect::kSqlite, 3);
  ASSERT_TRUE(lite.ok()) << lite.status().ToString();
  EXPECT_EQ(lite->sql,
            "(f.score >= ?3 OR f.score <= ?4) AND (f.severity IN (?5, ?6) AND (f.severity IS NULL "
            "OR f.severity <> ?7)) AND (f.title >= ?8 AND f.title < ?9)");
  EXPECT_EQ(lite->params,
            (std::vector<sql::Value>{7.0, 1.0, "HIGH", "CRITICAL", "LOW", "100%_", "100%`"}));
  auto pg = ToSql(fc, Columns(true), sql::Dialect::kPostgres, 3);
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(pg->sql,
            "(f.score >= ?3 OR f.score <= ?4) AND (f.severity IN (?5, ?6) AND (f.severity IS NULL "
            "OR f.severity <> ?7)) AND (f.title COLLATE \"C\" >= ?8 AND f.title COLLATE \"C\" < "
            "?9)");

  FilterCriteria tags = Parsed(R"({
    "resourceTags": [{"comparison": "EQUALS", "key": "team", "value": "payments"},
                     {"comparison": "EQUALS", "key": "env"}],
    "relatedVulnerabilities": [{"comparison": "NOT_EQUALS", "value": "DSA-1"}],
    "vulnerablePackages": [{"name": {"comparison": "EQUALS", "value": "openssl"},
                            "epoch": {"lowerInclusive": 1, "upperInclusive": 2}}]})");
  auto t = ToSql(tags, Columns(true), sql::Dialect::kSqlite, 1);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->sql,
            "NOT EXISTS (SELECT 1 FROM related r WHERE r.finding = f.id AND r.vuln_id = ?1) AND "
            "EXISTS (SELECT 1 FROM resource_tags t WHERE t.resource = f.resource AND ((t.key = ?2 "
            "AND t.value = ?3) OR t.key = ?4)) AND (f.package_name IS NOT NULL AND (f.package_name "
            "= ?5 AND (f.package_epoch >= ?6 AND f.package_epoch <= ?7)))");
  EXPECT_EQ(t->params,
            (std::vector<sql::Value>{"DSA-1", "team", "payments", "env", "openssl", 1.0, 2.0}));

  FilterCriteria dates = Parsed(R"({"firstObservedAt": [{"startInclusive": "1970-01-01T00:01:00Z"}],
                                    "updatedAt": [{"endInclusive": 60}]})");
  auto d = ToSql(dates, Columns(true), sql::Dialect::kSqlite, 1);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->sql, "f.first_observed >= ?1 AND f.updated_at <= ?2");
  EXPECT_EQ(d->params, (std::vector<sql::Value>{std::int64_t{60}, "1970-01-01T00:01:00Z"}));

  auto empty = ToSql(FilterCriteria{}, {}, sql::Dialect::kPostgres, 1);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->sql, "1=1");
  EXPECT_TRUE(empty->params.empty());
}

TEST(FilterSqlTest, PrefixUpperBounds) {
  struct Case {
    std::string prefix;
    std::optional<std::string> hi;
  };
  const Case cases[] = {
      {"a", "b"},
      {"100%_", "100%`"},
      {"\x7f", "\xc2\x80"},
      {"\xc3\xa9", "\xc3\xaa"},
      {"\xdf\xbf", "\xe0\xa0\x80"},
      {"\xed\x9f\xbf", "\xee\x80\x80"},
      {"\xef\xbf\xbf", "\xf0\x90\x80\x80"},
      {"z\xf4\x8f\xbf\xbf", "{"},
      {"\xf4\x8f\xbf\xbf", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.prefix);
    FilterCriteria fc;
    fc.criteria["title"] = std::vector<StringFilter>{{Comparison::kPrefix, c.prefix}};
    auto r = ToSql(fc, Columns(true), sql::Dialect::kSqlite, 1);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    if (c.hi) {
      EXPECT_EQ(r->sql, "(f.title >= ?1 AND f.title < ?2)");
      EXPECT_EQ(r->params, (std::vector<sql::Value>{c.prefix, *c.hi}));
    } else {
      EXPECT_EQ(r->sql, "f.title >= ?1");
    }
  }
}

TEST(FilterSqlTest, Errors) {
  struct Case {
    std::string json;
    SqlColumns columns;
    base::Code code;
    std::string message;
  };
  auto cols = Columns(true);
  auto without_epss = cols;
  without_epss.erase("epssScore");
  auto wrong_kind = cols;
  wrong_kind["score"] = SqlColumn::Text("f.score");
  auto no_placeholder = cols;
  no_placeholder["relatedVulnerabilities"] =
      SqlColumn::TextSet("SELECT 1 FROM related r WHERE r.finding = f.id", "r.vuln_id");
  auto no_release = cols;
  no_release["vulnerablePackages"].package_fields.erase("release");
  auto no_name = cols;
  no_name["vulnerablePackages"].package_fields.erase("name");
  auto number_set = cols;
  number_set["score"].exists = "SELECT 1 WHERE {}";
  const Case cases[] = {
      {R"({"epssScore": [{"lowerInclusive": 0.5}]})", without_epss, base::Code::kNotSupported,
       "filter criterion epssScore: no SQL column for it"},
      {R"({"score": [{"lowerInclusive": 5}]})", wrong_kind, base::Code::kInvalidArgument,
       "SQL column for score does not hold number values"},
      {R"({"score": [{"lowerInclusive": 5}]})", number_set, base::Code::kInvalidArgument,
       "SQL column for score: only string, map and package criteria take a subquery"},
      {R"({"relatedVulnerabilities": [{"comparison": "EQUALS", "value": "x"}]})", no_placeholder,
       base::Code::kInvalidArgument,
       "SQL column for relatedVulnerabilities: the subquery needs exactly one {} placeholder"},
      {R"({"vulnerablePackages": [{"release": {"comparison": "EQUALS", "value": "x"}}]})",
       no_release, base::Code::kNotSupported, "vulnerablePackages.release: no SQL column"},
      {R"({"vulnerablePackages": [{"version": {"comparison": "EQUALS", "value": "x"}}]})", no_name,
       base::Code::kInvalidArgument,
       R"(SQL column for vulnerablePackages: a package on the finding row needs a "name" expression)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    auto r = ToSql(Parsed(c.json), c.columns, sql::Dialect::kSqlite, 1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code);
    EXPECT_EQ(r.status().message(), c.message);
  }
  FilterCriteria invalid;
  invalid.criteria["title"] = std::vector<StringFilter>{{Comparison::kEquals, ""}};
  auto r = ToSql(invalid, cols, sql::Dialect::kSqlite, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "filterCriteria.title[0].value: expected 1 to 1024 characters, got 0");
}

}  // namespace
}  // namespace assay::findings
