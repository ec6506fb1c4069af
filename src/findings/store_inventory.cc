// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Resources, their interned inventories and the package index of the store.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "base/sha256.h"
#include "base/strings.h"
#include "findings/store.h"
#include "findings/store_internal.h"

namespace assay::findings {

using internal::Params;
using sql::Value;

namespace {

constexpr int kMaxTags = 50;
constexpr int kMaxWarnings = 1000;
constexpr size_t kMaxPackages = 200000;

nlohmann::json OsToJson(const model::OsInfo& os) {
  return {{"id", os.id},
          {"versionId", os.version_id},
          {"codename", os.codename},
          {"prettyName", os.pretty_name},
          {"ecosystem", os.ecosystem},
          {"ubuntuPro", os.ubuntu_pro}};
}

model::OsInfo OsFromJson(std::string_view text) {
  model::OsInfo os;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return os;
  os.id = j.value("id", "");
  os.version_id = j.value("versionId", "");
  os.codename = j.value("codename", "");
  os.pretty_name = j.value("prettyName", "");
  os.ecosystem = j.value("ecosystem", "");
  os.ubuntu_pro = j.value("ubuntuPro", false);
  return os;
}

using PkgKey =
    std::tuple<std::string, std::string, std::string, std::string, std::string, std::string>;

PkgKey KeyOf(const model::Package& p, const model::OsInfo& os) {
  std::string context;
  if (os.ubuntu_pro && base::StartsWithIgnoreCase(p.ecosystem, "Ubuntu")) context = "pro";
  return {p.ecosystem, p.name, p.version, p.source_name, p.source_version, context};
}

InternedPackage PackageFromRow(const sql::Row& r, int at) {
  InternedPackage p;
  p.pk = r.Int(at);
  p.ecosystem = r.Str(at + 1);
  p.name = r.Str(at + 2);
  p.version = r.Str(at + 3);
  p.source_name = r.Str(at + 4);
  p.source_version = r.Str(at + 5);
  p.context = r.Str(at + 6);
  return p;
}

constexpr std::string_view kPkgCols =
    "pk, ecosystem, name, version, source_name, source_version, context";

std::string InventoryHash(const model::Inventory& inv) {
  base::Sha256 h;
  auto add = [&](std::string_view s) {
    h.Update(s);
    h.Update(std::string_view("\0", 1));
  };
  add(OsToJson(inv.os).dump());
  std::vector<std::string> rows;
  rows.reserve(inv.packages.size());
  for (const auto& p : inv.packages) {
    rows.push_back(p.ecosystem + '\x1f' + p.name + '\x1f' + p.version + '\x1f' + p.source_name +
                   '\x1f' + p.source_version + '\x1f' + p.arch + '\x1f' + p.purl + '\x1f' + p.path +
                   '\x1f' + p.layer_digest + '\x1f' + p.package_manager +
                   (p.dev ? "\x1f"
                            "1"
                          : "\x1f"
                            "0"));
  }
  std::sort(rows.begin(), rows.end());
  for (const auto& r : rows) add(r);
  return h.HexDigest().value_or("");
}

constexpr std::string_view kResourceCols =
    "pk, account_id, id, type, name, os, details, collectors, package_count, warning_count, "
    "first_seen_at, last_seen_at, COALESCE(inventory_at, ''), COALESCE(evaluated_at, ''), "
    "COALESCE(evaluated_build, ''), COALESCE(deleted_at, '')";

Resource ResourceFromRow(const sql::Row& r) {
  Resource out;
  out.pk = r.Int(0);
  out.account_id = r.Str(1);
  out.id = r.Str(2);
  out.type = r.Str(3);
  out.name = r.Str(4);
  out.os = OsFromJson(r.Text(5));
  out.details = nlohmann::json::parse(r.Text(6), nullptr, false);
  if (out.details.is_discarded()) out.details = nlohmann::json::object();
  auto cols = nlohmann::json::parse(r.Text(7), nullptr, false);
  if (cols.is_array()) {
    for (const auto& c : cols) {
      if (c.is_string()) out.collectors.push_back(c.get<std::string>());
    }
  }
  out.package_count = r.Int(8);
  out.warning_count = r.Int(9);
  out.first_seen_at = r.Str(10);
  out.last_seen_at = r.Str(11);
  out.inventory_at = r.Str(12);
  out.evaluated_at = r.Str(13);
  out.evaluated_build = r.Str(14);
  out.deleted_at = r.Str(15);
  return out;
}

base::Status LoadTags(sql::Connection& c, Resource& r) {
  r.tags.clear();
  return c.Query("SELECT key, value FROM resource_tags WHERE resource = ?1 ORDER BY key",
                 {Value(r.pk)}, [&](const sql::Row& row) {
                   r.tags.emplace_back(row.Str(0), row.Str(1));
                   return true;
                 });
}

base::Status ValidateInput(const ResourceInput& in, const model::Inventory& inv) {
  static const std::set<std::string, std::less<>> kTypes = {"host", "rootfs", "image", "repository",
                                                            "golden-image"};
  if (in.id.empty() || in.id.size() > 1024) {
    return base::Status::InvalidArgument("resource id: 1 to 1024 characters");
  }
  if (!kTypes.count(in.type)) {
    return base::Status::InvalidArgument("resource type " + base::QuoteForMessage(in.type, 40) +
                                         ": one of host, rootfs, image, repository, golden-image");
  }
  if (in.tags.size() > kMaxTags) {
    return base::Status::InvalidArgument("resource tags: at most " + std::to_string(kMaxTags));
  }
  std::set<std::string_view> keys;
  for (const auto& [k, v] : in.tags) {
    if (k.empty() || k.size() > 128 || v.size() > 256) {
      return base::Status::InvalidArgument("resource tag " + base::QuoteForMessage(k, 40) +
                                           ": keys 1 to 128 characters, values up to 256");
    }
    if (!keys.insert(k).second) {
      return base::Status::InvalidArgument("resource tag " + base::QuoteForMessage(k, 40) +
                                           " given twice");
    }
  }
  if (inv.packages.size() > kMaxPackages) {
    return base::Status::InvalidArgument("inventory: more than " + std::to_string(kMaxPackages) +
                                         " packages");
  }
  for (size_t i = 0; i < inv.packages.size(); ++i) {
    const auto& p = inv.packages[i];
    if (p.ecosystem.empty() || p.name.empty()) {
      return base::Status::InvalidArgument("inventory.packages[" + std::to_string(i) +
                                           "]: ecosystem and name are required");
    }
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<PutInventoryResult> Store::PutInventory(const ResourceInput& in,
                                                     const model::Inventory& inv,
                                                     std::string_view build_id,
                                                     std::string_view now) {
  ASSAY_RETURN_IF_ERROR(ValidateInput(in, inv));
  const std::string hash = InventoryHash(inv);
  nlohmann::json collectors = inv.collectors;
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  PutInventoryResult out;
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    // The resource row.
    std::string old_hash, old_build;
    bool was_deleted = false;
    bool existed = false;
    ASSAY_RETURN_IF_ERROR(c.Query(
        "SELECT pk, inventory_hash, deleted_at IS NOT NULL, COALESCE(evaluated_build, '') FROM "
        "resources WHERE account_id = ?1 AND id = ?2",
        {Value(in.account_id), Value(in.id)}, [&](const sql::Row& r) {
          existed = true;
          out.resource.pk = r.Int(0);
          old_hash = r.Str(1);
          was_deleted = r.Int(2) != 0;
          old_build = r.Str(3);
          return false;
        }));
    Params p = {Value(in.account_id),
                Value(in.id),
                Value(in.type),
                Value(in.name),
                Value(OsToJson(inv.os).dump()),
                Value(in.details.dump()),
                Value(collectors.dump()),
                Value(hash),
                Value(static_cast<std::int64_t>(inv.packages.size())),
                Value(static_cast<std::int64_t>(inv.warnings.size())),
                Value(std::string(now))};
    // The row as stored now (RETURNING: no second read).
    auto keep = [&](const sql::Row& r) {
      out.resource = ResourceFromRow(r);
      return false;
    };
    if (!existed) {
      ASSAY_RETURN_IF_ERROR(
          c.Query("INSERT INTO resources (account_id, id, type, name, os, details, collectors, "
                  "inventory_hash, package_count, warning_count, first_seen_at, last_seen_at, "
                  "inventory_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?11) "
                  "RETURNING " +
                      std::string(kResourceCols),
                  p, keep));
    } else {
      p.push_back(Value(out.resource.pk));
      ASSAY_RETURN_IF_ERROR(
          c.Query("UPDATE resources SET type = ?3, name = ?4, os = ?5, details = ?6, "
                  "collectors = ?7, inventory_hash = ?8, package_count = ?9, warning_count = ?10, "
                  "last_seen_at = ?11, inventory_at = ?11, deleted_at = NULL, "
                  "first_seen_at = CASE WHEN deleted_at IS NULL THEN first_seen_at ELSE ?11 END "
                  "WHERE pk = ?12 AND account_id = ?1 AND id = ?2 RETURNING " +
                      std::string(kResourceCols),
                  p, keep));
    }
    const std::int64_t rpk = out.resource.pk;
    // Tags: one statement for all of them.
    ASSAY_RETURN_IF_ERROR(
        c.Exec("DELETE FROM resource_tags WHERE resource = ?1", {Value(rpk)}).status());
    if (!in.tags.empty()) {
      std::vector<std::vector<Value>> rows;
      for (const auto& [k, v] : in.tags) rows.push_back({Value(rpk), Value(k), Value(v)});
      const std::string_view cols[] = {"resource", "key", "value"};
      ASSAY_RETURN_IF_ERROR(c.BulkInsert("resource_tags", cols, rows));
    }
    out.resource.tags = in.tags;
    std::sort(out.resource.tags.begin(), out.resource.tags.end());
    if (existed && !was_deleted && old_hash == hash) {
      if (old_build != build_id) return base::Status::Ok();
      // Evaluated against this build with these packages: its findings are current. Record the
      // evaluation (lastObservedAt of its open findings) and its scan.completed event.
      out.unchanged = true;
      out.resource.evaluated_at = std::string(now);
      ASSAY_RETURN_IF_ERROR(c.Exec("UPDATE resources SET evaluated_at = ?2 WHERE pk = ?1",
                                   {Value(rpk), Value(std::string(now))})
                                .status());
      nlohmann::json detail = {{"created", 0}, {"reopened", 0},   {"updated", 0},
                               {"closed", 0},  {"suppressed", 0}, {"build", build_id}};
      return c
          .Exec("INSERT INTO events (account_id, type, time, resource_id, detail) VALUES (?1, "
                "'scan.completed', ?2, ?3, ?4)",
                {Value(in.account_id), Value(std::string(now)), Value(in.id),
                 Value(detail.dump())})
          .status();
    }

    // Warnings.
    ASSAY_RETURN_IF_ERROR(
        c.Exec("DELETE FROM resource_warnings WHERE resource = ?1", {Value(rpk)}).status());
    {
      std::vector<std::vector<Value>> rows;
      for (size_t i = 0; i < inv.warnings.size() && i < kMaxWarnings; ++i) {
        rows.push_back(
            {Value(rpk), Value(inv.warnings[i].location), Value(inv.warnings[i].message)});
      }
      const std::string_view cols[] = {"resource", "location", "message"};
      if (!rows.empty()) ASSAY_RETURN_IF_ERROR(c.BulkInsert("resource_warnings", cols, rows));
    }

    // Intern the distinct packages.
    std::map<PkgKey, std::int64_t> pks;
    for (const auto& pkg : inv.packages) pks.emplace(KeyOf(pkg, inv.os), 0);
    std::vector<const PkgKey*> keys;
    for (auto& [k, v] : pks) keys.push_back(&k);
    constexpr size_t kChunk = 300;
    for (size_t at = 0; at < keys.size(); at += kChunk) {
      size_t n = std::min(kChunk, keys.size() - at);
      auto values_list = [&](Params& params) {
        std::string s;
        for (size_t i = 0; i < n; ++i) {
          const PkgKey& k = *keys[at + i];
          int b = static_cast<int>(params.size()) + 1;
          if (i) s += ",";
          s += "(?" + std::to_string(b) + ",?" + std::to_string(b + 1) + ",?" +
               std::to_string(b + 2) + ",?" + std::to_string(b + 3) + ",?" + std::to_string(b + 4) +
               ",?" + std::to_string(b + 5) + ")";
          params.insert(params.end(),
                        {Value(std::get<0>(k)), Value(std::get<1>(k)), Value(std::get<2>(k)),
                         Value(std::get<3>(k)), Value(std::get<4>(k)), Value(std::get<5>(k))});
        }
        return s;
      };
      auto fill = [&](const sql::Row& r) {
        InternedPackage ip = PackageFromRow(r, 0);
        auto it = pks.find(PkgKey{ip.ecosystem, ip.name, ip.version, ip.source_name,
                                  ip.source_version, ip.context});
        if (it != pks.end()) it->second = ip.pk;
        return true;
      };
      Params ins;
      std::string vals = values_list(ins);
      ASSAY_RETURN_IF_ERROR(
          c.Query("INSERT INTO packages (ecosystem, name, version, source_name, source_version, "
                  "context) VALUES " +
                      vals + " ON CONFLICT DO NOTHING RETURNING " + std::string(kPkgCols),
                  ins, fill));
      // Those that existed already.
      bool missing = false;
      for (size_t i = 0; i < n; ++i) missing |= pks[*keys[at + i]] == 0;
      if (missing) {
        Params sel;
        std::string svals = values_list(sel);
        // A join from the key list, so that each key is one probe of the unique index (a
        // row-value IN over VALUES is planned as a scan of every package).
        ASSAY_RETURN_IF_ERROR(c.Query(
            "WITH k (e, n, v, sn, sv, cx) AS (VALUES " + svals +
                ") SELECT p.pk, p.ecosystem, p.name, p.version, p.source_name, p.source_version, "
                "p.context FROM k JOIN packages p ON p.ecosystem = k.e AND p.name = k.n AND "
                "p.version = k.v AND p.source_name = k.sn AND p.source_version = k.sv AND "
                "p.context = k.cx",
            sel, fill));
      }
    }
    // Links.
    ASSAY_RETURN_IF_ERROR(
        c.Exec("DELETE FROM resource_packages WHERE resource = ?1", {Value(rpk)}).status());
    std::vector<std::vector<Value>> rows;
    rows.reserve(inv.packages.size());
    for (const auto& pkg : inv.packages) {
      std::int64_t pk = pks[KeyOf(pkg, inv.os)];
      if (pk == 0) {
        return base::Status::Internal("package " + pkg.name + " " + pkg.version +
                                      " was not interned");
      }
      rows.push_back({Value(rpk), Value(pk), Value(pkg.path), Value(pkg.layer_digest),
                      Value(pkg.arch), Value(pkg.purl), Value(pkg.package_manager),
                      Value(std::int64_t{pkg.dev ? 1 : 0})});
    }
    const std::string_view cols[] = {"resource",        "pkg", "path", "layer", "arch", "purl",
                                     "package_manager", "dev"};
    if (!rows.empty()) ASSAY_RETURN_IF_ERROR(c.BulkInsert("resource_packages", cols, rows));
    return base::Status::Ok();
  }));

