// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "findings/store.h"

#include <sys/random.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "advisories/import.h"
#include "base/sha256.h"
#include "base/strings.h"
#include "findings/migrations.h"
#include "findings/store_internal.h"
#include "model/ecosystem.h"
#include "model/finding_json.h"

namespace assay::findings {

using internal::Conn;
using internal::Params;
using sql::Value;

// ---- small helpers -----------------------------------------------------------------------------

std::string FormatTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

base::Result<std::chrono::system_clock::time_point> ParseTime(std::string_view s) {
  int y, mo, d, h, mi, sec;
  char z = 0;
  std::string str(s);
  if (str.size() < 20 ||
      std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7) {
    return base::Status::InvalidArgument("not an RFC 3339 UTC time: " +
                                         base::QuoteForMessage(s, 40));
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t tt = timegm(&tm);
  auto tp = std::chrono::system_clock::from_time_t(tt);
  // A numeric offset ("+02:00"): convert to UTC; fractional seconds are ignored.
  size_t off = str.find_first_of("+-", 19);
  if (z != 'Z' && off != std::string::npos && str.size() >= off + 6) {
    int oh = std::atoi(str.substr(off + 1, 2).c_str());
    int om = std::atoi(str.substr(off + 4, 2).c_str());
    auto delta = std::chrono::hours(oh) + std::chrono::minutes(om);
    tp = str[off] == '+' ? tp - delta : tp + delta;
  }
  return tp;
}

std::string TimeMinus(std::string_view rfc3339, std::chrono::seconds d) {
  auto t = ParseTime(rfc3339);
  if (!t.ok()) return std::string(rfc3339);
  return FormatTime(*t - d);
}

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kAdmin:
      return "admin";
    case Role::kAnalyst:
      return "analyst";
    case Role::kReadOnly:
      return "read-only";
  }
  return "read-only";
}

std::optional<Role> ParseRole(std::string_view s) {
  if (s == "admin") return Role::kAdmin;
  if (s == "analyst") return Role::kAnalyst;
  if (s == "read-only") return Role::kReadOnly;
  return std::nullopt;
}

bool Principal::CanSee(std::string_view account) const {
  return std::binary_search(visible_accounts.begin(), visible_accounts.end(), account);
}

ChangeStats& ChangeStats::operator+=(const ChangeStats& o) {
  created += o.created;
  reopened += o.reopened;
  updated += o.updated;
  closed += o.closed;
  suppressed += o.suppressed;
  unsuppressed += o.unsuppressed;
  events += o.events;
  return *this;
}

