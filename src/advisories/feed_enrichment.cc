// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Enrichment feeds: CISA KEV (JSON) and NVD CVSS (the derived CSV of a mirror, or the NVD CVE
// API 2.0).
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <iterator>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "advisories/feed.h"
#include "advisories/internal/feed_internal.h"
#include "base/file.h"
#include "base/http.h"
#include "base/strings.h"

namespace assay::advisories {
namespace fs = std::filesystem;
using base::Result;
using base::Status;
using nlohmann::json;

namespace {

// Keeps the first few warnings verbatim and counts the rest, so one broken feed cannot produce
// hundreds of thousands of lines.
class WarningCollector {
 public:
  explicit WarningCollector(std::vector<std::string>* out, std::size_t limit = 20)
      : out_(out), limit_(limit) {}
  void Add(std::string message) {
    if (kept_ < limit_) {
      out_->push_back(std::move(message));
      ++kept_;
    } else {
      ++dropped_;
    }
  }
  // Appends "<what>: N more ..." when some were dropped.
  void Flush(std::string_view what) {
    if (dropped_ > 0) {
      out_->push_back(std::string(what) + ": " + std::to_string(dropped_) + " more warnings");
    }
    dropped_ = 0;
  }

 private:
  std::vector<std::string>* out_;
  std::size_t limit_;
  std::size_t kept_ = 0;
  std::size_t dropped_ = 0;
};

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return std::string(base::Trim(it->get_ref<const std::string&>()));
}

std::optional<std::int64_t> Int(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// A CVSS base score: a number in [0, 10].
std::optional<double> Score(double v) {
  if (!(v >= 0.0 && v <= 10.0)) return std::nullopt;
  return v;
}

std::optional<double> ParseScore(std::string_view text, bool* bad) {
  text = base::Trim(text);
  *bad = false;
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !Score(v)) {
    *bad = true;
    return std::nullopt;
  }
  return v;
}

// The vector and score of the preferred metric among `keys` (in order): NVD's own ("Primary")
// first, else the first scored entry (a CNA's "Secondary").
void PickMetric(const json& metrics, std::initializer_list<const char*> keys, std::string* vector,
                std::optional<double>* score) {
  for (int pass = 0; pass < 2; ++pass) {
    for (const char* key : keys) {
      auto arr = metrics.find(key);
      if (arr == metrics.end() || !arr->is_array()) continue;
      for (const auto& m : *arr) {
        if (!m.is_object()) continue;
        if (pass == 0 && Str(m, "type") != "Primary") continue;
        auto data = m.find("cvssData");
        if (data == m.end() || !data->is_object()) continue;
        std::string v = Str(*data, "vectorString");
        if (v.empty()) continue;
        *vector = std::move(v);
        auto s = data->find("baseScore");
        *score = (s != data->end() && s->is_number()) ? Score(s->get<double>()) : std::nullopt;
        return;
      }
    }
  }
}

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};

}  // namespace

Result<KevCatalog> ParseKevJson(std::string_view text) {
  try {
    json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Status::Corruption("KEV catalog: invalid JSON");
    if (!doc.is_object()) return Status::Corruption("KEV catalog: not a JSON object");
    auto vulns = doc.find("vulnerabilities");
    if (vulns == doc.end() || !vulns->is_array()) {
      return Status::Corruption("KEV catalog: no 'vulnerabilities' array");
    }
    KevCatalog out;
    out.catalog_version = Str(doc, "catalogVersion");
    WarningCollector warn(&out.warnings);
    std::size_t index = 0;
    for (const auto& v : *vulns) {
      ++index;
      if (!v.is_object()) {
        warn.Add("KEV entry #" + std::to_string(index) + ": not an object");
        continue;
      }
      KevEntry e;
      e.cve = Str(v, "cveID");
      if (e.cve.empty()) {
        warn.Add("KEV entry #" + std::to_string(index) + ": no cveID");
        continue;
      }
      e.vendor = Str(v, "vendorProject");
      e.product = Str(v, "product");
      e.name = Str(v, "vulnerabilityName");
      e.date_added = Str(v, "dateAdded");
      e.due_date = Str(v, "dueDate");
      e.ransomware_use = Str(v, "knownRansomwareCampaignUse");
      out.entries.push_back(std::move(e));
    }
    warn.Flush("KEV catalog");
    if (auto count = Int(doc, "count");
        count && *count != static_cast<std::int64_t>(vulns->size())) {
      out.warnings.push_back("KEV catalog: count says " + std::to_string(*count) + " but " +
                             std::to_string(vulns->size()) + " entries are listed");
    }
    return out;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("KEV catalog: ") + e.what());
  }
}

