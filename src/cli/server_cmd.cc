// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// `assay server` (the findings service, server/service.h) and the local administration verbs
// that work on the state store directly, before any key exists: `assay accounts create` and
// `assay keys create`.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "advisories/db.h"
#include "base/log.h"
#include "cli/commands.h"
#include "findings/store.h"
#include "server/service.h"

namespace assay::cli {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

struct StoreFlags {
  std::string data_dir;
  std::string database;
};

void AddStoreFlags(CLI::App* cmd, StoreFlags& f) {
  cmd->add_option("--data-dir", f.data_dir,
                  "Directory of the embedded SQLite state store (default $ASSAY_DATA_DIR, else "
                  "$XDG_DATA_HOME/assay, else ~/.local/share/assay)");
  cmd->add_option("--database", f.database,
                  "PostgreSQL URL (postgres://user@host:port/db) instead of the embedded store; "
                  "default $ASSAY_DATABASE");
}

// The store a command opens: --database, $ASSAY_DATABASE, else state.db in the data directory
// (created when missing).
base::Result<std::string> StoreLocation(const StoreFlags& f) {
  if (!f.database.empty()) return f.database;
  if (f.data_dir.empty()) {
    if (const char* env = std::getenv("ASSAY_DATABASE"); env && *env) return std::string(env);
  }
  fs::path dir = f.data_dir;
  if (dir.empty()) {
    if (const char* env = std::getenv("ASSAY_DATA_DIR"); env && *env) {
      dir = env;
    } else if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
      dir = fs::path(xdg) / "assay";
    } else if (const char* home = std::getenv("HOME"); home && *home) {
      dir = fs::path(home) / ".local" / "share" / "assay";
    } else {
      return base::Status::InvalidArgument("no --data-dir given and $HOME is not set");
    }
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return base::Status::IOError("cannot create " + dir.string() + ": " + ec.message());
  return (dir / "state.db").string();
}

std::string Now() { return findings::FormatTime(std::chrono::system_clock::now()); }

}  // namespace

void AddServer(CLI::App& app, int* exit_code) {
  // assay server
  {
    auto* cmd = app.add_subcommand("server", "Run the findings service (HTTP API on /v1/)");
    auto opts = std::make_shared<server::ServerOptions>();
    auto flags = std::make_shared<StoreFlags>();
    auto db = std::make_shared<std::string>();
    auto poll = std::make_shared<int>(30);
    AddStoreFlags(cmd, *flags);
    cmd->add_option("--listen", opts->listen, "Address to listen on (host:port)")
        ->default_val("127.0.0.1:8080");
    cmd->add_option("--db", *db, "Advisory DB (default: as `assay db update` writes it)");
    cmd->add_option("--workers", opts->workers, "Request worker threads")->default_val(8);
    cmd->add_option("--db-poll", *poll, "Seconds between checks for a new advisory DB build")
        ->default_val(30);
    cmd->callback([=] {
      auto where = StoreLocation(*flags);
      if (!where.ok()) {
        std::fprintf(stderr, "assay server: %s\n", where.status().message().c_str());
        *exit_code = 2;
        return;
      }
      opts->database = *where;
      if (db->empty()) {
        auto p = advisories::DefaultDbPath(false);
        if (!p.ok()) {
          std::fprintf(stderr, "assay server: %s\n", p.status().message().c_str());
          *exit_code = 2;
          return;
        }
        opts->advisory_db = *p;
      } else {
        opts->advisory_db = *db;
      }
      opts->db_poll = std::chrono::seconds(std::max(1, *poll));
      if (base::GetLogLevel() > base::LogLevel::kInfo) base::SetLogLevel(base::LogLevel::kInfo);
      opts->on_listening = [](const std::string& address) {
        std::printf("assay server listening on http://%s\n", address.c_str());
        std::fflush(stdout);
      };
      struct sigaction sa {};
      sa.sa_handler = OnSignal;
      sigaction(SIGTERM, &sa, nullptr);
      sigaction(SIGINT, &sa, nullptr);
      base::Status st = server::RunServer(*opts, g_stop);
      if (!st.ok()) {
        std::fprintf(stderr, "assay server: %s\n", st.ToString().c_str());
        *exit_code = 1;
      }
    });
  }
  // assay accounts create ID
  {
    auto* accounts = app.add_subcommand("accounts", "Manage accounts in the local state store");
    accounts->require_subcommand(1);
    auto* cmd = accounts->add_subcommand("create", "Create an account");
    auto flags = std::make_shared<StoreFlags>();
    auto acct = std::make_shared<findings::Account>();
    AddStoreFlags(cmd, *flags);
    cmd->add_option("id", acct->id, "Account id (a-z, 0-9, '-')")->required();
    cmd->add_option("--name", acct->name, "Display name (default: the id)");
    cmd->add_option("--parent", acct->parent,
                    "The organisation's admin account this account is a member of");
    cmd->callback([=] {
      auto where = StoreLocation(*flags);
      auto store = where.ok() ? findings::Store::Open(*where) : where.status();
      if (!store.ok()) {
        std::fprintf(stderr, "assay accounts create: %s\n", store.status().message().c_str());
        *exit_code = 1;
        return;
      }
      findings::Account a = *acct;
      if (a.name.empty()) a.name = a.id;
      auto created = (*store)->CreateAccount(a, Now());
      if (!created.ok()) {
        std::fprintf(stderr, "assay accounts create: %s\n", created.status().message().c_str());
        *exit_code = 1;
        return;
      }
      std::printf("created account %s%s\n", created->id.c_str(),
                  created->parent.empty() ? "" : (" (member of " + created->parent + ")").c_str());
    });
  }
  // assay keys create ACCOUNT --role ROLE
  {
    auto* keys = app.add_subcommand("keys", "Manage API keys in the local state store");
    keys->require_subcommand(1);
    auto* cmd = keys->add_subcommand("create", "Create an API key; its secret is printed once");
    auto flags = std::make_shared<StoreFlags>();
    auto account = std::make_shared<std::string>();
    auto role = std::make_shared<std::string>("read-only");
    auto name = std::make_shared<std::string>();
    AddStoreFlags(cmd, *flags);
    cmd->add_option("account", *account, "Account the key acts for")->required();
    cmd->add_option("--role", *role, "admin, analyst or read-only")->default_val("read-only");
    cmd->add_option("--name", *name, "A label for the key");
    cmd->callback([=] {
      auto r = findings::ParseRole(*role);
      if (!r) {
        std::fprintf(stderr, "assay keys create: --role: admin, analyst or read-only\n");
        *exit_code = 2;
        return;
      }
      auto where = StoreLocation(*flags);
      auto store = where.ok() ? findings::Store::Open(*where) : where.status();
      if (!store.ok()) {
        std::fprintf(stderr, "assay keys create: %s\n", store.status().message().c_str());
        *exit_code = 1;
        return;
      }
      auto key = (*store)->CreateApiKey(*account, *r, *name, Now());
      if (!key.ok()) {
        std::fprintf(stderr, "assay keys create: %s\n", key.status().message().c_str());
        *exit_code = 1;
        return;
      }
      std::printf("%s\n", key->secret.c_str());
      std::fprintf(stderr, "key %s (%s) for account %s; the secret above is shown only once\n",
                   key->key.id.c_str(), role->c_str(), account->c_str());
    });
  }
}

}  // namespace assay::cli
