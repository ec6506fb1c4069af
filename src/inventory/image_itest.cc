// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Image collection (image.h) over real images and hostile hand-made ones.
//
// Real images come from scripts/image-fixtures (debootstrap + umoci + skopeo), built once into
// $ASSAY_TEST_CACHE/images, else <build dir>/test-cache/images, and reused by later runs. The
// tests that need them skip when debootstrap, umoci or skopeo is missing, when not running as
// root, or when debootstrap cannot reach a Debian mirror. They check that:
//  - the one-layer `base` image has the inventory of the root filesystem it was made from,
//    every package attributed to its layer;
//  - in `multi2` (base + a layer installing a dpkg package and a Python package's metadata)
//    the new packages belong to layer 2 and the others to layer 1, and in `multi` (plus a
//    layer of whiteouts) the removed Python package is gone;
//  - docker-archive and oci-archive copies of `base` give the same packages;
//  - a second collection with a cache directory serves every layer from the cache and gives
//    the same inventory.
//
// The hand-made images are OCI layouts written here (tar and gzip by hand, so the entries are
// exactly as hostile as intended): path traversal through "..", absolute names, absolute and
// relative symlinks and hardlinks, whiteouts through symlinks, devices and FIFOs, a gzip bomb,
// too many entries, and a blob that does not match its digest. Every collection of them runs
// with ImageOptions::temp_dir inside a sentinel directory whose contents are checked afterwards.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/file.h"
#include "base/sha256.h"
#include "base/status.h"
#include "base/testing/conformance.h"
#include "inventory/collector.h"
#include "inventory/fs.h"
#include "inventory/image.h"
#include "inventory/image_manifest.h"
#include "model/inventory.h"

namespace assay::inventory {
namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// Helpers shared by both halves.

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string ReadText(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const stdfs::path& p, std::string_view data) {
  stdfs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  ASSERT_TRUE(out.good()) << p;
}

// A package without its layer: what a rootfs and an image of it must agree on.
std::string Key(const model::Package& p) {
  return p.ecosystem + "|" + p.name + "|" + p.version + "|" + p.source_name + "|" +
         p.source_version + "|" + p.arch + "|" + p.purl + "|" + p.path + "|" +
         p.package_manager + "|" + (p.dev ? "dev" : "");
}

std::vector<std::string> Keys(const model::Inventory& inv) {
  std::vector<std::string> keys;
  for (const auto& p : inv.packages) keys.push_back(Key(p));
  std::sort(keys.begin(), keys.end());
  return keys;
}

const model::Package* FindPackage(const model::Inventory& inv, std::string_view name,
                                  std::string_view package_manager = "") {
  for (const auto& p : inv.packages) {
    if (p.name == name && (package_manager.empty() || p.package_manager == package_manager)) {
      return &p;
    }
  }
  return nullptr;
}

std::string Warnings(const model::Inventory& inv) {
  std::string out;
  for (const auto& w : inv.warnings) out += "  " + w.location + ": " + w.message + "\n";
  return out;
}

// The OS fields an image and its rootfs must agree on.
std::string OsKey(const model::OsInfo& os) {
  return os.id + "|" + os.version_id + "|" + os.codename + "|" + os.pretty_name + "|" +
         os.ecosystem + "|" + (os.ubuntu_pro ? "pro" : "");
}

// ---------------------------------------------------------------------------------------------
// Real images from scripts/image-fixtures.

struct Fixtures {
  stdfs::path dir;
  stdfs::path rootfs;
  std::vector<std::string> base_layers, multi2_layers, multi_layers;
  std::string fixture_package, fixture_version;