Result<NvdApiPage> ParseNvdApiPage(std::string_view text) {
  try {
    json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return Status::Corruption("NVD API page: invalid JSON");
    if (!doc.is_object()) return Status::Corruption("NVD API page: not a JSON object");
    auto vulns = doc.find("vulnerabilities");
    if (vulns == doc.end() || !vulns->is_array()) {
      return Status::Corruption("NVD API page: no 'vulnerabilities' array");
    }
    NvdApiPage page;
    page.results_per_page = Int(doc, "resultsPerPage").value_or(0);
    page.start_index = Int(doc, "startIndex").value_or(0);
    auto total = Int(doc, "totalResults");
    if (!total || *total < 0) return Status::Corruption("NVD API page: no 'totalResults'");
    page.total_results = *total;
    WarningCollector warn(&page.warnings);
    std::size_t index = 0;
    for (const auto& item : *vulns) {
      ++index;
      const json* cve = nullptr;
      if (item.is_object()) {
        auto it = item.find("cve");
        if (it != item.end() && it->is_object()) cve = &*it;
      }
      if (cve == nullptr) {
        warn.Add("NVD item #" + std::to_string(index) + ": no 'cve' object");
        continue;
      }
      NvdCvss c;
      c.cve = Str(*cve, "id");
      if (c.cve.empty()) {
        warn.Add("NVD item #" + std::to_string(index) + ": no CVE id");
        continue;
      }
      auto metrics = cve->find("metrics");
      if (metrics != cve->end() && metrics->is_object()) {
        PickMetric(*metrics, {"cvssMetricV31", "cvssMetricV30"}, &c.v3_vector, &c.v3_score);
        PickMetric(*metrics, {"cvssMetricV2"}, &c.v2_vector, &c.v2_score);
      }
      page.items.push_back(std::move(c));
    }
    warn.Flush("NVD API page");
    return page;
  } catch (const std::exception& e) {
    return Status::Corruption(std::string("NVD API page: ") + e.what());
  }
}

Result<std::vector<NvdCvss>> ReadNvdCvssCsv(const fs::path& path,
                                            std::vector<std::string>* warnings) {
  std::vector<std::string> ignored;
  if (warnings == nullptr) warnings = &ignored;
  const std::string where = path.string();
  errno = 0;
  std::unique_ptr<gzFile_s, GzCloser> gz(gzopen(path.c_str(), "rb"));
  if (!gz) {
    if (errno == ENOENT) return Status::NotFound(where + ": no such file");
    return Status::IOError("open " + where);
  }
  gzbuffer(gz.get(), 1 << 17);
  gzFile_s* file = gz.get();
  internal::CsvReader reader([file, &where](char* buf, std::size_t cap) -> Result<std::size_t> {
    unsigned int want = static_cast<unsigned int>(std::min<std::size_t>(cap, 1u << 30));
    int n = gzread(file, buf, want);
    int err = Z_OK;
    const char* msg = nullptr;
    if (n <= 0) msg = gzerror(file, &err);
    // gzread reports a truncated stream as an early end, with Z_BUF_ERROR left in gzerror.
    if (n < 0 || (n == 0 && err != Z_OK)) {
      return Status::Corruption(where + ": " + (msg != nullptr ? msg : "gzip read error"));
    }
    return static_cast<std::size_t>(n);
  });

  std::vector<std::string> fields;
  ASSAY_ASSIGN_OR_RETURN(bool has_header, reader.Next(&fields));
  if (!has_header) return Status::Corruption(where + ": empty file (no header row)");
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    std::string_view name = fields[i];
    if (i == 0 && name.substr(0, 3) == "\xEF\xBB\xBF") name.remove_prefix(3);  // UTF-8 BOM
    column.emplace(base::AsciiLower(base::Trim(name)), i);
  }
  const std::size_t width = fields.size();
  auto col = [&column](const char* name) -> std::optional<std::size_t> {
    auto it = column.find(name);
    if (it == column.end()) return std::nullopt;
    return it->second;
  };
  const auto c_cve = col("cve_id");
  if (!c_cve) return Status::Corruption(where + ": header has no cve_id column");
  const auto c_v3 = col("cvss_v3_vector");
  const auto c_v3s = col("cvss_v3_base_score");
  const auto c_v2 = col("cvss_v2_vector");
  const auto c_v2s = col("cvss_v2_base_score");

  std::vector<NvdCvss> out;
  WarningCollector warn(warnings);
  while (true) {
    auto more = reader.Next(&fields);
    if (!more.ok()) return more.status().WithContext(where);
    if (!*more) break;
    const std::string at = where + ":" + std::to_string(reader.record_line());
    if (fields.size() != width) {
      warn.Add(at + ": " + std::to_string(fields.size()) + " fields, header has " +
               std::to_string(width));
      continue;
    }
    NvdCvss c;
    c.cve = std::string(base::Trim(fields[*c_cve]));
    if (c.cve.empty()) {
      warn.Add(at + ": empty cve_id");
      continue;
    }
    auto field = [&fields](const std::optional<std::size_t>& i) -> std::string_view {
      return i ? base::Trim(fields[*i]) : std::string_view();
    };
    c.v3_vector = std::string(field(c_v3));
    c.v2_vector = std::string(field(c_v2));
    bool bad = false;
    c.v3_score = ParseScore(field(c_v3s), &bad);
    if (bad)
      warn.Add(at + ": " + c.cve + ": bad cvss_v3_base_score '" + std::string(field(c_v3s)) + "'");
    c.v2_score = ParseScore(field(c_v2s), &bad);
    if (bad)
      warn.Add(at + ": " + c.cve + ": bad cvss_v2_base_score '" + std::string(field(c_v2s)) + "'");
    out.push_back(std::move(c));
  }
  warn.Flush(where);
  return out;
}

