// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "findings/filter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>

#include "base/strings.h"

namespace assay::findings {
namespace {

using base::QuoteForMessage;
using base::Status;
using Json = nlohmann::json;

constexpr size_t kQuoteMax = 80;

constexpr std::array<CriterionInfo, 29> kCriteria = {{
    {"accountId", CriterionKind::kString, false},
    {"findingId", CriterionKind::kString, false},
    {"findingStatus", CriterionKind::kString, false},
    {"findingType", CriterionKind::kString, false},
    {"severity", CriterionKind::kString, false},
    {"title", CriterionKind::kString, false},
    {"vulnerabilityId", CriterionKind::kString, false},
    {"relatedVulnerabilities", CriterionKind::kString, true},
    {"vendorSeverity", CriterionKind::kString, false},
    {"vulnerabilitySource", CriterionKind::kString, false},
    {"fixAvailable", CriterionKind::kString, false},
    {"exploitAvailable", CriterionKind::kString, false},
    {"resourceId", CriterionKind::kString, false},
    {"resourceType", CriterionKind::kString, false},
    {"ecrImageRegistry", CriterionKind::kString, false},
    {"ecrImageRepositoryName", CriterionKind::kString, false},
    {"ecrImageHash", CriterionKind::kString, false},
    {"ecrImageTags", CriterionKind::kString, true},
    {"ecrImageArchitecture", CriterionKind::kString, false},
    {"networkProtocol", CriterionKind::kString, false},
    {"score", CriterionKind::kNumber, false},
    {"epssScore", CriterionKind::kNumber, false},
    {"firstObservedAt", CriterionKind::kDate, false},
    {"lastObservedAt", CriterionKind::kDate, false},
    {"updatedAt", CriterionKind::kDate, false},
    {"ecrImagePushedAt", CriterionKind::kDate, false},
    {"resourceTags", CriterionKind::kMap, false},
    {"vulnerablePackages", CriterionKind::kPackage, false},
    {"portRange", CriterionKind::kPortRange, false},
}};

// Inspector's names for criteria assay renames.
constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kInspectorNames = {{
    {"awsAccountId", "accountId"},
    {"findingArn", "findingId"},
    {"inspectorScore", "score"},
}};

// ---- UTF-8 ----

// Decodes one code point at s[i]; advances i. Returns -1 for a malformed sequence (overlong,
// surrogate, above U+10FFFF, truncated).
long DecodeUtf8(std::string_view s, size_t& i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) {
    ++i;
    return c;
  }
  int len;
  long cp;
  long min;
  if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (i + len > s.size()) return -1;
  for (int k = 1; k < len; ++k) {
    unsigned char cc = byte(i + k);
    if ((cc & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return cp;
}

void EncodeUtf8(long cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// The number of code points, or nullopt when `s` is not valid UTF-8.
std::optional<size_t> Utf8Length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++n) {
    if (DecodeUtf8(s, i) < 0) return std::nullopt;
  }
  return n;
}

// The least valid UTF-8 string above every string that starts with `prefix` (valid UTF-8): the
// prefix with its last code point incremented, trailing U+10FFFF dropped first. nullopt when
// there is none (the prefix is all U+10FFFF). Incrementing the last byte instead would make
// invalid UTF-8, which PostgreSQL refuses as a text parameter; for valid UTF-8, byte order is
// code point order, so the range is exact either way.
std::optional<std::string> PrefixUpperBound(std::string_view prefix) {
  std::vector<long> cps;
  for (size_t i = 0; i < prefix.size();) cps.push_back(DecodeUtf8(prefix, i));
  while (!cps.empty() && cps.back() == 0x10FFFF) cps.pop_back();
  if (cps.empty()) return std::nullopt;
  long& last = cps.back();
  last = last == 0xD7FF ? 0xE000 : last + 1;
  std::string out;
  for (long cp : cps) EncodeUtf8(cp, out);
  return out;
}

// ---- Dates ----

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

bool IsLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

const std::int64_t kMinEpoch = DaysFromCivil(0, 1, 1) * 86400;
const std::int64_t kMaxEpoch = DaysFromCivil(9999, 12, 31) * 86400 + 86399;

// ---- Messages ----

std::string NumberText(double d) { return Json(d).dump(); }

std::string KindPlural(CriterionKind k) {
  switch (k) {
    case CriterionKind::kString:
      return "string filters";
    case CriterionKind::kNumber:
      return "number filters";
    case CriterionKind::kDate:
      return "date filters";
    case CriterionKind::kMap:
      return "map filters";
    case CriterionKind::kPackage:
      return "package filters";
    case CriterionKind::kPortRange:
      return "port range filters";
  }
  return "filters";
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      size_t cost = base::ToLower(a[i - 1]) == base::ToLower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + cost});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string_view ClosestCriterion(std::string_view name) {
  for (const auto& [inspector, ours] : kInspectorNames) {
    if (name == inspector) return ours;
  }
  std::string_view best;
  size_t best_d = SIZE_MAX;
  for (const auto& c : kCriteria) {
    size_t d = EditDistance(name.substr(0, 256), c.name);
    if (d < best_d) best = c.name, best_d = d;
  }
  return best;
}

Status UnknownCriterion(std::string_view path, std::string_view name) {
  return Status::InvalidArgument(
      std::string(path) + ": unknown criterion " + QuoteForMessage(name, kQuoteMax) +
      "; the closest valid name is \"" + std::string(ClosestCriterion(name)) + "\"");
}

// ---- Validation ----

Status CheckText(const std::string& path, std::string_view value, size_t min, size_t max) {
  auto n = Utf8Length(value);
  if (!n) return Status::InvalidArgument(path + ": not valid UTF-8");
  if (value.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument(path + ": contains a NUL character");
  }
  if (*n < min || *n > max) {
    return Status::InvalidArgument(path + ": expected " + std::to_string(min) + " to " +
                                   std::to_string(max) + " characters, got " + std::to_string(*n));
  }
  return Status::Ok();
}

Status CheckStringFilter(const std::string& path, const StringFilter& f) {
  switch (f.comparison) {
    case Comparison::kEquals:
    case Comparison::kPrefix:
    case Comparison::kNotEquals:
      break;
    default:
      return Status::InvalidArgument(path + ".comparison: not a comparison");
  }
  return CheckText(path + ".value", f.value, 1, kMaxStringFilterValueLength);
}

Status CheckNumberFilter(const std::string& path, const NumberFilter& f) {
  if (f.lower_inclusive && !std::isfinite(*f.lower_inclusive)) {
    return Status::InvalidArgument(path + ".lowerInclusive: not a finite number");
  }
  if (f.upper_inclusive && !std::isfinite(*f.upper_inclusive)) {
    return Status::InvalidArgument(path + ".upperInclusive: not a finite number");
  }
  if (f.lower_inclusive && f.upper_inclusive && *f.lower_inclusive > *f.upper_inclusive) {
    return Status::InvalidArgument(path + ": lowerInclusive " + NumberText(*f.lower_inclusive) +
                                   " is greater than upperInclusive " +
                                   NumberText(*f.upper_inclusive));
  }
  return Status::Ok();
}

Status CheckNormalisedDate(const std::string& path, const std::optional<std::string>& d) {
  if (!d) return Status::Ok();
  auto t = ParseRfc3339(*d);
  if (!t || FormatRfc3339(*t) != *d) {
    return Status::InvalidArgument(path + ": expected YYYY-MM-DDTHH:MM:SSZ, got " +
                                   QuoteForMessage(*d, kQuoteMax));
  }
  return Status::Ok();
}

Status CheckDateFilter(const std::string& path, const DateFilter& f) {
  ASSAY_RETURN_IF_ERROR(CheckNormalisedDate(path + ".startInclusive", f.start_inclusive));
  ASSAY_RETURN_IF_ERROR(CheckNormalisedDate(path + ".endInclusive", f.end_inclusive));
  if (f.start_inclusive && f.end_inclusive && *f.start_inclusive > *f.end_inclusive) {
    return Status::InvalidArgument(path + ": startInclusive " + *f.start_inclusive +
                                   " is after endInclusive " + *f.end_inclusive);
  }
  return Status::Ok();
}

Status CheckMapFilter(const std::string& path, const MapFilter& f) {
  if (f.comparison != Comparison::kEquals) {
    return Status::InvalidArgument(path + ".comparison: expected EQUALS, got " +
                                   std::string(ComparisonName(f.comparison)));
  }
  ASSAY_RETURN_IF_ERROR(CheckText(path + ".key", f.key, 1, kMaxMapKeyLength));
  if (f.value) ASSAY_RETURN_IF_ERROR(CheckText(path + ".value", *f.value, 0, kMaxMapValueLength));
  return Status::Ok();
}

Status CheckPackageFilter(const std::string& path, const PackageFilter& f) {
  const std::pair<std::string_view, const std::optional<StringFilter>*> strings[] = {
      {"architecture", &f.architecture},
      {"filePath", &f.file_path},
      {"name", &f.name},
      {"release", &f.release},
      {"sourceLayerHash", &f.source_layer_hash},
      {"version", &f.version}};
  bool any = f.epoch.has_value();
  for (const auto& [field, sf] : strings) {
    if (!*sf) continue;
    any = true;
    ASSAY_RETURN_IF_ERROR(CheckStringFilter(path + "." + std::string(field), **sf));
  }
  if (f.epoch) ASSAY_RETURN_IF_ERROR(CheckNumberFilter(path + ".epoch", *f.epoch));
  if (!any) {
    return Status::InvalidArgument(path +
                                   ": expected at least one of architecture, epoch, filePath, "
                                   "name, release, sourceLayerHash, version");
  }
  return Status::Ok();
}

Status CheckPort(const std::string& path, const std::optional<std::int64_t>& p) {
  if (p && (*p < 0 || *p > kMaxPort)) {
    return Status::InvalidArgument(path + ": expected an integer from 0 to 65535, got " +
                                   std::to_string(*p));
  }
  return Status::Ok();
}

Status CheckPortRangeFilter(const std::string& path, const PortRangeFilter& f) {
  ASSAY_RETURN_IF_ERROR(CheckPort(path + ".beginInclusive", f.begin_inclusive));
  ASSAY_RETURN_IF_ERROR(CheckPort(path + ".endInclusive", f.end_inclusive));
  if (f.begin_inclusive && f.end_inclusive && *f.begin_inclusive > *f.end_inclusive) {
    return Status::InvalidArgument(path + ": beginInclusive " + std::to_string(*f.begin_inclusive) +
                                   " is greater than endInclusive " +
                                   std::to_string(*f.end_inclusive));
  }
  return Status::Ok();
}

template <typename F>
Status CheckEach(const std::string& path, const std::vector<F>& filters,
                 Status (*check)(const std::string&, const F&)) {
  for (size_t i = 0; i < filters.size(); ++i) {
    ASSAY_RETURN_IF_ERROR(check(path + "[" + std::to_string(i) + "]", filters[i]));
  }
  return Status::Ok();
}

Status CheckCriterion(const std::string& path, const CriterionInfo& info, const FilterList& list) {
  auto kind = static_cast<CriterionKind>(list.index());
  if (kind != info.kind) {
    return Status::InvalidArgument(path + ": expected " + KindPlural(info.kind) + ", got " +
                                   KindPlural(kind));
  }
  size_t n = std::visit([](const auto& v) { return v.size(); }, list);
  if (n < 1 || n > static_cast<size_t>(kMaxFiltersPerCriterion)) {
    return Status::InvalidArgument(path + ": expected 1 to " +
                                   std::to_string(kMaxFiltersPerCriterion) + " filters, got " +
                                   std::to_string(n));
  }
  switch (info.kind) {
    case CriterionKind::kString:
      return CheckEach(path, std::get<0>(list), &CheckStringFilter);
    case CriterionKind::kNumber:
      return CheckEach(path, std::get<1>(list), &CheckNumberFilter);
    case CriterionKind::kDate:
      return CheckEach(path, std::get<2>(list), &CheckDateFilter);
    case CriterionKind::kMap:
      return CheckEach(path, std::get<3>(list), &CheckMapFilter);
    case CriterionKind::kPackage:
      return CheckEach(path, std::get<4>(list), &CheckPackageFilter);
    case CriterionKind::kPortRange:
      return CheckEach(path, std::get<5>(list), &CheckPortRangeFilter);
  }
  return Status::Ok();
}

// ---- JSON decoding ----

std::string TypeName(const Json& j) {
  return j.is_number() ? "number" : std::string(j.type_name());
}

Status WrongType(const std::string& path, std::string_view expected, const Json& got) {
  return Status::InvalidArgument(path + ": expected " + std::string(expected) + ", got " +
                                 TypeName(got));
}

// Refuses keys outside `allowed` (listed in the message as `what` has ...).
Status CheckFields(const std::string& path, const Json& obj,
                   std::initializer_list<std::string_view> allowed, std::string_view what) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) != allowed.end()) continue;
    std::string list;
    for (std::string_view a : allowed) {
      if (!list.empty()) list += ", ";
      list += a;
    }
    return Status::InvalidArgument(path + ": unknown field " +
                                   QuoteForMessage(it.key(), kQuoteMax) + " (" + std::string(what) +
                                   " has " + list + ")");
  }
  return Status::Ok();
}

