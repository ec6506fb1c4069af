// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The JSON bodies of the HTTP API (`/v1/...`, documented by api/openapi.yaml), shared by the
// server, the agent and the CLI. Request bodies are parsed strictly: an unknown field, a wrong
// type or an out-of-range value is InvalidArgument naming its JSON path ("resource.tags.env:
// ..."), so a typo never silently changes what a request means. Response bodies keep
// Inspector2's field names where they exist (DESIGN §2).
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "findings/store.h"
#include "model/inventory.h"

namespace assay::api {

using Json = nlohmann::ordered_json;

// POST /v1/inventories: what an agent or `assay scan --upload` sends.
//   {"resource": {"id", "type", "name"?, "tags"?: {k: v}, "accountId"?, "details"?: {...}},
//    "inventory": <inventory::InventoryToJson shape>}
struct InventoryUpload {
  findings::ResourceInput resource;  // account_id empty unless the body names one
  model::Inventory inventory;
};
base::Result<InventoryUpload> ParseInventoryUpload(std::string_view body);
// The same, read only by the checked reader that names the path of every refusal (what
// ParseInventoryUpload falls back to for anything but a plain valid body); for tests.
base::Result<InventoryUpload> ParseInventoryUploadChecked(std::string_view body);
Json InventoryUploadToJson(const InventoryUpload& upload);

// Request bodies nest at most this deep (objects and arrays). Deeper documents are refused before
// they are parsed: copying or serialising one would recurse once per level.
inline constexpr int kMaxJsonDepth = 64;

// InvalidArgument ("<what>: JSON nested deeper than 64 levels") when `text` opens more than
// `max_depth` arrays or objects at once. Only counts brackets outside strings; does not
// validate the rest.
base::Status CheckJsonDepth(std::string_view text, std::string_view what,
                            int max_depth = kMaxJsonDepth);

// InvalidArgument ("<path>: must not contain NUL characters") naming the first string (value or
// key) of `doc` that holds U+0000: PostgreSQL text cannot keep one, and no field needs one.
// `doc` must be within kMaxJsonDepth.
base::Status CheckNoNul(const nlohmann::json& doc, std::string_view path);

// The string at `key` of object `obj`: `fallback` when absent or null; InvalidArgument
// ("<path>.<key>: must be a string") for a value of another type.
base::Result<std::string> StringField(const nlohmann::json& obj, std::string_view key,
                                      std::string_view path, std::string fallback = "");

// InvalidArgument when `obj` is not an object or has a key outside `allowed`; `path` prefixes
// the message ("resource", "" for the top level).
base::Status CheckObject(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed,
                         std::string_view path);

Json ResourceToJson(const findings::Resource& r);
Json FindingToJson(const findings::StoredFinding& f);
Json ChangesToJson(const findings::ChangeStats& c);
Json EventToJson(const findings::Event& e);
Json AggregateToJson(const findings::AggregateRow& row);
Json AccountToJson(const findings::Account& a);
Json ApiKeyToJson(const findings::ApiKey& k);

// Suppression rules: {"name", "description"?, "reason", "filterCriteria", "expiresAt"?,
// "accountId"?}. ToJson adds id, createdAt, updatedAt and status (ACTIVE | EXPIRED).
base::Result<findings::SuppressionRule> ParseSuppressionRule(const nlohmann::json& body);
Json SuppressionRuleToJson(const findings::SuppressionRule& r);
// The request body ParseSuppressionRule reads (what a client sends to create or replace a rule):
// the fields above without id, times and status; empty optional fields left out.
Json SuppressionRuleRequestToJson(const findings::SuppressionRule& r);

// The inverse of ChangesToJson, for clients; missing counts read as 0.
base::Result<findings::ChangeStats> ChangesFromJson(const nlohmann::json& j);

// The findings report (POST /v1/findings/report): one CSV row per finding, RFC 4180 quoting,
// a header line first; fields that start with = + - @ are prefixed with ' so that spreadsheets
// do not evaluate them.
std::string FindingsCsvHeader();
std::string FindingCsvRow(const findings::StoredFinding& f);

// {"error": {"code": "InvalidArgument", "message": "..."}}
std::string ErrorBody(std::string_view code, std::string_view message);
// The message of an ErrorBody (and of base::HttpErrorJson, the transport's own errors); "" when
// `body` is not one.
std::string ErrorMessage(std::string_view body);

}  // namespace assay::api
