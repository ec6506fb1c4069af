// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// RegistryClient against Debian's docker-registry (distribution 2.8) on loopback, with images
// made by umoci and pushed by skopeo:
//  - anonymous registry: manifests by tag and by digest (OCI and Docker v2 schema 2), a
//    two-platform OCI index pushed with `skopeo copy --all` and the platform chosen through it,
//    config and layer blobs (the layer streamed to a file and hashed), tags, the catalog
//    followed page by page (n=1, Link headers), and NotFound answers with the registry's codes;
//  - `auth: htpasswd` (bcrypt, over plain http on loopback): the Basic challenge answered with
//    credentials, wrong and missing credentials refused with the registry's message;
//  - `auth: token`: the registry verifies RS256 JWTs against a certificate made here with the
//    openssl CLI; the token realm is a loopback server in this process that checks basic
//    credentials and signs tokens with OpenSSL. Pulls fetch one token per scope, anonymous and
//    wrong-password clients are refused.
// Each suite starts its registry in a private temporary directory and stops it by pid when it
// ends (also when a test fails). Skipped when docker-registry, umoci or skopeo is missing.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/file.h"
#include "base/http.h"
#include "base/testing/process.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "base/testing/http_server.h"
#include "inventory/image_manifest.h"
#include "inventory/registry.h"