namespace internal {

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  size_t got = 0;
  while (got < bytes) {
    ssize_t n = getrandom(raw.data() + got, bytes - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::int64_t RandomBatch() {
  std::uint64_t v = 0;
  while (v == 0) {
    if (getrandom(&v, sizeof v, 0) != sizeof v) v = 0;
    v &= 0x3fffffffffffffffULL;
  }
  return static_cast<std::int64_t>(v);
}

std::string InList(int first, int count) {
  std::string s = "(";
  for (int i = 0; i < count; ++i) {
    if (i) s += ",";
    s += "?" + std::to_string(first + i);
  }
  return s + ")";
}

}  // namespace internal

// ---- the pool ----------------------------------------------------------------------------------

namespace {
constexpr std::chrono::milliseconds kCheckpointEvery{250};
constexpr int kAutoCheckpointPages = 16384;  // 64 MB of 4 KiB pages
}  // namespace

Store::Impl::~Impl() {
  {
    std::lock_guard<std::mutex> lock(checkpoint_mu);
    stopping = true;
  }
  checkpoint_cv.notify_all();
  if (checkpointer.joinable()) checkpointer.join();
}

void Store::Impl::StartCheckpointer(std::unique_ptr<sql::Connection> conn) {
  checkpoint_conn = std::move(conn);
  checkpointer = std::thread([this] {
    std::unique_lock<std::mutex> lock(checkpoint_mu);
    while (!checkpoint_cv.wait_for(lock, kCheckpointEvery, [this] { return stopping; })) {
      lock.unlock();
      // Failures (SQLITE_BUSY while a reader holds an old snapshot) are retried next time.
      (void)checkpoint_conn->ExecScript("PRAGMA wal_checkpoint(PASSIVE)");
      lock.lock();
    }
  });
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

base::Result<std::unique_ptr<Store>> Store::Open(const std::string& database,
                                                 const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  int n = std::max(1, options.connections);
  for (int i = 0; i < n; ++i) {
    ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<sql::Connection> c, sql::Open(database));
    if (i == 0) {
      ASSAY_ASSIGN_OR_RETURN(impl->schema_version,
                             Migrate(*c, FormatTime(std::chrono::system_clock::now())));
      impl->dialect = c->dialect();
      impl->describe = c->Describe();
    }
    if (impl->dialect == sql::Dialect::kSqlite) {
      ASSAY_RETURN_IF_ERROR(c->ExecScript("PRAGMA wal_autocheckpoint=" +
                                          std::to_string(kAutoCheckpointPages)));
    }
    impl->idle.push_back(std::move(c));
  }
  if (impl->dialect == sql::Dialect::kSqlite && !database.empty() && database != ":memory:") {
    ASSAY_ASSIGN_OR_RETURN(std::unique_ptr<sql::Connection> c, sql::Open(database));
    impl->StartCheckpointer(std::move(c));
  }
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

sql::Dialect Store::dialect() const { return impl_->dialect; }
std::string Store::Describe() const { return impl_->describe; }
int Store::schema_version() const { return impl_->schema_version; }

internal::Lease::Lease(Store::Impl& impl) : impl_(impl) {
  std::unique_lock<std::mutex> lock(impl_.mu);
  impl_.cv.wait(lock, [&] { return !impl_.idle.empty(); });
  conn_ = std::move(impl_.idle.back());
  impl_.idle.pop_back();
}

internal::Lease::~Lease() {
  if (conn_->in_transaction()) (void)conn_->Rollback();
  std::lock_guard<std::mutex> lock(impl_.mu);
  impl_.idle.push_back(std::move(conn_));
  impl_.cv.notify_one();
}

// ---- accounts and keys -------------------------------------------------------------------------

namespace {

bool ValidAccountId(std::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && c == '-');
    if (!ok) return false;
  }
  return true;
}

Account AccountFromRow(const sql::Row& r) {
  return Account{r.Str(0), r.Str(1), r.Str(2), r.Str(3)};
}

constexpr std::string_view kAccountCols = "id, name, COALESCE(parent, ''), created_at";

}  // namespace

base::Result<Account> Store::CreateAccount(const Account& account, std::string_view now) {
  if (!ValidAccountId(account.id)) {
    return base::Status::InvalidArgument(
        "account id " + base::QuoteForMessage(account.id, 70) +
        ": use 1 to 63 characters a-z, 0-9 and '-', starting with a letter or digit");
  }
  if (account.name.empty() || account.name.size() > 256) {
    return base::Status::InvalidArgument("account name: 1 to 256 characters");
  }
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  Account out = account;
  out.created_at = std::string(now);
  ASSAY_RETURN_IF_ERROR(sql::InTransaction(c, [&]() -> base::Status {
    if (!account.parent.empty()) {
      bool ok = false;
      bool parent_is_member = false;
      ASSAY_RETURN_IF_ERROR(c.Query("SELECT COALESCE(parent, '') FROM accounts WHERE id = ?1",
                                    {Value(account.parent)}, [&](const sql::Row& r) {
                                      ok = true;
                                      parent_is_member = !r.Text(0).empty();
                                      return false;
                                    }));
      if (!ok) return base::Status::NotFound("parent account " + account.parent + " not found");
      if (parent_is_member) {
        return base::Status::InvalidArgument("account " + account.parent +
                                             " is a member account and cannot have members");
      }
    }
    bool exists = false;
    ASSAY_RETURN_IF_ERROR(
        c.Query("SELECT 1 FROM accounts WHERE id = ?1", {Value(account.id)}, [&](const sql::Row&) {
          exists = true;
          return false;
        }));
    if (exists) return base::Status::InvalidArgument("account " + account.id + " already exists");
    return c
        .Exec(
            "INSERT INTO accounts (id, name, parent, created_at) VALUES (?1, ?2, ?3, ?4)",
            {Value(account.id), Value(account.name),
             account.parent.empty() ? sql::Null() : Value(account.parent), Value(std::string(now))})
        .status();
  }));
  return out;
}

base::Result<std::vector<Account>> Store::ListAccounts(std::span<const std::string> visible) {
  internal::Lease lease(*impl_);
  std::vector<Account> out;
  if (visible.empty()) return out;
  Params p;
  for (const auto& a : visible) p.push_back(Value(a));
  ASSAY_RETURN_IF_ERROR(
      lease.conn().Query("SELECT " + std::string(kAccountCols) + " FROM accounts WHERE id IN " +
                             internal::InList(1, static_cast<int>(visible.size())) + " ORDER BY id",
                         p, [&](const sql::Row& r) {
                           out.push_back(AccountFromRow(r));
                           return true;
                         }));
  return out;
}

base::Result<Account> Store::GetAccount(std::string_view id) {
  internal::Lease lease(*impl_);
  std::optional<Account> out;
  ASSAY_RETURN_IF_ERROR(
      lease.conn().Query("SELECT " + std::string(kAccountCols) + " FROM accounts WHERE id = ?1",
                         {Value(std::string(id))}, [&](const sql::Row& r) {
                           out = AccountFromRow(r);
                           return false;
                         }));
  if (!out) return base::Status::NotFound("account " + std::string(id) + " not found");
  return *out;
}

base::Result<Store::NewKey> Store::CreateApiKey(std::string_view account_id, Role role,
                                                std::string_view name, std::string_view now) {
  if (name.size() > 256) return base::Status::InvalidArgument("key name: at most 256 characters");
  ASSAY_RETURN_IF_ERROR(GetAccount(account_id).status());
  NewKey out;
  out.key.id = "key-" + internal::RandomHex(8);
  out.key.account_id = std::string(account_id);
  out.key.role = role;
  out.key.name = std::string(name);
  out.key.created_at = std::string(now);
  std::string secret = internal::RandomHex(32);
  out.secret = "assay_" + out.key.id + "_" + secret;
  ASSAY_ASSIGN_OR_RETURN(std::string hash, base::Sha256Hex(secret));
  internal::Lease lease(*impl_);
  ASSAY_RETURN_IF_ERROR(
      lease.conn()
          .Exec("INSERT INTO api_keys (id, account_id, role, secret_hash, name, "
                "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                {Value(out.key.id), Value(out.key.account_id), Value(std::string(RoleName(role))),
                 Value(hash), Value(out.key.name), Value(out.key.created_at)})
          .status());
  return out;
}

