// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Java archives (jar, war, ear, ...): zip files opened from memory with libzip.
//
// Identity sources, per archive level:
//  1. every `pom.properties` entry (maven-archiver writes META-INF/maven/<g>/<a>/pom.properties;
//     shaded jars keep those of the artifacts they absorbed): one package each;
//  2. when none of them describes the archive itself (same artifactId and version as its file
//     name), the MANIFEST.MF main section: groupId from Implementation-Vendor-Id or
//     Bundle-SymbolicName (without its last segment), then Implementation-Vendor or
//     Specification-Vendor; artifactId from Implementation-Title, Specification-Title or
//     Bundle-Name; version from Implementation-Version, Specification-Version or Bundle-Version.
//     It is left out when a pom.properties of the same archive already has that version (the
//     manifest then restates it) and when the groupId is free text (contains a space);
//  3. the file name (`name-1.2.3.jar`) alone gives no groupId: a warning, not a package.
// Nested archives (WEB-INF/lib/*.jar, BOOT-INF/lib/*.jar, lib/*.jar in an ear, any entry named
// *.jar|*.war|*.ear|...) are read into memory and parsed the same way, down to kMaxDepth levels;
// their packages carry the path "outer.war!/WEB-INF/lib/x.jar". Decompression is bounded per
// entry and per parse (kMaxTotalBytes), and entries whose size claims exceed what deflate can
// produce from their compressed size (for a nested archive, a ratio beyond 100:1) are skipped, so
// a zip bomb costs bounded time and memory.
#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "inventory/internal/purl.h"
#include "inventory/java.h"

namespace assay::inventory {
namespace {

constexpr int kMaxDepth = 4;                               // nested archive levels below the file
constexpr uint64_t kMaxTotalBytes = 256ULL << 20;          // decompressed per parse
constexpr uint64_t kMaxNestedArchiveBytes = 128ULL << 20;  // one nested archive
constexpr uint64_t kMaxTextBytes = 1ULL << 20;             // one pom.properties or MANIFEST.MF
// Deflate cannot expand data more than ~1032:1; a larger claimed ratio is a bomb or a lie.
constexpr uint64_t kMaxRatio = 1100;
// A nested archive is compressed already: the outer zip barely shrinks it further.
constexpr uint64_t kMaxNestedArchiveRatio = 100;
constexpr size_t kMaxWarnings = 100;

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

struct Coordinates {
  std::string group_id;
  std::string artifact_id;
  std::string version;
  bool Valid() const { return !group_id.empty() && !artifact_id.empty() && !version.empty(); }
};

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The extension, lower-cased, without the dot ("" when none).
std::string Extension(std::string_view name) {
  name = BaseName(name);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  return base::AsciiLower(name.substr(dot + 1));
}

bool IsArchiveName(std::string_view name) {
  static constexpr std::string_view kExtensions[] = {"jar", "war", "ear", "par",
                                                     "sar", "jpi", "hpi", "rar"};
  std::string ext = Extension(name);
  return std::find(std::begin(kExtensions), std::end(kExtensions), ext) != std::end(kExtensions);
}

// `artifact-1.2.3.jar` -> (artifact, 1.2.3): the artifactId runs up to the last '-' that is
// followed by a digit (so "spring-core-5.3.4-SNAPSHOT" -> spring-core, 5.3.4-SNAPSHOT). Both
// empty when the name has no such shape.
std::pair<std::string, std::string> ParseFileName(std::string_view path) {
  std::string_view name = BaseName(path);
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || !IsArchiveName(name)) return {};
  std::string_view stem = name.substr(0, dot);
  for (size_t pos = stem.size(); pos-- > 1;) {
    if (stem[pos] != '-' || pos + 1 >= stem.size() || !base::IsDigit(stem[pos + 1])) continue;
    std::string_view artifact = stem.substr(0, pos);
    std::string_view version = stem.substr(pos + 1);
    bool ok = artifact.back() != '-' && artifact.back() != '*';
    for (size_t i = 0; ok && i + 1 < artifact.size(); ++i) {
      char c = artifact[i];
      ok = base::IsAlnum(c) || c == '.' || c == '_' || c == '-';
    }
    for (char c : version) ok = ok && !base::IsSpace(c);
    if (ok) return {std::string(artifact), std::string(version)};
  }
  return {};
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int HexValue(char c) {
  if (base::IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// java.util.Properties text format: `key=value`, `key: value` or `key value`; `#`/`!` comments;
// a line ending in an odd number of backslashes continues on the next one; backslash escapes.
std::map<std::string, std::string> ParseProperties(std::string_view text) {
  std::map<std::string, std::string> out;
  // Logical lines: physical lines joined at continuation backslashes.
  std::vector<std::string> lines;
  std::string current;
  bool continuing = false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t eol = text.find_first_of("\r\n", pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
    if (eol == std::string_view::npos) {
      pos = text.size() + 1;
    } else {
      pos = eol + 1;
      if (text[eol] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    }
    size_t lead = 0;
    while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t' || line[lead] == '\f')) {
      ++lead;
    }
    line.remove_prefix(lead);
    if (!continuing && (line.empty() || line[0] == '#' || line[0] == '!')) continue;
    size_t backslashes = 0;
    while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 1) {
      current.append(line.substr(0, line.size() - 1));
      continuing = true;
      continue;
    }
    current.append(line);
    continuing = false;
    lines.push_back(std::move(current));
    current.clear();
  }
  if (continuing) lines.push_back(std::move(current));

  auto unescape = [](std::string_view s) {
    std::string r;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\' || i + 1 >= s.size()) {
        r.push_back(s[i]);
        continue;
      }
      char c = s[++i];
      switch (c) {
        case 't':
          r.push_back('\t');
          break;
        case 'n':
          r.push_back('\n');
          break;
        case 'r':
          r.push_back('\r');
          break;
        case 'f':
          r.push_back('\f');
          break;
        case 'u': {
          uint32_t cp = 0;
          size_t j = 0;
          for (; j < 4 && i + 1 + j < s.size() && HexValue(s[i + 1 + j]) >= 0; ++j) {
            cp = cp * 16 + static_cast<uint32_t>(HexValue(s[i + 1 + j]));
          }
          if (j == 4) {
            AppendUtf8(r, cp);
            i += 4;
          } else {
            r.push_back('u');
          }
          break;
        }
        default:
          r.push_back(c);
      }
    }
    return r;
  };

