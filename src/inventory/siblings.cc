// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/siblings.h"

#include <utility>
#include <vector>

#include "inventory/parser.h"

namespace assay::inventory {

std::string SiblingPath(std::string_view from, std::string_view ref) {
  if (ref.empty()) return "";
  const bool absolute = ref.front() == '/';
  std::string joined;
  if (!absolute) {
    const size_t slash = from.rfind('/');
    if (slash != std::string_view::npos) joined = std::string(from.substr(0, slash + 1));
  }
  joined += ref;
  const bool rooted = !joined.empty() && joined.front() == '/';
  std::vector<std::string_view> parts;
  std::string_view rest = joined;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    std::string_view part = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (part == ".." && rooted) {
      continue;  // "/.." is "/"
    } else {
      parts.push_back(part);
    }
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out;
}

FsSiblingFiles::FsSiblingFiles(const Fs& fs, Naming naming, std::string prefix,
                               uint64_t max_bytes)
    : fs_(fs), naming_(naming), prefix_(SiblingPath("", prefix)), max_bytes_(max_bytes) {}

FsSiblingFiles::FsSiblingFiles(std::unique_ptr<Fs> owned, std::string prefix)
    : owned_(std::move(owned)),
      fs_(*owned_),
      naming_(Naming::kBelowPrefix),
      prefix_(SiblingPath("", prefix)),
      max_bytes_(kDefaultMaxReadBytes) {}

base::Result<std::unique_ptr<SiblingFiles>> FsSiblingFiles::BesideFile(std::string_view file) {
  const size_t slash = file.rfind('/');
  std::string dir = slash == std::string_view::npos ? "." : std::string(file.substr(0, slash));
  if (dir.empty()) dir = "/";
  return InDirectory(dir, file);
}

base::Result<std::unique_ptr<SiblingFiles>> FsSiblingFiles::InDirectory(
    const std::filesystem::path& dir, std::string_view file) {
  ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<Fs> fs, OpenDirFs(dir));
  const size_t slash = file.rfind('/');
  std::string prefix = slash == std::string_view::npos ? "" : std::string(file.substr(0, slash));
  if (slash == 0) prefix = "/";
  return std::unique_ptr<SiblingFiles>(new FsSiblingFiles(std::move(fs), std::move(prefix)));
}

std::string FsSiblingFiles::Name(std::string_view path) const {
  if (naming_ == Naming::kRootRelative && path.starts_with("/")) path.remove_prefix(1);
  return std::string(path);
}

base::Result<std::string> FsSiblingFiles::Read(std::string_view path) const {
  const std::string name = SiblingPath("", path);
  std::string_view rel = name;
  auto outside = [&] {
    return base::Status::InvalidArgument(
        std::string(path) + ": outside " +
        (naming_ == Naming::kRootRelative ? std::string("the scanned tree")
                                          : "the directory " + (prefix_.empty() ? "." : prefix_)));
  };
  if (naming_ == Naming::kRootRelative) {
    if (rel.starts_with("/")) rel.remove_prefix(1);
  } else if (!prefix_.empty()) {
    if (prefix_ == "/") {
      if (!rel.starts_with("/")) return outside();
      rel.remove_prefix(1);
    } else {
      if (!rel.starts_with(prefix_) || rel.size() <= prefix_.size() || rel[prefix_.size()] != '/') {
        return outside();
      }
      rel.remove_prefix(prefix_.size() + 1);
    }
  } else if (rel.starts_with("/")) {
    return outside();
  }
  // Normalised: a ".." that is left leads, and climbs above what this reader serves.
  if (rel.empty() || rel == ".." || rel.starts_with("../")) return outside();
  base::Result<std::string> bytes = fs_.ReadFile(rel, max_bytes_);
  if (bytes.ok() || rel == path) return bytes;
  // Fs messages start with the name it was given; callers know the file by `path`.
  const base::Status status = bytes.status();  // a copy: `message` views into it
  std::string_view message = status.message();
  if (message.starts_with(rel)) message.remove_prefix(rel.size());
  if (message.starts_with(": ")) message.remove_prefix(2);
  return base::Status(status.code(), std::string(path) + ": " + std::string(message));
}

}  // namespace assay::inventory