// The member `key` of `obj`, or nullptr when absent or null.
const Json* Member(const Json& obj, std::string_view key) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

base::Result<std::string> DecodeString(const std::string& path, const Json& j) {
  if (!j.is_string()) return WrongType(path, "a string", j);
  return j.get<std::string>();
}

base::Result<Comparison> DecodeComparison(const std::string& path, const Json* j, bool map) {
  if (!j) return Status::InvalidArgument(path + ": required");
  ASSAY_ASSIGN_OR_RETURN(std::string s, DecodeString(path, *j));
  if (s == "EQUALS") return Comparison::kEquals;
  if (!map && s == "PREFIX") return Comparison::kPrefix;
  if (!map && s == "NOT_EQUALS") return Comparison::kNotEquals;
  return Status::InvalidArgument(path + ": expected " +
                                 (map ? std::string("EQUALS") : "EQUALS, PREFIX or NOT_EQUALS") +
                                 ", got " + QuoteForMessage(s, kQuoteMax));
}

base::Result<StringFilter> DecodeStringFilter(const std::string& path, const Json& j) {
  if (!j.is_object()) return WrongType(path, "a string filter object", j);
  ASSAY_RETURN_IF_ERROR(CheckFields(path, j, {"comparison", "value"}, "a string filter"));
  StringFilter f;
  ASSAY_ASSIGN_OR_RETURN(f.comparison,
                         DecodeComparison(path + ".comparison", Member(j, "comparison"), false));
  const Json* v = Member(j, "value");
  if (!v) return Status::InvalidArgument(path + ".value: required");
  ASSAY_ASSIGN_OR_RETURN(f.value, DecodeString(path + ".value", *v));
  return f;
}