  std::string Oci(std::string_view tag) const {
    return "oci:" + (dir / "oci").string() + ":" + std::string(tag);
  }
};

stdfs::path FixtureDir() {
  if (const char* env = std::getenv("ASSAY_TEST_CACHE"); env != nullptr && *env != '\0') {
    return stdfs::path(env) / "images";
  }
#ifdef ASSAY_BINARY_DIR
  return stdfs::path(ASSAY_BINARY_DIR) / "test-cache" / "images";
#else
  return stdfs::temp_directory_path() / "assay-test-cache" / "images";
#endif
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Runs scripts/image-fixtures once per process. Sets `skip` when the environment cannot build
// the images (exit 3: a tool is missing or not root; exit 4: debootstrap failed), `error` when
// the script failed otherwise.
struct FixtureState {
  std::optional<Fixtures> fixtures;
  std::string skip;
  std::string error;
};

const FixtureState& LoadFixtures() {
  static const FixtureState state = [] {
    FixtureState s;
    stdfs::path dir = FixtureDir();
    std::error_code ec;
    stdfs::create_directories(dir, ec);
    std::string cmd = "'" + (testing::SourceDir() / "scripts/image-fixtures").string() + "' '" +
                      dir.string() + "'";
    int rc = std::system(cmd.c_str());
    int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    if (code == 3 || code == 4) {
      s.skip = "scripts/image-fixtures cannot build the images here (exit " +
               std::to_string(code) + ", see its message above)";
      return s;
    }
    if (code != 0) {
      s.error = "scripts/image-fixtures " + dir.string() + " failed with exit " +
                std::to_string(code) + "; see " + (dir / "build.log").string();
      return s;
    }
    Fixtures f;
    f.dir = dir;
    std::ifstream env(dir / "fixture.env");
    for (std::string line; std::getline(env, line);) {
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string key = line.substr(0, eq), value = line.substr(eq + 1);
      if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
        value = value.substr(1, value.size() - 2);
      }
      if (key == "ROOTFS") f.rootfs = value;
      if (key == "BASE_LAYERS") f.base_layers = Split(value);
      if (key == "MULTI2_LAYERS") f.multi2_layers = Split(value);
      if (key == "MULTI_LAYERS") f.multi_layers = Split(value);
      if (key == "FIXTURE_PACKAGE") f.fixture_package = value;
      if (key == "FIXTURE_VERSION") f.fixture_version = value;
    }
    if (f.rootfs.empty() || f.base_layers.size() != 1 || f.multi2_layers.size() != 2 ||
        f.multi_layers.size() != 3 || f.fixture_package.empty()) {
      s.error = "unexpected " + (dir / "fixture.env").string();
      return s;
    }
    s.fixtures = std::move(f);
    return s;
  }();
  return state;
}

#define ASSAY_REQUIRE_FIXTURES(f)                           \
  const FixtureState& state_ = LoadFixtures();              \
  if (!state_.skip.empty()) GTEST_SKIP() << state_.skip;    \
  ASSERT_TRUE(state_.error.empty()) << state_.error;        \
  const Fixtures& f = *state_.fixtures

base::Result<ImageInventory> Collect(const std::string& reference, ImageOptions options = {}) {
  return CollectImage(reference, options);
}

TEST(ImageFixtures, BaseImageHasTheInventoryOfItsRootfs) {
  ASSAY_REQUIRE_FIXTURES(f);
  auto fs = OpenDirFs(f.rootfs);
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  auto rootfs = CollectInventory(**fs, {});
  ASSERT_TRUE(rootfs.ok()) << rootfs.status().ToString();
  auto image = Collect(f.Oci("base"));
  ASSERT_TRUE(image.ok()) << image.status().ToString();

  ASSERT_GT(rootfs->packages.size(), 50u);
  EXPECT_EQ(OsKey(image->inventory.os), OsKey(rootfs->os));
  EXPECT_EQ(image->inventory.os.ecosystem, "Debian:12");
  EXPECT_EQ(Keys(image->inventory), Keys(*rootfs)) << "image warnings:\n"
                                                   << Warnings(image->inventory);
  EXPECT_EQ(image->inventory.collectors, rootfs->collectors);

  ASSERT_EQ(image->image.layers.size(), 1u);
  EXPECT_EQ(image->image.layers[0].digest, f.base_layers[0]);
  EXPECT_TRUE(image->image.layers[0].diff_id.starts_with("sha256:"));
  EXPECT_FALSE(image->image.layers[0].from_cache);
  EXPECT_EQ(image->image.os, "linux");
  EXPECT_TRUE(image->image.manifest_digest.starts_with("sha256:"));
  EXPECT_EQ(ImageResourceId(image->image), "image:" + image->image.manifest_digest);
  for (const auto& p : image->inventory.packages) {
    EXPECT_EQ(p.layer_digest, f.base_layers[0]) << p.name;
  }
}

TEST(ImageFixtures, LayersAttributeThePackagesTheyAdd) {
  ASSAY_REQUIRE_FIXTURES(f);
  auto base = Collect(f.Oci("base"));
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  auto multi2 = Collect(f.Oci("multi2"));
  ASSERT_TRUE(multi2.ok()) << multi2.status().ToString();

  ASSERT_EQ(multi2->image.layers.size(), 2u);
  EXPECT_EQ(multi2->image.layers[0].digest, f.multi2_layers[0]);
  EXPECT_EQ(multi2->image.layers[1].digest, f.multi2_layers[1]);

  const model::Package* fixture = FindPackage(multi2->inventory, f.fixture_package, "dpkg");
  ASSERT_NE(fixture, nullptr) << Warnings(multi2->inventory);
  EXPECT_EQ(fixture->version, f.fixture_version);
  EXPECT_EQ(fixture->layer_digest, f.multi2_layers[1]);

  const model::Package* requests = FindPackage(multi2->inventory, "requests");
  ASSERT_NE(requests, nullptr) << Warnings(multi2->inventory);
  EXPECT_EQ(requests->version, "2.25.0");
  EXPECT_EQ(requests->ecosystem, "PyPI");
  EXPECT_EQ(requests->path,
            "usr/local/lib/python3.11/dist-packages/requests-2.25.0.dist-info/METADATA");
  EXPECT_EQ(requests->layer_digest, f.multi2_layers[1]);

  // Everything else is the base image's, from layer 1.
  std::set<std::string> base_keys;
  for (const auto& p : base->inventory.packages) base_keys.insert(Key(p));
  size_t from_base = 0;
  for (const auto& p : multi2->inventory.packages) {
    if (&p == fixture || &p == requests) continue;
    EXPECT_TRUE(base_keys.count(Key(p))) << "not in base: " << Key(p);
    EXPECT_EQ(p.layer_digest, f.multi2_layers[0]) << p.name;
    ++from_base;
  }
  EXPECT_EQ(from_base, base->inventory.packages.size());
}

TEST(ImageFixtures, WhiteoutsRemoveWhatLowerLayersAdded) {
  ASSAY_REQUIRE_FIXTURES(f);
  auto multi = Collect(f.Oci("multi"));
  ASSERT_TRUE(multi.ok()) << multi.status().ToString();
  ASSERT_EQ(multi->image.layers.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(multi->image.layers[i].digest, f.multi_layers[i]);

  EXPECT_EQ(FindPackage(multi->inventory, "requests"), nullptr);
  const model::Package* fixture = FindPackage(multi->inventory, f.fixture_package, "dpkg");
  ASSERT_NE(fixture, nullptr) << Warnings(multi->inventory);
  EXPECT_EQ(fixture->layer_digest, f.multi_layers[1]);
  for (const auto& p : multi->inventory.packages) {
    if (&p == fixture) continue;
    EXPECT_EQ(p.layer_digest, f.multi_layers[0]) << p.name;
  }
}

TEST(ImageFixtures, ArchivesGiveTheSamePackagesAsTheLayout) {
  ASSAY_REQUIRE_FIXTURES(f);
  auto layout = Collect(f.Oci("base"));
  ASSERT_TRUE(layout.ok()) << layout.status().ToString();
  auto docker = Collect("docker-archive:" + (f.dir / "base.docker.tar").string());
  ASSERT_TRUE(docker.ok()) << docker.status().ToString();
  auto oci_archive = Collect("oci-archive:" + (f.dir / "base.oci.tar").string() + ":base");
  ASSERT_TRUE(oci_archive.ok()) << oci_archive.status().ToString();

  for (const ImageInventory* other : {&*docker, &*oci_archive}) {
    EXPECT_EQ(Keys(other->inventory), Keys(layout->inventory)) << other->image.reference;
    EXPECT_EQ(OsKey(other->inventory.os), OsKey(layout->inventory.os));
    ASSERT_EQ(other->image.layers.size(), 1u) << other->image.reference;
    for (const auto& p : other->inventory.packages) {
      EXPECT_EQ(p.layer_digest, other->image.layers[0].digest) << p.name;
    }
  }
  // skopeo copies the blob unchanged into an oci-archive; a docker-archive stores the
  // uncompressed tar, whose digest is the layout's diff_id.
  EXPECT_EQ(oci_archive->image.layers[0].digest, layout->image.layers[0].digest);
  EXPECT_EQ(docker->image.layers[0].digest, layout->image.layers[0].diff_id);
  // skopeo writes the tag it was given fully qualified: docker.io/assay/base:latest.
  bool tagged = false;
  for (const auto& t : docker->image.repo_tags) tagged |= t.ends_with("assay/base:latest");
  EXPECT_TRUE(tagged) << ::testing::PrintToString(docker->image.repo_tags);
}

TEST(ImageFixtures, ASecondCollectionIsServedFromTheCache) {
  ASSAY_REQUIRE_FIXTURES(f);
  auto cache = base::TempDir::Create("assay-image-cache");
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  ImageOptions options;
  options.cache_dir = cache->path() / "layers";

  auto first = Collect(f.Oci("multi"), options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  for (const auto& l : first->image.layers) EXPECT_FALSE(l.from_cache) << l.digest;
  auto second = Collect(f.Oci("multi"), options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(second->image.layers.size(), 3u);
  for (const auto& l : second->image.layers) EXPECT_TRUE(l.from_cache) << l.digest;

  // The same inventory, layers included.
  EXPECT_EQ(OsKey(second->inventory.os), OsKey(first->inventory.os));
  ASSERT_EQ(second->inventory.packages.size(), first->inventory.packages.size());
  for (size_t i = 0; i < first->inventory.packages.size(); ++i) {
    EXPECT_EQ(Key(second->inventory.packages[i]), Key(first->inventory.packages[i]));
    EXPECT_EQ(second->inventory.packages[i].layer_digest,
              first->inventory.packages[i].layer_digest);
  }

  // multi2 shares its two layers with multi: both come from the cache.
  auto multi2 = Collect(f.Oci("multi2"), options);
  ASSERT_TRUE(multi2.ok()) << multi2.status().ToString();
  for (const auto& l : multi2->image.layers) EXPECT_TRUE(l.from_cache) << l.digest;
  EXPECT_NE(FindPackage(multi2->inventory, "requests"), nullptr);
}

TEST(ImageFixtures, TagsAreResolvedByName) {
  ASSAY_REQUIRE_FIXTURES(f);
  auto missing = Collect(f.Oci("no-such-tag"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), base::Code::kNotFound) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("no-such-tag"), std::string::npos)
      << missing.status().ToString();

  // Several tags and none asked for: the error lists them.
  auto ambiguous = Collect("oci:" + (f.dir / "oci").string());
  ASSERT_FALSE(ambiguous.ok());
  for (const char* tag : {"base", "multi2", "multi"}) {
    EXPECT_NE(ambiguous.status().message().find(tag), std::string::npos)
        << ambiguous.status().ToString();
  }
}

// ---------------------------------------------------------------------------------------------
// Hand-made images.

struct TarEntry {
  std::string name;
  char type = '0';  // '0' file, '1' hardlink, '2' symlink, '3' char device, '5' dir, '6' FIFO
  std::string data;
  std::string link;
  int mode = 0644;
  int dev_major = 0, dev_minor = 0;
};

TarEntry File(std::string name, std::string data, int mode = 0644) {
  return {std::move(name), '0', std::move(data), "", mode};
}
TarEntry Dir(std::string name) { return {std::move(name), '5', "", "", 0755}; }
TarEntry Symlink(std::string name, std::string target) {
  return {std::move(name), '2', "", std::move(target), 0777};
}
TarEntry Hardlink(std::string name, std::string target) {
  return {std::move(name), '1', "", std::move(target), 0644};
}

void Octal(char* field, size_t width, uint64_t value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
}

// One ustar header. Names longer than 100 bytes go into the prefix field.
std::string TarHeader(const TarEntry& e, uint64_t size) {
  char h[512] = {};
  const std::string& name = e.name;
  if (name.size() <= 100) {
    std::memcpy(h, name.data(), name.size());
  } else {
    size_t cut = name.rfind('/', 155);
    EXPECT_TRUE(cut != std::string::npos && name.size() - cut - 1 <= 100) << name;
    if (cut == std::string::npos) cut = 0;
    std::memcpy(h + 345, name.data(), std::min<size_t>(cut, 155));
    std::memcpy(h, name.data() + cut + 1, std::min<size_t>(name.size() - cut - 1, 100));
  }
  EXPECT_LE(e.link.size(), 100u) << e.link;
  Octal(h + 100, 8, static_cast<uint64_t>(e.mode));
  Octal(h + 108, 8, 0);
  Octal(h + 116, 8, 0);
  Octal(h + 124, 12, size);
  Octal(h + 136, 12, 1700000000);
  h[156] = e.type;
  std::memcpy(h + 157, e.link.data(), std::min<size_t>(e.link.size(), 100));
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::memcpy(h + 265, "root", 4);
  std::memcpy(h + 297, "root", 4);
  Octal(h + 329, 8, static_cast<uint64_t>(e.dev_major));
  Octal(h + 337, 8, static_cast<uint64_t>(e.dev_minor));
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  return std::string(h, sizeof h);
}

std::string Tar(const std::vector<TarEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    out += TarHeader(e, e.data.size());
    out += e.data;
    if (e.data.size() % 512 != 0) out.append(512 - e.data.size() % 512, '\0');
  }
  out.append(1024, '\0');
  return out;
}

// Raw deflate of `in` with `flush`, continuing the stream `z`.
std::string Deflate(z_stream& z, std::string_view in, int flush) {
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buf[1 << 16];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = deflate(&z, flush);
    out.append(buf, sizeof buf - z.avail_out);
  } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  return out;
}

std::string GzipHeader() { return std::string("\x1f\x8b\x08\0\0\0\0\0\0\xff", 10); }

std::string GzipTrailer(uLong crc, uint64_t size) {
  std::string t(8, '\0');
  for (int i = 0; i < 4; ++i) t[i] = static_cast<char>((crc >> (8 * i)) & 0xff);
  for (int i = 0; i < 4; ++i) t[4 + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  return t;
}

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out = GzipHeader() + Deflate(z, data, Z_FINISH);
  deflateEnd(&z);
  uLong crc = crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  return out + GzipTrailer(crc, data.size());
}

// A gzip tar layer holding one file of `zero_bytes` zeros (a multiple of 1 MiB), built without
// compressing them all: each MiB is deflated after a full flush, which makes its compressed
// bytes independent of what came before, so one compressed MiB is repeated. About 1 KB per MiB.
std::string GzipBomb(uint64_t zero_bytes) {
  const uint64_t mib = 1 << 20;
  std::string header = TarHeader(File("usr/share/zeros", ""), zero_bytes);
  std::string zeros(mib, '\0');
  std::string end(1024, '\0');
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out = GzipHeader() + Deflate(z, header, Z_FULL_FLUSH);
  std::string block = Deflate(z, zeros, Z_FULL_FLUSH);
  for (uint64_t i = 0; i < zero_bytes / mib; ++i) out += block;
  out += Deflate(z, end, Z_FINISH);
  deflateEnd(&z);
  auto crc_of = [](std::string_view s) {
    return crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
  };
  uLong crc = crc_of(header);
  uLong crc_mib = crc_of(zeros);
  for (uint64_t i = 0; i < zero_bytes / mib; ++i) crc = crc32_combine(crc, crc_mib, mib);
  crc = crc32_combine(crc, crc_of(end), 1024);
  return out + GzipTrailer(crc, header.size() + zero_bytes + end.size());
}

std::string Hex(std::string_view bytes) {
  auto hex = base::Sha256Hex(bytes);
  EXPECT_TRUE(hex.ok());
  return hex.ok() ? *hex : std::string(64, '0');
}

// An OCI image layout written by hand: blobs, one manifest per tag, a config naming this
// machine's platform.
class HandLayout {
 public:
  explicit HandLayout(stdfs::path dir) : dir_(std::move(dir)) {
    stdfs::create_directories(dir_ / "blobs" / "sha256");
    WriteText(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  }

  std::string PutBlob(std::string_view bytes) {
    std::string hex = Hex(bytes);
    WriteText(dir_ / "blobs" / "sha256" / hex, bytes);
    return "sha256:" + hex;
  }

  struct Layer {
    std::string blob;     // as stored
    std::string tar;      // uncompressed, for the diff_id
    std::string media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
  };
  static Layer Gz(const std::vector<TarEntry>& entries) {
    std::string tar = Tar(entries);
    return {Gzip(tar), tar};
  }

  // Writes the manifest and config of `tag` over `layers` and adds it to index.json. Returns
  // the layer digests. `digest_override` replaces the digest the manifest names for a layer
  // (the blob is still stored under its real digest).
  std::vector<std::string> AddImage(const std::string& tag, const std::vector<Layer>& layers,
                                    std::map<size_t, std::string> digest_override = {}) {
    Platform host = HostPlatform();
    json config = {{"architecture", host.architecture},
                   {"os", host.os},
                   {"created", "2024-01-01T00:00:00Z"},
                   {"config", {{"Labels", {{"test", tag}}}}},
                   {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}};
    if (!host.variant.empty()) config["variant"] = host.variant;
    json manifest = {{"schemaVersion", 2},
                     {"mediaType", kOciManifestMediaType},
                     {"layers", json::array()}};
    std::vector<std::string> digests;
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string digest = PutBlob(layers[i].blob);
      if (auto it = digest_override.find(i); it != digest_override.end()) digest = it->second;
      config["rootfs"]["diff_ids"].push_back("sha256:" + Hex(layers[i].tar));
      manifest["layers"].push_back({{"mediaType", layers[i].media_type},
                                    {"digest", digest},
                                    {"size", layers[i].blob.size()}});
      digests.push_back(digest);
    }
    std::string config_bytes = config.dump();
    manifest["config"] = {{"mediaType", kOciConfigMediaType},
                          {"digest", PutBlob(config_bytes)},
                          {"size", config_bytes.size()}};
    std::string manifest_bytes = manifest.dump();
    index_["manifests"].push_back(
        {{"mediaType", kOciManifestMediaType},
         {"digest", PutBlob(manifest_bytes)},
         {"size", manifest_bytes.size()},
         {"annotations", {{"org.opencontainers.image.ref.name", tag}}}});
    WriteText(dir_ / "index.json", index_.dump());
    return digests;
  }

