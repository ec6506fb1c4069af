// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/feed.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <system_error>
#include <utility>

#include "advisories/internal/feed_internal.h"
#include "base/http.h"
#include "base/sha256.h"
#include "base/strings.h"

namespace assay::advisories {
namespace fs = std::filesystem;
using base::Result;
using base::Status;

namespace internal {

bool ProgressEnabled(bool progress) { return progress && ::isatty(STDERR_FILENO) == 1; }

Status CheckEcosystemName(std::string_view ecosystem) {
  if (ecosystem.empty() || ecosystem == "." || ecosystem == "..") {
    return Status::InvalidArgument("invalid ecosystem name '" + std::string(ecosystem) + "'");
  }
  for (char c : ecosystem) {
    auto u = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) {
      return Status::InvalidArgument("invalid character in ecosystem name '" +
                                     std::string(ecosystem) + "'");
    }
  }
  return Status::Ok();
}

namespace {
std::string HumanBytes(std::uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  if (n < (1u << 20)) return fmt::format("{:.1f} KiB", static_cast<double>(n) / 1024.0);
  return fmt::format("{:.1f} MiB", static_cast<double>(n) / (1024.0 * 1024.0));
}
}  // namespace

ProgressLine::ProgressLine(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled) {}

ProgressLine::~ProgressLine() {
  if (enabled_ && !finished_ && last_draw_ != std::chrono::steady_clock::time_point{}) {
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }
}

void ProgressLine::Update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_ || finished_) return;
  done_ = done;
  total_ = total;
  auto now = std::chrono::steady_clock::now();
  if (last_draw_ != std::chrono::steady_clock::time_point{} &&
      now - last_draw_ < std::chrono::milliseconds(100)) {
    return;
  }
  last_draw_ = now;
  Draw(done, total, "");
}