  for (const std::string& line : lines) {
    size_t i = 0;
    while (i < line.size()) {
      char c = line[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') break;
      ++i;
    }
    std::string key = unescape(std::string_view(line).substr(0, std::min(i, line.size())));
    size_t v = std::min(i, line.size());
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t' || line[v] == '\f')) ++v;
    if (v < line.size() && (line[v] == '=' || line[v] == ':')) ++v;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t' || line[v] == '\f')) ++v;
    std::string value = unescape(std::string_view(line).substr(v));
    out.emplace(std::move(key), std::string(base::Trim(value)));
  }
  return out;
}

// The main section of a MANIFEST.MF (up to the first empty line), continuation lines (starting
// with one space) unfolded. Keys as written; look-ups ignore case as the JAR spec requires.
std::vector<std::pair<std::string, std::string>> ParseManifestMain(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string attr;
  auto flush = [&] {
    size_t colon = attr.find(':');
    if (colon != std::string::npos) {
      std::string_view key = base::Trim(std::string_view(attr).substr(0, colon));
      std::string_view value = base::Trim(std::string_view(attr).substr(colon + 1));
      if (!key.empty()) out.emplace_back(std::string(key), std::string(value));
    }
    attr.clear();
  };
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find_first_of("\r\n", pos);
    std::string_view line = text.substr(pos, eol == std::string_view::npos ? text.npos : eol - pos);
    if (eol == std::string_view::npos) {
      pos = text.size();
    } else {
      pos = eol + 1;
      if (text[eol] == '\r' && pos < text.size() && text[pos] == '\n') ++pos;
    }
    if (line.empty()) break;
    if (line[0] == ' ') {
      attr.append(line.substr(1));
      continue;
    }
    flush();
    attr.assign(line);
  }
  flush();
  return out;
}

Coordinates ManifestCoordinates(std::string_view text) {
  auto attrs = ParseManifestMain(text);
  auto get = [&](std::string_view key) -> std::string {
    for (const auto& [k, v] : attrs) {
      // `%name` values are OSGi localisation keys, not values.
      if (base::EqualsIgnoreCase(k, key) && !v.empty() && v[0] != '%') return v;
    }
    return "";
  };
  auto first_of = [&](std::initializer_list<std::string_view> keys) -> std::string {
    for (std::string_view key : keys) {
      if (std::string v = get(key); !v.empty()) return v;
    }
    return "";
  };
  Coordinates c;
  if (std::string vendor_id = get("Implementation-Vendor-Id"); !vendor_id.empty()) {
    c.group_id = vendor_id;
  } else if (std::string symbolic = get("Bundle-SymbolicName"); !symbolic.empty()) {
    // "com.fasterxml.jackson.core.jackson-databind;singleton:=true" -> com.fasterxml.jackson.core
    symbolic = std::string(base::Trim(std::string_view(symbolic).substr(0, symbolic.find(';'))));
    size_t dot = symbolic.rfind('.');
    c.group_id = (dot != std::string::npos && dot > 0) ? symbolic.substr(0, dot) : symbolic;
  } else {
    c.group_id = first_of({"Implementation-Vendor", "Specification-Vendor"});
  }
  c.artifact_id = first_of({"Implementation-Title", "Specification-Title", "Bundle-Name"});
  c.version = first_of({"Implementation-Version", "Specification-Version", "Bundle-Version"});
  return c;
}

bool HasSpace(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return base::IsSpace(c); });
}

