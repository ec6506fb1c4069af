// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Validates the sarif and cyclonedx renderers' output against the PUBLISHED JSON schemas
// (SARIF 2.1.0, CycloneDX 1.5 with its spdx and jsf companions), using Ajv and the schema files
// that tools/schemas/package.json pins (installed by scripts/setup; nothing is downloaded here).
// Skips when node or tools/schemas/node_modules is missing. SPDX 2.3 is not validated here: no
// Debian or npm package at hand ships its JSON schema (render_test.cc checks its structure).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/strings.h"
#include "base/testing/conformance.h"
#include "report/render.h"
#include "report/test_fixture.h"

namespace assay::report {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> FindNode() {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  for (std::string_view dir : base::Split(path, ':')) {
    if (dir.empty()) continue;
    for (const char* name : {"node", "nodejs"}) {
      fs::path p = fs::path(std::string(dir)) / name;
      if (::access(p.c_str(), X_OK) == 0) return p;
    }
  }
  return std::nullopt;
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct CommandRun {
  int exit_code = -1;
  std::string output;
};

CommandRun RunCommand(const std::string& cmd) {
  CommandRun r;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class SchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = FindNode();
    if (!node_) GTEST_SKIP() << "node is not installed (scripts/setup installs nodejs)";
    script_ = assay::testing::SourceDir() / "tools/schemas/validate.js";
    if (!fs::is_directory(assay::testing::SourceDir() / "tools/schemas/node_modules/ajv")) {
      GTEST_SKIP() << "tools/schemas/node_modules is missing: run scripts/setup";
    }
    auto t = base::TempDir::Create("assay-schema-itest");
    ASSERT_TRUE(t.ok());
    tmp_.emplace(std::move(*t));
  }

  // Renders every result with `render` into files and validates them as `kind` in one call.
  void Validate(const std::string& kind, RenderFn render,
                const std::vector<std::pair<std::string, ScanResult>>& results) {
    std::string cmd = Quote(node_->string()) + " " + Quote(script_.string()) + " " + kind;
    for (const auto& [name, result] : results) {
      RenderOptions opts;
      fs::path file = tmp_->path() / (name + "." + kind + ".json");
      std::ofstream(file, std::ios::binary) << render(result, opts);
      cmd += " " + Quote(file.string());
    }
    CommandRun r = RunCommand(cmd);
    std::printf("%s", r.output.c_str());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), static_cast<long>(results.size()))
        << r.output;
  }

  static std::vector<std::pair<std::string, ScanResult>> Results() {
    std::vector<std::pair<std::string, ScanResult>> out;
    ScanResult sample = testing::SampleResult();
    out.emplace_back("sample", sample);
    out.emplace_back("inventory-only", InventoryResult(sample.inventory, sample.resource));

    ScanResult host = sample;
    host.resource = {"host", "host:web-1", "/", "2024-05-01T12:00:00.123Z", {}};
    out.emplace_back("host", host);

    ScanResult sbom = sample;
    sbom.resource = {"sbom", "sbom:/tmp/bom 1.json", "/tmp/bom 1.json", "2024-05-01T12:00:00Z",
                     {}};
    out.emplace_back("sbom", sbom);

    ScanResult hostile = sample;
    hostile.findings[0].title = "bad \xff\xfe utf-8 \xc2\x9b[31m";
    hostile.findings[0].package_vulnerability_details.source_url = "javascript:alert(1)";
    hostile.findings[0].package_vulnerability_details.reference_urls = {"http://a b", ""};
    hostile.findings[0].package_vulnerability_details.vendor_created_at = "yesterday";
    hostile.findings[1].package_vulnerability_details.vulnerable_packages[0].version = "";
    hostile.findings[1].package_vulnerability_details.vulnerable_packages[0].file_path =
        "var/lib/dpkg/status.d/weird name#?";
    hostile.inventory.packages[0].purl = "";
    hostile.inventory.packages.push_back(hostile.inventory.packages[1]);  // duplicate purl
    hostile.resource.scanned_at = "not a time";
    hostile.warnings.push_back("\xe2\x82");
    out.emplace_back("hostile", hostile);

    ScanResult empty;
    empty.resource = {"rootfs", "", "", "", {}};
    out.emplace_back("empty", empty);
    return out;
  }

  std::optional<fs::path> node_;
  fs::path script_;
  std::optional<base::TempDir> tmp_;
};

TEST_F(SchemaTest, SarifMatchesThePublishedSchema) { Validate("sarif", &RenderSarif, Results()); }

TEST_F(SchemaTest, CycloneDxMatchesThePublishedSchema) {
  Validate("cyclonedx", &RenderCycloneDx, Results());
}

TEST_F(SchemaTest, ValidatorRejectsWhatTheSchemaForbids) {
  // The validator is not a rubber stamp: a SARIF level and a CycloneDX severity outside their
  // enumerations are rejected.
  std::string sarif = RenderSarif(testing::SampleResult(), RenderOptions{});
  std::string cdx = RenderCycloneDx(testing::SampleResult(), RenderOptions{});
  auto replace = [](std::string s, const std::string& from, const std::string& to) {
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  fs::path bad_sarif = tmp_->path() / "bad.sarif.json";
  fs::path bad_cdx = tmp_->path() / "bad.cdx.json";
  std::ofstream(bad_sarif) << replace(sarif, "\"level\": \"error\"", "\"level\": \"fatal\"");
  std::ofstream(bad_cdx) << replace(cdx, "\"severity\": \"critical\"", "\"severity\": \"severe\"");
  std::string base = Quote(node_->string()) + " " + Quote(script_.string());
  EXPECT_EQ(RunCommand(base + " sarif " + Quote(bad_sarif.string())).exit_code, 1);
  EXPECT_EQ(RunCommand(base + " cyclonedx " + Quote(bad_cdx.string())).exit_code, 1);
}

}  // namespace
}  // namespace assay::report