namespace assay::inventory {
namespace {

namespace fs = std::filesystem;
using assay::testing::TestHttpReply;
using assay::testing::TestHttpRequest;
using assay::testing::TestHttpServer;
using base::Code;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// What a refused request becomes (registry.h).
constexpr Code kDenied = Code::kInvalidArgument;

// bcrypt (cost 4) of "s3cret", made once with crypt(3); docker-registry accepts only bcrypt.
constexpr const char* kHtpasswd =
    "assay:$2b$04$acbaALQG0PB7WMSyuxlKJeQ8sxNrGRJu3qhaeKEW.CHJNwvPWAKaS\n";
constexpr const char* kUser = "assay";
constexpr const char* kPassword = "s3cret";

using assay::testing::FindBinary;
using assay::testing::Process;
using assay::testing::RunTool;
using assay::testing::Spawn;
using assay::testing::UnusedPort;
using assay::testing::WaitExit;

std::string MissingTools() {
  std::string missing;
  for (const char* tool : {"docker-registry", "umoci", "skopeo"}) {
    if (FindBinary(tool).empty()) missing += std::string(missing.empty() ? "" : ", ") + tool;
  }
  return missing;
}

// Two images in one OCI layout, made with umoci: `amd` (linux/amd64) and `arm` (linux/arm64),
// and `multi`, an index naming both with their platforms.
struct Layout {
  fs::path dir;
  std::string amd_manifest;  // digests
  std::string arm_manifest;
};

std::string BlobPath(const fs::path& layout, std::string_view digest) {
  return (layout / "blobs/sha256" / std::string(DigestHex(digest))).string();
}

::testing::AssertionResult MakeLayout(const fs::path& work, Layout* out) {
  fs::path root = work / "rootfs";
  fs::create_directories(root / "etc");
  fs::create_directories(root / "usr/share/doc/assay");
  std::ofstream(root / "etc/os-release") << "ID=assay-test\nVERSION_ID=1\n";
  std::ofstream(root / "usr/share/doc/assay/README") << "a small file in a small image\n";
  out->dir = work / "layout";
  const std::string umoci = FindBinary("umoci");
  const std::string layout = out->dir.string();
  const fs::path log = work / "umoci.log";
  std::vector<std::string> insert = {umoci, "insert"};
  if (::geteuid() != 0) insert.push_back("--rootless");
  std::vector<std::vector<std::string>> steps = {{umoci, "init", "--layout", layout}};
  for (const char* tag : {"amd", "arm"}) {
    std::string image = layout + ":" + tag;
    steps.push_back({umoci, "new", "--image", image});
    auto ins = insert;
    ins.insert(ins.end(), {"--image", image, root.string(), "/"});
    steps.push_back(ins);
    steps.push_back({umoci, "config", "--image", image, "--architecture",
                     std::string(tag) == "amd" ? "amd64" : "arm64", "--os", "linux"});
  }
  steps.push_back({umoci, "gc", "--layout", layout});
  for (const auto& step : steps) {
    auto r = RunTool(step, log);
    if (!r) return r;
  }
  // The index, written the way `docker buildx` lays one out.
  auto index_text = base::ReadFile(out->dir / "index.json");
  if (!index_text.ok()) return ::testing::AssertionFailure() << index_text.status().ToString();
  json index = json::parse(*index_text);
  json entries = json::array();
  for (const auto& m : index["manifests"]) {
    std::string tag = m["annotations"]["org.opencontainers.image.ref.name"];
    json e = {{"mediaType", m["mediaType"]}, {"digest", m["digest"]}, {"size", m["size"]}};
    if (tag == "amd") {
      e["platform"] = {{"architecture", "amd64"}, {"os", "linux"}};
      out->amd_manifest = m["digest"];
    } else {
      e["platform"] = {{"architecture", "arm64"}, {"os", "linux"}, {"variant", "v8"}};
      out->arm_manifest = m["digest"];
    }
    entries.push_back(e);
  }
  std::string inner = json{
      {"schemaVersion", 2},
      {"mediaType", std::string(kOciIndexMediaType)},
      {"manifests",
       entries}}.dump();
  std::string digest = DigestOf(inner);
  std::ofstream(BlobPath(out->dir, digest), std::ios::binary) << inner;
  index["manifests"].push_back({{"mediaType", std::string(kOciIndexMediaType)},
                                {"digest", digest},
                                {"size", inner.size()},
                                {"annotations", {{"org.opencontainers.image.ref.name", "multi"}}}});
  auto w = base::WriteFileAtomic(out->dir / "index.json", index.dump());
  if (!w.ok()) return ::testing::AssertionFailure() << w.ToString();
  if (out->amd_manifest.empty() || out->arm_manifest.empty()) {
    return ::testing::AssertionFailure() << "umoci wrote an unexpected index: " << *index_text;
  }
  return ::testing::AssertionSuccess();
}

// A docker-registry serving from `dir` on a free loopback port.
class Registry {
 public:
  // `auth_yaml`: the `auth:` section, "" for none.
  ::testing::AssertionResult Start(const fs::path& dir, const std::string& auth_yaml) {
    port_ = UnusedPort();
    fs::path config = dir / "config.yml";
    std::ofstream(config) << "version: 0.1\n"
                          << "log: {level: warn}\n"
                          << "storage: {filesystem: {rootdirectory: " << (dir / "data").string()
                          << "}, delete: {enabled: true}}\n"
                          << "http: {addr: 127.0.0.1:" << port_ << "}\n"
                          << auth_yaml;
    log_ = dir / "registry.log";
    process_.Start({FindBinary("docker-registry"), "serve", config.string()}, log_);
    base::HttpOptions o;
    o.max_attempts = 1;
    o.connect_timeout = std::chrono::milliseconds(500);
    o.timeout = std::chrono::milliseconds(2000);
    base::HttpClient http(o);
    auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      if (!process_.Running()) break;
      auto r = http.Get("http://" + host() + "/v2/");
      if (r.ok() && (r->status == 200 || r->status == 401)) return ::testing::AssertionSuccess();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return ::testing::AssertionFailure() << "docker-registry did not answer /v2/:\n"
                                         << base::ReadFile(log_).value_or("");
  }
  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }

