// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/image_manifest.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/file.h"

namespace assay::inventory {
namespace {

using base::Code;

// Real-shaped documents, shared with the fuzz harness as its seeds: oci_manifest.json is what
// umoci wrote, docker_manifest.json what skopeo converted it to; the index, the manifest list
// and the config have the shapes BuildKit and Docker Hub serve.
std::string Doc(const std::string& name) {
  auto path = std::filesystem::path(ASSAY_SOURCE_DIR) /
              "src/inventory/testdata/fuzz/image_manifest_fuzz" / name;
  auto r = base::ReadFile(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

const std::string kHexA(64, 'a');
const std::string kDigestA = "sha256:" + kHexA;

TEST(ImageManifestTest, ValidateDigest) {
  struct Case {
    std::string digest;
    Code want;
  };
  const std::vector<Case> cases = {
      {kDigestA, Code::kOk},
      {"sha256:" + std::string(63, 'a'), Code::kInvalidArgument},
      {"sha256:" + std::string(65, 'a'), Code::kInvalidArgument},
      {"sha256:" + std::string(64, 'A'), Code::kInvalidArgument},  // uppercase hex
      {"sha256:" + std::string(63, 'a') + "g", Code::kInvalidArgument},
      {"sha256:../../../../etc/passwd", Code::kInvalidArgument},
      {"sha256:" + std::string(62, 'a') + "/x", Code::kInvalidArgument},
      {"sha512:" + std::string(128, 'a'), Code::kNotSupported},
      {"blake3:" + std::string(64, 'a'), Code::kNotSupported},
      {"multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", Code::kNotSupported},
      {"SHA256:" + kHexA, Code::kInvalidArgument},
      {"../sha256:" + kHexA, Code::kInvalidArgument},
      {":" + kHexA, Code::kInvalidArgument},
      {"sha256", Code::kInvalidArgument},
      {"", Code::kInvalidArgument},
      {"sha256:", Code::kInvalidArgument},
      {"sha-:" + kHexA, Code::kInvalidArgument},
      {std::string("sha256:") + std::string(32, 'a') + '\0' + std::string(31, 'a'),
       Code::kInvalidArgument},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.digest);
    base::Status s = ValidateDigest(tc.digest, "layer 3");
    EXPECT_EQ(s.code(), tc.want) << s.ToString();
    if (!s.ok()) {
      EXPECT_NE(s.message().find("layer 3"), std::string::npos) << s.message();
    }
  }
  EXPECT_EQ(DigestHex(kDigestA), kHexA);
}

TEST(ImageManifestTest, DigestOfAndAcceptHeader) {
  EXPECT_EQ(DigestOf(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The name of umoci's manifest blob is the digest of its bytes.
  EXPECT_EQ(DigestOf(Doc("oci_manifest.json")),
            "sha256:33acec28e461796c5cb50f8847d52d3a02cff24ccf0bdce9a49264a60d5f4d32");
  std::string accept = ManifestAcceptHeader();
  for (std::string_view t : {kOciIndexMediaType, kOciManifestMediaType, kDockerListMediaType,
                             kDockerManifestMediaType}) {
    EXPECT_NE(accept.find(t), std::string::npos) << t;
  }
  EXPECT_EQ(accept.find('\n'), std::string::npos);
}

TEST(ImageManifestTest, ParsePlatform) {
  struct Case {
    const char* text;
    const char* want;  // ToString(), nullptr for an error
  };
  const Case cases[] = {
      {"linux/amd64", "linux/amd64"},
      {"linux/arm64/v8", "linux/arm64/v8"},
      {"amd64", "linux/amd64"},
      {"arm64", "linux/arm64"},
      {"Linux/AMD64", "linux/amd64"},
      {"linux/x86_64", "linux/amd64"},
      {"linux/aarch64", "linux/arm64"},
      {"windows/amd64", "windows/amd64"},
      {"linux/arm/v7", "linux/arm/v7"},
      {"", nullptr},
      {"linux/", nullptr},
      {"/amd64", nullptr},
      {"linux/arm/v7/x", nullptr},
      {"linux/am d64", nullptr},
      {"linux//v7", nullptr},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.text);
    auto p = ParsePlatform(tc.text);
    if (tc.want == nullptr) {
      ASSERT_FALSE(p.ok());
      EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
    } else {
      ASSERT_TRUE(p.ok()) << p.status().ToString();
      EXPECT_EQ(p->ToString(), tc.want);
    }
  }
  Platform host = HostPlatform();
  EXPECT_EQ(host.os, "linux");
  EXPECT_FALSE(host.architecture.empty());
#if defined(__x86_64__)
  EXPECT_EQ(host.ToString(), "linux/amd64");
#endif
}

TEST(ImageManifestTest, Classify) {
  struct Case {
    std::string name;
    std::string doc;
    std::string hint;
    Code want_code;
    ManifestKind want = ManifestKind::kManifest;
  };
  const std::vector<Case> cases = {
      {"oci index", Doc("oci_index.json"), "", Code::kOk, ManifestKind::kIndex},
      {"docker list", Doc("docker_manifest_list.json"), "", Code::kOk, ManifestKind::kIndex},
      {"docker manifest", Doc("docker_manifest.json"), "", Code::kOk, ManifestKind::kManifest},
      // umoci writes no mediaType: the Content-Type decides, else the shape.
      {"oci manifest by hint", Doc("oci_manifest.json"),
       "application/vnd.oci.image.manifest.v1+json", Code::kOk, ManifestKind::kManifest},
      {"oci manifest by shape", Doc("oci_manifest.json"), "", Code::kOk, ManifestKind::kManifest},
      {"shape with a useless content type", Doc("oci_manifest.json"),
       "application/json; charset=utf-8", Code::kOk, ManifestKind::kManifest},
      {"index by shape", R"({"schemaVersion":2,"manifests":[]})", "text/plain", Code::kOk,
       ManifestKind::kIndex},
      {"own mediaType beats the hint", Doc("docker_manifest_list.json"),
       "application/vnd.oci.image.manifest.v1+json", Code::kOk, ManifestKind::kIndex},
      {"schema 1", R"({"schemaVersion":1,"name":"x","fsLayers":[]})", "", Code::kNotSupported},
      {"schema 1 signed by type", R"({"name":"x"})",
       "application/vnd.docker.distribution.manifest.v1+prettyjws", Code::kNotSupported},
      {"artifact", R"({"mediaType":"application/vnd.oci.artifact.manifest.v1+json"})", "",
       Code::kNotSupported},
      {"neither", R"({"schemaVersion":2})", "", Code::kInvalidArgument},
      {"not json", "<html>", "", Code::kInvalidArgument},
      {"not an object", "[1,2]", "", Code::kInvalidArgument},
      {"empty", "", "", Code::kInvalidArgument},
      {"deep nesting", std::string(100000, '[') + std::string(100000, ']'), "",
       Code::kInvalidArgument},
      {"number overflow", R"({"schemaVersion":32e329})", "", Code::kInvalidArgument},
      {"mediaType not a string", R"({"mediaType":7,"layers":[]})", "", Code::kInvalidArgument},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto k = ClassifyManifest(tc.doc, tc.hint, "manifest m");
    if (tc.want_code == Code::kOk) {
      ASSERT_TRUE(k.ok()) << k.status().ToString();
      EXPECT_EQ(*k, tc.want);
    } else {
      ASSERT_FALSE(k.ok());
      EXPECT_EQ(k.status().code(), tc.want_code) << k.status().ToString();
      EXPECT_NE(k.status().message().find("manifest m"), std::string::npos);
    }
  }
  auto html = ClassifyManifest("{\"a\": <html>", "", "manifest h");
  EXPECT_EQ(html.status().message(), "manifest h: invalid JSON at byte 7");
  auto s1 = ClassifyManifest(R"({"schemaVersion":1})", "", "m");
  EXPECT_NE(s1.status().message().find("Docker schema 1 manifests are not supported"),
            std::string::npos);
}

TEST(ImageManifestTest, ParsesOciAndDockerManifests) {
  auto oci = ParseImageManifest(Doc("oci_manifest.json"), "", "manifest oci");
  ASSERT_TRUE(oci.ok()) << oci.status().ToString();
  EXPECT_EQ(oci->media_type, kOciManifestMediaType);  // derived: no mediaType, no hint
  EXPECT_EQ(oci->config.media_type, kOciConfigMediaType);
  EXPECT_EQ(oci->config.digest,
            "sha256:abb6de13c0995fab269f5c816e5e7ca41f267d240a8b281ee5bd6a0b1de873b2");
  EXPECT_EQ(oci->config.size, 292);
  ASSERT_EQ(oci->layers.size(), 1u);
  EXPECT_EQ(oci->layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(oci->layers[0].digest,
            "sha256:67164ab04c8fe298df9a8d99cef1914655c4e1012956d01b88320a11a886f582");
  EXPECT_EQ(oci->layers[0].size, 196);

  auto docker =
      ParseImageManifest(Doc("docker_manifest.json"),
                         "application/vnd.docker.distribution.manifest.v2+json", "manifest docker");
  ASSERT_TRUE(docker.ok()) << docker.status().ToString();
  EXPECT_EQ(docker->media_type, kDockerManifestMediaType);
  EXPECT_EQ(docker->config.media_type, kDockerConfigMediaType);
  EXPECT_EQ(docker->config.digest, oci->config.digest);
  ASSERT_EQ(docker->layers.size(), 1u);
  EXPECT_EQ(docker->layers[0].media_type, "application/vnd.docker.image.rootfs.diff.tar.gzip");

  // The hint names the type when the document does not (parameters dropped).
  auto hinted = ParseImageManifest(
      Doc("oci_manifest.json"), "application/vnd.oci.image.manifest.v1+json; charset=utf-8", "m");
  ASSERT_TRUE(hinted.ok());
  EXPECT_EQ(hinted->media_type, kOciManifestMediaType);

  auto wrong = ParseImageManifest(Doc("oci_index.json"), "", "manifest x");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kInvalidArgument);
  EXPECT_NE(wrong.status().message().find("index"), std::string::npos);
}

TEST(ImageManifestTest, HostileManifestsNameDocumentAndField) {
  const std::string layer0 = R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
                             kDigestA + R"(","size":1})";
  auto doc = [&](const std::string& config, const std::string& layer1) {
    return R"({"schemaVersion":2,"config":)" + config + R"(,"layers":[)" + layer0 + "," + layer1 +
           "]}";
  };
  const std::string good_config = R"({"digest":")" + kDigestA + R"(","size":2})";
  struct Case {
    std::string name;
    std::string doc;
    Code want;
    std::string field;  // expected in the message
  };
  const std::vector<Case> cases = {
      {"traversal digest", doc(good_config, R"({"digest":"sha256:../../../etc/passwd","size":1})"),
       Code::kInvalidArgument, "layers[1].digest"},
      {"sha512 digest",
       doc(good_config, R"({"digest":"sha512:)" + std::string(128, 'b') + R"(","size":1})"),
       Code::kNotSupported, "layers[1].digest"},
      {"missing digest", doc(good_config, R"({"size":1})"), Code::kInvalidArgument,
       "layers[1].digest"},
      {"negative size", doc(good_config, R"({"digest":")" + kDigestA + R"(","size":-5})"),
       Code::kInvalidArgument, "layers[1].size"},
      {"string size", doc(good_config, R"({"digest":")" + kDigestA + R"(","size":"5"})"),
       Code::kInvalidArgument, "layers[1].size"},
      {"huge size",
       doc(good_config, R"({"digest":")" + kDigestA + R"(","size":18446744073709551615})"),
       Code::kInvalidArgument, "layers[1].size"},
      {"missing size", doc(good_config, R"({"digest":")" + kDigestA + R"("})"),
       Code::kInvalidArgument, "layers[1].size"},
      {"layer not an object", doc(good_config, "7"), Code::kInvalidArgument, "layers[1]"},
      {"annotation not a string",
       doc(good_config, R"({"digest":")" + kDigestA + R"(","size":1,"annotations":{"a":1}})"),
       Code::kInvalidArgument, "layers[1].annotations.a"},
      {"config digest", doc(R"({"digest":"md5:abc","size":2})", layer0), Code::kNotSupported,
       "config.digest"},
      {"missing config", R"({"schemaVersion":2,"layers":[]})", Code::kInvalidArgument, "config"},
      {"layers not an array", R"({"schemaVersion":2,"config":)" + good_config + R"(,"layers":{}})",
       Code::kInvalidArgument, "layers"},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto m = ParseImageManifest(tc.doc, "", "manifest sha256:ab12");
    ASSERT_FALSE(m.ok());
    EXPECT_EQ(m.status().code(), tc.want) << m.status().ToString();
    EXPECT_NE(m.status().message().find("manifest sha256:ab12"), std::string::npos)
        << m.status().message();
    EXPECT_NE(m.status().message().find(tc.field), std::string::npos) << m.status().message();
  }
}

TEST(ImageManifestTest, ParsesIndexes) {
  auto list = ParseImageIndex(Doc("docker_manifest_list.json"), "", "list");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->media_type, kDockerListMediaType);
  ASSERT_EQ(list->manifests.size(), 8u);
  EXPECT_EQ(list->manifests[2].platform.ToString(), "linux/arm/v7");
  EXPECT_EQ(list->manifests[2].media_type, kDockerManifestMediaType);
  EXPECT_EQ(list->manifests[2].size, 529);