base::Result<std::optional<double>> DecodeOptionalNumber(const std::string& path, const Json* j) {
  if (!j) return std::optional<double>();
  if (!j->is_number()) return WrongType(path, "a number", *j);
  return std::optional<double>(j->get<double>());
}

base::Result<NumberFilter> DecodeNumberFilter(const std::string& path, const Json& j) {
  if (!j.is_object()) return WrongType(path, "a number filter object", j);
  ASSAY_RETURN_IF_ERROR(
      CheckFields(path, j, {"lowerInclusive", "upperInclusive"}, "a number filter"));
  NumberFilter f;
  ASSAY_ASSIGN_OR_RETURN(f.lower_inclusive, DecodeOptionalNumber(path + ".lowerInclusive",
                                                                 Member(j, "lowerInclusive")));
  ASSAY_ASSIGN_OR_RETURN(f.upper_inclusive, DecodeOptionalNumber(path + ".upperInclusive",
                                                                 Member(j, "upperInclusive")));
  return f;
}

base::Result<std::optional<std::string>> DecodeDate(const std::string& path, const Json* j) {
  if (!j) return std::optional<std::string>();
  if (j->is_number()) {
    double d = j->get<double>();
    double s = std::floor(d);
    if (!(s >= static_cast<double>(kMinEpoch) && s <= static_cast<double>(kMaxEpoch))) {
      return Status::InvalidArgument(path + ": epoch seconds " + NumberText(d) +
                                     " outside years 0000..9999");
    }
    return std::optional<std::string>(FormatRfc3339(static_cast<std::int64_t>(s)));
  }
  if (!j->is_string()) return WrongType(path, "an RFC 3339 date-time string or epoch seconds", *j);
  const auto& text = j->get_ref<const std::string&>();
  auto t = ParseRfc3339(text);
  if (!t) {
    return Status::InvalidArgument(
        path + ": expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got " +
        QuoteForMessage(text, kQuoteMax));
  }
  return std::optional<std::string>(FormatRfc3339(*t));
}

base::Result<DateFilter> DecodeDateFilter(const std::string& path, const Json& j) {
  if (!j.is_object()) return WrongType(path, "a date filter object", j);
  ASSAY_RETURN_IF_ERROR(CheckFields(path, j, {"startInclusive", "endInclusive"}, "a date filter"));
  DateFilter f;
  ASSAY_ASSIGN_OR_RETURN(f.start_inclusive,
                         DecodeDate(path + ".startInclusive", Member(j, "startInclusive")));
  ASSAY_ASSIGN_OR_RETURN(f.end_inclusive,
                         DecodeDate(path + ".endInclusive", Member(j, "endInclusive")));
  return f;
}