  // skopeo copy from the layout to this registry.
  ::testing::AssertionResult Push(const fs::path& work, const std::string& source,
                                  const std::string& dest, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {FindBinary("skopeo"), "--insecure-policy", "copy", "--quiet",
                                     "--dest-tls-verify=false"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(source);
    argv.push_back("docker://" + host() + "/" + dest);
    return RunTool(argv, work / "skopeo.log");
  }

 private:
  int port_ = -1;
  fs::path log_;
  Process process_;
};

std::unique_ptr<RegistryClient> NewClient(const std::string& host, RegistryOptions o = {}) {
  o.insecure = true;
  auto c = RegistryClient::Create(host, o);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(*c) : nullptr;
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// ---------------------------------------------------------------------------------------------
// Anonymous registry.

struct AnonEnv {
  std::optional<base::TempDir> dir;
  Layout layout;
  Registry registry;
};

class RegistryItest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_ = MissingTools();
    if (!skip_.empty()) return;
    auto env = std::make_unique<AnonEnv>();
    auto dir = base::TempDir::Create("registry-itest");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    env->dir.emplace(std::move(*dir));
    const fs::path work = env->dir->path();
    ASSERT_TRUE(MakeLayout(work, &env->layout));
    ASSERT_TRUE(env->registry.Start(work, ""));
    const std::string src = "oci:" + env->layout.dir.string();
    for (const char* tag : {"v1", "v2", "v3", "v4"}) {
      ASSERT_TRUE(env->registry.Push(work, src + ":amd", std::string("assay/app:") + tag));
    }
    ASSERT_TRUE(env->registry.Push(work, src + ":arm", "assay/other:1.0"));
    ASSERT_TRUE(env->registry.Push(work, src + ":multi", "assay/multi:latest", {"--all"}));
    ASSERT_TRUE(env->registry.Push(work, src + ":amd", "assay/docker:v1", {"--format", "v2s2"}));
    env_ = std::move(env);
  }
  static void TearDownTestSuite() { env_.reset(); }

  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << "not installed: " << skip_;
    ASSERT_NE(env_, nullptr) << "the registry could not be set up";
  }

  static inline std::string skip_;
  static inline std::unique_ptr<AnonEnv> env_;
};

TEST_F(RegistryItest, ManifestByTagAndByDigest) {
  auto client = NewClient(env_->registry.host());
  ASSERT_NE(client, nullptr);
  auto by_tag = client->GetManifest("assay/app", "v1");
  ASSERT_TRUE(by_tag.ok()) << by_tag.status().ToString();
  EXPECT_EQ(by_tag->media_type, kOciManifestMediaType);
  // skopeo copies an OCI manifest as it is: the registry serves umoci's bytes.
  EXPECT_EQ(by_tag->digest, env_->layout.amd_manifest);
  auto local = base::ReadFile(BlobPath(env_->layout.dir, env_->layout.amd_manifest));
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(by_tag->bytes, *local);

  auto by_digest = client->GetManifest("assay/app", by_tag->digest);
  ASSERT_TRUE(by_digest.ok()) << by_digest.status().ToString();
  EXPECT_EQ(by_digest->bytes, by_tag->bytes);

  auto kind = ClassifyManifest(by_tag->bytes, by_tag->media_type, "manifest");
  ASSERT_TRUE(kind.ok()) << kind.status().ToString();
  EXPECT_EQ(*kind, ManifestKind::kManifest);

  // Converted on push to Docker's schema 2.
  auto docker = client->GetManifest("assay/docker", "v1");
  ASSERT_TRUE(docker.ok()) << docker.status().ToString();
  EXPECT_EQ(docker->media_type, kDockerManifestMediaType);
  auto parsed = ParseImageManifest(docker->bytes, docker->media_type, "docker manifest");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->config.media_type, kDockerConfigMediaType);
  ASSERT_EQ(parsed->layers.size(), 1u);
}

