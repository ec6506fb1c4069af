// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/dotnet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace assay::inventory {
namespace {

using Strings = std::vector<std::string>;

// Sorted "name@version" (JSON objects do not keep key order).
Strings Ids(const Parsed& p) {
  Strings out;
  for (const auto& pkg : p.packages) out.push_back(pkg.name + "@" + pkg.version);
  std::sort(out.begin(), out.end());
  return out;
}

Strings Warnings(const Parsed& p) {
  Strings out;
  for (const auto& w : p.warnings) out.push_back(w.location + ": " + w.message);
  std::sort(out.begin(), out.end());
  return out;
}

struct Case {
  const char* name;
  const char* text;
  Strings want;       // sorted
  Strings warnings;   // sorted "location: message"
  const char* error;  // substring of the error, or nullptr
};

const Case kLockCases[] = {
    {"Empty", R"({"version": 1, "dependencies": {}})", {}, {}, nullptr},
    {"TypesAndFrameworks",
     R"({"version": 1, "dependencies": {
          "net6.0": {
            "Core.Dep": {"type": "Direct", "requested": "[1.24.0]", "resolved": "1.24.0"},
            "Some.Dep": {"type": "Transitive", "resolved": "4.6.0"},
            "Central": {"type": "CentralTransitive", "requested": "[2.0.0]", "resolved": "2.0.0"},
            "my.project": {"type": "Project", "dependencies": {"Core.Dep": "1.24.0"}}
          },
          "net8.0": {
            "Core.Dep": {"type": "Direct", "resolved": "1.24.0"},
            "Some.Dep": {"type": "Transitive", "resolved": "4.7.0"}
          }}})",
     {"Central@2.0.0", "Core.Dep@1.24.0", "Some.Dep@4.6.0", "Some.Dep@4.7.0"},
     {},
     nullptr},
    {"Version2",
     R"({"version": 2, "dependencies": {"net8.0": {"A": {"resolved": "1.0.0"}}}})",
     {"A@1.0.0"},
     {},
     nullptr},
    {"MissingVersionIsRead",
     R"({"dependencies": {"net8.0": {"A": {"resolved": "1.0.0"}}}})",
     {"A@1.0.0"},
     {"p.json: version: no lock file \"version\"; read as version 1"},
     nullptr},
    {"BadEntries",
     R"({"version": 1, "dependencies": {"net8.0": {"A": 1, "B": {"type": "Direct"},
          "C D": {"resolved": "1.0"}}, "net9.0": []}})",
     {},
     {"p.json: dependencies.net8.0.A: package entry is not an object; skipped",
      "p.json: dependencies.net8.0.B: package B has no usable \"resolved\" version; skipped",
      "p.json: dependencies.net8.0.C D: invalid package name; skipped",
      "p.json: dependencies.net9.0: not an object of packages; skipped"},
     nullptr},
    {"UnsupportedVersion0",
     R"({"version": 0, "dependencies": {}})",
     {},
     {},
     "p.json: unsupported packages.lock.json version 0"},
    {"UnsupportedVersionString",
     R"({"version": "1", "dependencies": {}})",
     {},
     {},
     "unsupported packages.lock.json version string"},
    {"DependenciesNotObject",
     R"({"version": 1, "dependencies": []})",
     {},
     {},
     "p.json: \"dependencies\" is not an object"},
    {"NotJson", "<xml/>", {}, {}, "p.json: not a packages.lock.json (JSON)"},
    {"NotObject", "[1]", {}, {}, "top level is not an object"},
};

class NugetLockTest : public ::testing::TestWithParam<Case> {};

TEST_P(NugetLockTest, Parses) {
  const Case& c = GetParam();
  auto r = ParseNugetLock({c.text, "p.json", ""});
  if (c.error != nullptr) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
    return;
  }
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), c.want);
  EXPECT_EQ(Warnings(*r), c.warnings);
}

INSTANTIATE_TEST_SUITE_P(Cases, NugetLockTest, ::testing::ValuesIn(kLockCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(NugetLockTest, PackageFields) {
  auto r = ParseNugetLock(
      {R"({"version": 1, "dependencies": {"net6.0": {"Newtonsoft.Json": {"type": "Direct",
          "resolved": "12.0.3"}}}})",
       "src/App/packages.lock.json", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  const auto& p = r->packages[0];
  EXPECT_EQ(p.ecosystem, "NuGet");
  EXPECT_EQ(p.purl, "pkg:nuget/Newtonsoft.Json@12.0.3");
  EXPECT_EQ(p.path, "src/App/packages.lock.json");
  EXPECT_EQ(p.package_manager, "nuget");
  EXPECT_FALSE(p.dev);
}