  // What still needs matching against `build_id` (nothing when the resource was evaluated
  // against it with these packages: they were all matched then).
  if (!out.unchanged) {
    ASSAY_RETURN_IF_ERROR(c.Query(
      "SELECT DISTINCT p.pk, p.ecosystem, p.name, p.version, p.source_name, p.source_version, "
      "p.context FROM resource_packages rp JOIN packages p ON p.pk = rp.pkg WHERE rp.resource = "
      "?1 AND (p.matched_build IS NULL OR p.matched_build <> ?2) ORDER BY p.pk",
      {Value(out.resource.pk), Value(std::string(build_id))}, [&](const sql::Row& r) {
        out.unmatched.push_back(PackageFromRow(r, 0));
        return true;
      }));
  }
  return out;
}

base::Result<Resource> Store::GetResource(std::span<const std::string> accounts,
                                          std::string_view id) {
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  std::optional<Resource> out;
  if (!accounts.empty()) {
    Params p = {Value(std::string(id))};
    for (const auto& a : accounts) p.push_back(Value(a));
    ASSAY_RETURN_IF_ERROR(c.Query("SELECT " + std::string(kResourceCols) +
                                      " FROM resources WHERE id = ?1 AND "
                                      "account_id IN " +
                                      internal::InList(2, static_cast<int>(accounts.size())) +
                                      " ORDER BY account_id",
                                  p, [&](const sql::Row& r) {
                                    out = ResourceFromRow(r);
                                    return false;
                                  }));
  }
  if (!out) return base::Status::NotFound("resource " + std::string(id) + " not found");
  ASSAY_RETURN_IF_ERROR(LoadTags(c, *out));
  return *out;
}

base::Result<Page<Resource>> Store::ListResources(std::span<const std::string> accounts,
                                                  const std::string& cursor, int limit) {
  limit = std::clamp(limit, 1, 1000);
  std::int64_t after = 0;
  if (!cursor.empty()) {
    if (cursor[0] != 'r' || !base::ParseInt64(cursor.substr(1), &after) || after < 0) {
      return base::Status::InvalidArgument("invalid cursor " + base::QuoteForMessage(cursor, 40));
    }
  }
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  Page<Resource> page;
  if (accounts.empty()) return page;
  Params p = {Value(after), Value(std::int64_t{limit + 1})};
  for (const auto& a : accounts) p.push_back(Value(a));
  ASSAY_RETURN_IF_ERROR(c.Query(
      "SELECT " + std::string(kResourceCols) + " FROM resources WHERE pk > ?1 AND account_id IN " +
          internal::InList(3, static_cast<int>(accounts.size())) + " ORDER BY pk LIMIT ?2",
      p, [&](const sql::Row& r) {
        page.items.push_back(ResourceFromRow(r));
        return true;
      }));
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.pop_back();
    page.next_cursor = "r" + std::to_string(page.items.back().pk);
  }
  for (auto& r : page.items) ASSAY_RETURN_IF_ERROR(LoadTags(c, r));
  return page;
}