Result<Enrichment> LoadEnrichmentDir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound(dir.string() + ": enrichment directory does not exist");
  }
  Enrichment out;
  const fs::path kev = dir / "kev" / "known_exploited_vulnerabilities.json";
  if (fs::is_regular_file(kev, ec)) {
    ASSAY_ASSIGN_OR_RETURN(std::string text, base::ReadFile(kev));
    auto catalog = ParseKevJson(text);
    if (!catalog.ok()) return catalog.status().WithContext(kev.string());
    out.kev_catalog_version = catalog->catalog_version;
    out.kev = std::move(catalog->entries);
    for (auto& w : catalog->warnings) out.warnings.push_back(kev.string() + ": " + w);
    out.sources.push_back("kev: " + kev.string() + " (catalog " + out.kev_catalog_version + ", " +
                          std::to_string(out.kev.size()) + " entries)");
  } else {
    out.warnings.push_back("no KEV catalog: " + kev.string() + " is missing");
  }
  const fs::path nvd = dir / "nvd" / "nvd-cvss-from-json-1.1.csv.gz";
  if (fs::is_regular_file(nvd, ec)) {
    ASSAY_ASSIGN_OR_RETURN(out.nvd, ReadNvdCvssCsv(nvd, &out.warnings));
    out.sources.push_back("nvd: " + nvd.string() + " (" + std::to_string(out.nvd.size()) +
                          " CVEs)");
  } else {
    out.warnings.push_back("no NVD CVSS data: " + nvd.string() + " is missing");
  }
  return out;
}