base::Result<MapFilter> DecodeMapFilter(const std::string& path, const Json& j) {
  if (!j.is_object()) return WrongType(path, "a map filter object", j);
  ASSAY_RETURN_IF_ERROR(CheckFields(path, j, {"comparison", "key", "value"}, "a map filter"));
  MapFilter f;
  ASSAY_ASSIGN_OR_RETURN(f.comparison,
                         DecodeComparison(path + ".comparison", Member(j, "comparison"), true));
  const Json* k = Member(j, "key");
  if (!k) return Status::InvalidArgument(path + ".key: required");
  ASSAY_ASSIGN_OR_RETURN(f.key, DecodeString(path + ".key", *k));
  if (const Json* v = Member(j, "value")) {
    ASSAY_ASSIGN_OR_RETURN(f.value, DecodeString(path + ".value", *v));
  }
  return f;
}

base::Result<PackageFilter> DecodePackageFilter(const std::string& path, const Json& j) {
  if (!j.is_object()) return WrongType(path, "a package filter object", j);
  ASSAY_RETURN_IF_ERROR(CheckFields(
      path, j,
      {"architecture", "epoch", "filePath", "name", "release", "sourceLayerHash", "version"},
      "a package filter"));
  PackageFilter f;
  const std::pair<std::string_view, std::optional<StringFilter>*> strings[] = {
      {"architecture", &f.architecture},
      {"filePath", &f.file_path},
      {"name", &f.name},
      {"release", &f.release},
      {"sourceLayerHash", &f.source_layer_hash},
      {"version", &f.version}};
  for (const auto& [field, out] : strings) {
    const Json* v = Member(j, field);
    if (!v) continue;
    ASSAY_ASSIGN_OR_RETURN(*out, DecodeStringFilter(path + "." + std::string(field), *v));
  }
  if (const Json* v = Member(j, "epoch")) {
    ASSAY_ASSIGN_OR_RETURN(f.epoch, DecodeNumberFilter(path + ".epoch", *v));
  }
  return f;
}

base::Result<std::optional<std::int64_t>> DecodePort(const std::string& path, const Json* j) {
  if (!j) return std::optional<std::int64_t>();
  if (j->is_number_unsigned()) {
    auto u = j->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(kMaxPort)) {
      return Status::InvalidArgument(path + ": expected an integer from 0 to 65535, got " +
                                     std::to_string(u));
    }
    return std::optional<std::int64_t>(static_cast<std::int64_t>(u));
  }
  if (j->is_number_integer()) return std::optional<std::int64_t>(j->get<std::int64_t>());
  if (j->is_number()) {
    return Status::InvalidArgument(path + ": expected an integer from 0 to 65535, got " +
                                   NumberText(j->get<double>()));
  }
  return WrongType(path, "an integer", *j);
}

base::Result<PortRangeFilter> DecodePortRangeFilter(const std::string& path, const Json& j) {
  if (!j.is_object()) return WrongType(path, "a port range filter object", j);
  ASSAY_RETURN_IF_ERROR(
      CheckFields(path, j, {"beginInclusive", "endInclusive"}, "a port range filter"));
  PortRangeFilter f;
  ASSAY_ASSIGN_OR_RETURN(f.begin_inclusive,
                         DecodePort(path + ".beginInclusive", Member(j, "beginInclusive")));
  ASSAY_ASSIGN_OR_RETURN(f.end_inclusive,
                         DecodePort(path + ".endInclusive", Member(j, "endInclusive")));
  return f;
}

template <typename F>
base::Result<FilterList> DecodeList(const std::string& path, const Json& j,
                                    base::Result<F> (*decode)(const std::string&, const Json&)) {
  std::vector<F> out;
  out.reserve(std::min<size_t>(j.size(), kMaxFiltersPerCriterion));
  for (size_t i = 0; i < j.size(); ++i) {
    ASSAY_ASSIGN_OR_RETURN(F f, decode(path + "[" + std::to_string(i) + "]", j[i]));
    out.push_back(std::move(f));
  }
  return FilterList(std::move(out));
}

base::Result<FilterList> DecodeCriterion(const std::string& path, const CriterionInfo& info,
                                         const Json& j) {
  if (!j.is_array()) return WrongType(path, "an array of " + KindPlural(info.kind), j);
  if (j.empty() || j.size() > static_cast<size_t>(kMaxFiltersPerCriterion)) {
    return Status::InvalidArgument(path + ": expected 1 to " +
                                   std::to_string(kMaxFiltersPerCriterion) + " filters, got " +
                                   std::to_string(j.size()));
  }
  switch (info.kind) {
    case CriterionKind::kString:
      return DecodeList<StringFilter>(path, j, &DecodeStringFilter);
    case CriterionKind::kNumber:
      return DecodeList<NumberFilter>(path, j, &DecodeNumberFilter);
    case CriterionKind::kDate:
      return DecodeList<DateFilter>(path, j, &DecodeDateFilter);
    case CriterionKind::kMap:
      return DecodeList<MapFilter>(path, j, &DecodeMapFilter);
    case CriterionKind::kPackage:
      return DecodeList<PackageFilter>(path, j, &DecodePackageFilter);
    case CriterionKind::kPortRange:
      return DecodeList<PortRangeFilter>(path, j, &DecodePortRangeFilter);
  }
  return Status::Internal(path + ": unhandled criterion kind");
}

// ---- JSON encoding ----

Json StringFilterJson(const StringFilter& f) {
  return Json{{"comparison", std::string(ComparisonName(f.comparison))}, {"value", f.value}};
}

Json NumberFilterJson(const NumberFilter& f) {
  Json j = Json::object();
  if (f.lower_inclusive) j["lowerInclusive"] = *f.lower_inclusive;
  if (f.upper_inclusive) j["upperInclusive"] = *f.upper_inclusive;
  return j;
}

