// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// pom.xml: the dependencies a POM declares, with what its local parent POMs add.
//  - `project/dependencies/dependency`, and those of profiles active by default;
//  - the parent chain: `project/parent` read through ParseInput::siblings from its relativePath
//    (default ../pom.xml; a directory means its pom.xml; an empty element means none), used when
//    its groupId:artifactId is the one the child names, at most kMaxParents deep. As Maven
//    merges the model: properties and dependencyManagement of the nearer POM win, and the
//    parents' dependencies are inherited (the child's declaration of the same groupId:artifactId
//    wins); an inherited package carries the parent's path;
//  - `${...}` resolved from the merged properties and the project's own coordinates
//    (`project.version`, `project.groupId`, `project.parent.version`, ... with the parent's
//    groupId/version standing in for missing own ones), recursively;
//  - a dependency without a version takes the one `dependencyManagement` gives it; managed
//    entries alone declare nothing (no package);
//  - a version range keeps its lower bound (`[1.2,2.0)` -> 1.2);
//  - `scope` test marks the package dev;
//  - each groupId:artifactId once (the first declaration wins, whatever its type/classifier).
// Versions still unresolved (a property of a parent POM that is not at hand, an absent
// version) are warnings, and so is a parent that cannot be read. Imported BOMs and parents in a
// repository are not fetched.
#include <algorithm>
#include <exception>
#include <map>
#include <memory>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "inventory/internal/purl.h"
#include "inventory/java.h"
#include "inventory/parser.h"

namespace assay::inventory {
namespace {

constexpr size_t kMaxWarnings = 100;
constexpr int kMaxInterpolationDepth = 16;
constexpr size_t kMaxInterpolatedSize = 4096;
constexpr size_t kMaxInterpolationSteps = 4096;  // substitutions per value
constexpr size_t kMaxParents = 8;                 // local parent POMs followed

// Element name without a namespace prefix.
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == name) return c;
  }
  return {};
}

std::vector<pugi::xml_node> Children(const pugi::xml_node& node, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c) == name) out.push_back(c);
  }
  return out;
}

std::string Text(const pugi::xml_node& node, std::string_view child) {
  pugi::xml_node c = Child(node, child);
  if (!c) return "";
  return std::string(base::Trim(c.child_value()));
}

class Lines {
 public:
  explicit Lines(std::string_view bytes) {
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (bytes[i] == '\n') starts_.push_back(i + 1);
    }
  }
  size_t At(ptrdiff_t offset) const {
    if (offset < 0) return 0;
    auto it = std::upper_bound(starts_.begin(), starts_.end(), static_cast<size_t>(offset));
    return static_cast<size_t>(it - starts_.begin()) + 1;
  }

 private:
  std::vector<size_t> starts_;
};

class Interpolator {
 public:
  explicit Interpolator(std::map<std::string, std::string> props) : props_(std::move(props)) {}

  // `s` with every known `${name}` replaced (recursively); unknown references stay as written.
  // False when the expansion runs away (too deep or too long).
  bool Expand(std::string_view s, std::string* out, size_t* steps, int depth = 0) const {
    if (depth > kMaxInterpolationDepth) return false;
    size_t pos = 0;
    while (pos < s.size()) {
      size_t open = s.find("${", pos);
      if (open == std::string_view::npos) {
        out->append(s.substr(pos));
        break;
      }
      size_t close = s.find('}', open + 2);
      if (close == std::string_view::npos) {
        out->append(s.substr(pos));
        break;
      }
      out->append(s.substr(pos, open - pos));
      std::string key(s.substr(open + 2, close - open - 2));
      auto it = props_.find(key);
      if (it == props_.end()) {
        out->append(s.substr(open, close - open + 1));
      } else if (++*steps > kMaxInterpolationSteps || !Expand(it->second, out, steps, depth + 1)) {
        return false;
      }
      if (out->size() > kMaxInterpolatedSize) return false;
      pos = close + 1;
    }
    return out->size() <= kMaxInterpolatedSize;
  }

  // The expansion, or "" with `*unresolved` set when a reference stays open.
  std::string Resolve(std::string_view s, bool* unresolved) const {
    std::string out;
    size_t steps = 0;
    if (!Expand(s, &out, &steps) || out.find("${") != std::string::npos) {
      *unresolved = true;
      return "";
    }
    return std::string(base::Trim(out));
  }

 private:
  std::map<std::string, std::string> props_;
};

// `[1.2,2.0)` -> 1.2, `[1.0]` -> 1.0; plain versions unchanged; "" for an open lower bound.
std::string LowerBound(std::string_view v) {
  if (v.empty() || (v[0] != '[' && v[0] != '(')) return std::string(v);
  v.remove_prefix(1);
  size_t end = v.find_first_of(",)]");
  return std::string(base::Trim(v.substr(0, end)));
}

bool ActiveByDefault(const pugi::xml_node& profile) {
  pugi::xml_node activation = Child(profile, "activation");
  return activation && base::EqualsIgnoreCase(Text(activation, "activeByDefault"), "true");
}