TEST_F(RegistryItest, PlatformChosenThroughIndex) {
  auto client = NewClient(env_->registry.host());
  ASSERT_NE(client, nullptr);
  auto top = client->GetManifest("assay/multi", "latest");
  ASSERT_TRUE(top.ok()) << top.status().ToString();
  EXPECT_EQ(top->media_type, kOciIndexMediaType);
  auto index = ParseImageIndex(top->bytes, top->media_type, "index");
  ASSERT_TRUE(index.ok()) << index.status().ToString();
  ASSERT_EQ(index->manifests.size(), 2u);

  struct Case {
    const char* platform;
    std::string want_manifest;
    const char* want_arch;
  };
  const Case cases[] = {{"linux/amd64", env_->layout.amd_manifest, "amd64"},
                        {"linux/arm64", env_->layout.arm_manifest, "arm64"},
                        {"linux/arm64/v8", env_->layout.arm_manifest, "arm64"}};
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.platform);
    auto chosen = SelectPlatform(*index, *ParsePlatform(tc.platform), "index");
    ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
    EXPECT_EQ(chosen->digest, tc.want_manifest);
    auto m = client->GetManifest("assay/multi", chosen->digest);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    auto manifest = ParseImageManifest(m->bytes, m->media_type, "manifest");
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    auto config_bytes = client->GetBlob("assay/multi", manifest->config.digest, 1 << 20);
    ASSERT_TRUE(config_bytes.ok()) << config_bytes.status().ToString();
    auto config = ParseImageConfig(*config_bytes, "config");
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->platform.architecture, tc.want_arch);
  }
  auto none = SelectPlatform(*index, *ParsePlatform("linux/s390x"), "index");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Code::kNotFound);
}

TEST_F(RegistryItest, BlobsAreFetchedAndVerified) {
  auto client = NewClient(env_->registry.host());
  ASSERT_NE(client, nullptr);
  auto m = client->GetManifest("assay/app", "v2");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto manifest = ParseImageManifest(m->bytes, m->media_type, "manifest");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();

  auto config_bytes = client->GetBlob("assay/app", manifest->config.digest, 1 << 20);
  ASSERT_TRUE(config_bytes.ok()) << config_bytes.status().ToString();
  EXPECT_EQ(DigestOf(*config_bytes), manifest->config.digest);
  auto config = ParseImageConfig(*config_bytes, "config");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->platform.ToString(), "linux/amd64");
  ASSERT_EQ(config->diff_ids.size(), manifest->layers.size());
  auto too_small = client->GetBlob("assay/app", manifest->config.digest, 10);
  EXPECT_FALSE(too_small.ok());

  auto out = base::TempDir::Create("registry-itest-out");
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(manifest->layers.size(), 1u);
  const Descriptor& layer = manifest->layers[0];
  fs::path dest = out->path() / "layer.tar.gz";
  auto n = client->GetBlobToFile("assay/app", layer.digest, dest);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(static_cast<int64_t>(*n), layer.size);
  auto hex = base::Sha256FileHex(dest);
  ASSERT_TRUE(hex.ok());
  EXPECT_EQ("sha256:" + *hex, layer.digest);
  EXPECT_EQ(*base::ReadFile(dest), *base::ReadFile(BlobPath(env_->layout.dir, layer.digest)));
  // Only the blob is left in the directory: no temporary file.
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out->path())) ++files;
  EXPECT_EQ(files, 1);

  // A blob of another repository is unknown here (distribution checks repository links).
  auto missing =
      client->GetBlobToFile("assay/app", "sha256:" + std::string(64, '0'), out->path() / "missing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_TRUE(Contains(missing.status().message(), "BLOB_UNKNOWN")) << missing.status().message();
  EXPECT_FALSE(fs::exists(out->path() / "missing"));
}