  auto oci = ParseImageIndex(Doc("oci_index.json"), "", "index");
  ASSERT_TRUE(oci.ok()) << oci.status().ToString();
  EXPECT_EQ(oci->media_type, kOciIndexMediaType);
  ASSERT_EQ(oci->manifests.size(), 4u);
  EXPECT_EQ(oci->manifests[3].annotations.at("vnd.docker.reference.type"), "attestation-manifest");

  auto wrong = ParseImageIndex(Doc("docker_manifest.json"), "", "index y");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kInvalidArgument);

  auto bad_platform = ParseImageIndex(
      R"({"manifests":[{"digest":")" + kDigestA + R"(","size":1,"platform":"linux/amd64"}]})", "",
      "index z");
  ASSERT_FALSE(bad_platform.ok());
  EXPECT_NE(bad_platform.status().message().find("manifests[0].platform"), std::string::npos);
}

TEST(ImageManifestTest, SelectPlatform) {
  auto list = ParseImageIndex(Doc("docker_manifest_list.json"), "", "list");
  auto oci = ParseImageIndex(Doc("oci_index.json"), "", "index");
  ASSERT_TRUE(list.ok() && oci.ok());
  struct Case {
    const char* name;
    const ImageIndex* index;
    const char* want;
    int entry;  // index into manifests, -1 for NotFound
  };
  const Case cases[] = {
      {"amd64", &*list, "linux/amd64", 0},
      {"arm v7 exact", &*list, "linux/arm/v7", 2},
      {"arm v5 exact", &*list, "linux/arm/v5", 1},
      {"arm without variant: first arm entry", &*list, "linux/arm", 1},
      {"arm64 without variant is v8", &*list, "linux/arm64", 3},
      {"arm64/v8", &*list, "linux/arm64/v8", 3},
      {"alias", &*list, "linux/x86_64", 0},
      {"s390x", &*list, "s390x", 7},
      {"no riscv", &*list, "linux/riscv64", -1},
      {"no arm/v6", &*list, "linux/arm/v6", -1},
      {"windows", &*list, "windows/amd64", -1},
      {"oci amd64", &*oci, "linux/amd64", 0},
      {"oci arm64", &*oci, "linux/arm64", 1},
      {"attestations are never chosen", &*oci, "unknown/unknown", -1},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    auto want = ParsePlatform(tc.want);
    ASSERT_TRUE(want.ok());
    auto d = SelectPlatform(*tc.index, *want, "image x");
    if (tc.entry < 0) {
      ASSERT_FALSE(d.ok());
      EXPECT_EQ(d.status().code(), Code::kNotFound);
      EXPECT_NE(d.status().message().find("image x"), std::string::npos);
    } else {
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      EXPECT_EQ(d->digest, tc.index->manifests[static_cast<size_t>(tc.entry)].digest);
    }
  }
  // The message lists what the index has, without the attestations.
  auto none = SelectPlatform(*oci, *ParsePlatform("linux/riscv64"), "image y");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("linux/amd64, linux/arm64/v8"), std::string::npos)
      << none.status().message();
  EXPECT_EQ(none.status().message().find("unknown"), std::string::npos);

  // An arm64 entry that names no variant serves a v8 request; an exact variant wins over it.
  ImageIndex mixed;
  mixed.manifests.resize(3);
  mixed.manifests[0].platform = {"linux", "arm", ""};
  mixed.manifests[0].digest = "sha256:" + std::string(64, '0');
  mixed.manifests[1].platform = {"linux", "arm64", ""};
  mixed.manifests[1].digest = "sha256:" + std::string(64, '1');
  mixed.manifests[2].platform = {"linux", "arm", "v7"};
  mixed.manifests[2].digest = "sha256:" + std::string(64, '2');
  EXPECT_EQ(SelectPlatform(mixed, *ParsePlatform("linux/arm64/v8"), "m")->digest,
            mixed.manifests[1].digest);
  EXPECT_EQ(SelectPlatform(mixed, *ParsePlatform("linux/arm/v7"), "m")->digest,
            mixed.manifests[2].digest);
  EXPECT_EQ(SelectPlatform(mixed, *ParsePlatform("linux/arm/v6"), "m")->digest,
            mixed.manifests[0].digest);
  EXPECT_EQ(SelectPlatform(mixed, *ParsePlatform("linux/arm"), "m")->digest,
            mixed.manifests[0].digest);
}

