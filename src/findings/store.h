// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The state store: accounts and API keys, resources and their inventories (interned), the
// findings with their lifecycle, suppression rules and the events outbox. One implementation
// over the SQL seam (sql.h), so SQLite (the embedded default, WAL) and PostgreSQL 15 share the
// schema (migrations.cc), the statements and the test suite.
//
// Inventories are interned (DESIGN §4): a `packages` row per distinct (ecosystem, name,
// version, source name, source version, match context) is shared by every resource that has
// it; `resource_packages` links a resource to its packages with the path and layer. The
// matcher's verdict for a package is stored once (`package_vulns`: one row per vulnerability,
// with the finding as the matcher built it) and fans out to the resources linking the package.
//
// Finding lifecycle (Inspector v2):
//   created ACTIVE, or SUPPRESSED when one of the account's unexpired suppression rules matches;
//   lastObservedAt refreshed on each evaluation of the resource's inventory;
//   CLOSED when the package is upgraded or removed (PACKAGE_REMOVED), when the advisory no longer
//   affects it (NO_LONGER_AFFECTED) or when the resource is deleted (RESOURCE_DELETED);
//   reopened (same id, `finding.updated`) when it recurs within `reopen_window` of closing;
//   after that, recurring makes a new finding (new id, `finding.created`);
//   CLOSED findings are purged `closed_retention` after closing, those of deleted resources
//   `deleted_retention` after the deletion.
// Every change writes its event to the outbox in the same transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "findings/filter.h"
#include "findings/sql.h"
#include "model/finding.h"
#include "model/inventory.h"