TEST_F(RegistryItest, TagsAndCatalogAcrossPages) {
  // The registry pages the catalog with a Link header this client understands.
  base::HttpOptions ho;
  ho.max_attempts = 1;
  auto page = base::HttpClient(ho).Get("http://" + env_->registry.host() + "/v2/_catalog?n=1");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->body, "{\"repositories\":[\"assay/app\"]}\n");
  EXPECT_EQ(NextLinkTarget(page->Header("link")), "/v2/_catalog?last=assay%2Fapp&n=1")
      << page->Header("link");

  for (int page_size : {0, 1}) {
    SCOPED_TRACE(page_size);
    RegistryOptions o;
    o.page_size = page_size;
    auto client = NewClient(env_->registry.host(), o);
    ASSERT_NE(client, nullptr);
    auto tags = client->ListTags("assay/app");
    ASSERT_TRUE(tags.ok()) << tags.status().ToString();
    EXPECT_EQ(*tags, (std::vector<std::string>{"v1", "v2", "v3", "v4"}));
    // With n=1 the registry answers one repository per page and a Link to the next.
    auto catalog = client->Catalog();
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    EXPECT_EQ(*catalog, (std::vector<std::string>{"assay/app", "assay/docker", "assay/multi",
                                                  "assay/other"}));
  }
}

TEST_F(RegistryItest, MissingThingsAreNotFound) {
  auto client = NewClient(env_->registry.host());
  ASSERT_NE(client, nullptr);
  auto tag = client->GetManifest("assay/app", "no-such-tag");
  ASSERT_FALSE(tag.ok());
  EXPECT_EQ(tag.status().code(), Code::kNotFound);
  EXPECT_TRUE(Contains(tag.status().message(), "MANIFEST_UNKNOWN")) << tag.status().message();
  EXPECT_TRUE(Contains(tag.status().message(), "assay/app:no-such-tag"));

  auto repo = client->ListTags("assay/nothing");
  ASSERT_FALSE(repo.ok());
  EXPECT_EQ(repo.status().code(), Code::kNotFound);
  EXPECT_TRUE(Contains(repo.status().message(), "NAME_UNKNOWN")) << repo.status().message();

  auto digest = client->GetManifest("assay/app", "sha256:" + std::string(64, 'f'));
  ASSERT_FALSE(digest.ok());
  EXPECT_EQ(digest.status().code(), Code::kNotFound);
}

// ---------------------------------------------------------------------------------------------
// Basic authentication (auth: htpasswd).

class RegistryBasicAuthItest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_ = MissingTools();
    if (!skip_.empty()) return;
    auto env = std::make_unique<AnonEnv>();
    auto dir = base::TempDir::Create("registry-itest-basic");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    env->dir.emplace(std::move(*dir));
    const fs::path work = env->dir->path();
    std::ofstream(work / "htpasswd") << kHtpasswd;
    ASSERT_TRUE(MakeLayout(work, &env->layout));
    ASSERT_TRUE(env->registry.Start(work, "auth: {htpasswd: {realm: assay-test, path: " +
                                              (work / "htpasswd").string() + "}}\n"));
    ASSERT_TRUE(env->registry.Push(work, "oci:" + env->layout.dir.string() + ":amd",
                                   "private/app:v1",
                                   {"--dest-creds", std::string(kUser) + ":" + kPassword}));
    env_ = std::move(env);
  }
  static void TearDownTestSuite() { env_.reset(); }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << "not installed: " << skip_;
    ASSERT_NE(env_, nullptr) << "the registry could not be set up";
  }
  static inline std::string skip_;
  static inline std::unique_ptr<AnonEnv> env_;
};

TEST_F(RegistryBasicAuthItest, CredentialsOpenTheRegistry) {
  RegistryOptions o;
  o.username = kUser;
  o.password = kPassword;
  auto client = NewClient(env_->registry.host(), o);
  ASSERT_NE(client, nullptr);
  auto m = client->GetManifest("private/app", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->digest, env_->layout.amd_manifest);
  auto manifest = ParseImageManifest(m->bytes, m->media_type, "manifest");
  ASSERT_TRUE(manifest.ok());
  auto out = base::TempDir::Create("registry-itest-out");
  ASSERT_TRUE(out.ok());
  auto n = client->GetBlobToFile("private/app", manifest->layers[0].digest, out->path() / "l");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  auto catalog = client->Catalog();
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(*catalog, std::vector<std::string>{"private/app"});
  auto tags = client->ListTags("private/app");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(*tags, std::vector<std::string>{"v1"});
}

