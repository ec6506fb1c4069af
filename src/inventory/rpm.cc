// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/rpm.h"

#include <algorithm>
#include <string>
#include <utility>

#include "inventory/internal/purl.h"
#include "inventory/rpm_header.h"
#include "model/ecosystem.h"

namespace assay::inventory {
namespace {

using base::Result;
using base::Status;

constexpr std::string_view kGpgPubkey = "gpg-pubkey";
constexpr size_t kLeadSize = 96;
constexpr std::string_view kLeadMagic{"\xed\xab\xee\xdb", 4};

model::Package ToPackage(const RpmPackageInfo& info, const ParseInput& input) {
  model::Package p;
  p.ecosystem = input.ecosystem.empty() ? "RPM" : input.ecosystem;
  p.name = info.name;
  p.version = RpmEvr(info);
  std::string source = SourceRpmName(info.source_rpm);
  if (source != info.name) p.source_name = std::move(source);
  p.arch = info.is_source ? "src" : info.arch;
  std::string_view base = model::SplitEcosystem(p.ecosystem).base;
  std::string ns = internal::PurlNamespace(base);
  if (ns.empty()) ns = "rpm";
  p.purl = internal::BuildPurl(
      "rpm", ns, info.name, info.version + "-" + info.release,
      {{"arch", p.arch}, {"epoch", info.epoch ? std::to_string(*info.epoch) : ""}});
  p.path = input.path;
  p.package_manager = "rpm";
  return p;
}

// Turns header blobs into packages and warnings for one parse call.
class Collector {
 public:
  Collector(const ParseInput& input, std::string_view default_name)
      : input_(input), where_(input.path.empty() ? std::string(default_name) : input.path) {}

  void AddBlob(uint64_t instance, std::string_view blob) {
    auto info = ParseRpmHeaderBlob(blob, /*with_files=*/false);
    if (!info.ok()) {
      out_.warnings.push_back(
          {where_ + ": header " + std::to_string(instance), info.status().message()});
      return;
    }
    if (info->name == kGpgPubkey) return;
    packages_.emplace_back(instance, ToPackage(*info, input_));
  }

  void Warn(std::string message) { out_.warnings.push_back({where_, std::move(message)}); }

  Parsed Finish() {
    std::stable_sort(packages_.begin(), packages_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [_, p] : packages_) out_.packages.push_back(std::move(p));
    return std::move(out_);
  }

 private:
  const ParseInput& input_;
  std::string where_;
  std::vector<std::pair<uint64_t, model::Package>> packages_;
  Parsed out_;
};

using BlobReader = Status (*)(std::string_view, const RpmdbBlobFn&, std::vector<std::string>*);

Result<Parsed> ParseDatabase(const ParseInput& input, std::string_view default_name,
                             BlobReader read) {
  Collector collector(input, default_name);
  std::vector<std::string> problems;
  Status status = read(
      input.bytes,
      [&](uint64_t instance, std::string_view blob) { collector.AddBlob(instance, blob); },
      &problems);
  if (!status.ok()) return status.WithContext(input.path.empty() ? default_name : input.path);
  for (auto& p : problems) collector.Warn(std::move(p));
  return collector.Finish();
}

}  // namespace

Result<Parsed> ParseRpmdbSqlite(const ParseInput& input) {
  return ParseDatabase(input, "rpmdb.sqlite", &ReadRpmdbSqliteBlobs);
}

Result<Parsed> ParseRpmdbBdb(const ParseInput& input) {
  return ParseDatabase(input, "Packages", &ReadRpmdbBdbBlobs);
}

Result<Parsed> ParseRpmdbNdb(const ParseInput& input) {
  return ParseDatabase(input, "Packages.db", &ReadRpmdbNdbBlobs);
}

Result<Parsed> ParseRpmFile(const ParseInput& input) {
  std::string_view bytes = input.bytes;
  if (bytes.size() < kLeadSize || bytes.substr(0, 4) != kLeadMagic) {
    return Status::InvalidArgument("not an rpm package file (lead magic edabeedb missing)");
  }
  // The lead is followed by the signature header, padded to a multiple of 8 bytes, and the main
  // header; the payload after it is not needed.
  auto signature = RpmHeader::Parse(bytes.substr(kLeadSize), RpmHeaderForm::kOnDisk);
  if (!signature.ok()) return signature.status().WithContext("rpm signature header");
  size_t main_start = kLeadSize + signature->size();
  main_start += (8 - main_start % 8) % 8;
  if (main_start > bytes.size()) return Status::Corruption("rpm file ends after its signature");
  auto header = RpmHeader::Parse(bytes.substr(main_start), RpmHeaderForm::kOnDisk);
  if (!header.ok()) return header.status().WithContext("rpm header");
  auto info = ReadRpmPackageInfo(*header, /*with_files=*/false);
  if (!info.ok()) return info.status().WithContext("rpm header");
  Parsed out;
  if (info->name != kGpgPubkey) out.packages.push_back(ToPackage(*info, input));
  return out;
}

}  // namespace assay::inventory