Json FilterJson(const StringFilter& f) { return StringFilterJson(f); }
Json FilterJson(const NumberFilter& f) { return NumberFilterJson(f); }
Json FilterJson(const DateFilter& f) {
  Json j = Json::object();
  if (f.start_inclusive) j["startInclusive"] = *f.start_inclusive;
  if (f.end_inclusive) j["endInclusive"] = *f.end_inclusive;
  return j;
}
Json FilterJson(const MapFilter& f) {
  Json j{{"comparison", std::string(ComparisonName(f.comparison))}, {"key", f.key}};
  if (f.value) j["value"] = *f.value;
  return j;
}
Json FilterJson(const PackageFilter& f) {
  Json j = Json::object();
  if (f.architecture) j["architecture"] = StringFilterJson(*f.architecture);
  if (f.epoch) j["epoch"] = NumberFilterJson(*f.epoch);
  if (f.file_path) j["filePath"] = StringFilterJson(*f.file_path);
  if (f.name) j["name"] = StringFilterJson(*f.name);
  if (f.release) j["release"] = StringFilterJson(*f.release);
  if (f.source_layer_hash) j["sourceLayerHash"] = StringFilterJson(*f.source_layer_hash);
  if (f.version) j["version"] = StringFilterJson(*f.version);
  return j;
}
Json FilterJson(const PortRangeFilter& f) {
  Json j = Json::object();
  if (f.begin_inclusive) j["beginInclusive"] = *f.begin_inclusive;
  if (f.end_inclusive) j["endInclusive"] = *f.end_inclusive;
  return j;
}

// ---- Evaluation ----

bool StringHolds(const StringFilter& f, std::string_view value) {
  switch (f.comparison) {
    case Comparison::kEquals:
      return value == f.value;
    case Comparison::kPrefix:
      return value.starts_with(f.value);
    case Comparison::kNotEquals:
      return value != f.value;
  }
  return false;
}

// A string filter over a field with zero or more values.
bool StringHoldsAny(const StringFilter& f, const std::vector<std::string>& values) {
  if (f.comparison == Comparison::kNotEquals) {
    return std::none_of(values.begin(), values.end(),
                        [&](const std::string& v) { return v == f.value; });
  }
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& v) { return StringHolds(f, v); });
}

bool NumberHolds(const NumberFilter& f, const std::optional<double>& v) {
  if (!v) return false;
  if (f.lower_inclusive && !(*v >= *f.lower_inclusive)) return false;
  if (f.upper_inclusive && !(*v <= *f.upper_inclusive)) return false;
  return true;
}

bool DateHolds(const DateFilter& f, const std::optional<std::int64_t>& t) {
  if (!t) return false;
  if (f.start_inclusive && *t < ParseRfc3339(*f.start_inclusive).value_or(kMinEpoch)) return false;
  if (f.end_inclusive && *t > ParseRfc3339(*f.end_inclusive).value_or(kMaxEpoch)) return false;
  return true;
}

bool MapHolds(const MapFilter& f, const std::vector<std::pair<std::string, std::string>>& m) {
  return std::any_of(m.begin(), m.end(), [&](const auto& kv) {
    return kv.first == f.key && (!f.value || kv.second == *f.value);
  });
}

bool PackageFieldHolds(const std::optional<StringFilter>& f, const std::optional<std::string>& v) {
  if (!f) return true;
  if (!v) return f->comparison == Comparison::kNotEquals;
  return StringHolds(*f, *v);
}

bool PackageHolds(const PackageFilter& f, const PackageView& p) {
  return PackageFieldHolds(f.architecture, p.architecture) &&
         (!f.epoch || NumberHolds(*f.epoch, p.epoch)) &&
         PackageFieldHolds(f.file_path, p.file_path) && PackageFieldHolds(f.name, p.name) &&
         PackageFieldHolds(f.release, p.release) &&
         PackageFieldHolds(f.source_layer_hash, p.source_layer_hash) &&
         PackageFieldHolds(f.version, p.version);
}

bool PortHolds(const PortRangeFilter& f,
               const std::optional<std::pair<std::int64_t, std::int64_t>>& r) {
  if (!r) return false;
  return r->first <= f.end_inclusive.value_or(kMaxPort) &&
         r->second >= f.begin_inclusive.value_or(0);
}

// OR over the positive filters (none: true) AND over the negative ones.
template <typename F, typename Pred, typename IsNegative>
bool Combine(const std::vector<F>& filters, Pred holds, IsNegative negative) {
  bool any_positive = false;
  bool positive_held = false;
  for (const F& f : filters) {
    if (negative(f)) {
      if (!holds(f)) return false;
    } else {
      any_positive = true;
      positive_held = positive_held || holds(f);
    }
  }
  return !any_positive || positive_held;
}

bool CriterionHolds(const std::string& name, const FilterList& list, const FindingView& view) {
  auto never = [](const auto&) { return false; };
  switch (static_cast<CriterionKind>(list.index())) {
    case CriterionKind::kString: {
      auto values = view.Strings(name);
      return Combine(
          std::get<0>(list), [&](const StringFilter& f) { return StringHoldsAny(f, values); },
          [](const StringFilter& f) { return f.comparison == Comparison::kNotEquals; });
    }
    case CriterionKind::kNumber: {
      auto v = view.Number(name);
      return Combine(
          std::get<1>(list), [&](const NumberFilter& f) { return NumberHolds(f, v); }, never);
    }
    case CriterionKind::kDate: {
      std::optional<std::int64_t> t;
      if (auto d = view.Date(name)) t = ParseRfc3339(*d);
      return Combine(
          std::get<2>(list), [&](const DateFilter& f) { return DateHolds(f, t); }, never);
    }
    case CriterionKind::kMap: {
      auto m = view.Map(name);
      return Combine(
          std::get<3>(list), [&](const MapFilter& f) { return MapHolds(f, m); }, never);
    }
    case CriterionKind::kPackage: {
      auto packages = view.Packages(name);
      return Combine(
          std::get<4>(list),
          [&](const PackageFilter& f) {
            return std::any_of(packages.begin(), packages.end(),
                               [&](const PackageView& p) { return PackageHolds(f, p); });
          },
          never);
    }
    case CriterionKind::kPortRange: {
      auto r = view.PortRange(name);
      return Combine(
          std::get<5>(list), [&](const PortRangeFilter& f) { return PortHolds(f, r); }, never);
    }
  }
  return false;
}

