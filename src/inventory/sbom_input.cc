// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/sbom_input.h"

#include <algorithm>
#include <exception>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "base/strings.h"
#include "inventory/collector.h"
#include "inventory/os_release.h"
#include "model/ecosystem.h"

namespace assay::inventory {
namespace {

using nlohmann::json;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

base::Result<std::string> PercentDecode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    int hi = i + 2 < s.size() ? HexValue(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? HexValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return base::Status::InvalidArgument("bad percent escape in the purl " + std::string(what));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Known release codenames, for `distro` qualifiers that give one instead of a number.
constexpr std::pair<std::string_view, std::string_view> kCodenames[] = {
    {"jessie", "8"},     {"stretch", "9"},    {"buster", "10"},   {"bullseye", "11"},
    {"bookworm", "12"},  {"trixie", "13"},    {"forky", "14"},    {"trusty", "14.04"},
    {"xenial", "16.04"}, {"bionic", "18.04"}, {"focal", "20.04"}, {"jammy", "22.04"},
    {"lunar", "23.04"},  {"mantic", "23.10"}, {"noble", "24.04"}, {"oracular", "24.10"},
    {"plucky", "25.04"},
};

std::string_view CodenameVersion(std::string_view codename) {
  for (const auto& [name, version] : kCodenames) {
    if (name == codename) return version;
  }
  return {};
}

// The os-release ID a purl namespace (or distro qualifier prefix) stands for.
std::string OsIdFor(std::string_view type, std::string_view ns) {
  std::string id = base::AsciiLower(ns);
  if (type == "rpm") {
    if (id == "redhat" || id == "red-hat") return "rhel";
    if (id == "rockylinux" || id == "rocky-linux") return "rocky";
    if (id == "suse") return "sles";
  }
  return id;
}

struct Distro {
  std::string id;
  std::string version_id;
  std::string codename;
};

// "debian-12.5" → {debian, 12.5}; "12" → {"", 12}; "bookworm" / "debian-bookworm" →
// {debian?, 12, bookworm}; "opensuse-leap-15.5" → {opensuse-leap, 15.5}.
Distro ParseDistro(std::string_view value) {
  Distro d;
  std::string v = base::AsciiLower(base::Trim(value));
  if (v.empty()) return d;
  size_t split = std::string::npos;
  for (size_t i = v.size(); i-- > 0;) {
    if (v[i] == '-' && i + 1 < v.size() && base::IsDigit(v[i + 1])) {
      split = i;
      break;
    }
  }
  if (split != std::string::npos) {
    d.id = v.substr(0, split);
    d.version_id = v.substr(split + 1);
    return d;
  }
  if (base::IsDigit(v[0])) {
    d.version_id = v;
    return d;
  }
  size_t dash = v.rfind('-');
  if (dash != std::string::npos) {
    d.id = v.substr(0, dash);
    d.codename = v.substr(dash + 1);
  } else {
    d.codename = v;
  }
  d.version_id = std::string(CodenameVersion(d.codename));
  return d;
}

// The OSV ecosystem of an OS package: from the distro qualifier when it says the release, else
// the document's OS ecosystem when it is the same distribution, else the bare distribution.
std::string OsEcosystem(std::string_view type, const Purl& purl, std::string_view os_ecosystem) {
  Distro distro = ParseDistro(purl.Qualifier("distro"));
  OsRelease os;
  os.id = distro.id.empty() ? OsIdFor(type, purl.Namespace()) : OsIdFor(type, distro.id);
  os.version_id = distro.version_id;
  os.version_codename = distro.codename;
  std::string eco = OsvEcosystem(os);
  if (eco.empty()) return eco;
  bool has_release = !model::SplitEcosystem(eco).release.empty();
  if (!has_release && !os_ecosystem.empty() &&
      model::SplitEcosystem(os_ecosystem).base == model::SplitEcosystem(eco).base) {
    return std::string(os_ecosystem);
  }
  return eco;
}

// "openssl-3.0.7-24.el9.src.rpm" → "openssl".
std::string SourceRpmName(std::string_view srpm) {
  for (std::string_view suffix :
       {std::string_view(".src.rpm"), std::string_view(".nosrc.rpm"), std::string_view(".rpm")}) {
    if (srpm.size() > suffix.size() && srpm.substr(srpm.size() - suffix.size()) == suffix) {
      srpm.remove_suffix(suffix.size());
      break;
    }
  }
  for (int i = 0; i < 2; ++i) {
    size_t dash = srpm.rfind('-');
    if (dash == std::string_view::npos || dash == 0) return std::string(srpm);
    srpm = srpm.substr(0, dash);
  }
  return std::string(srpm);
}

struct LanguageType {
  std::string_view purl_type;
  std::string_view ecosystem;
  std::string_view package_manager;
  char ns_join;  // how namespace and name are joined ('\0': the namespace is not part of it)
};
constexpr LanguageType kLanguageTypes[] = {
    {"pypi", "PyPI", "pip", '\0'},     {"npm", "npm", "npm", '/'},
    {"golang", "Go", "go", '/'},       {"cargo", "crates.io", "cargo", '\0'},
    {"gem", "RubyGems", "gem", '\0'},  {"maven", "Maven", "maven", ':'},
    {"nuget", "NuGet", "nuget", '\0'}, {"composer", "Packagist", "composer", '/'},
};

// Caps the warnings of one kind so a document of 10,000 odd components yields a readable list.
class Warnings {
 public:
  Warnings(std::vector<model::InventoryWarning>* out, std::string path)
      : out_(out), path_(std::move(path)) {}

  void Add(const std::string& kind, const std::string& where, std::string message) {
    size_t n = ++counts_[kind];
    if (n <= kMaxWarningsPerKind) {
      out_->push_back({path_ + (where.empty() ? "" : ": " + where), std::move(message)});
    }
  }

  void Finish() {
    for (const auto& [kind, n] : counts_) {
      if (n > kMaxWarningsPerKind) {
        out_->push_back({path_, std::to_string(n - kMaxWarningsPerKind) + " more: " + kind});
      }
    }
  }

 private:
  std::vector<model::InventoryWarning>* out_;
  std::string path_;
  std::map<std::string, size_t> counts_;
};

std::string GetString(const json& obj, const char* key) {
  if (!obj.is_object()) return {};
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

// The OS an "operating-system" component or package names.
model::OsInfo OsFrom(std::string_view name, std::string_view version, std::string_view pretty) {
  OsRelease rel;
  std::string id = base::AsciiLower(base::Trim(name));
  if (id == "red hat enterprise linux" || id == "redhat") id = "rhel";
  if (id == "rocky linux" || id == "rockylinux") id = "rocky";
  if (id == "debian gnu/linux") id = "debian";
  rel.id = id;
  rel.version_id = std::string(base::Trim(version));
  rel.pretty_name = std::string(pretty);
  model::OsInfo os;
  os.id = rel.id;
  os.version_id = rel.version_id;
  os.pretty_name = rel.pretty_name;
  os.ecosystem = OsvEcosystem(rel);
  return os;
}

// Sets the source package when the purl did not say it (source_version for dpkg only: it is the
// one package manager whose matching compares the source version).
void ApplySource(const std::string& name, const std::string& version, model::Package& pkg) {
  if (!name.empty() && pkg.source_name.empty() && name != pkg.name) pkg.source_name = name;
  if (pkg.source_version.empty() && pkg.package_manager == "dpkg" && !version.empty() &&
      version != pkg.version) {
    pkg.source_version = version;
  }
}

// Source name/version from CycloneDX properties (assay's own, then Trivy's).
void ApplyProperties(const json& component, model::Package& pkg) {
  auto it = component.find("properties");
  if (it == component.end() || !it->is_array()) return;
  std::map<std::string, std::string> props;
  for (const json& p : *it) {
    std::string name = GetString(p, "name");
    if (!name.empty()) props.emplace(name, GetString(p, "value"));
  }
  auto get = [&](const char* key) {
    auto f = props.find(key);
    return f == props.end() ? std::string() : f->second;
  };
  std::string src = get("assay:source-name");
  std::string src_version = get("assay:source-version");
  if (src.empty()) {
    // Trivy splits the source version into epoch, version and release.
    src = get("aquasecurity:trivy:SrcName");
    src_version = get("aquasecurity:trivy:SrcVersion");
    std::string release = get("aquasecurity:trivy:SrcRelease");
    std::string epoch = get("aquasecurity:trivy:SrcEpoch");
    if (!src_version.empty() && !release.empty()) src_version += "-" + release;
    if (!src_version.empty() && !epoch.empty() && epoch != "0") {
      src_version = epoch + ":" + src_version;
    }
  }
  ApplySource(src, src_version, pkg);
}

// SPDX `sourceInfo` as assay and Trivy write it: "built package from: <name> [<version>]".
std::pair<std::string, std::string> SpdxSource(std::string_view info) {
  constexpr std::string_view kPrefix = "built package from:";
  if (!base::StartsWithIgnoreCase(info, kPrefix)) return {};
  std::string_view rest = base::Trim(info.substr(kPrefix.size()));
  std::size_t space = rest.find(' ');
  if (space == std::string_view::npos) return {std::string(rest), ""};
  return {std::string(rest.substr(0, space)), std::string(base::Trim(rest.substr(space + 1)))};
}

class SbomReader {
 public:
  SbomReader(const std::string& path, model::Inventory& inv)
      : path_(path), inv_(inv), warnings_(&inv.warnings, path) {}

  // One package-like entry: a purl (may be empty), the document's version field, where it is.
  void AddPackage(const std::string& purl, const std::string& version, const std::string& name,
                  const std::string& where, bool package_like, const json* cdx_component,
                  const std::pair<std::string, std::string>& source = {}) {
    if (purl.empty()) {
      if (package_like) {
        warnings_.Add("components without a purl (not matched)", where,
                      "'" + name + "' has no purl; not matched");
      }
      return;
    }
    auto pkg = PackageFromPurl(purl, inv_.os.ecosystem, version);
    if (!pkg.ok()) {
      if (pkg.status().code() == base::Code::kNotSupported) {
        if (package_like) {
          warnings_.Add("packages of unsupported purl types (not matched)", where,
                        pkg.status().message() + "; not matched");
        }
      } else {
        warnings_.Add("components with an unusable purl (not matched)", where,
                      pkg.status().message() + "; not matched");
      }
      return;
    }
    if (cdx_component != nullptr) ApplyProperties(*cdx_component, *pkg);
    ApplySource(source.first, source.second, *pkg);
    pkg->path = path_;
    if (!seen_purls_.insert(pkg->purl).second) return;
    inv_.packages.push_back(std::move(*pkg));
  }

  Warnings& warnings() { return warnings_; }

 private:
  const std::string& path_;
  model::Inventory& inv_;
  Warnings warnings_;
  std::set<std::string> seen_purls_;
};

bool CdxPackageLike(const json& component) {
  std::string type = base::AsciiLower(GetString(component, "type"));
  return type.empty() || type == "library" || type == "framework";
}

base::Status ReadCycloneDx(const json& doc, const std::string& path, model::Inventory& inv) {
  struct Node {
    const json* component;
    std::string where;
    size_t depth;
  };
  std::vector<Node> nodes;  // in document order, depth-first
  std::vector<Node> stack;
  bool too_deep = false;
  auto push_children = [&](const json& parent, const std::string& where, size_t depth) {
    auto it = parent.find("components");
    if (it == parent.end() || !it->is_array()) return;
    if (depth >= kMaxSbomNesting) {
      too_deep = true;
      return;
    }
    for (size_t i = it->size(); i-- > 0;) {
      stack.push_back({&(*it)[i], where + "components[" + std::to_string(i) + "]", depth + 1});
    }
  };
  auto components = doc.find("components");
  if (components != doc.end() && !components->is_null() && !components->is_array()) {
    return base::Status::InvalidArgument(path + ": CycloneDX `components` must be an array");
  }
  if (components != doc.end() && components->is_array()) push_children(doc, "", 0);
  auto metadata = doc.find("metadata");
  if (metadata != doc.end() && metadata->is_object()) {
    auto subject = metadata->find("component");
    if (subject != metadata->end() && subject->is_object()) {
      stack.push_back({&*subject, "metadata.component", 0});
    }
  }
  while (!stack.empty()) {
    Node n = std::move(stack.back());
    stack.pop_back();
    if (!n.component->is_object()) continue;
    nodes.push_back(n);
    push_children(*n.component, n.where + ".", n.depth);
  }
  // metadata.component was pushed last, so it is visited first; keep document order otherwise.

  for (const Node& n : nodes) {
    if (base::AsciiLower(GetString(*n.component, "type")) != "operating-system") continue;
    if (inv.os.id.empty()) {
      inv.os = OsFrom(GetString(*n.component, "name"), GetString(*n.component, "version"),
                      GetString(*n.component, "description"));
    }
  }
  SbomReader reader(path, inv);
  if (too_deep) {
    reader.warnings().Add("nesting", "",
                          "components nested deeper than " + std::to_string(kMaxSbomNesting) +
                              " levels were ignored");
  }
  for (const Node& n : nodes) {
    const json& c = *n.component;
    if (base::AsciiLower(GetString(c, "type")) == "operating-system") continue;
    reader.AddPackage(GetString(c, "purl"), GetString(c, "version"), GetString(c, "name"), n.where,
                      CdxPackageLike(c), &c);
  }
  reader.warnings().Finish();
  inv.collectors.push_back("cyclonedx@" + std::to_string(kSbomInputVersion));
  return base::Status::Ok();
}

bool SpdxNotAPackage(std::string_view purpose) {
  static constexpr std::string_view kKinds[] = {"CONTAINER", "OPERATING-SYSTEM", "FILE",
                                                "ARCHIVE",   "SOURCE",           "DEVICE",
                                                "FIRMWARE",  "INSTALL"};
  for (auto k : kKinds) {
    if (purpose == k) return true;
  }
  return false;
}

base::Status ReadSpdx(const json& doc, const std::string& path, model::Inventory& inv) {
  auto packages = doc.find("packages");
  if (packages == doc.end() || packages->is_null()) {
    inv.collectors.push_back("spdx@" + std::to_string(kSbomInputVersion));
    return base::Status::Ok();
  }
  if (!packages->is_array()) {
    return base::Status::InvalidArgument(path + ": SPDX `packages` must be an array");
  }
  std::set<std::string> subjects;
  if (auto d = doc.find("documentDescribes"); d != doc.end() && d->is_array()) {
    for (const json& id : *d) {
      if (id.is_string()) subjects.insert(id.get<std::string>());
    }
  }
  if (auto r = doc.find("relationships"); r != doc.end() && r->is_array()) {
    for (const json& rel : *r) {
      if (GetString(rel, "relationshipType") == "DESCRIBES" &&
          GetString(rel, "spdxElementId") == "SPDXRef-DOCUMENT") {
        subjects.insert(GetString(rel, "relatedSpdxElement"));
      }
    }
  }
  for (const json& p : *packages) {
    if (GetString(p, "primaryPackagePurpose") == "OPERATING-SYSTEM" && inv.os.id.empty()) {
      std::string pretty = GetString(p, "description");
      if (pretty.empty()) pretty = GetString(p, "summary");
      inv.os = OsFrom(GetString(p, "name"), GetString(p, "versionInfo"), pretty);
    }
  }
  SbomReader reader(path, inv);
  for (size_t i = 0; i < packages->size(); ++i) {
    const json& p = (*packages)[i];
    if (!p.is_object()) {
      reader.warnings().Add("malformed packages", "packages[" + std::to_string(i) + "]",
                            "not an object; skipped");
      continue;
    }
    std::string spdx_id = GetString(p, "SPDXID");
    std::string purpose = GetString(p, "primaryPackagePurpose");
    if (purpose == "OPERATING-SYSTEM") continue;
    std::string purl;
    if (auto refs = p.find("externalRefs"); refs != p.end() && refs->is_array()) {
      for (const json& ref : *refs) {
        if (GetString(ref, "referenceType") == "purl") {
          purl = GetString(ref, "referenceLocator");
          if (!purl.empty()) break;
        }
      }
    }
    bool package_like = !SpdxNotAPackage(purpose) && subjects.count(spdx_id) == 0;
    std::string where = "packages[" + std::to_string(i) + "]";
    if (!spdx_id.empty()) where += " (" + spdx_id + ")";
    reader.AddPackage(purl, GetString(p, "versionInfo"), GetString(p, "name"), where, package_like,
                      nullptr, SpdxSource(GetString(p, "sourceInfo")));
  }
  reader.warnings().Finish();
  inv.collectors.push_back("spdx@" + std::to_string(kSbomInputVersion));
  return base::Status::Ok();
}

// When the document names no OS, the one ecosystem every OS package agrees on.
void InferOs(const std::string& path, model::Inventory& inv) {
  if (inv.os.known()) return;
  std::set<std::string> ecosystems;
  for (const model::Package& p : inv.packages) {
    auto name = model::SplitEcosystem(p.ecosystem);
    if (model::IsOsEcosystem(name.base)) ecosystems.insert(p.ecosystem);
  }
  if (ecosystems.size() != 1) return;
  const std::string& eco = *ecosystems.begin();
  auto name = model::SplitEcosystem(eco);
  if (name.release.empty()) return;
  std::string id = base::AsciiLower(name.base);
  if (id == "red hat") id = "rhel";
  if (id == "rocky linux") id = "rocky";
  std::string version;
  for (std::string_view seg : base::Split(name.release, ':')) {
    if (!seg.empty() && (base::IsDigit(seg[0]) || seg[0] == 'v')) {
      version = std::string(seg[0] == 'v' ? seg.substr(1) : seg);
      break;
    }
  }
  if (inv.os.id.empty()) {
    inv.os.id = id;
    inv.os.version_id = version;
  }
  inv.os.ecosystem = eco;
  inv.warnings.push_back(
      {path, "the document names no operating system; " + eco + " inferred from package URLs"});
}

}  // namespace

std::string Purl::Namespace() const { return base::Join(namespaces, "/"); }

std::string Purl::Qualifier(std::string_view key) const {
  for (const auto& [k, v] : qualifiers) {
    if (k == key) return v;
  }
  return {};
}

base::Result<Purl> ParsePurl(std::string_view text) {
  std::string_view s = base::Trim(text);
  Purl p;
  if (size_t hash = s.find('#'); hash != std::string_view::npos) {
    std::vector<std::string> segs;
    for (std::string_view seg : base::Split(s.substr(hash + 1), '/')) {
      if (seg.empty() || seg == "." || seg == "..") continue;
      ASSAY_ASSIGN_OR_RETURN(std::string d, PercentDecode(seg, "subpath"));
      segs.push_back(std::move(d));
    }
    p.subpath = base::Join(segs, "/");
    s = s.substr(0, hash);
  }
  if (size_t q = s.find('?'); q != std::string_view::npos) {
    for (std::string_view kv : base::Split(s.substr(q + 1), '&')) {
      if (kv.empty()) continue;
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        return base::Status::InvalidArgument("purl qualifier '" + std::string(kv) +
                                             "' is not key=value");
      }
      ASSAY_ASSIGN_OR_RETURN(std::string value, PercentDecode(kv.substr(eq + 1), "qualifiers"));
      if (value.empty()) continue;
      p.qualifiers.emplace_back(base::AsciiLower(kv.substr(0, eq)), std::move(value));
    }
    s = s.substr(0, q);
  }
  if (!base::StartsWithIgnoreCase(s, "pkg:")) {
    return base::Status::InvalidArgument("'" + std::string(text.substr(0, 80)) +
                                         "' is not a package URL (no pkg: scheme)");
  }
  s.remove_prefix(4);
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  size_t slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return base::Status::InvalidArgument("purl '" + std::string(text.substr(0, 80)) +
                                         "' has no type/name");
  }
  p.type = base::AsciiLower(s.substr(0, slash));
  s = s.substr(slash + 1);
  size_t last_slash = s.rfind('/');
  size_t at = s.rfind('@');
  if (at != std::string_view::npos && (last_slash == std::string_view::npos || at > last_slash)) {
    ASSAY_ASSIGN_OR_RETURN(p.version, PercentDecode(s.substr(at + 1), "version"));
    s = s.substr(0, at);
    if (!s.empty() && s.back() == '/') {
      return base::Status::InvalidArgument("purl '" + std::string(text.substr(0, 80)) +
                                           "' has no name");
    }
  }
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  std::vector<std::string_view> segs = base::Split(s, '/');
  std::string_view name = segs.empty() ? std::string_view() : segs.back();
  ASSAY_ASSIGN_OR_RETURN(p.name, PercentDecode(name, "name"));
  if (p.name.empty()) {
    return base::Status::InvalidArgument("purl '" + std::string(text.substr(0, 80)) +
                                         "' has no name");
  }
  for (size_t i = 0; i + 1 < segs.size(); ++i) {
    if (segs[i].empty()) continue;
    ASSAY_ASSIGN_OR_RETURN(std::string seg, PercentDecode(segs[i], "namespace"));
    p.namespaces.push_back(std::move(seg));
  }
  return p;
}

base::Result<model::Package> PackageFromPurl(std::string_view purl_text,
                                             std::string_view os_ecosystem,
                                             std::string_view fallback_version) {
  ASSAY_ASSIGN_OR_RETURN(Purl purl, ParsePurl(purl_text));
  model::Package pkg;
  pkg.purl = std::string(base::Trim(purl_text));
  pkg.version = purl.version.empty() ? std::string(base::Trim(fallback_version)) : purl.version;
  pkg.arch = purl.Qualifier("arch");
  const std::string& type = purl.type;
  if (type == "deb" || type == "apk" || type == "rpm") {
    pkg.ecosystem = OsEcosystem(type, purl, os_ecosystem);
    if (pkg.ecosystem.empty()) {
      return base::Status::NotSupported("purl " + pkg.purl + ": no OSV ecosystem for " + type +
                                        " packages of '" + purl.Namespace() + "'");
    }
    pkg.name = purl.name;
    pkg.package_manager = type == "deb" ? "dpkg" : type;
    std::string upstream = purl.Qualifier("upstream");
    if (type == "rpm") {
      std::string epoch = purl.Qualifier("epoch");
      if (!epoch.empty() && epoch != "0" && !pkg.version.empty() &&
          pkg.version.find(':') == std::string::npos) {
        pkg.version = epoch + ":" + pkg.version;
      }
      if (!upstream.empty()) {
        std::string src = SourceRpmName(upstream);
        if (src != pkg.name) pkg.source_name = std::move(src);
      }
    } else if (!upstream.empty()) {
      size_t at = upstream.find('@');
      std::string src = upstream.substr(0, at);
      if (src != pkg.name) pkg.source_name = src;
      if (type == "deb" && at != std::string::npos && upstream.substr(at + 1) != pkg.version) {
        pkg.source_version = upstream.substr(at + 1);
      }
    }
  } else {
    const LanguageType* lang = nullptr;
    for (const LanguageType& l : kLanguageTypes) {
      if (l.purl_type == type) lang = &l;
    }
    if (lang == nullptr) {
      return base::Status::NotSupported("purl " + pkg.purl + ": type '" + type +
                                        "' has no OSV ecosystem assay matches");
    }
    pkg.ecosystem = std::string(lang->ecosystem);
    pkg.package_manager = std::string(lang->package_manager);
    std::string ns = purl.Namespace();
    pkg.name = (lang->ns_join == '\0' || ns.empty()) ? purl.name : ns + lang->ns_join + purl.name;
  }
  if (pkg.version.empty()) {
    return base::Status::InvalidArgument("purl " + pkg.purl + ": no version");
  }
  return pkg;
}

base::Result<model::Inventory> ParseSbom(std::string_view bytes, const std::string& path) {
  std::string_view head = base::Trim(bytes.substr(0, 256));
  if (!head.empty() && head.front() == '<') {
    return base::Status::InvalidArgument(
        path + ": looks like XML; only CycloneDX and SPDX JSON documents are supported");
  }
  if (base::StartsWithIgnoreCase(head, "SPDXVersion:")) {
    return base::Status::InvalidArgument(
        path + ": SPDX tag-value is not supported; convert it to SPDX JSON");
  }
  json doc;
  try {
    doc = json::parse(bytes);
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(path + ": not JSON (" + e.what() + ")");
  }
  if (!doc.is_object()) {
    return base::Status::InvalidArgument(path +
                                         ": not a CycloneDX or SPDX JSON document (the "
                                         "top level is not an object)");
  }
  model::Inventory inv;
  try {
    if (GetString(doc, "bomFormat") == "CycloneDX") {
      ASSAY_RETURN_IF_ERROR(ReadCycloneDx(doc, path, inv));
    } else if (base::StartsWithIgnoreCase(GetString(doc, "spdxVersion"), "SPDX-2")) {
      ASSAY_RETURN_IF_ERROR(ReadSpdx(doc, path, inv));
    } else if (doc.contains("@context")) {
      return base::Status::InvalidArgument(path +
                                           ": SPDX 3 (JSON-LD) is not supported; use "
                                           "SPDX 2.x JSON or CycloneDX JSON");
    } else {
      return base::Status::InvalidArgument(
          path +
          ": neither CycloneDX (no \"bomFormat\": \"CycloneDX\") nor SPDX 2 (no "
          "\"spdxVersion\") JSON");
    }
  } catch (const std::exception& e) {
    // Lookups above only read types they checked; this is a backstop at the module edge.
    return base::Status::Internal(path + ": " + e.what());
  }
  InferOs(path, inv);
  SortPackages(inv.packages);
  return inv;
}

}  // namespace assay::inventory