TEST(ImageManifestTest, ParsesConfigs) {
  auto c = ParseImageConfig(Doc("image_config.json"), "config c");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->platform.ToString(), "linux/arm64/v8");
  EXPECT_EQ(c->created, "2024-06-11T09:12:03.123456789Z");
  EXPECT_EQ(c->author, "assay tests <tests@example.com>");
  EXPECT_EQ(c->labels.at("org.opencontainers.image.version"), "1.2.3");
  EXPECT_EQ(c->labels.size(), 2u);
  ASSERT_EQ(c->diff_ids.size(), 2u);

  // umoci's config: "config":{} and no labels.
  auto umoci = ParseImageConfig(
      R"({"created":"2026-11-24T22:09:46.476605212Z","architecture":"amd64","os":"linux",)"
      R"("config":{},"rootfs":{"type":"layers","diff_ids":)"
      R"(["sha256:9a7941f6c04ec87d4e4f2f707ed1232e6d1827543b3895aed0e0906bcf9f19c4"]},)"
      R"("history":[{"created":"2026-11-24T22:09:46.481965692Z","created_by":"umoci insert"}]})",
      "config u");
  ASSERT_TRUE(umoci.ok()) << umoci.status().ToString();
  EXPECT_EQ(umoci->platform.ToString(), "linux/amd64");
  EXPECT_TRUE(umoci->labels.empty());
  EXPECT_EQ(umoci->diff_ids.size(), 1u);

  auto nulls = ParseImageConfig(R"({"os":"linux","config":null,"rootfs":null})", "c");
  ASSERT_TRUE(nulls.ok()) << nulls.status().ToString();

  struct Bad {
    const char* doc;
    const char* field;
  };
  const Bad bad[] = {
      {R"({"rootfs":{"diff_ids":["sha256:../x"]}})", "rootfs.diff_ids[0]"},
      {R"({"rootfs":{"diff_ids":[7]}})", "rootfs.diff_ids[0]"},
      {R"({"rootfs":{"diff_ids":"x"}})", "rootfs.diff_ids"},
      {R"({"config":{"Labels":{"a":["b"]}}})", "config.Labels.a"},
      {R"({"config":"x"})", "config"},
      {R"({"os":1})", "os"},
  };
  for (const auto& b : bad) {
    SCOPED_TRACE(b.doc);
    auto r = ParseImageConfig(b.doc, "config sha256:cc");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find("config sha256:cc"), std::string::npos);
    EXPECT_NE(r.status().message().find(b.field), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace assay::inventory