TEST_F(RegistryBasicAuthItest, WrongOrMissingCredentialsAreRefused) {
  RegistryOptions wrong;
  wrong.username = kUser;
  wrong.password = "not-the-password";
  auto refused = NewClient(env_->registry.host(), wrong)->GetManifest("private/app", "v1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), kDenied);
  EXPECT_TRUE(Contains(refused.status().message(), "refused the credentials"))
      << refused.status().message();
  EXPECT_TRUE(Contains(refused.status().message(), "UNAUTHORIZED: authentication required"))
      << refused.status().message();

  auto anonymous = NewClient(env_->registry.host())->Catalog();
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.status().code(), kDenied);
  EXPECT_TRUE(Contains(anonymous.status().message(), "none were given"))
      << anonymous.status().message();
}

// ---------------------------------------------------------------------------------------------
// Bearer tokens (auth: token) from a realm in this process.

std::string Base64Url(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                 (uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
                 uint32_t{static_cast<unsigned char>(in[i + 2])};
    for (int s : {18, 12, 6, 0}) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < in.size()) {
    uint32_t v = uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (i + 1 < in.size()) v |= uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (i + 1 < in.size()) out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

// Signs RS256 JWTs the way a registry token server does: the certificate travels in the x5c
// header and the registry checks it against its rootcertbundle.
class TokenSigner {
 public:
  ~TokenSigner() {
    if (key_ != nullptr) EVP_PKEY_free(key_);
  }
  ::testing::AssertionResult Load(const fs::path& key_pem, const fs::path& cert_pem) {
    FILE* f = std::fopen(key_pem.c_str(), "re");
    if (f == nullptr) return ::testing::AssertionFailure() << "open " << key_pem;
    key_ = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    if (key_ == nullptr) return ::testing::AssertionFailure() << "no key in " << key_pem;
    auto cert = base::ReadFile(cert_pem);
    if (!cert.ok()) return ::testing::AssertionFailure() << cert.status().ToString();
    for (std::string_view line : base::Split(*cert, '\n')) {
      if (line.empty() || line.front() == '-') continue;
      cert_b64_ += std::string(line);
    }
    return ::testing::AssertionSuccess();
  }

  std::string Sign(const json& claims) const {
    json header = {{"typ", "JWT"}, {"alg", "RS256"}, {"x5c", {cert_b64_}}};
    std::string input = Base64Url(header.dump()) + "." + Base64Url(claims.dump());
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    std::string sig;
    if (EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_) == 1 &&
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1) {
      sig.resize(len);
      if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1) {
        sig.resize(len);
      } else {
        sig.clear();
      }
    }
    EVP_MD_CTX_free(ctx);
    return input + "." + Base64Url(sig);
  }

 private:
  EVP_PKEY* key_ = nullptr;
  std::string cert_b64_;
};

constexpr const char* kService = "assay-registry";
constexpr const char* kIssuer = "assay-issuer";

struct TokenEnv {
  std::optional<base::TempDir> dir;
  Layout layout;
  TokenSigner signer;
  std::atomic<int> token_requests{0};
  std::atomic<int> refused{0};
  std::mutex mu;
  std::vector<std::string> scopes;  // every scope asked for, in order
  std::unique_ptr<TestHttpServer> realm;
  Registry registry;  // stopped before the realm