class ArchiveParser {
 public:
  explicit ArchiveParser(const ParseInput& input) : input_(input) {}

  base::Result<Parsed> Run() {
    if (input_.bytes.empty()) {
      return base::Status::Corruption(input_.path + ": empty file, not a zip archive");
    }
    std::string error;
    if (!ParseArchive(input_.bytes, input_.path, 0, &error)) {
      return base::Status::Corruption(input_.path + ": " + error);
    }
    if (dropped_ > 0) {
      out_.warnings.push_back(
          {input_.path, std::to_string(dropped_) + " more warnings not listed"});
    }
    return std::move(out_);
  }

 private:
  void Warn(std::string location, std::string message) {
    if (out_.warnings.size() < kMaxWarnings) {
      out_.warnings.push_back({std::move(location), std::move(message)});
    } else {
      ++dropped_;
    }
  }

  void Add(const Coordinates& c, const std::string& path) {
    std::string name = c.group_id + ":" + c.artifact_id;
    if (!seen_.emplace(name, c.version).second) return;
    model::Package pkg;
    pkg.ecosystem = "Maven";
    pkg.purl = internal::LanguagePurl(pkg.ecosystem, name, c.version);
    pkg.name = std::move(name);
    pkg.version = c.version;
    pkg.path = path;
    pkg.package_manager = "maven";
    out_.packages.push_back(std::move(pkg));
  }