base::Result<model::Inventory> Store::GetInventory(std::int64_t resource_pk) {
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  model::Inventory inv;
  bool found = false;
  ASSAY_RETURN_IF_ERROR(c.Query("SELECT os, collectors FROM resources WHERE pk = ?1",
                                {Value(resource_pk)}, [&](const sql::Row& r) {
                                  found = true;
                                  inv.os = OsFromJson(r.Text(0));
                                  auto cols = nlohmann::json::parse(r.Text(1), nullptr, false);
                                  if (cols.is_array()) {
                                    for (const auto& x : cols) {
                                      if (x.is_string()) inv.collectors.push_back(x);
                                    }
                                  }
                                  return false;
                                }));
  if (!found) return base::Status::NotFound("resource not found");
  ASSAY_RETURN_IF_ERROR(c.Query(
      "SELECT p.ecosystem, p.name, p.version, p.source_name, p.source_version, rp.arch, rp.purl, "
      "rp.path, rp.layer, rp.package_manager, rp.dev FROM resource_packages rp JOIN packages p "
      "ON p.pk = rp.pkg WHERE rp.resource = ?1 ORDER BY p.ecosystem, p.name, p.version, rp.path",
      {Value(resource_pk)}, [&](const sql::Row& r) {
        model::Package p;
        p.ecosystem = r.Str(0);
        p.name = r.Str(1);
        p.version = r.Str(2);
        p.source_name = r.Str(3);
        p.source_version = r.Str(4);
        p.arch = r.Str(5);
        p.purl = r.Str(6);
        p.path = r.Str(7);
        p.layer_digest = r.Str(8);
        p.package_manager = r.Str(9);
        p.dev = r.Int(10) != 0;
        inv.packages.push_back(std::move(p));
        return true;
      }));
  ASSAY_RETURN_IF_ERROR(
      c.Query("SELECT location, message FROM resource_warnings WHERE resource = ?1",
              {Value(resource_pk)}, [&](const sql::Row& r) {
                inv.warnings.push_back({r.Str(0), r.Str(1)});
                return true;
              }));
  return inv;
}