// One POM file of the chain, parsed.
struct PomFile {
  std::string path;  // as packages and warnings name it
  pugi::xml_document doc;
  pugi::xml_node project;
  std::unique_ptr<Lines> lines;
  std::vector<pugi::xml_node> scopes;  // the project and its profiles active by default

  std::string Where(const pugi::xml_node& node) const {
    return path + ":" + std::to_string(lines->At(node.offset_debug()));
  }
};

// Parses one POM; errors name `path`.
base::Result<std::unique_ptr<PomFile>> LoadPom(std::string_view bytes, std::string path) {
  auto pom = std::make_unique<PomFile>();
  pom->path = std::move(path);
  pugi::xml_parse_result loaded;
  try {
    loaded = pom->doc.load_buffer(bytes.data(), bytes.size(), pugi::parse_default,
                                  pugi::encoding_auto);
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(pom->path + ": cannot parse XML: " + e.what());
  }
  pom->lines = std::make_unique<Lines>(bytes);
  if (loaded.status == pugi::status_no_document_element) {
    return base::Status::InvalidArgument(pom->path + ": not XML (no element)");
  }
  if (!loaded) {
    return base::Status::InvalidArgument(
        pom->path + ":" + std::to_string(std::max<size_t>(1, pom->lines->At(loaded.offset))) +
        ": XML syntax error: " + loaded.description());
  }
  pom->project = pom->doc.document_element();
  if (!pom->project || LocalName(pom->project) != "project") {
    return base::Status::InvalidArgument(pom->path + ": not a Maven POM (root element <" +
                                         std::string(pom->project ? pom->project.name() : "") +
                                         "> instead of <project>)");
  }
  pom->scopes = {pom->project};
  if (pugi::xml_node profiles = Child(pom->project, "profiles")) {
    for (const auto& profile : Children(profiles, "profile")) {
      if (ActiveByDefault(profile)) pom->scopes.push_back(profile);
    }
  }
  return pom;
}

// groupId:artifactId of a POM (the parent's groupId standing in for a missing own one).
std::string Coordinates(const pugi::xml_node& project) {
  std::string group = Text(project, "groupId");
  if (group.empty()) group = Text(Child(project, "parent"), "groupId");
  return group + ":" + Text(project, "artifactId");
}

// Where a <parent> element says its POM is, relative to the child: "" when it says none.
std::string ParentRelativePath(const pugi::xml_node& parent) {
  pugi::xml_node rel = Child(parent, "relativePath");
  if (!rel) return "../pom.xml";
  std::string path(base::Trim(rel.child_value()));
  if (path.empty()) return "";
  if (!path.ends_with(".xml")) path += path.ends_with("/") ? "pom.xml" : "/pom.xml";
  return path;
}

}  // namespace

