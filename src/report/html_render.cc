// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The html format: one self-contained page (render.h). Every string from the data goes through
// HtmlEscape; links are written only for http(s) URLs; a Content-Security-Policy forbids scripts
// and every external load, so even a bug in escaping cannot make the page fetch or run anything.
#include <string>

#include "model/severity.h"
#include "report/internal/render_util.h"
#include "report/render.h"

namespace assay::report {
namespace {

using internal::HtmlEscape;

constexpr std::string_view kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em;
color:#1f2328;background:#fff}
h1{font-size:1.5em;margin:0 0 .6em}h2{font-size:1.15em;margin:1.6em 0 .5em}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1.2em;margin:0}
dt{color:#59636e}dd{margin:0}
.cards{display:flex;gap:.6em;flex-wrap:wrap;margin:.4em 0}
.card{border:1px solid #d1d9e0;border-radius:6px;padding:.4em .9em;min-width:6em}
.card b{display:block;font-size:1.4em}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid #d1d9e0;vertical-align:top}
th{background:#f6f8fa;font-weight:600}
td.v{white-space:nowrap;font-family:ui-monospace,monospace;font-size:.92em}
.badge{display:inline-block;border-radius:4px;padding:.05em .5em;font-size:.8em;font-weight:600;
color:#fff;background:#6e7781}
.critical{background:#a40e26}.high{background:#d1242f}.medium{background:#bf8700}
.low{background:#0969da}.informational{background:#59636e}.untriaged{background:#8c959f}
ul.warnings{color:#7d4e00}footer{margin-top:2em;color:#59636e;font-size:.85em}
)";

std::string Badge(model::Severity s) {
  return "<span class=\"badge " + std::string(internal::SeverityLower(s)) + "\">" +
         std::string(model::SeverityName(s)) + "</span>";
}

std::string Card(const char* label, std::size_t n, std::string_view css) {
  return "<div class=\"card\"><b>" + std::to_string(n) + "</b>" +
         (css.empty() ? std::string(label)
                      : "<span class=\"badge " + std::string(css) + "\">" + label + "</span>") +
         "</div>";
}

}  // namespace

std::string RenderHtml(const ScanResult& result, const RenderOptions& options) {
  const model::OsInfo& os = result.inventory.os;
  const std::string label = internal::ResourceLabel(result.resource);
  Summary s = Summarize(result);
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>assay scan: " + HtmlEscape(label) + "</title>\n<style>" + std::string(kStyle) +
       "</style>\n</head>\n<body>\n";
  h += "<h1>assay scan: " + HtmlEscape(label) + "</h1>\n<dl>\n";
  auto row = [&](const char* key, const std::string& value) {
    if (!value.empty())
      h += "<dt>" + std::string(key) + "</dt><dd>" + HtmlEscape(value) + "</dd>\n";
  };
  row("Resource", result.resource.id);
  std::string os_text = os.pretty_name.empty()
                            ? os.id + (os.version_id.empty() ? "" : " " + os.version_id)
                            : os.pretty_name;
  if (!os.ecosystem.empty()) os_text += " (" + os.ecosystem + ")";
  row("Operating system", os_text.empty() ? "unknown" : os_text);
  row("Scanned at", result.resource.scanned_at);
  if (!result.database.build_id.empty()) {
    row("Advisory DB", result.database.build_id + " built " + result.database.build_time);
  }
  row("Packages", std::to_string(s.packages));
  h += "</dl>\n";

  h += "<h2>Summary</h2>\n<p>" + HtmlEscape(SummaryLine(s)) + "</p>\n<div class=\"cards\">";
  h += Card("CRITICAL", s.critical, "critical") + Card("HIGH", s.high, "high") +
       Card("MEDIUM", s.medium, "medium") + Card("LOW", s.low, "low") +
       Card("INFORMATIONAL", s.informational, "informational") +
       Card("UNTRIAGED", s.untriaged, "untriaged") + Card("fixable", s.fixable, "");
  h += "</div>\n";

  if (!result.warnings.empty()) {
    h += "<h2>Warnings</h2>\n<ul class=\"warnings\">\n";
    for (const std::string& w : result.warnings) h += "<li>" + HtmlEscape(w) + "</li>\n";
    h += "</ul>\n";
  }

  h += "<h2>Findings</h2>\n";
  if (result.findings.empty()) {
    h += "<p>No findings.</p>\n";
  } else {
    h += "<table>\n<thead><tr><th>Severity</th><th>Vulnerability</th><th>Package</th>"
         "<th>Installed</th><th>Fixed</th><th>Title</th></tr></thead>\n<tbody>\n";
    for (const model::Finding& f : result.findings) {
      const auto& d = f.package_vulnerability_details;
      std::string id = HtmlEscape(d.vulnerability_id);
      std::string url = internal::IsWebUrl(d.source_url) ? d.source_url : "";
      for (const std::string& u : d.reference_urls) {
        if (url.empty() && internal::IsWebUrl(u)) url = u;
      }
      if (!url.empty()) {
        id = "<a href=\"" + HtmlEscape(url) + "\" rel=\"noreferrer noopener\">" + id + "</a>";
      }
      std::string score = f.score ? " " + internal::FormatScore(*f.score) : "";
      auto emit = [&](const model::VulnerablePackage* vp) {
        h += "<tr><td>" + Badge(f.severity) + HtmlEscape(score) + "</td><td class=\"v\">" + id +
             "</td><td>" + (vp ? HtmlEscape(vp->name) : "") + "</td><td class=\"v\">" +
             (vp ? HtmlEscape(vp->version) : "") + "</td><td class=\"v\">" +
             (vp ? (vp->fixed_in_version.empty() ? "&ndash;" : HtmlEscape(vp->fixed_in_version))
                 : "") +
             "</td><td>" + HtmlEscape(f.title) + "</td></tr>\n";
      };
      if (d.vulnerable_packages.empty()) emit(nullptr);
      for (const auto& vp : d.vulnerable_packages) emit(&vp);
    }
    h += "</tbody>\n</table>\n";
  }
  h += "<footer>Generated by assay " + HtmlEscape(options.tool_version) + " at " +
       HtmlEscape(result.resource.scanned_at) + ".</footer>\n</body>\n</html>\n";
  return h;
}

}  // namespace assay::report