base::Result<std::vector<ApiKey>> Store::ListApiKeys(std::string_view account_id) {
  internal::Lease lease(*impl_);
  std::vector<ApiKey> out;
  ASSAY_RETURN_IF_ERROR(lease.conn().Query(
      "SELECT id, account_id, role, name, created_at, COALESCE(last_used_at, ''), "
      "COALESCE(revoked_at, '') FROM api_keys WHERE account_id = ?1 ORDER BY created_at, id",
      {Value(std::string(account_id))}, [&](const sql::Row& r) {
        ApiKey k;
        k.id = r.Str(0);
        k.account_id = r.Str(1);
        k.role = ParseRole(r.Text(2)).value_or(Role::kReadOnly);
        k.name = r.Str(3);
        k.created_at = r.Str(4);
        k.last_used_at = r.Str(5);
        k.revoked_at = r.Str(6);
        out.push_back(std::move(k));
        return true;
      }));
  return out;
}

base::Status Store::RevokeApiKey(std::string_view account_id, std::string_view key_id,
                                 std::string_view now) {
  internal::Lease lease(*impl_);
  ASSAY_ASSIGN_OR_RETURN(
      std::int64_t n,
      lease.conn().Exec(
          "UPDATE api_keys SET revoked_at = ?3 WHERE id = ?1 AND account_id = ?2 "
          "AND revoked_at IS NULL",
          {Value(std::string(key_id)), Value(std::string(account_id)), Value(std::string(now))}));
  if (n == 0) return base::Status::NotFound("API key " + std::string(key_id) + " not found");
  return base::Status::Ok();
}