// ---- SQL ----

class SqlBuilder {
 public:
  SqlBuilder(sql::Dialect dialect, int first) : dialect_(dialect), next_(first) {}

  std::string Param(sql::Value v) {
    params_.push_back(std::move(v));
    return "?" + std::to_string(next_++);
  }

  // One string filter on a single-valued expression.
  std::string StringCond(std::string_view expr, const StringFilter& f) {
    switch (f.comparison) {
      case Comparison::kEquals:
        return std::string(expr) + " = " + Param(f.value);
      case Comparison::kPrefix:
        return PrefixCond(expr, f.value);
      case Comparison::kNotEquals:
        return "(" + std::string(expr) + " IS NULL OR " + std::string(expr) + " <> " +
               Param(f.value) + ")";
    }
    return "0=1";
  }

  std::string PrefixCond(std::string_view expr, const std::string& prefix) {
    std::string e = ByteOrder(expr);
    std::string lo = e + " >= " + Param(prefix);
    auto hi = PrefixUpperBound(prefix);
    if (!hi) return lo;
    return "(" + lo + " AND " + e + " < " + Param(*hi) + ")";
  }

  // EQUALS values as `=` or `IN` (NOT_EQUALS values as `<>` or `NOT IN` when `negate`).
  std::string InList(std::string_view expr, const std::vector<std::string>& values,
                     bool negate = false) {
    if (values.size() == 1) return std::string(expr) + (negate ? " <> " : " = ") + Param(values[0]);
    std::string s = std::string(expr) + (negate ? " NOT IN (" : " IN (");
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) s += ", ";
      s += Param(values[i]);
    }
    return s + ")";
  }

  std::string RangeCond(std::string_view expr, std::optional<sql::Value> lo,
                        std::optional<sql::Value> hi) {
    std::string e(expr);
    if (lo && hi) {
      // Numbered in text order: the operands of + are evaluated in no fixed order.
      std::string first = e + " >= " + Param(*lo);
      return "(" + first + " AND " + e + " <= " + Param(*hi) + ")";
    }
    if (lo) return e + " >= " + Param(*lo);
    if (hi) return e + " <= " + Param(*hi);
    return e + " IS NOT NULL";
  }

  std::vector<sql::Value> TakeParams() { return std::move(params_); }

 private:
  // PostgreSQL orders text by the database collation; PREFIX ranges need byte order.
  std::string ByteOrder(std::string_view expr) const {
    if (dialect_ != sql::Dialect::kPostgres) return std::string(expr);
    bool simple = std::all_of(expr.begin(), expr.end(), [](char c) {
      return base::IsAlnum(c) || c == '_' || c == '.' || c == '"';
    });
    return (simple ? std::string(expr) : "(" + std::string(expr) + ")") + " COLLATE \"C\"";
  }

  sql::Dialect dialect_;
  int next_;
  std::vector<sql::Value> params_;
};

std::string Paren(const std::vector<std::string>& terms, std::string_view op) {
  if (terms.size() == 1) return terms[0];
  std::string s = "(";
  for (size_t i = 0; i < terms.size(); ++i) {
    if (i) s += " " + std::string(op) + " ";
    s += terms[i];
  }
  return s + ")";
}

base::Result<std::string> FillExists(const std::string& name, const std::string& tmpl,
                                     const std::string& cond, bool negate) {
  size_t at = tmpl.find("{}");
  if (at == std::string::npos || tmpl.find("{}", at + 2) != std::string::npos) {
    return Status::InvalidArgument("SQL column for " + name +
                                   ": the subquery needs exactly one {} placeholder");
  }
  // Every condition built here is a comparison or parenthesised, so it needs no parentheses.
  return std::string(negate ? "NOT EXISTS (" : "EXISTS (") + tmpl.substr(0, at) + cond +
         tmpl.substr(at + 2) + ")";
}

bool KindFits(CriterionKind c, SqlKind s) {
  switch (c) {
    case CriterionKind::kString:
      return s == SqlKind::kText;
    case CriterionKind::kNumber:
      return s == SqlKind::kNumber;
    case CriterionKind::kDate:
      return s == SqlKind::kDate || s == SqlKind::kEpochSeconds;
    case CriterionKind::kMap:
      return s == SqlKind::kMap;
    case CriterionKind::kPackage:
      return s == SqlKind::kPackage;
    case CriterionKind::kPortRange:
      return s == SqlKind::kPortRange;
  }
  return false;
}

std::optional<sql::Value> DateParam(const std::optional<std::string>& d, SqlKind kind) {
  if (!d) return std::nullopt;
  if (kind == SqlKind::kEpochSeconds) return sql::Value(ParseRfc3339(*d).value_or(0));
  return sql::Value(*d);
}

std::optional<sql::Value> NumberParam(const std::optional<double>& d) {
  if (!d) return std::nullopt;
  return sql::Value(*d);
}

base::Result<std::string> StringCriterionSql(SqlBuilder& b, const std::string& name,
                                             const SqlColumn& col,
                                             const std::vector<StringFilter>& filters) {
  std::vector<std::string> equals;
  std::vector<std::string> not_equals;
  for (const auto& f : filters) {
    if (f.comparison == Comparison::kEquals) equals.push_back(f.value);
    if (f.comparison == Comparison::kNotEquals) not_equals.push_back(f.value);
  }
  std::vector<std::string> positive;
  if (!equals.empty()) positive.push_back(b.InList(col.expr, equals));
  for (const auto& f : filters) {
    if (f.comparison == Comparison::kPrefix) positive.push_back(b.PrefixCond(col.expr, f.value));
  }
  std::vector<std::string> parts;
  if (col.exists.empty()) {
    if (!positive.empty()) parts.push_back(Paren(positive, "OR"));
    if (!not_equals.empty()) {
      parts.push_back("(" + col.expr + " IS NULL OR " + b.InList(col.expr, not_equals, true) + ")");
    }
  } else {
    if (!positive.empty()) {
      ASSAY_ASSIGN_OR_RETURN(std::string s,
                             FillExists(name, col.exists, Paren(positive, "OR"), false));
      parts.push_back(std::move(s));
    }
    if (!not_equals.empty()) {
      ASSAY_ASSIGN_OR_RETURN(std::string s,
                             FillExists(name, col.exists, b.InList(col.expr, not_equals), true));
      parts.push_back(std::move(s));
    }
  }
  return Paren(parts, "AND");
}

