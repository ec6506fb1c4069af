// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseJar never crashes, and every package has a name, a version and a purl. Raw bytes rarely
// form a zip, so besides them the input is packed (with libzip, in memory) as the text of a
// pom.properties or MANIFEST.MF entry, or as a nested archive entry, of a valid archive.
#include <zip.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "inventory/java.h"

namespace {

void Check(std::string_view bytes, const char* path) {
  auto r = assay::inventory::ParseJar({bytes, path, ""});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.name.empty() || p.version.empty() || p.purl.empty()) std::abort();
  }
}

// A zip holding `entries` (name, data), built in memory; "" if libzip refuses.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(nullptr, 0, 0, &err);
  zip_error_fini(&err);
  if (src == nullptr) return "";
  zip_source_keep(src);
  zip_t* z = zip_open_from_source(src, ZIP_TRUNCATE, nullptr);
  if (z == nullptr) {
    zip_source_free(src);
    return "";
  }
  for (const auto& [name, data] : entries) {
    zip_source_t* s = zip_source_buffer(z, data.data(), data.size(), 0);
    if (s == nullptr) continue;
    zip_int64_t index = zip_file_add(z, name.c_str(), s, ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(s);
      continue;
    }
    // Stored, not deflated: building is then cheap (the seeds cover inflating).
    zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  std::string out;
  if (zip_close(z) != 0) {
    zip_discard(z);
  } else if (zip_source_open(src) == 0) {
    char buf[4096];
    zip_int64_t n;
    while ((n = zip_source_read(src, buf, sizeof(buf))) > 0) {
      out.append(buf, static_cast<size_t>(n));
    }
    zip_source_close(src);
  }
  zip_source_free(src);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in, "lib/app-1.0.jar");
  if (size == 0) return 0;
  // One structured variant per input keeps the harness fast under sanitizers.
  std::string text(in.substr(1));
  std::string archive;
  switch (data[0] % 4) {
    case 0:
      archive = Zip({{"META-INF/maven/g/a/pom.properties", text},
                     {"META-INF/MANIFEST.MF", "Implementation-Version: 1\n"}});
      break;
    case 1:
      archive = Zip({{"META-INF/MANIFEST.MF", text},
                     {"x/pom.properties", "groupId=g\nartifactId=a\nversion=" + text}});
      break;
    case 2:
      archive = Zip({{"WEB-INF/lib/inner-1.0.jar", text},
                     {"META-INF/maven/g/a/pom.properties", "groupId=g\nartifactId=a\nversion=1"}});
      break;
    default:
      archive = Zip({{"BOOT-INF/lib/x.jar",
                      Zip({{"META-INF/MANIFEST.MF",
                            "Bundle-SymbolicName: " + text +
                                "\nBundle-Name: n\nBundle-Version: " + text + "\n"}})}});
      break;
  }
  if (!archive.empty()) Check(archive, (data[0] & 4) ? "srv/app.war" : "lib/app-1.0.jar");
  return 0;
}