const Case kDepsCases[] = {
    {"NoTargetKeepsAllPackagesAndProjects",
     R"({"libraries": {
          "App/1.0.0": {"type": "project"},
          "Newtonsoft.Json/13.0.1": {"type": "package"},
          "System.Runtime/4.3.0": {"type": "reference"},
          "Odd/1.0.0": {"type": "msbuildproject"},
          "Pack/2.0.0": {"type": "Package"}}})",
     {"App@1.0.0", "Newtonsoft.Json@13.0.1", "Pack@2.0.0"},
     {},
     nullptr},
    {"RuntimeTargetFiltersCompileOnly",
     R"({"runtimeTarget": {"name": ".NETCoreApp,Version=v6.0"},
         "targets": {".NETCoreApp,Version=v6.0": {
            "App/1.0.0": {"runtime": {"App.dll": {}}},
            "Runtime/1.0.0": {"runtime": {"lib/Runtime.dll": {}}},
            "Native/1.0.0": {"native": {"x.so": {}}},
            "Rid/1.0.0": {"runtimeTargets": {"runtimes/linux-x64/y.so": {}}},
            "Meta/1.0.0": {"dependencies": {"Runtime": "1.0.0"}},
            "Nulls/1.0.0": {"runtime": null}}},
         "libraries": {
            "App/1.0.0": {"type": "project"},
            "Runtime/1.0.0": {"type": "package"},
            "Native/1.0.0": {"type": "package"},
            "Rid/1.0.0": {"type": "package"},
            "Meta/1.0.0": {"type": "package"},
            "Nulls/1.0.0": {"type": "package"},
            "NotInTarget/1.0.0": {"type": "package"}}})",
     {"App@1.0.0", "Native@1.0.0", "NotInTarget@1.0.0", "Rid@1.0.0", "Runtime@1.0.0"},
     {},
     nullptr},
    {"MissingTargetKeepsAll",
     R"({"runtimeTarget": {"name": ".NETCoreApp,Version=v5.0"},
         "targets": {".NETCoreApp,Version=v6.0": {"Meta/1.0.0": {}}},
         "libraries": {"Meta/1.0.0": {"type": "package"}}})",
     {"Meta@1.0.0"},
     {},
     nullptr},
    {"RuntimePack",
     R"({"runtimeTarget": {"name": "t/linux-x64"},
         "targets": {"t/linux-x64": {
            "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0": {
              "runtime": {"System.Private.CoreLib.dll": {}}}}},
         "libraries": {"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0":
                         {"type": "runtimepack"}}})",
     {"Microsoft.NETCore.App.Runtime.linux-x64@8.0.0"},
     {},
     nullptr},
    {"BadKeys",
     R"({"libraries": {"NoVersion": {"type": "package"}, "/1.0": {"type": "package"},
                       "A/": {"type": "package"}, "B/1.0": 3}})",
     {},
     {"d.json: libraries./1.0: library key is not \"Name/Version\"; skipped",
      "d.json: libraries.A/: library key is not \"Name/Version\"; skipped",
      "d.json: libraries.B/1.0: library entry is not an object; skipped",
      "d.json: libraries.NoVersion: library key is not \"Name/Version\"; skipped"},
     nullptr},
    {"NoLibraries", R"({"runtimeTarget": {"name": "x"}, "targets": {}})", {}, {}, nullptr},
    {"NotDepsJson", R"({"name": "x"})", {}, {}, "d.json: not a .deps.json (no \"libraries\""},
    {"LibrariesNotObject", R"({"libraries": []})", {}, {}, "\"libraries\" is not an object"},
    {"Truncated",
     R"({"libraries": {"A/1.0": {"type": )",
     {},
     {},
     "d.json: not a .deps.json (JSON)"},
};

class DepsJsonTest : public ::testing::TestWithParam<Case> {};

TEST_P(DepsJsonTest, Parses) {
  const Case& c = GetParam();
  auto r = ParseDepsJson({c.text, "d.json", ""});
  if (c.error != nullptr) {
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.error), std::string::npos) << r.status().message();
    return;
  }
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Ids(*r), c.want);
  EXPECT_EQ(Warnings(*r), c.warnings);
}

INSTANTIATE_TEST_SUITE_P(Cases, DepsJsonTest, ::testing::ValuesIn(kDepsCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(DepsJsonTest, PackageFields) {
  auto r = ParseDepsJson({R"({"libraries": {"Newtonsoft.Json/13.0.1": {"type": "package"}}})",
                          "app/App.deps.json", ""});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->packages.size(), 1u);
  const auto& p = r->packages[0];
  EXPECT_EQ(p.ecosystem, "NuGet");
  EXPECT_EQ(p.purl, "pkg:nuget/Newtonsoft.Json@13.0.1");
  EXPECT_EQ(p.path, "app/App.deps.json");
  EXPECT_EQ(p.package_manager, "dotnet");
}

}  // namespace
}  // namespace assay::inventory