  std::string Ref(const std::string& tag) const { return "oci:" + dir_.string() + ":" + tag; }
  const stdfs::path& dir() const { return dir_; }

 private:
  stdfs::path dir_;
  json index_ = {{"schemaVersion", 2}, {"mediaType", kOciIndexMediaType},
                 {"manifests", json::array()}};
};

constexpr std::string_view kOsRelease =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
    "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

std::string DistInfo(std::string_view name, std::string_view version) {
  return "Metadata-Version: 2.1\nName: " + std::string(name) + "\nVersion: " +
         std::string(version) + "\n";
}

std::string PackageJson(std::string_view name, std::string_view version) {
  return R"({"name": ")" + std::string(name) + R"(", "version": ")" + std::string(version) +
         "\"}\n";
}

// A scratch area: base/s is the sentinel directory, base/s/tmp the scan's temp_dir, and
// base/s/outside a file no layer may reach.
class Sentinel {
 public:
  Sentinel() {
    auto dir = base::TempDir::Create("assay-image-itest");
    EXPECT_TRUE(dir.ok());
    dir_ = std::make_unique<base::TempDir>(std::move(*dir));
    stdfs::create_directories(s() / "tmp");
    WriteText(s() / "outside", "secret\n");
    stdfs::create_directories(base() / "layout");
  }
  stdfs::path base() const { return dir_->path(); }
  stdfs::path s() const { return dir_->path() / "s"; }
  ImageOptions Options() const {
    ImageOptions o;
    o.temp_dir = s() / "tmp";
    return o;
  }
  // Everything below base/s other than tmp/ and `outside` (unchanged), and tmp/'s leftovers.
  std::vector<std::string> Strays() const {
    std::vector<std::string> out;
    for (const auto& e : stdfs::recursive_directory_iterator(base())) {
      stdfs::path rel = e.path().lexically_relative(base());
      std::string r = rel.string();
      if (r == "s" || r == "s/tmp" || r == "s/outside" || r == "layout" ||
          r.starts_with("layout/")) {
        continue;
      }
      out.push_back(r);
    }
    if (ReadText(s() / "outside") != "secret\n") out.push_back("s/outside was changed");
    return out;
  }

