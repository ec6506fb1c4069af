// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/inventory_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace assay::inventory {
namespace {

model::Inventory Sample() {
  model::Inventory inv;
  inv.os = {.id = "ubuntu",
            .version_id = "22.04",
            .codename = "jammy",
            .pretty_name = "Ubuntu 22.04.4 LTS",
            .ecosystem = "Ubuntu:22.04:LTS",
            .ubuntu_pro = true};
  inv.packages.push_back({.ecosystem = "Ubuntu:22.04:LTS",
                          .name = "libc6",
                          .version = "2.35-0ubuntu3.6",
                          .source_name = "glibc",
                          .source_version = "",
                          .arch = "amd64",
                          .purl = "pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64",
                          .path = "var/lib/dpkg/status",
                          .layer_digest = "sha256:ab",
                          .package_manager = "dpkg"});
  inv.warnings.push_back({"var/lib/dpkg/status:12", "duplicated field"});
  inv.collectors = {"dpkg@2", "apk@2"};
  return inv;
}

TEST(InventoryJsonTest, ShapeIsStable) {
  model::Inventory empty;
  EXPECT_EQ(InventoryToJson(empty).dump(),
            R"({"os":{"id":"","versionId":"","codename":"","prettyName":"","ecosystem":"",)"
            R"("ubuntuPro":false},"packages":[],"warnings":[],"collectors":[]})");
  EXPECT_EQ(InventoryToJson(Sample()).dump(),
            R"({"os":{"id":"ubuntu","versionId":"22.04","codename":"jammy",)"
            R"("prettyName":"Ubuntu 22.04.4 LTS","ecosystem":"Ubuntu:22.04:LTS","ubuntuPro":true},)"
            R"("packages":[{"ecosystem":"Ubuntu:22.04:LTS","name":"libc6",)"
            R"("version":"2.35-0ubuntu3.6","sourceName":"glibc","sourceVersion":"","arch":"amd64",)"
            R"("purl":"pkg:deb/ubuntu/libc6@2.35-0ubuntu3.6?arch=amd64",)"
            R"("path":"var/lib/dpkg/status","layerDigest":"sha256:ab","packageManager":"dpkg"}],)"
            R"("warnings":[{"location":"var/lib/dpkg/status:12","message":"duplicated field"}],)"
            R"("collectors":["dpkg@2","apk@2"]})");
}

TEST(InventoryJsonTest, RoundTrip) {
  model::Inventory in = Sample();
  std::string text = InventoryToJsonText(in);
  EXPECT_EQ(text.back(), '\n');
  auto out = InventoryFromJsonText(text);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(InventoryToJsonText(*out), text);
  EXPECT_EQ(out->packages[0].layer_digest, "sha256:ab");
  EXPECT_TRUE(out->os.ubuntu_pro);
}

TEST(InventoryJsonTest, InvalidUtf8IsReplacedNotFatal) {
  model::Inventory inv;
  model::Package p;
  p.name = "bad\xff\xfename";
  inv.packages.push_back(p);
  std::string text = InventoryToJsonText(inv);
  auto back = InventoryFromJsonText(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->packages[0].name, "bad\xEF\xBF\xBD\xEF\xBF\xBDname");
}

TEST(InventoryJsonTest, Decode) {
  struct Case {
    std::string text;
    std::string error;  // "" = ok
  };
  const std::vector<Case> cases = {
      {"{}", ""},
      {R"({"os":null,"packages":null})", ""},
      {R"({"packages":[{"name":"x"}],"future":1})", ""},
      {"", "inventory JSON: not valid JSON"},
      {"[]", "inventory JSON: the document must be an object"},
      {R"({"os":[]})", "inventory JSON: os must be an object"},
      {R"({"os":{"id":1}})", "inventory JSON: os.id must be a string"},
      {R"({"os":{"ubuntuPro":"yes"}})", "inventory JSON: os.ubuntuPro must be a boolean"},
      {R"({"packages":{}})", "inventory JSON: packages must be an array"},
      {R"({"packages":[1]})", "inventory JSON: packages[0] must be an object"},
      {R"({"packages":[{},{"version":2}]})",
       "inventory JSON: packages[1].version must be a string"},
      {R"({"warnings":[{"message":[]}]})", "inventory JSON: warnings[0].message must be a string"},
      {R"({"collectors":["a",1]})", "inventory JSON: collectors[1] must be a string"},
  };
  for (const Case& tc : cases) {
    SCOPED_TRACE(tc.text);
    auto r = InventoryFromJsonText(tc.text);
    if (tc.error.empty()) {
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    } else {
      EXPECT_EQ(r.status().code(), base::Code::kInvalidArgument);
      EXPECT_EQ(r.status().message(), tc.error);
    }
  }
}

}  // namespace
}  // namespace assay::inventory
