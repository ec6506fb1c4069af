// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Test-only builders for the match module's tests: advisory entries and packages in one line.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "advisories/db.h"
#include "model/inventory.h"
#include "model/osv.h"
#include "model/package.h"

namespace assay::match::testing {

// The advisory-level fields of an entry.
struct Adv {
  std::string id;
  std::vector<std::string> aliases = {};
  std::vector<std::string> related = {};
  std::string withdrawn = {};
  std::vector<model::OsvSeverity> severity = {};
  std::string database_specific = {};
};

inline model::OsvEvent Introduced(std::string v) {
  return {model::OsvEvent::Kind::kIntroduced, std::move(v)};
}
inline model::OsvEvent Fixed(std::string v) {
  return {model::OsvEvent::Kind::kFixed, std::move(v)};
}
inline model::OsvEvent LastAffected(std::string v) {
  return {model::OsvEvent::Kind::kLastAffected, std::move(v)};
}

// One affected entry of `adv` for (ecosystem, name) with one ECOSYSTEM range of `events`.
inline advisories::AffectedEntry Entry(const Adv& adv, std::string ecosystem, std::string name,
                                       std::vector<model::OsvEvent> events) {
  advisories::AffectedEntry e;
  e.advisory_id = adv.id;
  e.source = "test";
  e.ecosystem = ecosystem;
  e.name = name;
  e.modified = "2024-01-01T00:00:00Z";
  e.withdrawn = adv.withdrawn;
  e.aliases = adv.aliases;
  e.related = adv.related;
  e.severity = adv.severity;
  e.database_specific = adv.database_specific;
  e.affected.ecosystem = std::move(ecosystem);
  e.affected.name = std::move(name);
  model::OsvRange range;
  range.type = model::OsvRange::Type::kEcosystem;
  range.type_name = "ECOSYSTEM";
  range.events = std::move(events);
  e.affected.ranges.push_back(std::move(range));
  return e;
}

// Introduced 0, fixed `fixed` (no fixed event when empty).
inline advisories::AffectedEntry Fix(const Adv& adv, std::string ecosystem, std::string name,
                                     std::string fixed) {
  std::vector<model::OsvEvent> events = {Introduced("0")};
  if (!fixed.empty()) events.push_back(Fixed(std::move(fixed)));
  return Entry(adv, std::move(ecosystem), std::move(name), std::move(events));
}

inline model::Package Pkg(std::string ecosystem, std::string name, std::string version,
                          std::string source_name = "", std::string source_version = "") {
  model::Package p;
  p.ecosystem = std::move(ecosystem);
  p.name = std::move(name);
  p.version = std::move(version);
  p.source_name = std::move(source_name);
  p.source_version = std::move(source_version);
  p.path = "var/lib/dpkg/status";
  p.package_manager = "dpkg";
  return p;
}

inline model::OsInfo Os(std::string ecosystem, bool ubuntu_pro = false) {
  model::OsInfo os;
  os.ecosystem = std::move(ecosystem);
  os.ubuntu_pro = ubuntu_pro;
  return os;
}

}  // namespace assay::match::testing
