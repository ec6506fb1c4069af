// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// bench/image/make-layer BLOBS_DIR LAYER FILES [ROOTFS]: writes layer LAYER (1-4) of the
// synthetic benchmark image as a gzip (level 1) tar blob into BLOBS_DIR, named by its SHA-256,
// and prints "DIGEST DIFF_ID BLOB_BYTES TAR_BYTES ENTRIES FILES CONTENT_BYTES": the blob's
// digest, the uncompressed tar's digest (the config's diff_id), sizes and counts. Deterministic:
// the same arguments give the same bytes.
//
// Each layer holds about FILES regular files in directories of 40-60, with sizes drawn from a
// log-normal distribution (median ~1.1 KB, mean ~2.2 KB, capped at 256 KB) and text-like
// content (words from a fixed vocabulary: gzip shrinks it about 3x), plus what the collectors
// read:
//   1  etc/os-release and var/lib/dpkg/status (copied from ROOTFS when given, else a small
//      Debian 12 stand-in), var/lib/dpkg/info/*.list of those packages, usr/share/* filler
//   2  usr/lib/x86_64-linux-gnu/big/ large files (48 x 8 MiB, incompressible, some
//      executable so a scanner sniffs them), usr/lib/* filler
//   3  srv/app/node_modules (2,000 packages: package.json + .js files), 300 Python
//      dist-info directories under usr/local/lib/python3.11/dist-packages, filler
//   4  srv/app/ filler and the whiteouts: two files of layer 1, one dist-info directory of
//      layer 3, and an opaque directory (.wh..wh..opq) over one filler directory of layer 2
#include <openssl/evp.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "make-layer: %s\n", message.c_str());
  std::exit(1);
}

struct Rng {  // splitmix64
  uint64_t s;
  uint64_t Next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }
  double Normal() {
    double u1 = Uniform() + 1e-12, u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }
};

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) Die("sha256");
  }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  void Update(const void* p, size_t n) { EVP_DigestUpdate(ctx_, p, n); }
  std::string Hex() {
    unsigned char md[32];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
      out += kHex[md[i] >> 4];
      out += kHex[md[i] & 15];
    }
    return out;
  }

 private:
  EVP_MD_CTX* ctx_;
};

// The tar stream: hashed (diff_id), gzip-compressed, hashed again (digest) and written.
class LayerWriter {
 public:
  explicit LayerWriter(const std::string& path) : path_(path) {
    out_ = std::fopen(path.c_str(), "wb");
    if (out_ == nullptr) Die("cannot write " + path);
    std::memset(&z_, 0, sizeof z_);
    if (deflateInit2(&z_, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) Die("deflate");
    buf_.reserve(kBuf);
    zout_.resize(kBuf);
  }

  void Write(const void* p, size_t n) {
    const char* c = static_cast<const char*>(p);
    tar_bytes_ += n;
    while (n > 0) {
      size_t take = std::min(n, kBuf - buf_.size());
      buf_.append(c, take);
      c += take;
      n -= take;
      if (buf_.size() == kBuf) Flush(Z_NO_FLUSH);
    }
  }

  void Finish() {
    Flush(Z_FINISH);
    deflateEnd(&z_);
    if (std::fclose(out_) != 0) Die("cannot write " + path_);
  }

  std::string DiffId() { return diff_.Hex(); }
  std::string Digest() { return blob_.Hex(); }
  uint64_t tar_bytes() const { return tar_bytes_; }
  uint64_t blob_bytes() const { return blob_bytes_; }

 private:
  static constexpr size_t kBuf = 1 << 20;

  void Flush(int mode) {
    diff_.Update(buf_.data(), buf_.size());
    z_.next_in = reinterpret_cast<Bytef*>(buf_.data());
    z_.avail_in = static_cast<uInt>(buf_.size());
    int rc;
    do {
      z_.next_out = reinterpret_cast<Bytef*>(zout_.data());
      z_.avail_out = static_cast<uInt>(zout_.size());
      rc = deflate(&z_, mode);
      if (rc == Z_STREAM_ERROR) Die("deflate");
      size_t have = zout_.size() - z_.avail_out;
      blob_.Update(zout_.data(), have);
      blob_bytes_ += have;
      if (have > 0 && std::fwrite(zout_.data(), 1, have, out_) != have) Die("write " + path_);
    } while (z_.avail_out == 0 || (mode == Z_FINISH && rc != Z_STREAM_END));
    buf_.clear();
  }

  std::string path_;
  FILE* out_;
  z_stream z_;
  std::string buf_;
  std::string zout_;
  Sha256 diff_, blob_;
  uint64_t tar_bytes_ = 0, blob_bytes_ = 0;
};

class TarWriter {
 public:
  explicit TarWriter(LayerWriter& w) : w_(w) {}

