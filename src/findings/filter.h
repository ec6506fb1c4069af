// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Filter criteria for findings, shaped like Amazon Inspector2's `FilterCriteria` (ListFindings,
// CreateFilter): a JSON object from criterion name to a list of 1..10 filters.
//
//   {"severity":   [{"comparison": "EQUALS", "value": "CRITICAL"},
//                   {"comparison": "EQUALS", "value": "HIGH"}],
//    "title":      [{"comparison": "NOT_EQUALS", "value": "CVE-2024-0001 - zlib1g"}],
//    "score":      [{"lowerInclusive": 7.0}],
//    "updatedAt":  [{"startInclusive": "2024-05-01T00:00:00Z", "endInclusive": 1717200000}],
//    "resourceTags": [{"comparison": "EQUALS", "key": "team", "value": "payments"}],
//    "vulnerablePackages": [{"name": {"comparison": "PREFIX", "value": "libssl"},
//                            "epoch": {"lowerInclusive": 1}}]}
//
// Supported criteria (Inspector's name where assay's differs):
//
// | criterion              | filters   | Inspector name | what it reads                          |
// |------------------------|-----------|----------------|----------------------------------------|
// | accountId              | string    | awsAccountId   | the account owning the resource        |
// | findingId              | string    | findingArn     | the finding's stable id                |
// | findingStatus          | string    |                | ACTIVE, SUPPRESSED, CLOSED             |
// | findingType            | string    |                | PACKAGE_VULNERABILITY, ...             |
// | severity               | string    |                | CRITICAL, HIGH, ..., UNTRIAGED         |
// | title                  | string    |                |                                        |
// | vulnerabilityId        | string    |                | the headline id (CVE-..., GHSA-...)    |
// | relatedVulnerabilities | string *  |                | the other ids merged into it           |
// | vendorSeverity         | string    |                | the distribution's own rating          |
// | vulnerabilitySource    | string    |                | the feed: DEBIAN, ALPINE, OSV, ...     |
// | fixAvailable           | string    |                | YES, NO, PARTIAL                       |
// | exploitAvailable       | string    |                | YES, NO (in CISA KEV)                  |
// | resourceId             | string    |                | the scanned resource's id              |
// | resourceType           | string    |                | host, rootfs, image, sbom              |
// | ecrImageRegistry       | string    |                | an image's registry host               |
// | ecrImageRepositoryName | string    |                | an image's repository                  |
// | ecrImageHash           | string    |                | an image's manifest digest             |
// | ecrImageTags           | string *  |                | an image's tags                        |
// | ecrImageArchitecture   | string    |                | an image's CPU architecture            |
// | networkProtocol        | string    |                | TCP, UDP (network findings)            |
// | score                  | number    | inspectorScore | the CVSS base score of the severity    |
// | epssScore              | number    |                | the EPSS probability                   |
// | firstObservedAt        | date      |                |                                        |
// | lastObservedAt         | date      |                |                                        |
// | updatedAt              | date      |                |                                        |
// | ecrImagePushedAt       | date      |                | when an image was pushed               |
// | resourceTags           | map       |                | the resource's tags                    |
// | vulnerablePackages     | package   |                | the finding's vulnerable packages      |
// | portRange              | portRange |                | the open port range (network findings) |
//
// (* a finding may hold several values.) Other Inspector criteria (ec2*, lambda*, code*,
// component*) describe resources assay does not scan and are refused like any unknown name.
//
// Semantics, as Inspector's: criteria are AND-ed. Within one criterion, the NOT_EQUALS filters are
// AND-ed, every other filter (EQUALS, PREFIX, ranges, map and package filters) is OR-ed, and both
// groups must hold:
//   - EQUALS v: some value of the finding equals v (byte for byte; values are case-sensitive).
//   - PREFIX v: some value starts with v. `%` and `_` are ordinary characters.
//   - NOT_EQUALS v: no value equals v; a finding without the field passes.
//   - NumberFilter, DateFilter: the value is present and lower <= value <= upper; a missing
//     bound is unbounded. Dates compare as instants, to the second.
//   - MapFilter (EQUALS only): some entry has the key and, when `value` is given, that value.
//   - PackageFilter: some package satisfies every field filter given (a string field filter as
//     above on that package's one value; `epoch` a NumberFilter).
//   - PortRangeFilter: the finding's open port range overlaps [beginInclusive, endInclusive]
//     (missing bounds: 0 and 65535).
//
// Limits, as Inspector's: 1..10 filters per criterion; string filter values 1..1024 characters;
// map keys 1..128 and values 0..256 characters; ports 0..65535. Values must be valid UTF-8 without
// NUL characters (PostgreSQL text cannot hold either). Pure functions: thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"
#include "findings/sql.h"