base::Result<Principal> Store::Authenticate(std::string_view secret, std::string_view now) {
  auto unknown = [] { return base::Status::NotFound("unknown or revoked API key"); };
  // "assay_key-<16 hex>_<64 hex>"
  constexpr std::string_view kPrefix = "assay_key-";
  if (secret.size() != kPrefix.size() + 16 + 1 + 64 ||
      secret.substr(0, kPrefix.size()) != kPrefix || secret[kPrefix.size() + 16] != '_') {
    return unknown();
  }
  std::string key_id(secret.substr(6, 4 + 16));
  std::string_view raw = secret.substr(kPrefix.size() + 17);
  ASSAY_ASSIGN_OR_RETURN(std::string hash, base::Sha256Hex(raw));
  internal::Lease lease(*impl_);
  sql::Connection& c = lease.conn();
  std::optional<Principal> p;
  std::string stored_hash, last_used;
  ASSAY_RETURN_IF_ERROR(
      c.Query("SELECT k.account_id, k.role, k.secret_hash, COALESCE(k.last_used_at, ''), "
              "COALESCE(a.parent, '') FROM api_keys k JOIN accounts a ON a.id = k.account_id "
              "WHERE k.id = ?1 AND k.revoked_at IS NULL",
              {Value(key_id)}, [&](const sql::Row& r) {
                Principal pr;
                pr.account_id = r.Str(0);
                pr.key_id = key_id;
                pr.role = ParseRole(r.Text(1)).value_or(Role::kReadOnly);
                stored_hash = r.Str(2);
                last_used = r.Str(3);
                p = std::move(pr);
                return false;
              }));
  if (!p) return unknown();
  // Constant-time comparison of the hashes.
  unsigned diff = stored_hash.size() ^ hash.size();
  for (size_t i = 0; i < std::min(stored_hash.size(), hash.size()); ++i) {
    diff |= static_cast<unsigned char>(stored_hash[i] ^ hash[i]);
  }
  if (diff != 0) return unknown();
  p->visible_accounts.push_back(p->account_id);
  ASSAY_RETURN_IF_ERROR(c.Query("SELECT id FROM accounts WHERE parent = ?1", {Value(p->account_id)},
                                [&](const sql::Row& r) {
                                  p->visible_accounts.push_back(r.Str(0));
                                  return true;
                                }));
  std::sort(p->visible_accounts.begin(), p->visible_accounts.end());
  // last_used_at to the minute, so that a busy key is not a write per request.
  if (last_used.substr(0, 16) != now.substr(0, 16)) {
    (void)c.Exec("UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1",
                 {Value(key_id), Value(std::string(now))});
  }
  return *p;
}

// ---- meta --------------------------------------------------------------------------------------

base::Result<std::optional<std::string>> Store::GetMeta(std::string_view key) {
  internal::Lease lease(*impl_);
  std::optional<std::string> out;
  ASSAY_RETURN_IF_ERROR(lease.conn().Query("SELECT value FROM meta WHERE key = ?1",
                                           {Value(std::string(key))}, [&](const sql::Row& r) {
                                             out = r.Str(0);
                                             return false;
                                           }));
  return out;
}

base::Status Store::PutMeta(std::string_view key, std::string_view value) {
  internal::Lease lease(*impl_);
  return lease.conn()
      .Exec(
          "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET "
          "value = excluded.value",
          {Value(std::string(key)), Value(std::string(value))})
      .status();
}

}  // namespace assay::findings
