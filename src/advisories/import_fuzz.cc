// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Fuzz harness for the feed importer, which reads hostile input: downloaded zips and the records
// inside them. Each input is used twice:
//  - as one OSV record: NormalizeRecord must not crash, and a stored affected entry must read
//    back to the same entry (EncodeAffected ∘ DecodeAffected is the identity on its output);
//  - as mutations of a small valid feed zip (pairs of offset, xor byte), so that the end
//    record, the central directory and the deflate streams all get damaged: ImportZips must end
//    with OK or a Status, never crash, and every record it hands over must carry its exact bytes.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <zip.h>

#include "advisories/import.h"
#include "base/file.h"

namespace {

using assay::advisories::ContentHash;
using assay::advisories::DecodeAffected;
using assay::advisories::EncodeAffected;
using assay::advisories::ImportReport;
using assay::advisories::NormalizedRecord;
using assay::advisories::RawCodec;
using assay::advisories::RecordSink;
using assay::advisories::ZipInput;
namespace base = assay::base;
namespace fs = std::filesystem;

constexpr const char* kRecord = R"({"id":"FUZZ-1","modified":"2024-01-01T00:00:00Z",)"
                                R"("aliases":["CVE-2024-1"],"affected":[{"package":)"
                                R"({"ecosystem":"PyPI","name":"Zope.Interface"},"ranges":)"
                                R"([{"type":"ECOSYSTEM","events":[{"introduced":"0"},)"
                                R"({"fixed":"1.0"}]}],"ecosystem_specific":{"a":[1,2]}}]})";

// Checks what ImportZips hands over; aborts on a broken contract.
class CheckingSink : public RecordSink {
 public:
  base::Status BeginZip(std::size_t, const ZipInput&) override { return base::Status::Ok(); }
  base::Status AddRawBlock(std::size_t, std::string_view frame) override {
    auto b = codec_.Decompress(frame);
    if (!b.ok()) std::abort();  // the importer wrote this frame itself
    block_ = std::move(*b);
    return base::Status::Ok();
  }
  base::Status Add(std::size_t, NormalizedRecord&& r) override {
    if (r.raw_offset > block_.size() || r.raw_size > block_.size() - r.raw_offset) std::abort();
    if (ContentHash(std::string_view(block_).substr(r.raw_offset, r.raw_size)) != r.content_hash) {
      std::abort();
    }
    return base::Status::Ok();
  }
  base::Status EndZip(std::size_t, const ImportReport&) override { return base::Status::Ok(); }

 private:
  RawCodec codec_;
  std::string block_;
};

// Removes a file at exit.
struct RemoveAtExit {
  fs::path path;
  RemoveAtExit() = default;
  RemoveAtExit(RemoveAtExit&& o) noexcept : path(std::move(o.path)) { o.path.clear(); }
  ~RemoveAtExit() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

struct Fixture {
  std::unique_ptr<base::TempDir> dir;  // removed at exit
  fs::path zip;
  RemoveAtExit cleanup;
  std::string seed;  // bytes of a valid two-record zip
};

const Fixture& GetFixture() {
  static const Fixture f = [] {
    Fixture x;
    auto t = base::TempDir::Create("assay-import-fuzz");
    if (!t.ok()) std::abort();
    x.dir = std::make_unique<base::TempDir>(std::move(*t));
    fs::path seed_path = x.dir->path() / "seed.zip";
    int err = 0;
    zip_t* z = zip_open(seed_path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (z == nullptr) std::abort();
    for (const char* name : {"FUZZ-1.json", "FUZZ-2.json"}) {
      zip_source_t* src = zip_source_buffer(z, kRecord, std::char_traits<char>::length(kRecord), 0);
      if (src == nullptr || zip_file_add(z, name, src, ZIP_FL_OVERWRITE) < 0) std::abort();
    }
    if (zip_close(z) != 0) std::abort();
    auto bytes = base::ReadFile(seed_path);
    if (!bytes.ok()) std::abort();
    x.seed = std::move(*bytes);
    // The mutated zip is rewritten for every input: on tmpfs when there is one, since
    // truncating a file on ext4 forces a write-back at close.
    std::error_code ec;
    if (fs::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0) {
      x.zip = fs::path("/dev/shm") / ("assay-import-fuzz-" + std::to_string(::getpid()) + ".zip");
      x.cleanup.path = x.zip;
    } else {
      x.zip = x.dir->path() / "mutated.zip";
    }
    return x;
  }();
  return f;
}

void CheckRecord(std::string_view text) {
  auto r = assay::advisories::NormalizeRecord(text);
  if (!r.ok()) return;
  if (r->raw_size != text.size() || r->content_hash != ContentHash(text)) std::abort();
  for (const auto& a : r->affected) {
    auto decoded = DecodeAffected(a.entry_json);
    if (!decoded.ok()) std::abort();  // what the importer stores must read back
    if (EncodeAffected(*decoded) != a.entry_json) std::abort();
  }
}

void CheckZip(const uint8_t* data, size_t size) {
  const Fixture& f = GetFixture();
  std::string bytes = f.seed;
  for (size_t i = 0; i + 2 < size; i += 3) {
    size_t at = (static_cast<size_t>(data[i]) << 8 | data[i + 1]) % (bytes.size() + 1);
    if (at == bytes.size()) {
      bytes.resize(bytes.size() / 2);  // truncation
    } else {
      bytes[at] = static_cast<char>(bytes[at] ^ (data[i + 2] | 1));
    }
  }
  {
    std::ofstream out(f.zip, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) std::abort();
  }
  CheckingSink sink;
  std::vector<ImportReport> reports;
  assay::advisories::ImportOptions opts;
  opts.threads = 1;
  (void)assay::advisories::ImportZips({{"PyPI", f.zip}}, sink, opts, &reports);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckRecord(std::string_view(reinterpret_cast<const char*>(data), size));
  CheckZip(data, size);
  return 0;
}