base::Result<Parsed> ParsePomXml(const ParseInput& input) {
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<PomFile> self, LoadPom(input.bytes, input.path));

  Parsed out;
  size_t dropped = 0;
  auto warn = [&](std::string location, std::string message) {
    if (out.warnings.size() < kMaxWarnings) {
      out.warnings.push_back({std::move(location), std::move(message)});
    } else {
      ++dropped;
    }
  };

  // The chain: this POM, then each local parent.
  std::vector<std::unique_ptr<PomFile>> chain;
  chain.push_back(std::move(self));
  std::set<std::string> visited = {chain.front()->path};
  while (true) {
    const PomFile& child = *chain.back();
    pugi::xml_node parent = Child(child.project, "parent");
    if (!parent) break;
    const std::string wanted = Text(parent, "groupId") + ":" + Text(parent, "artifactId");
    const std::string rel = ParentRelativePath(parent);
    if (rel.empty() || input.siblings == nullptr) break;
    const std::string where = child.Where(parent);
    if (chain.size() > kMaxParents) {
      warn(where, "parent " + wanted + " is more than " + std::to_string(kMaxParents) +
                      " parents up; not followed");
      break;
    }
    const std::string path = input.siblings->Name(SiblingPath(child.path, rel));
    if (!visited.insert(path).second) {
      warn(where, "parent " + wanted + " at " + path + " is a POM of this chain already");
      break;
    }
    base::Result<std::string> bytes = input.siblings->Read(path);
    if (!bytes.ok()) {
      // Absent is the usual case for a parent that comes from a repository; other failures
      // are worth a word.
      if (bytes.status().code() != base::Code::kNotFound) {
        warn(where, "parent " + wanted + " at " + path +
                        " cannot be read: " + bytes.status().message());
      }
      break;
    }
    base::Result<std::unique_ptr<PomFile>> loaded = LoadPom(*bytes, path);
    if (!loaded.ok()) {
      warn(where, "parent " + wanted + ": " + loaded.status().message());
      break;
    }
    const std::string found = Coordinates((*loaded)->project);
    if (found != wanted) {
      // Maven takes such a parent from the repository instead.
      warn(where, "the POM at " + path + " is " + found + ", not the parent " + wanted +
                      "; not used");
      break;
    }
    chain.push_back(std::move(*loaded));
  }
  const PomFile& pom = *chain.front();

  // Properties: built-in coordinates first, then <properties> from the farthest parent to this
  // POM (profiles override their project).
  std::map<std::string, std::string> props;
  pugi::xml_node parent = Child(pom.project, "parent");
  std::string parent_group = parent ? Text(parent, "groupId") : "";
  std::string parent_version = parent ? Text(parent, "version") : "";
  std::string group = Text(pom.project, "groupId");
  std::string version = Text(pom.project, "version");
  if (group.empty()) group = parent_group;
  if (version.empty()) version = parent_version;
  std::string artifact = Text(pom.project, "artifactId");
  for (const char* prefix : {"project.", "pom.", ""}) {
    std::string p(prefix);
    if (!group.empty()) props[p + "groupId"] = group;
    if (!artifact.empty()) props[p + "artifactId"] = artifact;
    if (!version.empty()) props[p + "version"] = version;
  }
  if (parent) {
    for (const char* field : {"groupId", "artifactId", "version"}) {
      std::string value = Text(parent, field);
      if (value.empty()) continue;
      props[std::string("project.parent.") + field] = value;
      props[std::string("parent.") + field] = value;
    }
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (const auto& scope : (*it)->scopes) {
      pugi::xml_node properties = Child(scope, "properties");
      for (pugi::xml_node p = properties.first_child(); p; p = p.next_sibling()) {
        if (p.type() != pugi::node_element) continue;
        props[p.name()] = std::string(base::Trim(p.child_value()));
      }
    }
  }
  Interpolator interp(std::move(props));

  struct Managed {
    std::string version;
    std::string scope;
  };
  std::map<std::string, Managed> managed;  // groupId:artifactId -> nearest managed entry
  for (const auto& file : chain) {
    for (const auto& scope : file->scopes) {
      pugi::xml_node dm = Child(Child(scope, "dependencyManagement"), "dependencies");
      for (const auto& dep : Children(dm, "dependency")) {
        bool unresolved = false;
        std::string g = interp.Resolve(Text(dep, "groupId"), &unresolved);
        std::string a = interp.Resolve(Text(dep, "artifactId"), &unresolved);
        if (unresolved || g.empty() || a.empty()) continue;
        managed.emplace(g + ":" + a, Managed{Text(dep, "version"), Text(dep, "scope")});
      }
    }
  }

  std::set<std::string> seen;  // groupId:artifactId
  for (const auto& file : chain) {
    for (const auto& scope : file->scopes) {
      pugi::xml_node deps = Child(scope, "dependencies");
      for (const auto& dep : Children(deps, "dependency")) {
        bool unresolved = false;
        std::string g = interp.Resolve(Text(dep, "groupId"), &unresolved);
        std::string a = interp.Resolve(Text(dep, "artifactId"), &unresolved);
        if (unresolved) {
          warn(file->Where(dep), "dependency " + Text(dep, "groupId") + ":" +
                                     Text(dep, "artifactId") +
                                     " has an unresolved property in its groupId or artifactId");
          continue;
        }
        if (g.empty() || a.empty()) {
          warn(file->Where(dep), "dependency without a groupId or artifactId");
          continue;
        }
        std::string name = g + ":" + a;
        if (!seen.insert(name).second) continue;

        std::string raw_version = Text(dep, "version");
        std::string raw_scope = Text(dep, "scope");
        if (auto it = managed.find(name); it != managed.end()) {
          if (raw_version.empty()) raw_version = it->second.version;
          if (raw_scope.empty()) raw_scope = it->second.scope;
        }
        if (raw_version.empty()) {
          warn(file->Where(dep),
               name + " has no version in this file (managed by a parent POM or a BOM?)");
          continue;
        }
        std::string v = LowerBound(interp.Resolve(raw_version, &unresolved));
        if (unresolved) {
          warn(file->Where(dep),
               name + " version " + raw_version + " refers to a property this file lacks");
          continue;
        }
        if (v.empty()) {
          warn(file->Where(dep), name + " version range " + raw_version + " has no lower bound");
          continue;
        }
        bool dummy = false;
        std::string dep_scope = interp.Resolve(raw_scope, &dummy);

        model::Package pkg;
        pkg.ecosystem = "Maven";
        pkg.purl = internal::LanguagePurl(pkg.ecosystem, name, v);
        pkg.name = std::move(name);
        pkg.version = std::move(v);
        pkg.path = file->path;
        pkg.package_manager = "maven";
        pkg.dev = dep_scope == "test";
        out.packages.push_back(std::move(pkg));
      }
    }
  }
  if (dropped > 0) {
    out.warnings.push_back({input.path, std::to_string(dropped) + " more warnings not listed"});
  }
  return out;
}

}  // namespace assay::inventory