namespace {

// Keeps one entry per CVE (the last one fetched: NVD may shift items between pages while a
// download runs), in first-seen order.
void DedupeByCve(std::vector<NvdCvss>* items) {
  std::unordered_map<std::string, std::size_t> seen;
  std::vector<NvdCvss> out;
  out.reserve(items->size());
  for (auto& c : *items) {
    auto [it, inserted] = seen.emplace(c.cve, out.size());
    if (inserted) {
      out.push_back(std::move(c));
    } else {
      out[it->second] = std::move(c);
    }
  }
  *items = std::move(out);
}

Status FetchNvd(const EnrichmentFetchOptions& options, Enrichment* out) {
  base::HttpOptions http = options.http;
  http.extra_retry_statuses.push_back(403);  // NVD's answer when the rate limit is exceeded
  if (!options.nvd_api_key.empty()) http.headers.push_back("apiKey: " + options.nvd_api_key);
  const base::HttpClient client(std::move(http));
  const auto delay =
      options.nvd_api_key.empty() ? options.nvd_page_delay : options.nvd_page_delay_with_key;
  const int per_page = std::clamp(options.nvd_results_per_page, 1, 2000);
  const char sep = options.nvd_api_url.find('?') == std::string::npos ? '?' : '&';

  internal::ProgressLine bar("NVD", internal::ProgressEnabled(options.progress));
  bar.set_unit("CVEs");
  std::vector<NvdCvss> items;
  std::int64_t start = 0;
  std::int64_t total = -1;
  int requests = 0;
  while (total < 0 || start < total) {
    if (requests++ > 0 && delay.count() > 0) std::this_thread::sleep_for(delay);
    const std::string url = options.nvd_api_url + sep +
                            "resultsPerPage=" + std::to_string(per_page) +
                            "&startIndex=" + std::to_string(start);
    auto r = client.Get(url);
    if (!r.ok()) {
      bar.Finish("failed");
      return r.status().WithContext("NVD");
    }
    if (r->status != 200) {
      bar.Finish("failed");
      return Status::Unavailable("NVD: GET " + url + ": HTTP " + std::to_string(r->status));
    }
    auto page = ParseNvdApiPage(r->body);
    if (!page.ok()) {
      bar.Finish("failed");
      return page.status().WithContext("GET " + url);
    }
    for (auto& w : page->warnings)
      out->warnings.push_back("NVD startIndex " + std::to_string(start) + ": " + w);
    total = page->total_results;  // the latest page's count wins: NVD grows while we read
    if (page->items.empty()) {
      if (start < total) {
        bar.Finish("failed");
        return Status::Unavailable("NVD: empty page at startIndex " + std::to_string(start) +
                                   " of " + std::to_string(total));
      }
      break;
    }
    start += static_cast<std::int64_t>(page->items.size());
    std::move(page->items.begin(), page->items.end(), std::back_inserter(items));
    bar.Update(static_cast<std::uint64_t>(start), static_cast<std::uint64_t>(total));
  }
  bar.Finish("done");
  DedupeByCve(&items);
  out->sources.push_back("nvd: " + options.nvd_api_url + " (" + std::to_string(items.size()) +
                         " CVEs, " + std::to_string(requests) + " requests)");
  out->nvd = std::move(items);
  return Status::Ok();
}

}  // namespace

Result<Enrichment> FetchEnrichment(const EnrichmentFetchOptions& options) {
  Enrichment out;
  if (!options.kev_url.empty()) {
    const base::HttpClient client(options.http);
    internal::ProgressLine bar("KEV", internal::ProgressEnabled(options.progress));
    base::HttpProgress on_progress;
    if (bar.enabled()) {
      on_progress = [&bar](std::uint64_t done, std::uint64_t total) {
        bar.Update(done, total);
        return true;
      };
    }
    auto r = client.Get(options.kev_url, {}, on_progress);
    if (!r.ok()) {
      bar.Finish("failed");
      return r.status().WithContext("KEV");
    }
    if (r->status != 200) {
      bar.Finish("failed");
      return Status::Unavailable("KEV: GET " + options.kev_url + ": HTTP " +
                                 std::to_string(r->status));
    }
    auto catalog = ParseKevJson(r->body);
    if (!catalog.ok()) {
      bar.Finish("failed");
      return catalog.status().WithContext(options.kev_url);
    }
    bar.Finish("done");
    out.kev_catalog_version = catalog->catalog_version;
    out.kev = std::move(catalog->entries);
    for (auto& w : catalog->warnings) out.warnings.push_back(options.kev_url + ": " + w);
    out.sources.push_back("kev: " + options.kev_url + " (catalog " + out.kev_catalog_version +
                          ", " + std::to_string(out.kev.size()) + " entries)");
  }
  if (options.with_nvd) ASSAY_RETURN_IF_ERROR(FetchNvd(options, &out));
  return out;
}

Result<Enrichment> FetchEnrichment(bool with_nvd, bool progress) {
  EnrichmentFetchOptions options;
  options.with_nvd = with_nvd;
  options.progress = progress;
  if (const char* key = std::getenv("NVD_API_KEY"); key != nullptr) options.nvd_api_key = key;
  return FetchEnrichment(options);
}

}  // namespace assay::advisories
