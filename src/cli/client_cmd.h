// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The verbs that talk to a findings service (`assay server`) over its HTTP API, with the JSON
// bodies of api/codec.h:
//
//   assay findings list [--severity S,..] [--status S] [--resource ID] [--filter JSON]
//                       [--format table|json] [--max N]
//   assay findings get ID
//   assay resources list [--format table|json]
//   assay suppress add --name N --reason R --filter JSON [--expires T] [--description D]
//   assay suppress list [--format table|json]
//   assay suppress delete ID
//   assay scan rootfs|image|host ... --upload URL   (scan_cmd.cc; the flags are added here)
//
// The server is --server URL, else $ASSAY_SERVER. The API key is read from --api-key-file FILE,
// else $ASSAY_API_KEY; it is never a flag value, so it does not show in the process list.
// Exit codes: 0 done; 1 the server refused the request (its error message is printed) or could
// not be reached; 2 usage: bad flags, a filter that does not parse, no server or no key.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/http.h"
#include "base/status.h"
#include "model/inventory.h"
#include "report/scan_result.h"

namespace assay::cli {

// A client of the `/v1/` API: the server's base URL and the key sent as a bearer token.
// Thread-compatible.
class ApiClient {
 public:
  // `server` empty: $ASSAY_SERVER. `key_file` empty: $ASSAY_API_KEY. InvalidArgument (a usage
  // problem) when either is missing, the URL is not http(s) or the key file cannot be read.
  static base::Result<ApiClient> Make(std::string server, const std::string& key_file);

  // Sends `method` to `path` ("/v1/findings/list?x=1", already percent-encoded) with `body`
  // (JSON; none when null) and returns the parsed JSON answer of a 2xx. A non-2xx answer is an
  // error whose message is the server's own ("finding x not found (HTTP 404)"): NotFound for
  // 404, InvalidArgument for other 4xx, Unavailable for 5xx and transport failures.
  base::Result<nlohmann::ordered_json> Call(const std::string& method, const std::string& path,
                                            const nlohmann::ordered_json& body = nullptr) const;

  const std::string& server() const { return server_; }

 private:
  ApiClient(std::string server, std::string key)
      : server_(std::move(server)), key_(std::move(key)) {}
  std::string server_;  // without a trailing '/'
  std::string key_;
};

// `--upload URL` and what goes with it on `assay scan rootfs|image|host`.
struct UploadFlags {
  std::string url;                // the server; empty: no upload
  std::string api_key_file;       // empty: $ASSAY_API_KEY
  std::string resource_id;        // empty: the scan's resource id
  std::string resource_type;      // empty: the scan's target (rootfs, host, image)
  std::string resource_name;      // empty: the scanned path, reference or host name
  std::string account;            // empty: the key's own account
  std::vector<std::string> tags;  // "key=value"
};

void AddUploadFlags(CLI::App& cmd, UploadFlags& flags);

// Checks the flags (server URL, key, tags) before a scan runs: InvalidArgument, a usage error.
base::Status CheckUploadFlags(const UploadFlags& flags);

// Sends the scanned inventory as an InventoryUpload and prints the server's change counts on
// stderr. Returns 0, or the exit code of the failure after printing its message.
int UploadScan(const UploadFlags& flags, const report::ScannedResource& resource,
               const model::Inventory& inventory);

}  // namespace assay::cli