  // Reads entry `index` whole when it inflates to at most `cap` bytes (and within the parse's
  // budget). False with a reason otherwise.
  bool ReadEntry(zip_t* zip, zip_uint64_t index, uint64_t cap, uint64_t max_ratio,
                 std::string* data, std::string* why) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(zip, index, 0, &st) != 0) {
      *why = zip_strerror(zip);
      return false;
    }
    uint64_t limit = std::min(cap, kMaxTotalBytes - used_);
    if ((st.valid & ZIP_STAT_SIZE) != 0) {
      if (st.size > limit) {
        *why = "entry inflates to " + std::to_string(st.size) + " bytes, over the limit of " +
               std::to_string(limit);
        return false;
      }
      if ((st.valid & ZIP_STAT_COMP_SIZE) != 0 && st.size > 4096 &&
          st.size / max_ratio > st.comp_size) {
        *why = "implausible compression ratio (" + std::to_string(st.size) + " bytes from " +
               std::to_string(st.comp_size) + ")";
        return false;
      }
      limit = st.size;
      data->reserve(static_cast<size_t>(st.size));
    }
    ZipFilePtr file(zip_fopen_index(zip, index, 0));
    if (!file) {
      *why = zip_strerror(zip);
      return false;
    }
    char buf[64 * 1024];
    while (true) {
      zip_int64_t n = zip_fread(file.get(), buf, sizeof(buf));
      if (n < 0) {
        *why = zip_file_strerror(file.get());
        return false;
      }
      if (n == 0) break;
      if (data->size() + static_cast<uint64_t>(n) > limit) {
        *why = "entry inflates past its stated size or the size limit";
        return false;
      }
      data->append(buf, static_cast<size_t>(n));
    }
    used_ += data->size();
    return true;
  }

  // Parses one archive level. False (with `error`) when `bytes` is not a readable zip.
  bool ParseArchive(std::string_view bytes, const std::string& path, int depth,
                    std::string* error) {
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &zerr);
    if (source == nullptr) {
      *error = std::string("not a zip archive: ") + zip_error_strerror(&zerr);
      zip_error_fini(&zerr);
      return false;
    }
    ZipPtr zip(zip_open_from_source(source, ZIP_RDONLY, &zerr));
    if (!zip) {
      *error = std::string("not a zip archive: ") + zip_error_strerror(&zerr);
      zip_error_fini(&zerr);
      zip_source_free(source);
      return false;
    }
    zip_error_fini(&zerr);

    const auto [file_artifact, file_version] = ParseFileName(path);
    std::vector<Coordinates> pom_properties;
    bool own_pom_properties = false;
    std::string manifest;
    bool have_manifest = false;

    zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i) {
      auto index = static_cast<zip_uint64_t>(i);
      const char* raw_name = zip_get_name(zip.get(), index, 0);
      if (raw_name == nullptr) continue;
      std::string_view name(raw_name);
      if (name.empty() || name.back() == '/') continue;
      std::string_view base = BaseName(name);
      std::string data;
      std::string why;
      if (base == "pom.properties") {
        if (!ReadEntry(zip.get(), index, kMaxTextBytes, kMaxRatio, &data, &why)) {
          Warn(path + "!/" + std::string(name), "unreadable: " + why);
          continue;
        }
        auto props = ParseProperties(data);
        Coordinates c{props["groupId"], props["artifactId"], props["version"]};
        if (!c.Valid()) {
          if (!c.artifact_id.empty()) {
            Warn(path + "!/" + std::string(name),
                 "pom.properties lacks a groupId, artifactId or version");
          }
          continue;
        }
        if (c.group_id.find("${") != std::string::npos ||
            c.artifact_id.find("${") != std::string::npos ||
            c.version.find("${") != std::string::npos) {
          Warn(path + "!/" + std::string(name), "pom.properties has an unresolved property");
          continue;
        }
        if (c.artifact_id == file_artifact && c.version == file_version) {
          own_pom_properties = true;
        }
        Add(c, path);
        pom_properties.push_back(std::move(c));
      } else if (base::EqualsIgnoreCase(name, "META-INF/MANIFEST.MF")) {
        if (!ReadEntry(zip.get(), index, kMaxTextBytes, kMaxRatio, &data, &why)) {
          Warn(path + "!/" + std::string(name), "unreadable: " + why);
          continue;
        }
        manifest = std::move(data);
        have_manifest = true;
      } else if (IsArchiveName(name)) {
        std::string inner_path = path + "!/" + std::string(name);
        if (depth >= kMaxDepth) {
          Warn(inner_path,
               "archive nested deeper than " + std::to_string(kMaxDepth) + " levels, not read");
          continue;
        }
        if (!ReadEntry(zip.get(), index, kMaxNestedArchiveBytes, kMaxNestedArchiveRatio, &data,
                       &why)) {
          Warn(inner_path, "unreadable: " + why);
          continue;
        }
        std::string inner_error;
        if (data.empty() || !ParseArchive(data, inner_path, depth + 1, &inner_error)) {
          Warn(inner_path, data.empty() ? "empty archive" : inner_error);
        }
      }
    }

    if (own_pom_properties) return true;
    Coordinates m = have_manifest ? ManifestCoordinates(manifest) : Coordinates{};
    if (m.Valid() && !HasSpace(m.group_id)) {
      bool restated = std::any_of(pom_properties.begin(), pom_properties.end(),
                                  [&](const Coordinates& p) { return p.version == m.version; });
      if (!restated) Add(m, path);
      return true;
    }
    if (pom_properties.empty() && !file_artifact.empty()) {
      Warn(path, "no pom.properties or MANIFEST.MF identity: the groupId of " + file_artifact +
                     " " + file_version + " (from the file name) is unknown");
    }
    return true;
  }

  const ParseInput& input_;
  Parsed out_;
  std::set<std::pair<std::string, std::string>> seen_;
  uint64_t used_ = 0;
  size_t dropped_ = 0;
};

}  // namespace

base::Result<Parsed> ParseJar(const ParseInput& input) {
  ArchiveParser parser(input);
  return parser.Run();
}

}  // namespace assay::inventory