  void Dir(const std::string& name) { Header(name + "/", '5', 0, 0755, ""); ++entries_; }
  void Symlink(const std::string& name, const std::string& target) {
    Header(name, '2', 0, 0777, target);
    ++entries_;
  }
  void File(const std::string& name, const char* data, uint64_t size, int mode = 0644) {
    Header(name, '0', size, mode, "");
    w_.Write(data, size);
    Pad(size);
    ++entries_;
    ++files_;
    content_ += size;
  }
  // A file whose content is `size` bytes taken cyclically from `pool` at `offset`.
  void PoolFile(const std::string& name, const std::string& pool, uint64_t offset, uint64_t size,
                int mode = 0644) {
    Header(name, '0', size, mode, "");
    uint64_t left = size;
    offset %= pool.size();
    while (left > 0) {
      uint64_t take = std::min<uint64_t>(left, pool.size() - offset);
      w_.Write(pool.data() + offset, take);
      left -= take;
      offset = 0;
    }
    Pad(size);
    ++entries_;
    ++files_;
    content_ += size;
  }
  void Whiteout(const std::string& dir, const std::string& name) {
    Header(dir + "/.wh." + name, '0', 0, 0644, "");
    ++entries_;
  }
  void End() {
    static const char zeros[1024] = {};
    w_.Write(zeros, sizeof zeros);
  }

  uint64_t entries() const { return entries_; }
  uint64_t files() const { return files_; }
  uint64_t content() const { return content_; }

 private:
  static void Octal(char* field, size_t width, uint64_t value) {
    std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                  static_cast<unsigned long long>(value));
  }

  void Header(const std::string& name, char type, uint64_t size, int mode,
              const std::string& link) {
    char h[512] = {};
    if (name.size() <= 100) {
      std::memcpy(h, name.data(), name.size());
    } else {
      size_t cut = name.rfind('/', 155);
      if (cut == std::string::npos || name.size() - cut - 1 > 100) Die("name too long: " + name);
      std::memcpy(h + 345, name.data(), cut);
      std::memcpy(h, name.data() + cut + 1, name.size() - cut - 1);
    }
    if (link.size() > 100) Die("link too long: " + link);
    Octal(h + 100, 8, mode);
    Octal(h + 108, 8, 0);
    Octal(h + 116, 8, 0);
    Octal(h + 124, 12, size);
    Octal(h + 136, 12, 1700000000);
    h[156] = type;
    std::memcpy(h + 157, link.data(), link.size());
    std::memcpy(h + 257, "ustar", 6);
    std::memcpy(h + 263, "00", 2);
    std::memcpy(h + 265, "root", 4);
    std::memcpy(h + 297, "root", 4);
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    w_.Write(h, sizeof h);
  }

  void Pad(uint64_t size) {
    static const char zeros[512] = {};
    if (size % 512 != 0) w_.Write(zeros, 512 - size % 512);
  }