namespace assay::findings {

inline constexpr int kMaxFiltersPerCriterion = 10;
inline constexpr int kMaxStringFilterValueLength = 1024;
inline constexpr int kMaxMapKeyLength = 128;
inline constexpr int kMaxMapValueLength = 256;
inline constexpr std::int64_t kMaxPort = 65535;

enum class Comparison { kEquals, kPrefix, kNotEquals };
std::string_view ComparisonName(Comparison c);  // "EQUALS", "PREFIX", "NOT_EQUALS"

struct StringFilter {
  Comparison comparison = Comparison::kEquals;
  std::string value;
  friend bool operator==(const StringFilter&, const StringFilter&) = default;
};

struct NumberFilter {
  std::optional<double> lower_inclusive;
  std::optional<double> upper_inclusive;
  friend bool operator==(const NumberFilter&, const NumberFilter&) = default;
};

// Bounds in the normalised form `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds). The JSON form also
// accepts any RFC 3339 date-time and epoch seconds (Inspector's wire form); fractions of a second
// are dropped.
struct DateFilter {
  std::optional<std::string> start_inclusive;
  std::optional<std::string> end_inclusive;
  friend bool operator==(const DateFilter&, const DateFilter&) = default;
};

struct MapFilter {
  Comparison comparison = Comparison::kEquals;  // the only comparison Inspector allows
  std::string key;
  std::optional<std::string> value;  // absent: any value
  friend bool operator==(const MapFilter&, const MapFilter&) = default;
};

struct PackageFilter {
  std::optional<StringFilter> architecture;
  std::optional<NumberFilter> epoch;
  std::optional<StringFilter> file_path;
  std::optional<StringFilter> name;
  std::optional<StringFilter> release;
  std::optional<StringFilter> source_layer_hash;
  std::optional<StringFilter> version;
  friend bool operator==(const PackageFilter&, const PackageFilter&) = default;
};

struct PortRangeFilter {
  std::optional<std::int64_t> begin_inclusive;
  std::optional<std::int64_t> end_inclusive;
  friend bool operator==(const PortRangeFilter&, const PortRangeFilter&) = default;
};

// The filter type a criterion takes; also the index of its alternative in FilterList.
enum class CriterionKind { kString, kNumber, kDate, kMap, kPackage, kPortRange };
std::string_view CriterionKindName(CriterionKind k);  // "string", "number", ...

using FilterList =
    std::variant<std::vector<StringFilter>, std::vector<NumberFilter>, std::vector<DateFilter>,
                 std::vector<MapFilter>, std::vector<PackageFilter>, std::vector<PortRangeFilter>>;

struct CriterionInfo {
  std::string_view name;
  CriterionKind kind;
  bool multi_valued;  // a finding may hold several values (relatedVulnerabilities, ecrImageTags)
};

// The table above, in its order.
std::span<const CriterionInfo> SupportedCriteria();
const CriterionInfo* FindCriterion(std::string_view name);  // nullptr when unknown

struct FilterCriteria {
  std::map<std::string, FilterList, std::less<>> criteria;
  bool empty() const { return criteria.empty(); }
  friend bool operator==(const FilterCriteria&, const FilterCriteria&) = default;
};

// Checks names, filter kinds and every limit; for criteria built in code (ParseFilterCriteria
// already does it). InvalidArgument with the JSON path: "filterCriteria.severity[2].value: ...".
base::Status Validate(const FilterCriteria& criteria, std::string_view path = "filterCriteria");

// Decodes and validates the JSON object (null reads as no criteria; a criterion whose value is
// null is absent). InvalidArgument naming the path for a wrong type, an unknown criterion (with
// the closest valid name), an unknown field in a filter, a bad comparison or date, an inverted
// range, or a limit.
base::Result<FilterCriteria> ParseFilterCriteria(const nlohmann::json& doc,
                                                 std::string_view path = "filterCriteria");

// The inverse of ParseFilterCriteria for valid criteria: dates as normalised RFC 3339 strings,
// absent optional fields left out.
nlohmann::json ToJson(const FilterCriteria& criteria);

// RFC 3339 date-time ("2024-05-01T12:00:00Z", "2024-05-01t14:00:00.5+02:00") → seconds since
// the epoch (fraction dropped); nullopt when malformed or outside years 0000..9999.
std::optional<std::int64_t> ParseRfc3339(std::string_view text);
// Seconds since the epoch → "YYYY-MM-DDTHH:MM:SSZ" (years 0000..9999).
std::string FormatRfc3339(std::int64_t epoch_seconds);

// ---- In-memory evaluation ----

// One package of a finding as package filters see it; a field the finding does not know is
// nullopt.
struct PackageView {
  std::optional<std::string> architecture;
  std::optional<double> epoch;
  std::optional<std::string> file_path;
  std::optional<std::string> name;
  std::optional<std::string> release;
  std::optional<std::string> source_layer_hash;
  std::optional<std::string> version;
};

// A finding as Matches sees it, by criterion name. Every getter defaults to "no value"; implement
// those the finding has.
class FindingView {
 public:
  virtual ~FindingView() = default;
  // String criteria: no value when the finding lacks the field, one for a single-valued field,
  // any number for a multi-valued one.
  virtual std::vector<std::string> Strings(std::string_view /*criterion*/) const { return {}; }
  virtual std::optional<double> Number(std::string_view /*criterion*/) const { return {}; }
  // RFC 3339; text ParseRfc3339 refuses counts as no value.
  virtual std::optional<std::string> Date(std::string_view /*criterion*/) const { return {}; }
  virtual std::vector<std::pair<std::string, std::string>> Map(
      std::string_view /*criterion*/) const {
    return {};
  }
  virtual std::vector<PackageView> Packages(std::string_view /*criterion*/) const { return {}; }
  // The open port range [first, last].
  virtual std::optional<std::pair<std::int64_t, std::int64_t>> PortRange(
      std::string_view /*criterion*/) const {
    return {};
  }
};

// Whether the finding satisfies valid criteria (see Validate). Empty criteria match everything.
bool Matches(const FilterCriteria& criteria, const FindingView& finding);

// ---- SQL translation ----

// How the store keeps a criterion's values.
enum class SqlKind {
  kText,          // string criteria
  kNumber,        // number criteria
  kDate,          // date criteria stored as `YYYY-MM-DDTHH:MM:SSZ` text
  kEpochSeconds,  // date criteria stored as integer seconds since the epoch
  kMap,           // map criteria
  kPackage,       // package criteria
  kPortRange,     // port range criteria
};

// Where a criterion's values live. `exists` is a subquery with one `{}` where the element
// condition goes, e.g. "SELECT 1 FROM finding_related r WHERE r.finding = f.id AND {}"; it is
// wrapped as `EXISTS (...)` / `NOT EXISTS (...)`.
struct SqlColumn {
  SqlKind kind = SqlKind::kText;
  // kText, kNumber, kDate, kEpochSeconds: the value (the element inside `exists` when set; only
  // kText may be multi-valued). kPortRange: the first port.
  std::string expr;
  std::string end_expr;  // kPortRange: the last port
  std::string exists;    // multi-valued kText and kMap: required; kPackage: optional
  std::string key_expr;  // kMap
  std::string value_expr;
  // kPackage: PackageFilter field ("name", "version", "epoch", "release", "architecture",
  // "sourceLayerHash", "filePath") → expression. Without `exists` the package is the finding
  // row's own, present when the "name" expression is not NULL.
  std::map<std::string, std::string, std::less<>> package_fields;

