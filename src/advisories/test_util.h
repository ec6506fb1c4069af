// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only helpers of the advisories module: OSV records, zips written with libzip into a
// temporary mirror directory, and a hermetic FeedSource over such a directory (no dependency on
// the real feed code, no network).
#pragma once

#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "advisories/feed.h"
#include "advisories/import.h"
#include "base/file.h"

namespace assay::advisories::testing {

namespace fs = std::filesystem;

struct Pkg {
  std::string ecosystem;
  std::string name;
  std::string fixed;  // empty: no fix
};

// A minimal valid OSV record as pretty JSON.
inline std::string Osv(const std::string& id, const std::vector<Pkg>& pkgs,
                       const std::vector<std::string>& aliases = {},
                       const std::string& modified = "2024-01-01T00:00:00Z",
                       const std::string& withdrawn = "",
                       const std::vector<std::string>& related = {},
                       const std::string& cvss = "") {
  nlohmann::ordered_json j;
  j["id"] = id;
  j["modified"] = modified;
  if (!withdrawn.empty()) j["withdrawn"] = withdrawn;
  if (!aliases.empty()) j["aliases"] = aliases;
  if (!related.empty()) j["related"] = related;
  j["summary"] = "summary of " + id;
  if (!cvss.empty()) j["severity"] = {{{"type", "CVSS_V3"}, {"score", cvss}}};
  nlohmann::ordered_json affected = nlohmann::ordered_json::array();
  for (const Pkg& p : pkgs) {
    nlohmann::ordered_json events = nlohmann::ordered_json::array();
    events.push_back({{"introduced", "0"}});
    if (!p.fixed.empty()) events.push_back({{"fixed", p.fixed}});
    affected.push_back({{"package", {{"ecosystem", p.ecosystem}, {"name", p.name}}},
                        {"ranges", {{{"type", "ECOSYSTEM"}, {"events", events}}}},
                        {"ecosystem_specific", {{"urgency", "high"}}}});
  }
  j["affected"] = affected;
  return j.dump(2);
}

// Writes a zip holding `entries` (name → content) at `path`, replacing it.
inline void WriteZip(const fs::path& path,
                     const std::vector<std::pair<std::string, std::string>>& entries) {
  fs::create_directories(path.parent_path());
  if (entries.empty()) {
    // libzip writes no file for an empty archive: an end-of-central-directory record alone.
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << std::string("PK\x05\x06", 4) << std::string(18, '\0');
    return;
  }
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(z, nullptr) << "zip_open " << path << ": " << err;
  for (const auto& [name, content] : entries) {
    if (!name.empty() && name.back() == '/') {
      ASSERT_GE(zip_dir_add(z, name.c_str(), ZIP_FL_ENC_UTF_8), 0);
      continue;
    }
    // libzip reads the buffer at zip_close: give it its own copy (it frees non-empty ones).
    void* copy = nullptr;
    if (!content.empty()) {
      copy = std::malloc(content.size());
      std::memcpy(copy, content.data(), content.size());
    }
    zip_source_t* src = zip_source_buffer(z, copy, content.size(), copy != nullptr ? 1 : 0);
    ASSERT_NE(src, nullptr);
    ASSERT_GE(zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE | ZIP_FL_ENC_UTF_8), 0)
        << zip_strerror(z);
  }
  ASSERT_EQ(zip_close(z), 0) << zip_strerror(z);
}

// Zip entries for records: "<id>.json" → record.
inline std::vector<std::pair<std::string, std::string>> Entries(
    const std::vector<std::pair<std::string, std::string>>& id_and_json) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [id, json] : id_and_json) out.emplace_back(id + ".json", json);
  return out;
}

inline std::string ReadAll(const fs::path& p) {
  auto r = base::ReadFile(p);
  return r.ok() ? *r : std::string();
}

inline void WriteAll(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

// A FeedSource over `<dir>/<Ecosystem>/all.zip`, fingerprinted by ContentHash. Counts fetches.
class DirFeed : public FeedSource {
 public:
  explicit DirFeed(fs::path dir) : dir_(std::move(dir)) {}
  std::string Describe() const override { return dir_.string(); }
  base::Result<std::vector<std::string>> ListEcosystems() const override {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (fs::exists(e.path() / "all.zip")) out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  base::Result<FetchedZip> Fetch(const std::string& ecosystem, const FeedState& previous,
                                 const fs::path& /*work_dir*/) const override {
    ++fetches;
    fs::path p = dir_ / ecosystem / "all.zip";
    if (!fs::exists(p)) return base::Status::NotFound(p.string() + ": no such feed");
    FetchedZip z;
    z.ecosystem = ecosystem;
    z.url = p.string();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(ContentHash(ReadAll(p))));
    z.fingerprint = std::string("test:") + buf;
    z.unchanged = z.fingerprint == previous.fingerprint;
    if (!z.unchanged) z.path = p;
    return z;
  }
  mutable int fetches = 0;

 private:
  fs::path dir_;
};

// Temp files named "<db>.tmp-*" next to `db`.
inline std::vector<fs::path> TempFilesOf(const fs::path& db) {
  std::vector<fs::path> out;
  std::string prefix = db.filename().string() + ".tmp-";
  for (const auto& e : fs::directory_iterator(db.parent_path())) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path());
  }
  return out;
}

// Names of the files in `db`'s directory, sorted.
inline std::vector<std::string> SiblingsOf(const fs::path& db) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(db.parent_path())) {
    out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct FileId {
  ino_t inode = 0;
  std::int64_t mtime_ns = 0;
  std::uintmax_t size = 0;
  bool operator==(const FileId&) const = default;
};

inline FileId IdOf(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return {};
  return {st.st_ino,
          static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
          static_cast<std::uintmax_t>(st.st_size)};
}

}  // namespace assay::advisories::testing