  LayerWriter& w_;
  uint64_t entries_ = 0, files_ = 0, content_ = 0;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string TextPool(Rng& rng, size_t bytes) {
  std::vector<std::string> words;
  for (int i = 0; i < 4096; ++i) {
    std::string w;
    int len = 2 + static_cast<int>(rng.Below(9));
    for (int j = 0; j < len; ++j) w += static_cast<char>('a' + rng.Below(26));
    words.push_back(w);
  }
  std::string pool;
  pool.reserve(bytes + 16);
  while (pool.size() < bytes) {
    pool += words[rng.Below(words.size())];
    pool += rng.Below(12) == 0 ? '\n' : ' ';
  }
  pool.resize(bytes);
  return pool;
}

std::string RandomPool(Rng& rng, size_t bytes) {
  std::string pool(bytes, '\0');
  for (size_t i = 0; i + 8 <= bytes; i += 8) {
    uint64_t v = rng.Next();
    std::memcpy(&pool[i], &v, 8);
  }
  return pool;
}

uint64_t SmallSize(Rng& rng) {
  double s = std::exp(7.0 + 1.2 * rng.Normal());
  if (s < 1) s = 1;
  if (s > 256 * 1024) s = 256 * 1024;
  return static_cast<uint64_t>(s);
}

// `count` filler files under `top`: directories of 40-60 files, two levels deep.
void Filler(TarWriter& tar, Rng& rng, const std::string& pool, const std::string& top,
            uint64_t count, const char* ext) {
  tar.Dir(top);
  uint64_t made = 0;
  for (int a = 0; made < count; ++a) {
    char da[32];
    std::snprintf(da, sizeof da, "/p%03d", a);
    std::string dir_a = top + da;
    tar.Dir(dir_a);
    for (int b = 0; b < 40 && made < count; ++b) {
      char db[32];
      std::snprintf(db, sizeof db, "/m%02d", b);
      std::string dir_b = dir_a + db;
      tar.Dir(dir_b);
      uint64_t n = 40 + rng.Below(21);
      for (uint64_t i = 0; i < n && made < count; ++i, ++made) {
        char fn[48];
        std::snprintf(fn, sizeof fn, "/f%05llu.%s", static_cast<unsigned long long>(i), ext);
        tar.PoolFile(dir_b + fn, pool, rng.Next(), SmallSize(rng));
      }
    }
  }
}

const char* kStandInStatus =
    "Package: base-files\nStatus: install ok installed\nPriority: required\nSection: admin\n"
    "Maintainer: Santiago Vila <sanvila@debian.org>\nArchitecture: amd64\n"
    "Version: 12.4+deb12u5\nDescription: Debian base system miscellaneous files\n\n"
    "Package: libc6\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
    "Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\nArchitecture: amd64\n"
    "Source: glibc\nVersion: 2.36-9+deb12u4\nDescription: GNU C Library: Shared libraries\n\n";
const char* kStandInOsRelease =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
    "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

void Layer1(TarWriter& tar, Rng& rng, const std::string& text, uint64_t files,
            const std::string& rootfs) {
  std::string status, os_release;
  if (!rootfs.empty()) {
    status = ReadAll(rootfs + "/var/lib/dpkg/status");
    os_release = ReadAll(rootfs + "/etc/os-release");
    if (os_release.empty()) os_release = ReadAll(rootfs + "/usr/lib/os-release");
  }
  if (status.empty()) status = kStandInStatus;
  if (os_release.empty()) os_release = kStandInOsRelease;
  for (const char* d : {"etc", "var", "var/lib", "var/lib/dpkg", "var/lib/dpkg/info", "usr",
                        "usr/share", "usr/lib", "usr/bin"}) {
    tar.Dir(d);
  }
  tar.File("etc/os-release", os_release.data(), os_release.size());
  tar.File("etc/hostname", "synthetic\n", 10);
  tar.File("etc/motd", "welcome\n", 8);
  tar.File("var/lib/dpkg/status", status.data(), status.size());
  // A .list per package, as dpkg keeps them.
  std::istringstream in(status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Package: ", 0) == 0) {
      std::string name = line.substr(9);
      std::string list = "/.\n/usr/share/doc/" + name + "\n/usr/share/doc/" + name +
                         "/copyright\n";
      tar.File("var/lib/dpkg/info/" + name + ".list", list.data(), list.size());
    }
  }
  Filler(tar, rng, text, "usr/share/synth", files, "txt");
}

void Layer2(TarWriter& tar, Rng& rng, const std::string& text, const std::string& random,
            uint64_t files) {
  tar.Dir("usr/lib/x86_64-linux-gnu");
  tar.Dir("usr/lib/x86_64-linux-gnu/big");
  for (int i = 0; i < 48; ++i) {
    char name[96];
    std::snprintf(name, sizeof name, "usr/lib/x86_64-linux-gnu/big/libbig%02d.so.1", i);
    tar.PoolFile(name, random, rng.Next(), uint64_t{8} << 20, i % 4 == 0 ? 0755 : 0644);
  }
  Filler(tar, rng, text, "usr/lib/synth", files - 48, "so");
}