void ProgressLine::Finish(std::string_view note) {
  if (!enabled_ || finished_) return;
  finished_ = true;
  Draw(done_, total_, note);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

void ProgressLine::Draw(std::uint64_t done, std::uint64_t total, std::string_view note) {
  std::string line;
  if (unit_ == "bytes") {
    line = fmt::format("\r{:<14} {:>10} / {:>10}", label_, HumanBytes(done),
                       total > 0 ? HumanBytes(total) : std::string("?"));
  } else {
    line = fmt::format("\r{:<14} {:>8} / {:>8} {}", label_, done,
                       total > 0 ? std::to_string(total) : std::string("?"), unit_);
  }
  if (!note.empty()) line += fmt::format("  {}", note);
  line += "\x1b[K";  // clear what a longer previous draw left
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

}  // namespace internal

namespace {

// The first `n` bytes of a file (fewer when it is shorter).
Result<std::string> ReadPrefix(const fs::path& path, std::size_t n) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("open " + path.string());
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    ssize_t r = ::read(fd, out.data() + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  ::close(fd);
  out.resize(got);
  return out;
}

Status CheckZip(const fs::path& path, const std::string& what) {
  ASSAY_ASSIGN_OR_RETURN(std::string prefix, ReadPrefix(path, 4));
  if (!LooksLikeZip(prefix)) return Status::Corruption(what + ": not a zip file");
  return Status::Ok();
}

class DirectorySource : public FeedSource {
 public:
  explicit DirectorySource(fs::path root) : root_(std::move(root)) {}

  std::string Describe() const override { return root_.string(); }

  Result<std::vector<std::string>> ListEcosystems() const override {
    std::error_code ec;
    fs::directory_iterator it(root_, ec);
    if (ec) return Status::IOError("list " + root_.string() + ": " + ec.message());
    std::vector<std::string> out;
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      std::error_code ec2;
      if (!it->is_directory(ec2)) continue;
      if (!fs::is_regular_file(it->path() / "all.zip", ec2)) continue;
      std::string name = it->path().filename().string();
      if (!internal::CheckEcosystemName(name).ok()) continue;
      out.push_back(std::move(name));
    }
    if (ec) return Status::IOError("list " + root_.string() + ": " + ec.message());
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<FetchedZip> Fetch(const std::string& ecosystem, const FeedState& previous,
                           const fs::path& /*work_dir*/) const override {
    ASSAY_RETURN_IF_ERROR(internal::CheckEcosystemName(ecosystem));
    fs::path zip = root_ / ecosystem / "all.zip";
    std::error_code ec;
    if (!fs::is_regular_file(zip, ec)) {
      return Status::NotFound(zip.string() + ": no such feed in the mirror");
    }
    ASSAY_RETURN_IF_ERROR(CheckZip(zip, zip.string()));
    FetchedZip out;
    out.ecosystem = ecosystem;
    out.url = zip.string();
    ASSAY_ASSIGN_OR_RETURN(out.fingerprint, FingerprintFile(zip));
    out.unchanged = !previous.fingerprint.empty() && out.fingerprint == previous.fingerprint;
    if (!out.unchanged) out.path = zip;
    return out;
  }

 private:
  fs::path root_;
};

class HttpSource : public FeedSource {
 public:
  HttpSource(std::string base_url, bool progress, base::HttpOptions options)
      : base_(std::move(base_url)), progress_(progress), client_(std::move(options)) {
    while (!base_.empty() && base_.back() == '/') base_.pop_back();
  }

  std::string Describe() const override { return base_; }

  Result<std::vector<std::string>> ListEcosystems() const override { return DefaultEcosystems(); }

  Result<FetchedZip> Fetch(const std::string& ecosystem, const FeedState& previous,
                           const fs::path& work_dir) const override {
    ASSAY_RETURN_IF_ERROR(internal::CheckEcosystemName(ecosystem));
    std::error_code ec;
    if (!fs::is_directory(work_dir, ec)) {
      return Status::InvalidArgument("work dir " + work_dir.string() + " is not a directory");
    }
    const std::string segment = base::UrlEncodeComponent(ecosystem);
    FetchedZip out;
    out.ecosystem = ecosystem;
    out.url = base_ + "/" + segment + "/all.zip";
    const fs::path dest = work_dir / (segment + ".zip");

    internal::ProgressLine bar(ecosystem, internal::ProgressEnabled(progress_));
    base::HttpProgress on_progress;
    if (bar.enabled()) {
      on_progress = [&bar](std::uint64_t done, std::uint64_t total) {
        bar.Update(done, total);
        return true;
      };
    }
    base::HttpConditional cond{previous.etag, previous.last_modified};
    auto r = client_.GetToFile(out.url, dest, cond, on_progress);
    if (!r.ok()) {
      bar.Finish("failed");
      return r.status();
    }
    if (r->status == 304) {
      bar.Finish("unchanged");
      out.unchanged = true;
      out.fingerprint = previous.fingerprint;
      out.etag = r->etag.empty() ? previous.etag : r->etag;
      out.last_modified = r->last_modified.empty() ? previous.last_modified : r->last_modified;
      return out;
    }
    if (r->status == 404) {
      bar.Finish("not found");
      return Status::NotFound(out.url + ": no such feed (HTTP 404)");
    }
    if (r->status < 200 || r->status > 299) {
      bar.Finish("failed");
      return Status::Unavailable("GET " + out.url + ": HTTP " + std::to_string(r->status));
    }
    out.etag = r->etag;
    out.last_modified = r->last_modified;
    Status zip_ok = CheckZip(dest, out.url);
    if (zip_ok.ok()) {
      auto fp = FingerprintFile(dest);
      if (fp.ok()) {
        out.fingerprint = std::move(fp).value();
      } else {
        zip_ok = fp.status();
      }
    }
    if (!zip_ok.ok()) {
      bar.Finish("failed");
      fs::remove(dest, ec);
      return zip_ok;
    }
    out.unchanged = !previous.fingerprint.empty() && out.fingerprint == previous.fingerprint;
    if (out.unchanged) {
      fs::remove(dest, ec);
      bar.Finish("unchanged");
    } else {
      out.path = dest;
      bar.Finish("done");
    }
    return out;
  }

 private:
  std::string base_;
  bool progress_;
  base::HttpClient client_;
};

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "file:///abs/path" or "file://localhost/abs/path", percent-decoded.
Result<fs::path> FileUrlPath(const std::string& url) {
  std::string_view rest = std::string_view(url).substr(7);
  if (base::StartsWithIgnoreCase(rest, "localhost/")) rest.remove_prefix(9);
  if (rest.empty() || rest.front() != '/') {
    return Status::InvalidArgument(url + ": a file URL needs an absolute path (file:///...)");
  }
  std::string path;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      path.push_back(rest[i]);
      continue;
    }
    int hi = i + 2 < rest.size() ? HexValue(rest[i + 1]) : -1;
    int lo = i + 2 < rest.size() ? HexValue(rest[i + 2]) : -1;
    if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
      return Status::InvalidArgument(url + ": bad percent-escape in file URL");
    }
    path.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return fs::path(path);
}

}  // namespace