  static SqlColumn Text(std::string expr);
  static SqlColumn TextSet(std::string exists, std::string element_expr);
  static SqlColumn Number(std::string expr);
  static SqlColumn Date(std::string expr);
  static SqlColumn EpochSeconds(std::string expr);
  static SqlColumn Map(std::string exists, std::string key_expr, std::string value_expr);
  static SqlColumn Package(std::map<std::string, std::string, std::less<>> fields,
                           std::string exists = "");
  static SqlColumn PortRange(std::string first_expr, std::string last_expr);
};

// Criterion name → column.
using SqlColumns = std::map<std::string, SqlColumn, std::less<>>;

struct SqlWhere {
  std::string sql;                 // without the WHERE keyword; "1=1" for empty criteria
  std::vector<sql::Value> params;  // for ?first_param_index, ?first_param_index+1, ...
};

// Translates valid criteria into a WHERE condition with `?N` placeholders numbered from
// `first_param_index`, each used once. Text comparisons are index-friendly: EQUALS as `=`/`IN`,
// PREFIX as `expr >= ?lo AND expr < ?hi` (hi: the prefix with its last character incremented)
// rather than LIKE. The text is the same for both dialects except that PostgreSQL's PREFIX ranges
// compare `COLLATE "C"` (byte order, as SQLite's BINARY; index the expression with that collation).
// InvalidArgument for invalid criteria or a column of the wrong kind; NotSupported naming the
// criterion (or package field) that `columns` does not map.
base::Result<SqlWhere> ToSql(const FilterCriteria& criteria, const SqlColumns& columns,
                             sql::Dialect dialect, int first_param_index = 1);

}  // namespace assay::findings
