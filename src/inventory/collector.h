// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Collectors: the code that decides which files of a resource matter, reads them through an Fs
// and hands their bytes to the parsers (parser.h). A collector never parses a format itself and
// never writes: it finds files, reads them, and turns parser output into inventory entries.
//
// Problems are reported, not fatal: a parser warning becomes an InventoryWarning with its
// location, a file that exists but cannot be read (permissions, a FIFO, over the size cap) or
// does not parse at all becomes a warning naming the file, and a database that is simply not
// there is silent (a Debian tree has no rpmdb). So a collection of a readable directory always
// yields an inventory; its warnings say what was missed.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "inventory/fs.h"
#include "model/inventory.h"

namespace assay::inventory {

struct CollectOptions {
  // Names of the collectors to run (each must be registered); empty runs all of them.
  std::vector<std::string> collectors;
  // Keep packages their lockfile marks development-only (Package::dev); off by default, as a
  // dev dependency is not deployed.
  bool include_dev = false;
  // Directories (relative to the root, '/'-separated, no leading '/') the language walk does
  // not enter, on top of the pseudo-filesystems it always skips (proc, sys, dev).
  std::vector<std::string> skip_paths;
};

// One kind of package database. Implementations are stateless and thread-safe: Collect may run
// concurrently on different trees.
class Collector {
 public:
  virtual ~Collector() = default;

  // Stable name, as listed in Collectors() and written into Inventory::collectors: "dpkg".
  virtual std::string_view Name() const = 0;

  // The collector's own revision plus the versions of the parsers it runs. Both only ever
  // increase, so bumping either changes this number, and a stored "<name>@<version>" that
  // differs tells an assessment to collect again.
  virtual int Version() const = 0;