  TestHttpReply Token(const TestHttpRequest& r) {
    ++token_requests;
    TestHttpReply out;
    out.headers = {{"Content-Type", "application/json"}};
    // "Basic " + base64("assay:s3cret")
    if (r.Header("authorization") != "Basic YXNzYXk6czNjcmV0") {
      ++refused;
      out.status = 401;
      out.body =
          R"({"errors":[{"code":"UNAUTHORIZED","message":"unknown user or wrong password"}]})";
      return out;
    }
    json access = json::array();
    std::string service;
    for (std::string_view kv : base::Split(r.query, '&')) {
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      std::string key(kv.substr(0, eq));
      std::string value = PercentDecode(kv.substr(eq + 1));
      if (key == "service") service = value;
      if (key != "scope") continue;
      {
        std::lock_guard<std::mutex> lock(mu);
        scopes.push_back(value);
      }
      // type:name:actions, the name may hold ':' (a port) so split at the first and last.
      size_t first = value.find(':');
      size_t last = value.rfind(':');
      if (first == std::string::npos || first == last) continue;
      std::vector<std::string> actions;
      for (std::string_view a : base::Split(value.substr(last + 1), ',')) {
        actions.emplace_back(a);
      }
      access.push_back({{"type", value.substr(0, first)},
                        {"name", value.substr(first + 1, last - first - 1)},
                        {"actions", actions}});
    }
    if (service != kService) {
      out.status = 400;
      out.body = R"({"errors":[{"code":"UNSUPPORTED","message":"unknown service"}]})";
      return out;
    }
    int64_t now = static_cast<int64_t>(std::time(nullptr));
    json claims = {{"iss", kIssuer},
                   {"sub", kUser},
                   {"aud", kService},
                   {"exp", now + 600},
                   {"nbf", now - 60},
                   {"iat", now},
                   {"jti", std::to_string(token_requests.load())},
                   {"access", access}};
    out.body = json{{"token", signer.Sign(claims)}, {"expires_in", 600}}.dump();
    return out;
  }
};

class RegistryTokenAuthItest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    skip_ = MissingTools();
    if (skip_.empty() && FindBinary("openssl").empty()) skip_ = "openssl";
    if (!skip_.empty()) return;
    auto env = std::make_unique<TokenEnv>();
    auto dir = base::TempDir::Create("registry-itest-token");
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    env->dir.emplace(std::move(*dir));
    const fs::path work = env->dir->path();
    ASSERT_TRUE(
        RunTool({FindBinary("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                 (work / "token.key").string(), "-out", (work / "token.crt").string(), "-subj",
                 "/CN=assay token signer", "-days", "2"},
                work / "openssl.log"));
    ASSERT_TRUE(env->signer.Load(work / "token.key", work / "token.crt"));
    TokenEnv* raw = env.get();
    env->realm =
        std::make_unique<TestHttpServer>([raw](const TestHttpRequest& r) { return raw->Token(r); });
    ASSERT_TRUE(env->realm->ok());
    ASSERT_TRUE(MakeLayout(work, &env->layout));
    ASSERT_TRUE(env->registry.Start(
        work, std::string("auth:\n  token:\n") + "    realm: " + env->realm->Url("/token") +
                  "\n    service: " + kService + "\n    issuer: " + kIssuer +
                  "\n    rootcertbundle: " + (work / "token.crt").string() + "\n"));
    ASSERT_TRUE(env->registry.Push(work, "oci:" + env->layout.dir.string() + ":amd", "team/app:v1",
                                   {"--dest-creds", std::string(kUser) + ":" + kPassword}));
    env_ = std::move(env);
  }
  static void TearDownTestSuite() { env_.reset(); }
  void SetUp() override {
    if (!skip_.empty()) GTEST_SKIP() << "not installed: " << skip_;
    ASSERT_NE(env_, nullptr) << "the registry could not be set up";
  }
  static inline std::string skip_;
  static inline std::unique_ptr<TokenEnv> env_;
};