base::Result<std::string> PackageCriterionSql(SqlBuilder& b, const std::string& name,
                                              const SqlColumn& col,
                                              const std::vector<PackageFilter>& filters) {
  auto field = [&](std::string_view f) -> base::Result<std::string> {
    auto it = col.package_fields.find(f);
    if (it == col.package_fields.end() || it->second.empty()) {
      return Status::NotSupported(name + "." + std::string(f) + ": no SQL column");
    }
    return it->second;
  };
  std::vector<std::string> alternatives;
  for (const auto& f : filters) {
    std::vector<std::string> conds;
    const std::pair<std::string_view, const std::optional<StringFilter>*> strings[] = {
        {"architecture", &f.architecture},
        {"filePath", &f.file_path},
        {"name", &f.name},
        {"release", &f.release},
        {"sourceLayerHash", &f.source_layer_hash},
        {"version", &f.version}};
    for (const auto& [fname, sf] : strings) {
      if (!*sf) continue;
      ASSAY_ASSIGN_OR_RETURN(std::string e, field(fname));
      conds.push_back(b.StringCond(e, **sf));
    }
    if (f.epoch) {
      ASSAY_ASSIGN_OR_RETURN(std::string e, field("epoch"));
      conds.push_back(b.RangeCond(e, NumberParam(f.epoch->lower_inclusive),
                                  NumberParam(f.epoch->upper_inclusive)));
    }
    alternatives.push_back(Paren(conds, "AND"));
  }
  std::string any = Paren(alternatives, "OR");
  if (!col.exists.empty()) return FillExists(name, col.exists, any, false);
  auto it = col.package_fields.find("name");
  if (it == col.package_fields.end() || it->second.empty()) {
    return Status::InvalidArgument("SQL column for " + name +
                                   ": a package on the finding row needs a \"name\" expression");
  }
  return "(" + it->second + " IS NOT NULL AND " + any + ")";
}

base::Result<std::string> CriterionSql(SqlBuilder& b, const std::string& name, const SqlColumn& col,
                                       const FilterList& list) {
  auto kind = static_cast<CriterionKind>(list.index());
  if (!KindFits(kind, col.kind)) {
    return Status::InvalidArgument("SQL column for " + name + " does not hold " +
                                   std::string(CriterionKindName(kind)) + " values");
  }
  if (!col.exists.empty() && kind != CriterionKind::kString && kind != CriterionKind::kMap &&
      kind != CriterionKind::kPackage) {
    return Status::InvalidArgument("SQL column for " + name +
                                   ": only string, map and package criteria take a subquery");
  }
  if ((kind == CriterionKind::kMap &&
       (col.exists.empty() || col.key_expr.empty() || col.value_expr.empty())) ||
      ((kind == CriterionKind::kString || kind == CriterionKind::kNumber ||
        kind == CriterionKind::kDate) &&
       col.expr.empty()) ||
      (kind == CriterionKind::kPortRange && (col.expr.empty() || col.end_expr.empty()))) {
    return Status::InvalidArgument("SQL column for " + name + " lacks an expression");
  }
  switch (kind) {
    case CriterionKind::kString:
      return StringCriterionSql(b, name, col, std::get<0>(list));
    case CriterionKind::kNumber: {
      std::vector<std::string> terms;
      for (const auto& f : std::get<1>(list)) {
        terms.push_back(
            b.RangeCond(col.expr, NumberParam(f.lower_inclusive), NumberParam(f.upper_inclusive)));
      }
      return Paren(terms, "OR");
    }
    case CriterionKind::kDate: {
      std::vector<std::string> terms;
      for (const auto& f : std::get<2>(list)) {
        terms.push_back(b.RangeCond(col.expr, DateParam(f.start_inclusive, col.kind),
                                    DateParam(f.end_inclusive, col.kind)));
      }
      return Paren(terms, "OR");
    }
    case CriterionKind::kMap: {
      std::vector<std::string> terms;
      for (const auto& f : std::get<3>(list)) {
        std::string t = col.key_expr + " = " + b.Param(f.key);
        if (f.value) t = "(" + t + " AND " + col.value_expr + " = " + b.Param(*f.value) + ")";
        terms.push_back(std::move(t));
      }
      return FillExists(name, col.exists, Paren(terms, "OR"), false);
    }
    case CriterionKind::kPackage:
      return PackageCriterionSql(b, name, col, std::get<4>(list));
    case CriterionKind::kPortRange: {
      std::vector<std::string> terms;
      for (const auto& f : std::get<5>(list)) {
        std::string hi = b.Param(f.end_inclusive.value_or(kMaxPort));
        std::string lo = b.Param(f.begin_inclusive.value_or(0));
        terms.push_back("(" + col.expr + " <= " + hi + " AND " + col.end_expr + " >= " + lo + ")");
      }
      return Paren(terms, "OR");
    }
  }
  return Status::Internal("SQL for " + name + ": unhandled criterion kind");
}

}  // namespace

std::string_view ComparisonName(Comparison c) {
  switch (c) {
    case Comparison::kEquals:
      return "EQUALS";
    case Comparison::kPrefix:
      return "PREFIX";
    case Comparison::kNotEquals:
      return "NOT_EQUALS";
  }
  return "?";
}

std::string_view CriterionKindName(CriterionKind k) {
  switch (k) {
    case CriterionKind::kString:
      return "string";
    case CriterionKind::kNumber:
      return "number";
    case CriterionKind::kDate:
      return "date";
    case CriterionKind::kMap:
      return "map";
    case CriterionKind::kPackage:
      return "package";
    case CriterionKind::kPortRange:
      return "port range";
  }
  return "?";
}