void Layer3(TarWriter& tar, Rng& rng, const std::string& text, uint64_t files) {
  uint64_t made = 0;
  tar.Dir("srv");
  tar.Dir("srv/app");
  tar.Dir("srv/app/node_modules");
  for (int p = 0; p < 2000; ++p) {
    char name[32];
    std::snprintf(name, sizeof name, "pkg-%04d", p);
    std::string dir = std::string("srv/app/node_modules/") + name;
    tar.Dir(dir);
    char json[256];
    int n = std::snprintf(json, sizeof json,
                          "{\n  \"name\": \"%s\",\n  \"version\": \"1.%d.%d\",\n"
                          "  \"main\": \"index.js\",\n  \"license\": \"MIT\"\n}\n",
                          name, p % 17, p % 5);
    tar.File(dir + "/package.json", json, static_cast<uint64_t>(n));
    ++made;
    tar.Dir(dir + "/lib");
    for (int f = 0; f < 45; ++f, ++made) {
      char fn[32];
      std::snprintf(fn, sizeof fn, "/lib/m%02d.js", f);
      tar.PoolFile(dir + fn, text, rng.Next(), SmallSize(rng));
    }
  }
  const std::string site = "usr/local/lib/python3.11/dist-packages";
  tar.Dir("usr/local");
  tar.Dir("usr/local/lib");
  tar.Dir("usr/local/lib/python3.11");
  tar.Dir(site);
  for (int p = 0; p < 300; ++p) {
    char name[32], version[32];
    std::snprintf(name, sizeof name, "synth_py_%03d", p);
    std::snprintf(version, sizeof version, "2.%d.%d", p % 13, p % 7);
    std::string info = site + "/" + name + "-" + version + ".dist-info";
    tar.Dir(info);
    std::string metadata = std::string("Metadata-Version: 2.1\nName: ") + name +
                           "\nVersion: " + version + "\nSummary: synthetic package\n";
    tar.File(info + "/METADATA", metadata.data(), metadata.size());
    tar.File(info + "/INSTALLER", "pip\n", 4);
    made += 2;
    std::string pkg = site + "/" + name;
    tar.Dir(pkg);
    for (int f = 0; f < 40; ++f, ++made) {
      char fn[32];
      std::snprintf(fn, sizeof fn, "/mod%02d.py", f);
      tar.PoolFile(pkg + fn, text, rng.Next(), SmallSize(rng));
    }
  }
  if (made < files) Filler(tar, rng, text, "usr/local/share/synth", files - made, "dat");
}

void Layer4(TarWriter& tar, Rng& rng, const std::string& text, uint64_t files) {
  tar.Dir("etc");
  tar.Whiteout("etc", "motd");
  tar.Whiteout("etc", "hostname");
  tar.Dir("usr");
  tar.Dir("usr/local");
  tar.Dir("usr/local/lib");
  tar.Dir("usr/local/lib/python3.11");
  tar.Dir("usr/local/lib/python3.11/dist-packages");
  tar.Whiteout("usr/local/lib/python3.11/dist-packages", "synth_py_000-2.0.0.dist-info");
  tar.Dir("usr/lib");
  tar.Dir("usr/lib/synth");
  tar.Dir("usr/lib/synth/p000");
  tar.Dir("usr/lib/synth/p000/m00");
  tar.File("usr/lib/synth/p000/m00/.wh..wh..opq", "", 0);
  tar.File("usr/lib/synth/p000/m00/replacement.so", "new\n", 4);
  tar.Dir("srv");
  tar.Symlink("srv/current", "app");
  Filler(tar, rng, text, "srv/app/static", files - 1, "js");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) Die("usage: make-layer BLOBS_DIR LAYER FILES [ROOTFS]");
  std::string blobs = argv[1];
  int layer = std::atoi(argv[2]);
  uint64_t files = std::strtoull(argv[3], nullptr, 10);
  std::string rootfs = argc > 4 ? argv[4] : "";
  if (layer < 1 || layer > 4 || files < 100000) Die("LAYER is 1-4, FILES >= 100000");

  Rng rng{0x5eed0000ull + static_cast<uint64_t>(layer)};
  std::string text = TextPool(rng, 8 << 20);
  std::string random = layer == 2 ? RandomPool(rng, 8 << 20) : std::string();

  std::string tmp = blobs + "/.layer" + std::to_string(layer) + ".tmp";
  LayerWriter w(tmp);
  TarWriter tar(w);
  switch (layer) {
    case 1: Layer1(tar, rng, text, files, rootfs); break;
    case 2: Layer2(tar, rng, text, random, files); break;
    case 3: Layer3(tar, rng, text, files); break;
    default: Layer4(tar, rng, text, files); break;
  }
  tar.End();
  w.Finish();
  std::string digest = w.Digest();
  if (std::rename(tmp.c_str(), (blobs + "/" + digest).c_str()) != 0) Die("rename " + tmp);
  std::printf("sha256:%s sha256:%s %llu %llu %llu %llu %llu\n", digest.c_str(),
              w.DiffId().c_str(), static_cast<unsigned long long>(w.blob_bytes()),
              static_cast<unsigned long long>(w.tar_bytes()),
              static_cast<unsigned long long>(tar.entries()),
              static_cast<unsigned long long>(tar.files()),
              static_cast<unsigned long long>(tar.content()));
  return 0;
}