base::Result<std::vector<InternedPackage>> Store::PackagesNotMatched(std::string_view build_id,
                                                                     std::int64_t after_pk,
                                                                     int limit) {
  internal::Lease lease(*impl_);
  std::vector<InternedPackage> out;
  ASSAY_RETURN_IF_ERROR(lease.conn().Query(
      "SELECT " + std::string(kPkgCols) +
          " FROM packages WHERE pk > ?1 AND (matched_build IS NULL OR matched_build <> ?2) "
          "ORDER BY pk LIMIT ?3",
      {Value(after_pk), Value(std::string(build_id)), Value(std::int64_t{limit})},
      [&](const sql::Row& r) {
        out.push_back(PackageFromRow(r, 0));
        return true;
      }));
  return out;
}

base::Result<std::vector<InternedPackage>> Store::PackagesAfter(std::int64_t after_pk, int limit) {
  internal::Lease lease(*impl_);
  std::vector<InternedPackage> out;
  ASSAY_RETURN_IF_ERROR(lease.conn().Query(
      "SELECT " + std::string(kPkgCols) + " FROM packages WHERE pk > ?1 ORDER BY pk LIMIT ?2",
      {Value(after_pk), Value(std::int64_t{limit})}, [&](const sql::Row& r) {
        out.push_back(PackageFromRow(r, 0));
        return true;
      }));
  return out;
}