const std::vector<std::string>& DefaultEcosystems() {
  static const std::vector<std::string> kList = {
      "Debian",   "Ubuntu", "Alpine",     "AlmaLinux", "Rocky Linux", "Red Hat", "SUSE",
      "openSUSE", "Wolfi",  "Chainguard", "PyPI",      "npm",         "Go",      "crates.io",
      "RubyGems", "Maven",  "NuGet",      "Packagist", "Hex",         "Pub",
  };
  return kList;
}

bool LooksLikeZip(std::string_view first_bytes) {
  return first_bytes.size() >= 4 && first_bytes[0] == 'P' && first_bytes[1] == 'K' &&
         ((first_bytes[2] == '\x03' && first_bytes[3] == '\x04') ||
          (first_bytes[2] == '\x05' && first_bytes[3] == '\x06'));
}

Result<std::string> FingerprintFile(const fs::path& path) {
  ASSAY_ASSIGN_OR_RETURN(std::string hex, base::Sha256FileHex(path));
  return "sha256:" + hex;
}

Result<std::unique_ptr<FeedSource>> MakeDirectoryFeedSource(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status::NotFound(dir.string() + ": mirror directory does not exist");
  }
  return std::unique_ptr<FeedSource>(std::make_unique<DirectorySource>(dir));
}

std::unique_ptr<FeedSource> MakeHttpFeedSource(std::string base_url, bool progress,
                                               base::HttpOptions options) {
  return std::make_unique<HttpSource>(std::move(base_url), progress, std::move(options));
}

Result<std::unique_ptr<FeedSource>> MakeFeedSource(const std::string& mirror, bool progress) {
  if (mirror.empty()) return MakeHttpFeedSource(std::string(kOsvBucketUrl), progress);
  for (std::string_view scheme : {"http://", "https://"}) {
    if (base::StartsWithIgnoreCase(mirror, scheme)) {
      std::string_view host = std::string_view(mirror).substr(scheme.size());
      if (host.empty() || host.front() == '/') {
        return Status::InvalidArgument(mirror + ": URL without a host");
      }
      return MakeHttpFeedSource(mirror, progress);
    }
  }
  if (base::StartsWithIgnoreCase(mirror, "file://")) {
    ASSAY_ASSIGN_OR_RETURN(fs::path dir, FileUrlPath(mirror));
    return MakeDirectoryFeedSource(dir);
  }
  if (mirror.find("://") != std::string::npos) {
    return Status::InvalidArgument(mirror + ": unsupported mirror scheme (http, https, file)");
  }
  return MakeDirectoryFeedSource(mirror);
}

}  // namespace assay::advisories