std::span<const CriterionInfo> SupportedCriteria() { return kCriteria; }

const CriterionInfo* FindCriterion(std::string_view name) {
  for (const auto& c : kCriteria) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::optional<std::int64_t> ParseRfc3339(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  auto digits = [&](size_t at, size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (!base::IsDigit(s[i])) return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(0, 4, year) || s.size() < 20 || s[4] != '-' || !digits(5, 2, month) || s[7] != '-' ||
      !digits(8, 2, day) || (s[10] != 'T' && s[10] != 't') || !digits(11, 2, hour) ||
      s[13] != ':' || !digits(14, 2, minute) || s[16] != ':' || !digits(17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 ||
      static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month)) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t i = 19;
  if (s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && base::IsDigit(s[i])) ++i;
    if (i == start) return std::nullopt;
  }
  std::int64_t offset = 0;
  if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh, om;
    if (!digits(i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(i + 4, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset = (s[i] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  std::int64_t t =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
      hour * 3600 + minute * 60 + second - offset;
  if (t < kMinEpoch || t > kMaxEpoch) return std::nullopt;
  return t;
}

std::string FormatRfc3339(std::int64_t t) {
  t = std::clamp(t, kMinEpoch, kMaxEpoch);
  std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  std::int64_t secs = t - days * 86400;
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(y), m, d,
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

base::Status Validate(const FilterCriteria& criteria, std::string_view path) {
  for (const auto& [name, list] : criteria.criteria) {
    const CriterionInfo* info = FindCriterion(name);
    if (!info) return UnknownCriterion(path, name);
    ASSAY_RETURN_IF_ERROR(CheckCriterion(std::string(path) + "." + name, *info, list));
  }
  return Status::Ok();
}

base::Result<FilterCriteria> ParseFilterCriteria(const nlohmann::json& doc, std::string_view path) {
  FilterCriteria out;
  if (doc.is_null()) return out;
  const std::string root(path);
  if (!doc.is_object()) return WrongType(root, "an object", doc);
  try {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      if (it->is_null()) continue;
      const CriterionInfo* info = FindCriterion(it.key());
      if (!info) return UnknownCriterion(root, it.key());
      const std::string cpath = root + "." + it.key();
      ASSAY_ASSIGN_OR_RETURN(FilterList list, DecodeCriterion(cpath, *info, *it));
      ASSAY_RETURN_IF_ERROR(CheckCriterion(cpath, *info, list));
      out.criteria.emplace(it.key(), std::move(list));
    }
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(root + ": " + e.what());
  }
  return out;
}

nlohmann::json ToJson(const FilterCriteria& criteria) {
  Json out = Json::object();
  for (const auto& [name, list] : criteria.criteria) {
    Json arr = Json::array();
    std::visit(
        [&](const auto& filters) {
          for (const auto& f : filters) arr.push_back(FilterJson(f));
        },
        list);
    out[name] = std::move(arr);
  }
  return out;
}

bool Matches(const FilterCriteria& criteria, const FindingView& finding) {
  return std::all_of(criteria.criteria.begin(), criteria.criteria.end(),
                     [&](const auto& c) { return CriterionHolds(c.first, c.second, finding); });
}

SqlColumn SqlColumn::Text(std::string expr) {
  SqlColumn c;
  c.kind = SqlKind::kText;
  c.expr = std::move(expr);
  return c;
}

SqlColumn SqlColumn::TextSet(std::string exists, std::string element_expr) {
  SqlColumn c = Text(std::move(element_expr));
  c.exists = std::move(exists);
  return c;
}

SqlColumn SqlColumn::Number(std::string expr) {
  SqlColumn c;
  c.kind = SqlKind::kNumber;
  c.expr = std::move(expr);
  return c;
}

SqlColumn SqlColumn::Date(std::string expr) {
  SqlColumn c;
  c.kind = SqlKind::kDate;
  c.expr = std::move(expr);
  return c;
}

SqlColumn SqlColumn::EpochSeconds(std::string expr) {
  SqlColumn c;
  c.kind = SqlKind::kEpochSeconds;
  c.expr = std::move(expr);
  return c;
}

SqlColumn SqlColumn::Map(std::string exists, std::string key_expr, std::string value_expr) {
  SqlColumn c;
  c.kind = SqlKind::kMap;
  c.exists = std::move(exists);
  c.key_expr = std::move(key_expr);
  c.value_expr = std::move(value_expr);
  return c;
}

SqlColumn SqlColumn::Package(std::map<std::string, std::string, std::less<>> fields,
                             std::string exists) {
  SqlColumn c;
  c.kind = SqlKind::kPackage;
  c.package_fields = std::move(fields);
  c.exists = std::move(exists);
  return c;
}

SqlColumn SqlColumn::PortRange(std::string first_expr, std::string last_expr) {
  SqlColumn c;
  c.kind = SqlKind::kPortRange;
  c.expr = std::move(first_expr);
  c.end_expr = std::move(last_expr);
  return c;
}

base::Result<SqlWhere> ToSql(const FilterCriteria& criteria, const SqlColumns& columns,
                             sql::Dialect dialect, int first_param_index) {
  ASSAY_RETURN_IF_ERROR(Validate(criteria));
  if (criteria.empty()) return SqlWhere{"1=1", {}};
  SqlBuilder b(dialect, first_param_index);
  std::vector<std::string> clauses;
  for (const auto& [name, list] : criteria.criteria) {
    auto it = columns.find(name);
    if (it == columns.end()) {
      return Status::NotSupported("filter criterion " + name + ": no SQL column for it");
    }
    ASSAY_ASSIGN_OR_RETURN(std::string clause, CriterionSql(b, name, it->second, list));
    clauses.push_back(std::move(clause));
  }
  std::string sql;
  for (size_t i = 0; i < clauses.size(); ++i) {
    if (i) sql += " AND ";
    sql += clauses[i];
  }
  return SqlWhere{std::move(sql), b.TakeParams()};
}

}  // namespace assay::findings