 private:
  std::unique_ptr<base::TempDir> dir_;
};

// The message of a failed collection, or every warning of a successful one, lowercased.
std::string Complaints(const base::Result<ImageInventory>& r) {
  if (!r.ok()) return Lower(r.status().ToString());
  std::string out;
  for (const auto& w : r->inventory.warnings) out += Lower(w.location + ": " + w.message) + "\n";
  return out;
}

TEST(ImageHostile, LayerEntriesNeverReachOutsideTheScanDirectory) {
  Sentinel sentinel;
  HandLayout layout(sentinel.base() / "layout");
  std::string s_abs = sentinel.s().string();  // absolute, starts with '/'
  std::string s_rel = s_abs.substr(1);
  // Enough ".." to climb from any directory of the scan's private tree to "/".
  std::string up;
  const stdfs::path s_path = sentinel.s();
  size_t depth = static_cast<size_t>(std::distance(s_path.begin(), s_path.end())) + 8;
  for (size_t i = 0; i < depth; ++i) up += "../";
  std::string unique = "assay-escape-" + std::to_string(getpid());

  std::vector<TarEntry> l1 = {
      Dir("/"),  // umoci's first entry
      Dir("etc"),
      File("etc/os-release", std::string(kOsRelease)),
      // ".." in names.
      File("../escape", "x"),
      File("../../escape", "x"),
      File("../../../" + unique, "x"),
      File("../../../../" + unique, "x"),
      File("./../escape-dot", "x"),
      File("etc/../../escape-mid", "x"),
      File("../../var/lib/dpkg/status", "Package: evil\nVersion: 1\n"),
      // An absolute name is relative to the image root.
      File(s_abs + "/abs-escape", "x"),
      // Through an absolute symlink to "/".
      Symlink("etc/evil", "/"),
      File("etc/evil" + s_abs + "/x", "x"),
      // A kept name through an absolute symlink to the sentinel.
      Dir("var"),
      Dir("var/lib"),
      Symlink("var/lib/dpkg", s_abs),
      File("var/lib/dpkg/status", "Package: evil\nStatus: install ok installed\nVersion: 1\n"),
      // A kept name through a relative symlink that climbs above the root.
      Dir("usr"),
      Dir("usr/local"),
      Dir("usr/local/lib"),
      Dir("usr/local/lib/python3.11"),
      Symlink("usr/local/lib/python3.11/dist-packages", up + s_rel),
      File("usr/local/lib/python3.11/dist-packages/evil-1.0.dist-info/METADATA",
           DistInfo("evil", "1.0")),
      // Hardlinks to a file outside, written through by the next layer.
      Symlink("lnk", s_abs),
      Hardlink("etc/lsb-release", "../../outside"),
      Hardlink("etc/alpine-release", s_abs + "/outside"),
      Hardlink("etc/debian_version", "lnk/outside"),
      Hardlink("etc/issue", up + s_rel + "/outside"),
      // Devices and FIFOs on names the collectors read.
      TarEntry{"var/lib/dpkg/status.d/evil", '3', "", "", 0666, 1, 5},
      TarEntry{"dev/evil-null", '3', "", "", 0666, 1, 3},
      TarEntry{"etc/apt/sources.list", '6', "", "", 0644},
      TarEntry{"usr/lib/os-release", '6', "", "", 0644},
      // setuid bits.
      File("usr/local/bin/suid", "#!/bin/sh\n", 04755),
  };
  std::vector<TarEntry> l2 = {
      Dir("etc"),
      File("etc/lsb-release", "pwned\n"),
      File("etc/alpine-release", "pwned\n"),
      File("etc/debian_version", "pwned\n"),
      File("etc/issue", "pwned\n"),
      // Whiteouts through a symlink to the sentinel.
      File("lnk/.wh.outside", ""),
      File("lnk/.wh..wh..opq", ""),
      File("etc/evil" + s_abs + "/.wh.outside", ""),
  };
  layout.AddImage("hostile", {HandLayout::Gz(l1), HandLayout::Gz(l2)});

  auto r = CollectImage(layout.Ref("hostile"), sentinel.Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(sentinel.Strays(), std::vector<std::string>{});
  EXPECT_FALSE(stdfs::exists(sentinel.base().parent_path() / unique));
  EXPECT_NE(Complaints(r).find("escape"), std::string::npos)
      << "no warning names the skipped \"..\" entries:\n" << Complaints(r);
  EXPECT_EQ(r->inventory.os.id, "debian");
}

TEST(ImageHostile, WhiteoutsAndLanguagePackageLayers) {
  Sentinel sentinel;
  HandLayout layout(sentinel.base() / "layout");
  const std::string site = "usr/local/lib/python3.11/dist-packages/";
  const std::string nm = "srv/app/node_modules/";
  std::vector<TarEntry> l1 = {
      File("etc/os-release", std::string(kOsRelease)),
      File(site + "a-1.0.dist-info/METADATA", DistInfo("a", "1.0")),
      File(site + "b-1.0.dist-info/METADATA", DistInfo("b", "1.0")),
      File(site + "d-1.0.dist-info/METADATA", DistInfo("d", "1.0")),
      File(nm + "x/package.json", PackageJson("x", "1.0.0")),
      File(nm + "y/package.json", PackageJson("y", "2.0.0")),
  };
  std::vector<TarEntry> l2 = {
      File(site + ".wh.a-1.0.dist-info", ""),
      File(site + "c-1.0.dist-info/METADATA", DistInfo("c", "1.0")),
  };
  std::vector<TarEntry> l3 = {
      File(site + "b-1.0.dist-info/METADATA", DistInfo("b", "1.0")),  // rewritten
      File(nm + ".wh..wh..opq", ""),
      File(nm + "z/package.json", PackageJson("z", "3.0.0")),
  };
  auto digests =
      layout.AddImage("w", {HandLayout::Gz(l1), HandLayout::Gz(l2), HandLayout::Gz(l3)});
  auto r = CollectImage(layout.Ref("w"), sentinel.Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(sentinel.Strays(), std::vector<std::string>{});
  std::map<std::string, std::string> got;  // name@version -> layer
  for (const auto& p : r->inventory.packages) got[p.name + "@" + p.version] = p.layer_digest;
  std::map<std::string, std::string> want = {
      {"b@1.0", digests[2]}, {"c@1.0", digests[1]}, {"d@1.0", digests[0]},
      {"z@3.0.0", digests[2]}};
  EXPECT_EQ(got, want) << Warnings(r->inventory);
  EXPECT_EQ(r->inventory.os.ecosystem, "Debian:12");
}

// The bombs' zeros are one file no collector reads (usr/share/zeros), so a scan skips them
// rather than copying them: the limits must hold for skipped data too.
TEST(ImageHostile, GzipBombStopsAtTheRatioLimit) {
  Sentinel sentinel;
  HandLayout layout(sentinel.base() / "layout");
  std::string bomb = GzipBomb(uint64_t{2} << 30);  // 2 GiB of zeros in about 2 MB
  ASSERT_LT(bomb.size(), 4u << 20);
  layout.AddImage("bomb", {{bomb, "", "application/vnd.oci.image.layer.v1.tar+gzip"}});
  ImageOptions options = sentinel.Options();
  options.limits.max_ratio = 100;
  auto r = CollectImage(layout.Ref("bomb"), options);
  EXPECT_NE(Complaints(r).find("ratio"), std::string::npos) << Complaints(r);
  EXPECT_EQ(sentinel.Strays(), std::vector<std::string>{});
}

TEST(ImageHostile, GzipBombStopsAtTheLayerSizeLimit) {
  Sentinel sentinel;
  HandLayout layout(sentinel.base() / "layout");
  std::string bomb = GzipBomb(uint64_t{2} << 30);
  layout.AddImage("bomb", {{bomb, "", "application/vnd.oci.image.layer.v1.tar+gzip"}});
  ImageOptions options = sentinel.Options();
  options.limits.max_ratio = uint64_t{1} << 40;
  options.limits.max_layer_bytes = uint64_t{32} << 20;
  auto r = CollectImage(layout.Ref("bomb"), options);
  std::string c = Complaints(r);
  EXPECT_TRUE(c.find("33554432") != std::string::npos || c.find("32 mib") != std::string::npos ||
              c.find("max_layer_bytes") != std::string::npos)
      << c;
  EXPECT_EQ(sentinel.Strays(), std::vector<std::string>{});
}

TEST(ImageHostile, TooManyEntriesStopAtTheLimit) {
  Sentinel sentinel;
  HandLayout layout(sentinel.base() / "layout");
  std::vector<TarEntry> entries = {File("etc/os-release", std::string(kOsRelease))};
  for (int i = 0; i < 500; ++i) entries.push_back(File("f/" + std::to_string(i), "x"));
  layout.AddImage("many", {HandLayout::Gz(entries)});
  ImageOptions options = sentinel.Options();
  options.limits.max_entries = 100;
  auto r = CollectImage(layout.Ref("many"), options);
  std::string c = Complaints(r);
  EXPECT_TRUE(c.find("entries") != std::string::npos) << c;
  EXPECT_TRUE(c.find("100") != std::string::npos) << c;
}

TEST(ImageHostile, ABlobThatDoesNotMatchItsDigestIsCorruption) {
  Sentinel sentinel;
  HandLayout layout(sentinel.base() / "layout");
  // A plain tar layer whose stored bytes are replaced by another tar of the same size.
  std::string good = Tar({File("etc/os-release", std::string(kOsRelease)),
                          File("etc/hostname", "aaaa\n")});
  std::string evil = Tar({File("etc/os-release", std::string(kOsRelease)),
                          File("etc/hostname", "bbbb\n")});
  ASSERT_EQ(good.size(), evil.size());
  auto digests =
      layout.AddImage("tampered", {{good, good, "application/vnd.oci.image.layer.v1.tar"}});
  std::string hex = digests[0].substr(7);
  WriteText(layout.dir() / "blobs" / "sha256" / hex, evil);

  auto r = CollectImage(layout.Ref("tampered"), sentinel.Options());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::Code::kCorruption) << r.status().ToString();
  EXPECT_NE(r.status().message().find(hex), std::string::npos) << r.status().ToString();
  EXPECT_EQ(sentinel.Strays(), std::vector<std::string>{});

  // The same for a gzip layer with one flipped byte of compressed data.
  std::string gz = Gzip(good);
  auto gz_digests = layout.AddImage("tampered-gz", {{gz, good}});
  gz[gz.size() / 2] = static_cast<char>(gz[gz.size() / 2] ^ 0x01);
  WriteText(layout.dir() / "blobs" / "sha256" / gz_digests[0].substr(7), gz);
  auto r2 = CollectImage(layout.Ref("tampered-gz"), sentinel.Options());
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), base::Code::kCorruption) << r2.status().ToString();
}

TEST(ImageHostile, ADigestThatIsAPathIsRefused) {
  Sentinel sentinel;
  HandLayout layout(sentinel.base() / "layout");
  auto layer = HandLayout::Gz({File("etc/os-release", std::string(kOsRelease))});
  layout.AddImage("path", {layer}, {{0, "sha256:../../../outside"}});
  auto r = CollectImage(layout.Ref("path"), sentinel.Options());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().code(), base::Code::kInternal) << r.status().ToString();
  EXPECT_EQ(sentinel.Strays(), std::vector<std::string>{});
}

}  // namespace
}  // namespace assay::inventory