  // Appends the packages and warnings found in `fs` to `out` (never touches out.os or
  // out.collectors). `os` is what CollectInventory detected; collectors use its ecosystem for
  // their packages when it belongs to their package manager. A non-OK Status means the
  // collector itself failed (a bug or a broken Fs), not that the tree was odd; CollectInventory
  // turns it into a warning and goes on.
  virtual base::Status Collect(const Fs& fs, const model::OsInfo& os,
                               model::Inventory& out) const = 0;
};

using CollectorFactory = std::unique_ptr<Collector> (*)(const CollectOptions& options);

struct CollectorEntry {
  std::string_view name;
  CollectorFactory make;
};

// The one list of collectors, in the order CollectInventory runs them.
std::span<const CollectorEntry> Collectors();

// The collector registered under `name`, or nullptr.
const CollectorEntry* FindCollector(std::string_view name);

// The OS package collectors (os_collectors.cc).
//  dpkg  var/lib/dpkg/status, and every file of var/lib/dpkg/status.d/ (distroless) except
//        *.md5sums, in name order.
//  apk   lib/apk/db/installed.
//  rpm   var/lib/rpm/ then usr/lib/sysimage/rpm/: in each, the first database present and usable
//        of rpmdb.sqlite, Packages.db (ndb) and Packages (Berkeley DB), newest format first. A
//        database whose bytes equal one already read (var/lib/rpm a symlink to the sysimage
//        directory, as on Fedora and openSUSE) is read once.
std::unique_ptr<Collector> MakeDpkgCollector(const CollectOptions& options);
std::unique_ptr<Collector> MakeApkCollector(const CollectOptions& options);
std::unique_ptr<Collector> MakeRpmCollector(const CollectOptions& options);

// The language collector (lang_collector.cc): one pass over the whole tree that hands every
// file a language parser understands to it (parser.h), recognising files by name and
// executables (Go build info, cargo-auditable) by their magic bytes: every file with an
// execute bit or of at least 1 MiB is sniffed (ELF: header and section names only). Rules:
//  - never follows symlinks (so never leaves the root and never loops); skips proc/, sys/,
//    dev/ and CollectOptions::skip_paths; memory stays bounded by one directory listing per
//    level of depth plus the files it reads;
//  - a file owned by an OS package (dpkg var/lib/dpkg/info/*.list, the apk database's file
//    list) is not read: the distribution's advisories rule it (DESIGN §5);
//  - lockfiles inside node_modules/ are published artefacts of a dependency, not the
//    project's: only node_modules/**/package.json (the installed package) counts there;
//  - node_modules/.package-lock.json is not read in a walk: the installed package.json files
//    say the same thing (the type is still available to `--lockfile`);
//  - a project with a JavaScript lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml,
//    bun.lock) beside its node_modules is reported from the lockfile alone, which knows dev
//    dependencies; the walk still enters node_modules for executables and archives;
//  - the files a parsed file refers to (requirements.txt `-r`/`-c` includes, the go.sum of a
//    go.mod for Go 1.16 or older) are read through the same Fs (FsSiblingFiles, siblings.h:
//    relative to the referring file, an absolute name from the root), so never from outside
//    the root; packages found through an include carry the included file's path, and a package
//    reported twice with every field equal (a requirements file read on its own and through
//    another's include) is kept once.
std::unique_ptr<Collector> MakeLanguageCollector(const CollectOptions& options);

// Whether a collector may read the regular file at `rel` ('/'-separated, relative to the root)
// because of its path alone. Image layers keep exactly these files (image.h), plus executables
// recognised by their bytes, so the checks must stay in step with what the collectors read.
//  OsFileByPath        the OS release files, apt sources, and the dpkg, apk and rpm databases
//                      and file lists DetectOs and the OS collectors read (also under "usr/",
//                      where a merged-/usr symlink puts them in an image layer);
//  LanguageFileByPath  the names the language collector's rules know (lang_collector.cc),
//                      lockfiles inside node_modules excluded; go.sum always (whether a go.mod
//                      sits beside it is decided on the assembled tree); and the .txt files a
//                      requirements.txt commonly includes (a name holding "requirements" or
//                      "constraints", any .txt in a requirements/ directory). An include
//                      naming another file is followed in a directory but, in an image, finds
//                      it only if some rule kept it.
bool OsFileByPath(std::string_view rel);
bool LanguageFileByPath(std::string_view rel);

// The operating system of the tree, from the first of these that is present and parses:
//  - etc/os-release, else usr/lib/os-release (os-release(5)): id, version_id, codename
//    (VERSION_CODENAME, else UBUNTU_CODENAME), pretty_name, ecosystem = OsvEcosystem;
//  - etc/lsb-release (DISTRIB_ID, DISTRIB_RELEASE, DISTRIB_CODENAME, DISTRIB_DESCRIPTION);
//  - etc/debian_version holding a release number ("8.7" -> id "debian", version_id "8.7",
//    ecosystem "Debian:8"); a "codename/sid" value is not trusted (Ubuntu ships those too);
//  - etc/alpine-release ("3.4.0" -> id "alpine", ecosystem "Alpine:v3.4").
// The fallbacks add a warning saying what was inferred from which file. With none of them the
// OsInfo stays empty and a warning "unknown operating system: ..." is added; an os-release whose
// distribution has no OSV ecosystem (fedora, centos, ...) keeps its fields and adds a warning.
//
// ubuntu_pro is set for Ubuntu when an enabled apt source in etc/apt/sources.list or
// etc/apt/sources.list.d/ (*.list one-line entries and *.sources deb822 stanzas, as the Ubuntu
// Pro client writes ubuntu-esm-infra / ubuntu-esm-apps) points at esm.ubuntu.com. Commented-out
// entries and deb822 stanzas with "Enabled: no" do not count.
model::OsInfo DetectOs(const Fs& fs, std::vector<model::InventoryWarning>& warnings);

// Detects the OS, runs the collectors in registry order, records "<name>@<version>" of each in
// Inventory::collectors, drops development-only packages unless options.include_dev, and sorts
// the packages (SortPackages). Fails only when the root of `fs`
// is not a readable directory or `options` names an unknown collector (InvalidArgument listing
// the known ones); everything else is a warning. Thread-safe.
base::Result<model::Inventory> CollectInventory(const Fs& fs, const CollectOptions& options);

// Runs the parser registered under `type` (parser.h: "dpkg-status", "apk-installed", ...) over
// one file's bytes: `path` is how the file is named in packages and warnings. The OS stays
// empty, Inventory::collectors gets "<type>@<parser version>", packages are sorted, and
// development-only packages are dropped unless `include_dev`. `siblings` serves the files the
// parser may ask for (`assay sbom --lockfile` gives the file's directory,
// FsSiblingFiles::BesideFile); without it such references are warnings. NotFound
// naming the known types when `type` is not registered; the parser's error (with `path` as
// context) when the file is not of that type at all.
class SiblingFiles;
base::Result<model::Inventory> CollectLockfile(std::string_view type, std::string_view bytes,
                                               std::string path, bool include_dev = false,
                                               const SiblingFiles* siblings = nullptr);

// The registered parser types, comma-separated, for messages: "dpkg-status, apk-installed, ...".
std::string KnownLockfileTypes();

// Sorts by ecosystem, name, version, path, then the remaining fields, so the same tree always
// yields the same list.
void SortPackages(std::vector<model::Package>& packages);

}  // namespace assay::inventory