base::Result<std::vector<InternedPackage>> Store::PackagesByKeys(std::span<const PackageKey> keys) {
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  std::map<std::int64_t, InternedPackage> out;
  constexpr size_t kChunk = 400;
  for (size_t at = 0; at < keys.size(); at += kChunk) {
    size_t n = std::min(kChunk, keys.size() - at);
    Params p;
    std::string vals;
    for (size_t i = 0; i < n; ++i) {
      int b = static_cast<int>(p.size()) + 1;
      if (i) vals += ",";
      vals += "(?" + std::to_string(b) + ",?" + std::to_string(b + 1) + ")";
      p.push_back(Value(keys[at + i].ecosystem_base));
      p.push_back(Value(keys[at + i].name_key));
    }
    ASSAY_RETURN_IF_ERROR(c.Query(
        "SELECT DISTINCT p.pk, p.ecosystem, p.name, p.version, p.source_name, p.source_version, "
        "p.context FROM package_keys k JOIN packages p ON p.pk = k.pkg WHERE (k.ecosystem_base, "
        "k.name_key) IN (VALUES " +
            vals + ")",
        p, [&](const sql::Row& r) {
          InternedPackage ip = PackageFromRow(r, 0);
          out.emplace(ip.pk, std::move(ip));
          return true;
        }));
  }
  std::vector<InternedPackage> v;
  v.reserve(out.size());
  for (auto& [pk, ip] : out) v.push_back(std::move(ip));
  return v;
}

base::Status Store::MarkAllMatched(std::string_view old_build, std::string_view new_build) {
  std::lock_guard<std::mutex> wlock(impl_->write_mu);
  internal::Lease lease(*impl_);
  return lease.conn()
      .Exec("UPDATE packages SET matched_build = ?2 WHERE matched_build = ?1",
            {Value(std::string(old_build)), Value(std::string(new_build))})
      .status();
}

base::Result<std::int64_t> Store::CountPackages() {
  internal::Lease lease(*impl_);
  std::int64_t n = 0;
  ASSAY_RETURN_IF_ERROR(
      lease.conn().Query("SELECT COUNT(*) FROM packages", {}, [&](const sql::Row& r) {
        n = r.Int(0);
        return false;
      }));
  return n;
}

base::Result<std::int64_t> Store::CountResources() {
  internal::Lease lease(*impl_);
  std::int64_t n = 0;
  ASSAY_RETURN_IF_ERROR(lease.conn().Query(
      "SELECT COUNT(*) FROM resources WHERE deleted_at IS NULL", {}, [&](const sql::Row& r) {
        n = r.Int(0);
        return false;
      }));
  return n;
}

}  // namespace assay::findings