TEST_F(RegistryTokenAuthItest, TokensFromTheRealmOpenTheRegistry) {
  RegistryOptions o;
  o.username = kUser;
  o.password = kPassword;
  auto client = NewClient(env_->registry.host(), o);
  ASSERT_NE(client, nullptr);
  int before = env_->token_requests.load();
  auto m = client->GetManifest("team/app", "v1");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->digest, env_->layout.amd_manifest);
  auto manifest = ParseImageManifest(m->bytes, m->media_type, "manifest");
  ASSERT_TRUE(manifest.ok());
  auto config = client->GetBlob("team/app", manifest->config.digest, 1 << 20);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  auto out = base::TempDir::Create("registry-itest-out");
  ASSERT_TRUE(out.ok());
  auto n = client->GetBlobToFile("team/app", manifest->layers[0].digest, out->path() / "l");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  auto tags = client->ListTags("team/app");
  ASSERT_TRUE(tags.ok()) << tags.status().ToString();
  EXPECT_EQ(*tags, std::vector<std::string>{"v1"});
  // One token for the repository's pull scope served all four requests.
  EXPECT_EQ(env_->token_requests.load() - before, 1);
  {
    std::lock_guard<std::mutex> lock(env_->mu);
    EXPECT_EQ(env_->scopes.back(), "repository:team/app:pull");
  }

  auto catalog = client->Catalog();
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(*catalog, std::vector<std::string>{"team/app"});
  EXPECT_EQ(env_->token_requests.load() - before, 2);
  {
    std::lock_guard<std::mutex> lock(env_->mu);
    EXPECT_EQ(env_->scopes.back(), "registry:catalog:*");
  }
}

TEST_F(RegistryTokenAuthItest, RealmRefusalIsReported) {
  RegistryOptions wrong;
  wrong.username = kUser;
  wrong.password = "not-the-password";
  int refused_before = env_->refused.load();
  auto r = NewClient(env_->registry.host(), wrong)->GetManifest("team/app", "v1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), kDenied);
  EXPECT_TRUE(Contains(r.status().message(), "unknown user or wrong password"))
      << r.status().message();
  EXPECT_TRUE(Contains(r.status().message(), "refused the credentials")) << r.status().message();

  auto anonymous = NewClient(env_->registry.host())->ListTags("team/app");
  ASSERT_FALSE(anonymous.ok());
  EXPECT_EQ(anonymous.status().code(), kDenied);
  EXPECT_TRUE(Contains(anonymous.status().message(), "no credentials were given"))
      << anonymous.status().message();
  EXPECT_EQ(env_->refused.load() - refused_before, 2);
}

TEST_F(RegistryTokenAuthItest, TheRegistryRefusesForgedTokens) {
  // A token the registry cannot verify (signed by nobody it trusts): the client fetches a fresh
  // one once, and when the realm's token is refused too it reports that.
  TestHttpServer forger([](const TestHttpRequest&) {
    TestHttpReply out;
    out.headers = {{"Content-Type", "application/json"}};
    out.body = R"({"token":"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln"})";
    return out;
  });
  // Reach the registry through a front that rewrites the realm to the forger.
  TestHttpServer front([&](const TestHttpRequest& r) {
    base::HttpOptions ho;
    ho.max_attempts = 1;
    base::HttpRequestOptions req;
    std::string auth = r.Header("authorization");
    if (!auth.empty()) req.headers.push_back("Authorization: " + auth);
    auto got = base::HttpClient(ho).Fetch("http://" + env_->registry.host() + r.target, req);
    TestHttpReply out;
    if (!got.ok()) {
      out.status = 502;
      return out;
    }
    out.status = static_cast<int>(got->status);
    out.body = got->status < 300 ? got->body : got->error_body;
    std::string challenge = got->Header("www-authenticate");
    if (!challenge.empty()) {
      size_t a = challenge.find("realm=\"") + 7;
      size_t b = challenge.find('"', a);
      challenge.replace(a, b - a, forger.Url("/token"));
      out.headers.push_back({"WWW-Authenticate", challenge});
    }
    return out;
  });
  RegistryOptions o;
  o.max_attempts = 1;
  auto client = NewClient("127.0.0.1:" + std::to_string(front.port()), o);
  ASSERT_NE(client, nullptr);
  auto r = client->GetManifest("team/app", "v1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), kDenied);
  EXPECT_TRUE(Contains(r.status().message(), "the token from the realm was refused"))
      << r.status().message();
  EXPECT_EQ(forger.requests(), 1);
}

}  // namespace
}  // namespace assay::inventory
