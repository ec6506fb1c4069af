// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// One OSV record (https://ossf.github.io/osv-schema/) as plain structs, and its JSON decoder.
// Only the fields assay reasons about are typed; `ecosystem_specific` and `database_specific`
// are kept as raw JSON text so nothing the feed said is lost.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace assay::model {

struct OsvEvent {
  enum class Kind { kIntroduced, kFixed, kLastAffected, kLimit };
  Kind kind;
  std::string version;
};

struct OsvRange {
  enum class Type { kEcosystem, kSemver, kGit, kUnknown };
  Type type = Type::kUnknown;
  std::string type_name;  // as written, e.g. "ECOSYSTEM"
  std::string repo;       // GIT ranges only
  std::vector<OsvEvent> events;
};

struct OsvSeverity {
  std::string type;   // "CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu", ...
  std::string score;  // the vector or rating as written
};

struct OsvReference {
  std::string type;
  std::string url;
};

struct OsvAffected {
  std::string ecosystem;  // "Debian:12"; empty when the entry names no package
  std::string name;
  std::string purl;
  std::vector<OsvRange> ranges;
  std::vector<std::string> versions;
  std::vector<OsvSeverity> severity;
  std::string ecosystem_specific;  // raw JSON object text, or empty
  std::string database_specific;   // raw JSON object text, or empty
};

struct Advisory {
  std::string id;
  std::string schema_version;
  std::string modified;
  std::string published;
  std::string withdrawn;  // RFC 3339 time, empty when not withdrawn
  std::vector<std::string> aliases;
  std::vector<std::string> related;
  std::string summary;
  std::string details;
  std::vector<OsvSeverity> severity;
  std::vector<OsvAffected> affected;
  std::vector<OsvReference> references;
  std::string database_specific;  // raw JSON object text, or empty
};

// Decodes one OSV record. Fails with Corruption naming the field when the JSON is malformed, the
// `id` is missing or a range is not shaped as the schema says; unknown fields are ignored as the
// schema allows. A missing `modified` is left empty for the caller to judge. Thread-safe.
base::Result<Advisory> ParseOsv(std::string_view json);

// Encodes the typed fields back to OSV JSON (raw-JSON members are embedded as they were).
std::string ToOsvJson(const Advisory& advisory);

}  // namespace assay::model
