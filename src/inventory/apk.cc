// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/apk.h"

#include <string>
#include <utility>

#include "base/strings.h"
#include "inventory/internal/purl.h"
#include "model/ecosystem.h"
#include "versions/apk.h"

namespace assay::inventory {
namespace {

constexpr size_t kMaxWarnings = 100;

struct Line {
  char key;
  std::string_view value;
  size_t line;
};

struct Record {
  size_t line = 0;  // first line
  std::vector<Line> lines;
};

bool IsBlankLine(std::string_view line) {
  for (char c : line) {
    if (!base::IsSpace(c)) return false;
  }
  return true;
}

// Splits `text` into records of "X:value" lines. Lines that are not of that form are reported
// through `bad_line(line_no)`. Returns false when the text holds no "X:value" line at all.
template <typename BadLine>
bool SplitRecords(std::string_view text, std::vector<Record>* records, BadLine&& bad_line) {
  Record current;
  bool any = false;
  size_t line_no = 0;
  size_t pos = 0;
  auto close = [&] {
    if (!current.lines.empty()) records->push_back(std::move(current));
    current = Record();
  };
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (IsBlankLine(line)) {
      close();
      continue;
    }
    if (line.size() < 2 || !base::IsAlpha(line[0]) || line[1] != ':') {
      bad_line(line_no);
      continue;
    }
    if (current.lines.empty()) current.line = line_no;
    current.lines.push_back({line[0], line.substr(2), line_no});
    any = true;
  }
  close();
  return any;
}

std::string PathOr(std::string_view path) {
  return path.empty() ? std::string("apk installed") : std::string(path);
}

}  // namespace

base::Result<Parsed> ParseApkInstalled(const ParseInput& input) {
  Parsed parsed;
  const std::string where = PathOr(input.path);
  size_t dropped = 0;
  auto warn = [&](size_t line, std::string message) {
    if (parsed.warnings.size() < kMaxWarnings) {
      parsed.warnings.push_back({where + ":" + std::to_string(line), std::move(message)});
    } else {
      ++dropped;
    }
  };

  std::vector<Record> records;
  bool any = SplitRecords(input.bytes, &records,
                          [&](size_t line) { warn(line, "not an 'X:value' line"); });
  if (!any && !base::Trim(input.bytes).empty()) {
    return base::Status::InvalidArgument(where +
                                         ": not an apk installed database (no 'X:value' line)");
  }

  const std::string ecosystem = input.ecosystem.empty() ? "Alpine" : input.ecosystem;
  const std::string ns = internal::PurlNamespace(model::SplitEcosystem(ecosystem).base);

  for (const Record& rec : records) {
    const Line* name = nullptr;
    const Line* version = nullptr;
    const Line* arch = nullptr;
    const Line* origin = nullptr;
    for (const Line& l : rec.lines) {
      const Line** slot = nullptr;
      switch (l.key) {
        case 'P':
          slot = &name;
          break;
        case 'V':
          slot = &version;
          break;
        case 'A':
          slot = &arch;
          break;
        case 'o':
          slot = &origin;
          break;
        default:
          break;
      }
      if (slot == nullptr) continue;
      if (*slot != nullptr) {
        warn(l.line, std::string("duplicate ") + l.key + ": line in one record; the first is used");
        continue;
      }
      *slot = &l;
    }
    std::string_view name_value = name ? base::Trim(name->value) : std::string_view();
    if (name_value.empty()) {
      warn(rec.line, "record without a package name (P:); skipped");
      continue;
    }
    std::string_view version_value = version ? base::Trim(version->value) : std::string_view();
    if (version_value.empty()) {
      warn(rec.line, "package " + std::string(name_value) + " has no version (V:); skipped");
      continue;
    }
    model::Package p;
    p.ecosystem = ecosystem;
    p.name = std::string(name_value);
    p.version = std::string(version_value);
    if (arch != nullptr) p.arch = std::string(base::Trim(arch->value));
    if (origin != nullptr) {
      std::string_view o = base::Trim(origin->value);
      if (o != p.name) p.source_name = std::string(o);
    }
    if (auto st = versions::ValidateApk(p.version); !st.ok()) {
      warn(version->line, "package " + p.name + ": " + st.message() + " (package kept)");
    }
    p.purl = internal::BuildPurl("apk", ns, p.name, p.version, {{"arch", p.arch}});
    p.path = input.path;
    p.package_manager = "apk";
    parsed.packages.push_back(std::move(p));
  }
  if (dropped > 0) {
    parsed.warnings.push_back({where, std::to_string(dropped) + " more warnings not listed"});
  }
  return parsed;
}

base::Result<std::vector<ApkOwnedFiles>> ParseApkOwnedFiles(std::string_view bytes) {
  std::vector<Record> records;
  bool any = SplitRecords(bytes, &records, [](size_t) {});
  if (!any && !base::Trim(bytes).empty()) {
    return base::Status::InvalidArgument("not an apk installed database (no 'X:value' line)");
  }
  std::vector<ApkOwnedFiles> out;
  for (const Record& rec : records) {
    ApkOwnedFiles owned;
    bool has_name = false;
    std::string_view dir;
    for (const Line& l : rec.lines) {
      if (l.key == 'P' && !has_name) {
        owned.name = std::string(base::Trim(l.value));
        has_name = !owned.name.empty();
      } else if (l.key == 'V' && owned.version.empty()) {
        owned.version = std::string(base::Trim(l.value));
      } else if (l.key == 'F') {
        dir = l.value;
        while (!dir.empty() && dir.front() == '/') dir.remove_prefix(1);
        while (!dir.empty() && dir.back() == '/') dir.remove_suffix(1);
      } else if (l.key == 'R' && !l.value.empty()) {
        std::string file = dir.empty() ? std::string() : std::string(dir) + "/";
        file += l.value;
        owned.files.push_back(std::move(file));
      }
    }
    if (has_name) out.push_back(std::move(owned));
  }
  return out;
}

}  // namespace assay::inventory