namespace assay::findings {

// ---- accounts and keys -------------------------------------------------------------------------

enum class Role { kAdmin, kAnalyst, kReadOnly };
std::string_view RoleName(Role r);  // "admin", "analyst", "read-only"
std::optional<Role> ParseRole(std::string_view s);

struct Account {
  std::string id;  // [a-z0-9][a-z0-9-]{0,62}
  std::string name;
  std::string parent;  // the organisation's admin account; "" for an organisation or standalone
  std::string created_at;
};

struct ApiKey {
  std::string id;  // public part ("key-<hex>")
  std::string account_id;
  Role role = Role::kReadOnly;
  std::string name;
  std::string created_at;
  std::string last_used_at;
  std::string revoked_at;
};

// Who is calling: the key's account and role, and the accounts whose data it may see (its own,
// plus its members' when the account is an organisation's admin account).
struct Principal {
  std::string account_id;
  std::string key_id;
  Role role = Role::kReadOnly;
  std::vector<std::string> visible_accounts;  // sorted
  bool CanSee(std::string_view account) const;
};

// ---- resources ---------------------------------------------------------------------------------

struct ResourceInput {
  std::string account_id;
  std::string id;    // "host:web-1", "image:sha256:…", "rootfs:/srv/golden"
  std::string type;  // host | rootfs | image | repository | golden-image
  std::string name;
  std::vector<std::pair<std::string, std::string>> tags;
  nlohmann::json details = nlohmann::json::object();  // e.g. the image's digest, tags, layers
};

struct Resource {
  std::int64_t pk = 0;
  std::string account_id;
  std::string id;
  std::string type;
  std::string name;
  std::vector<std::pair<std::string, std::string>> tags;  // sorted by key
  model::OsInfo os;
  nlohmann::json details = nlohmann::json::object();
  std::vector<std::string> collectors;
  std::int64_t package_count = 0;
  std::int64_t warning_count = 0;
  std::string first_seen_at;
  std::string last_seen_at;
  std::string inventory_at;     // last inventory received; "" = none yet
  std::string evaluated_at;     // last evaluation against the advisory DB
  std::string evaluated_build;  // that DB's build id
  std::string deleted_at;
};

// ---- interned packages and their matches -------------------------------------------------------

// A distinct package as the matcher sees it. `context` is "pro" for Ubuntu packages of hosts
// attached to Ubuntu Pro (their matches differ), else "".
struct InternedPackage {
  std::int64_t pk = 0;
  std::string ecosystem;
  std::string name;
  std::string version;
  std::string source_name;
  std::string source_version;
  std::string context;
};

// The lookup key a package's advisories are indexed by: (ecosystem base, PackageNameKey).
struct PackageKey {
  std::string ecosystem_base;
  std::string name_key;
};

// One vulnerability the matcher found in an interned package: the finding it built, with the
// resource-specific fields (id, status, times, paths) left for the store to fill.
struct PackageVuln {
  std::string vulnerability_id;
  model::Finding finding;
};

struct PackageMatches {
  std::int64_t pkg = 0;
  std::vector<PackageVuln> vulns;  // the complete set for the build; replaces what was stored
  std::vector<PackageKey> keys;    // the lookups the package needs; replaces what was stored
};

// ---- findings ----------------------------------------------------------------------------------

struct StoredFinding {
  model::Finding finding;  // with finding_id, status, times, the package's path and layer
  std::string account_id;
  std::string resource_id;
  std::string resource_type;
  std::vector<std::pair<std::string, std::string>> resource_tags;
  std::string suppressed_by;  // rule id when SUPPRESSED
  std::string closed_reason;  // when CLOSED
  std::string closed_at;
};

struct ListOptions {
  std::vector<std::string> accounts;  // restrict to these accounts (the principal's visible ones)
  FilterCriteria criteria;
  std::string cursor;  // from a previous page's next_cursor; "" = first page
  int limit = 100;     // 1..1000
  enum class Sort { kNewest, kSeverity } sort = Sort::kNewest;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;  // "" when this is the last page
};

// Counts of findings grouped by a key (severity, resource, package, vulnerability).
enum class AggregateBy { kSeverity, kResource, kPackage, kVulnerability };
struct AggregateRow {
  std::string key;  // the group (e.g. "HIGH", a resource id, "openssl@3.0.11", a CVE id)
  std::int64_t total = 0;
  std::int64_t critical = 0, high = 0, medium = 0, low = 0, informational = 0, untriaged = 0;
};

// ---- suppression rules -------------------------------------------------------------------------

struct SuppressionRule {
  std::string id;
  std::string account_id;
  std::string name;
  std::string description;
  std::string reason;
  FilterCriteria criteria;
  std::string expires_at;  // "" = never
  std::string created_at;
  std::string updated_at;
  bool expired = false;  // expires_at has passed (as of the call's `now`)
};

// ---- events ------------------------------------------------------------------------------------

struct Event {
  std::int64_t seq = 0;
  std::string id;  // "evt-<seq>": the idempotency key of every delivery
  std::string account_id;
  std::string type;  // finding.created | finding.updated | finding.closed | resource.deleted |
                     // inventory.evaluated | suppression.expired | ...
  std::string time;
  std::string resource_id;
  std::string finding_id;
  nlohmann::json detail = nlohmann::json::object();
};

// What an evaluation changed.
struct ChangeStats {
  std::int64_t created = 0;
  std::int64_t reopened = 0;
  std::int64_t updated = 0;
  std::int64_t closed = 0;
  std::int64_t suppressed = 0;
  std::int64_t unsuppressed = 0;
  std::int64_t events = 0;
  ChangeStats& operator+=(const ChangeStats& o);
};

struct PutInventoryResult {
  Resource resource;
  // Interned packages of the inventory that have no match results for `build_id` yet.
  std::vector<InternedPackage> unmatched;
  // The inventory is the one stored (same packages, OS and locations) and the resource was last
  // evaluated against `build_id`: its findings are current, `unmatched` is empty (not queried),
  // and PutInventory recorded the evaluation itself (the resource's evaluated_at, which is the
  // lastObservedAt of its open findings, and a scan.completed event). Nothing is left to do.
  bool unchanged = false;
};

struct StoreOptions {
  std::chrono::seconds reopen_window = std::chrono::hours(24 * 7);
  std::chrono::seconds closed_retention = std::chrono::hours(24 * 30);
  std::chrono::seconds deleted_retention = std::chrono::hours(24 * 3);
  int connections = 4;  // pooled connections (SQLite: readers; PostgreSQL: sessions)
};

class Store {
 public:
  // `database` is a SQLite file path or a postgres:// URL. Migrations run at open (each in its
  // own transaction; a newer schema than this build knows is NotSupported).
  static base::Result<std::unique_ptr<Store>> Open(const std::string& database,
                                                   const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  sql::Dialect dialect() const;
  std::string Describe() const;
  int schema_version() const;

  // Accounts and keys. CreateApiKey returns the key's secret text ("assay_<id>_<secret>") once;
  // only its SHA-256 is stored.
  base::Result<Account> CreateAccount(const Account& account, std::string_view now);
  base::Result<std::vector<Account>> ListAccounts(std::span<const std::string> visible);
  base::Result<Account> GetAccount(std::string_view id);
  struct NewKey {
    ApiKey key;
    std::string secret;
  };
  base::Result<NewKey> CreateApiKey(std::string_view account_id, Role role, std::string_view name,
                                    std::string_view now);
  base::Result<std::vector<ApiKey>> ListApiKeys(std::string_view account_id);
  base::Status RevokeApiKey(std::string_view account_id, std::string_view key_id,
                            std::string_view now);
  // NotFound (never saying which part was wrong) for an unknown, malformed or revoked key.
  base::Result<Principal> Authenticate(std::string_view secret, std::string_view now);

  // Resources and inventories. PutInventory creates or updates the resource, interns the
  // packages, replaces its links and records the inventory; it does not evaluate (see
  // ApplyMatches / ReconcileResource, and assess::Evaluator which drives them).
  base::Result<PutInventoryResult> PutInventory(const ResourceInput& input,
                                                const model::Inventory& inventory,
                                                std::string_view build_id, std::string_view now);
  base::Result<Resource> GetResource(std::span<const std::string> accounts, std::string_view id);
  base::Result<Page<Resource>> ListResources(std::span<const std::string> accounts,
                                             const std::string& cursor, int limit);
  base::Result<model::Inventory> GetInventory(std::int64_t resource_pk);
  // Marks the resource deleted and closes its findings (RESOURCE_DELETED).
  base::Result<ChangeStats> DeleteResource(std::string_view account_id, std::string_view id,
                                           std::string_view now);

  // Interned packages: those with no results for `build_id` (pk order, from `after_pk`), and
  // those needing any of `keys`.
  base::Result<std::vector<InternedPackage>> PackagesNotMatched(std::string_view build_id,
                                                                std::int64_t after_pk, int limit);
  base::Result<std::vector<InternedPackage>> PackagesByKeys(std::span<const PackageKey> keys);
  base::Result<std::vector<InternedPackage>> PackagesAfter(std::int64_t after_pk, int limit);
  // After a new advisory DB build whose changes were applied (ApplyMatches for the packages
  // they touch): every package matched against `old_build` is current for `new_build`.
  base::Status MarkAllMatched(std::string_view old_build, std::string_view new_build);
  base::Result<std::int64_t> CountPackages();
  base::Result<std::int64_t> CountResources();

  // Stores the match results of `matches` for `build_id` and applies the difference to every
  // resource linking those packages, in one transaction: new vulnerabilities create (or
  // reopen) findings, vanished ones close them, changed details update them.
  base::Result<ChangeStats> ApplyMatches(std::span<const PackageMatches> matches,
                                         std::string_view build_id, std::string_view now);
  // Brings one resource's findings in line with its current links and the stored matches
  // (after PutInventory): creates, reopens, closes, and records the evaluation time (the
  // lastObservedAt of its open findings).
  base::Result<ChangeStats> ReconcileResource(std::int64_t resource_pk, std::string_view build_id,
                                              std::string_view now);

  // Findings.
  base::Result<Page<StoredFinding>> ListFindings(const ListOptions& options);
  base::Result<StoredFinding> GetFinding(std::span<const std::string> accounts,
                                         std::string_view finding_id);
  base::Result<std::vector<AggregateRow>> Aggregate(std::span<const std::string> accounts,
                                                    const FilterCriteria& criteria, AggregateBy by,
                                                    int limit);
  base::Result<std::int64_t> CountFindings(std::span<const std::string> accounts,
                                           const FilterCriteria& criteria);

  // Suppression rules: each create/update/delete re-applies the account's rules to its
  // findings in the same transaction.
  base::Result<SuppressionRule> PutSuppressionRule(const SuppressionRule& rule,
                                                   std::string_view now);
  base::Result<std::vector<SuppressionRule>> ListSuppressionRules(
      std::span<const std::string> accounts, std::string_view now);
  base::Result<SuppressionRule> GetSuppressionRule(std::span<const std::string> accounts,
                                                   std::string_view id, std::string_view now);
  base::Result<ChangeStats> DeleteSuppressionRule(std::string_view account_id, std::string_view id,
                                                  std::string_view now);
  // Rules whose expiry has passed stop applying: their findings are re-evaluated (and a
  // `suppression.expired` event written once per rule).
  base::Result<ChangeStats> ExpireSuppressionRules(std::string_view now);

  // Events (the outbox), in order, after `after_seq`.
  base::Result<std::vector<Event>> ListEvents(std::span<const std::string> accounts,
                                              std::int64_t after_seq, int limit);
  base::Status AppendEvent(const Event& event);  // for events other than finding changes

  // Deletes closed findings, deleted resources and events past their retention.
  struct PurgeStats {
    std::int64_t findings = 0;
    std::int64_t resources = 0;
    std::int64_t events = 0;  // older than closed_retention
  };
  base::Result<PurgeStats> Purge(std::string_view now);

  // Key/value settings of the service (e.g. the advisory DB build last applied).
  base::Result<std::optional<std::string>> GetMeta(std::string_view key);
  base::Status PutMeta(std::string_view key, std::string_view value);

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// RFC 3339 UTC of a time point ("2026-11-25T06:00:00Z"), and `t` minus `d`.
std::string FormatTime(std::chrono::system_clock::time_point t);
base::Result<std::chrono::system_clock::time_point> ParseTime(std::string_view rfc3339);
std::string TimeMinus(std::string_view rfc3339, std::chrono::seconds d);

}  // namespace assay::findings
