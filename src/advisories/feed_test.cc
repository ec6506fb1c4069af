// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/feed.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "advisories/internal/feed_internal.h"
#include "base/file.h"
#include "base/sha256.h"
#include "base/testing/conformance.h"
#include "base/testing/http_server.h"

namespace assay::advisories {
namespace {

namespace fs = std::filesystem;
using assay::testing::TestHttpReply;
using assay::testing::TestHttpRequest;
using assay::testing::TestHttpServer;
using base::Code;

fs::path TestData() { return assay::testing::SourceDir() / "src/advisories/testdata/feed"; }

std::string Slurp(const fs::path& p) {
  auto r = base::ReadFile(p);
  return r.ok() ? *r : std::string();
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

// Writes `files` into `dir` and zips them as `dir/all.zip` with the zip tool.
void MakeZip(const fs::path& dir, const std::map<std::string, std::string>& files) {
  fs::create_directories(dir);
  std::string cmd = "cd " + ShellQuote(dir.string()) + " && zip -q -X all.zip";
  for (const auto& [name, content] : files) {
    ASSERT_TRUE(base::WriteFileAtomic(dir / name, content).ok());
    cmd += " " + ShellQuote(name);
  }
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  for (const auto& [name, _] : files) fs::remove(dir / name);
}

// A small mirror: Alpha and "Rocky Linux" hold zips, Empty has no zip, NotZip holds garbage,
// EmptyZip an empty archive, and a stray file sits at the top.
class MirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("feed-test");
    ASSERT_TRUE(dir.ok());
    tmp_ = std::make_unique<base::TempDir>(std::move(dir).value());
    mirror_ = tmp_->path() / "mirror";
    work_ = tmp_->path() / "work";
    fs::create_directories(work_);
    MakeZip(mirror_ / "Alpha", {{"A-1.json", R"({"id":"A-1"})"}, {"A-2.json", R"({"id":"A-2"})"}});
    MakeZip(mirror_ / "Rocky Linux", {{"RLSA-1.json", R"({"id":"RLSA-1"})"}});
    fs::create_directories(mirror_ / "Empty");
    fs::create_directories(mirror_ / "NotZip");
    ASSERT_TRUE(base::WriteFileAtomic(mirror_ / "NotZip" / "all.zip", "<html>oops</html>").ok());
    fs::create_directories(mirror_ / "EmptyZip");
    ASSERT_TRUE(base::WriteFileAtomic(mirror_ / "EmptyZip" / "all.zip",
                                      std::string("PK\x05\x06", 4) + std::string(18, '\0'))
                    .ok());
    ASSERT_TRUE(base::WriteFileAtomic(mirror_ / "README", "not an ecosystem").ok());
  }

  std::string Fingerprint(const std::string& eco) {
    auto hex = base::Sha256FileHex(mirror_ / eco / "all.zip");
    return hex.ok() ? "sha256:" + *hex : "";
  }

  std::unique_ptr<base::TempDir> tmp_;
  fs::path mirror_;
  fs::path work_;
};

TEST_F(MirrorTest, DirectoryListsEcosystemsWithZips) {
  auto src = MakeDirectoryFeedSource(mirror_);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->Describe(), mirror_.string());
  auto ecos = (*src)->ListEcosystems();
  ASSERT_TRUE(ecos.ok());
  EXPECT_EQ(*ecos, (std::vector<std::string>{"Alpha", "EmptyZip", "NotZip", "Rocky Linux"}));
}

TEST_F(MirrorTest, DirectoryFetchInPlaceWithFingerprint) {
  auto src = MakeDirectoryFeedSource(mirror_);
  ASSERT_TRUE(src.ok());
  for (const std::string eco : {"Alpha", "Rocky Linux", "EmptyZip"}) {
    SCOPED_TRACE(eco);
    auto z = (*src)->Fetch(eco, {}, work_);
    ASSERT_TRUE(z.ok()) << z.status().ToString();
    EXPECT_EQ(z->ecosystem, eco);
    EXPECT_FALSE(z->unchanged);
    EXPECT_EQ(z->path, mirror_ / eco / "all.zip");  // in place, not copied
    EXPECT_EQ(z->url, (mirror_ / eco / "all.zip").string());
    EXPECT_EQ(z->fingerprint, Fingerprint(eco));
    EXPECT_EQ(z->fingerprint.size(), 7u + 64u);
    EXPECT_TRUE(fs::is_empty(work_));

    auto again = (*src)->Fetch(eco, FeedState{z->fingerprint, "", ""}, work_);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again->unchanged);
    EXPECT_TRUE(again->path.empty());
    EXPECT_EQ(again->fingerprint, z->fingerprint);

    auto other = (*src)->Fetch(eco, FeedState{"sha256:0000", "", ""}, work_);
    ASSERT_TRUE(other.ok());
    EXPECT_FALSE(other->unchanged);
  }
}

TEST_F(MirrorTest, FingerprintMatchesSha256sum) {
  std::string out_file = (tmp_->path() / "sum.txt").string();
  std::string cmd = "sha256sum " + ShellQuote((mirror_ / "Alpha" / "all.zip").string()) + " > " +
                    ShellQuote(out_file);
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "sha256sum not available";
  std::string sum = Slurp(out_file).substr(0, 64);
  auto fp = FingerprintFile(mirror_ / "Alpha" / "all.zip");
  ASSERT_TRUE(fp.ok());
  EXPECT_EQ(*fp, "sha256:" + sum);
}

TEST_F(MirrorTest, DirectoryFetchErrors) {
  auto src = MakeDirectoryFeedSource(mirror_);
  ASSERT_TRUE(src.ok());
  struct Case {
    const char* eco;
    Code want;
  };
  const Case cases[] = {
      {"Empty", Code::kNotFound},       {"Missing", Code::kNotFound},
      {"NotZip", Code::kCorruption},    {"", Code::kInvalidArgument},
      {"..", Code::kInvalidArgument},   {"../mirror/Alpha", Code::kInvalidArgument},
      {"a\nb", Code::kInvalidArgument},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.eco);
    auto z = (*src)->Fetch(tc.eco, {}, work_);
    ASSERT_FALSE(z.ok());
    EXPECT_EQ(z.status().code(), tc.want) << z.status().ToString();
  }
}

TEST_F(MirrorTest, MakeFeedSourceChoosesByScheme) {
  struct Case {
    std::string mirror;
    bool ok;
    std::string describe;
  };
  const std::vector<Case> cases = {
      {"", true, std::string(kOsvBucketUrl)},
      {"https://mirror.example/osv/", true, "https://mirror.example/osv"},
      {"HTTP://127.0.0.1:8000", true, "HTTP://127.0.0.1:8000"},
      {mirror_.string(), true, mirror_.string()},
      {"file://" + mirror_.string(), true, mirror_.string()},
      {"file://localhost" + mirror_.string(), true, mirror_.string()},
      {"ftp://mirror.example/", false, ""},
      {"https://", false, ""},
      {"file://relative/path", false, ""},
      {"file://" + mirror_.string() + "%zz", false, ""},
      {(tmp_->path() / "nope").string(), false, ""},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.mirror);
    auto src = MakeFeedSource(tc.mirror, false);
    EXPECT_EQ(src.ok(), tc.ok) << src.status().ToString();
    if (src.ok()) {
      EXPECT_EQ((*src)->Describe(), tc.describe);
    }
  }
  // Percent-escapes in a file URL are decoded.
  fs::create_directories(tmp_->path() / "with space");
  auto spaced = MakeFeedSource("file://" + (tmp_->path() / "with%20space").string(), false);
  ASSERT_TRUE(spaced.ok()) << spaced.status().ToString();
  EXPECT_EQ((*spaced)->Describe(), (tmp_->path() / "with space").string());
}

TEST(FeedTest, DefaultEcosystems) {
  const auto& ecos = DefaultEcosystems();
  EXPECT_EQ(ecos.size(), 20u);
  for (const char* want :
       {"Debian",   "Ubuntu", "Alpine",     "AlmaLinux", "Rocky Linux", "Red Hat", "SUSE",
        "openSUSE", "Wolfi",  "Chainguard", "PyPI",      "npm",         "Go",      "crates.io",
        "RubyGems", "Maven",  "NuGet",      "Packagist", "Hex",         "Pub"}) {
    EXPECT_NE(std::find(ecos.begin(), ecos.end(), want), ecos.end()) << want;
  }
  auto src = MakeHttpFeedSource("http://127.0.0.1:1", false);
  auto listed = src->ListEcosystems();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, ecos);
}

TEST(FeedTest, LooksLikeZip) {
  EXPECT_TRUE(LooksLikeZip(std::string_view("PK\x03\x04rest", 8)));
  EXPECT_TRUE(LooksLikeZip(std::string_view("PK\x05\x06", 4)));
  EXPECT_FALSE(LooksLikeZip("PK"));
  EXPECT_FALSE(LooksLikeZip("<htm"));
  EXPECT_FALSE(LooksLikeZip(std::string_view("PK\x01\x02", 4)));
}

// Serves the mirror directory over loopback HTTP with strong ETags (the zip's sha256) and
// Last-Modified, honouring If-None-Match like the OSV bucket does.
class HttpMirrorTest : public MirrorTest {
 protected:
  void SetUp() override {
    MirrorTest::SetUp();
    server_ = std::make_unique<TestHttpServer>([this](const TestHttpRequest& req) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        paths_.push_back(req.path);
      }
      TestHttpReply r;
      if (fail_next_ > 0) {
        --fail_next_;
        r.status = 503;
        return r;
      }
      std::string rel = req.path;
      // Decode %XX (the only escape the client sends is %20 here).
      std::string decoded;
      for (size_t i = 0; i < rel.size(); ++i) {
        if (rel[i] == '%' && i + 2 < rel.size()) {
          decoded.push_back(static_cast<char>(std::stoi(rel.substr(i + 1, 2), nullptr, 16)));
          i += 2;
        } else {
          decoded.push_back(rel[i]);
        }
      }
      fs::path file = mirror_ / decoded.substr(1);
      if (decoded.find("..") != std::string::npos || !fs::is_regular_file(file)) {
        r.status = 404;
        return r;
      }
      std::string body = Slurp(file);
      std::string etag = "\"" + base::Sha256Hex(body).value_or("x").substr(0, 16) + "\"";
      r.headers = {{"Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT"}};
      if (send_etag_) r.headers.push_back({"ETag", etag});
      if (honour_conditionals_ && send_etag_ && req.Header("if-none-match") == etag) {
        r.status = 304;
        return r;
      }
      r.body = std::move(body);
      return r;
    });
    ASSERT_TRUE(server_->ok());
  }
  void TearDown() override { server_.reset(); }

  base::HttpOptions Fast() {
    base::HttpOptions o;
    o.max_attempts = 3;
    o.initial_backoff = std::chrono::milliseconds(5);
    o.max_backoff = std::chrono::milliseconds(20);
    o.timeout = std::chrono::milliseconds(5000);
    return o;
  }

  std::unique_ptr<TestHttpServer> server_;
  std::mutex mu_;
  std::vector<std::string> paths_;
  std::atomic<int> fail_next_{0};
  bool honour_conditionals_ = true;
  bool send_etag_ = true;
};

TEST_F(HttpMirrorTest, FetchDownloadsThenReportsUnchanged) {
  auto src = MakeHttpFeedSource(server_->Url("/"), false, Fast());
  EXPECT_EQ(src->Describe(), server_->Url(""));
  auto z = src->Fetch("Rocky Linux", {}, work_);
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_FALSE(z->unchanged);
  EXPECT_EQ(z->url, server_->Url("/Rocky%20Linux/all.zip"));
  EXPECT_EQ(z->path, work_ / "Rocky%20Linux.zip");
  EXPECT_EQ(z->fingerprint, Fingerprint("Rocky Linux"));
  EXPECT_EQ(Slurp(z->path), Slurp(mirror_ / "Rocky Linux" / "all.zip"));
  EXPECT_FALSE(z->etag.empty());
  EXPECT_EQ(z->last_modified, "Mon, 02 Jan 2006 15:04:05 GMT");
  {
    std::lock_guard<std::mutex> lock(mu_);
    ASSERT_EQ(paths_.size(), 1u);
    EXPECT_EQ(paths_[0], "/Rocky%20Linux/all.zip");
  }

  FeedState state{z->fingerprint, z->etag, z->last_modified};
  auto again = src->Fetch("Rocky Linux", state, work_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->unchanged);  // 304
  EXPECT_TRUE(again->path.empty());
  EXPECT_EQ(again->fingerprint, z->fingerprint);
  EXPECT_EQ(again->etag, z->etag);
  EXPECT_EQ(again->last_modified, z->last_modified);
}

TEST_F(HttpMirrorTest, UnchangedByFingerprintWhenServerIgnoresValidators) {
  honour_conditionals_ = false;
  auto src = MakeHttpFeedSource(server_->Url(), false, Fast());
  auto z = src->Fetch("Alpha", {}, work_);
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  auto again = src->Fetch("Alpha", FeedState{z->fingerprint, z->etag, z->last_modified}, work_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->unchanged);
  EXPECT_TRUE(again->path.empty());
  EXPECT_FALSE(fs::exists(work_ / "Alpha.zip"));  // the redundant download is dropped
  // A stale fingerprint makes it a change.
  auto changed = src->Fetch("Alpha", FeedState{"sha256:00", z->etag, ""}, work_);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(changed->unchanged == false);
  EXPECT_EQ(changed->path, work_ / "Alpha.zip");
}

TEST_F(HttpMirrorTest, Errors) {
  auto src = MakeHttpFeedSource(server_->Url(), false, Fast());
  auto missing = src->Fetch("NuGet", {}, work_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Code::kNotFound);

  auto garbage = src->Fetch("NotZip", {}, work_);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), Code::kCorruption);
  EXPECT_TRUE(fs::is_empty(work_));

  fail_next_ = 2;  // two 503s, then success
  auto retried = src->Fetch("Alpha", {}, work_);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->fingerprint, Fingerprint("Alpha"));

  fail_next_ = 10;
  auto down = src->Fetch("Alpha", {}, work_);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.status().code(), Code::kUnavailable);
  fail_next_ = 0;

  auto bad_work = src->Fetch("Alpha", {}, work_ / "does-not-exist");
  ASSERT_FALSE(bad_work.ok());
  EXPECT_EQ(bad_work.status().code(), Code::kInvalidArgument);
}

TEST(CsvReaderTest, Records) {
  struct Case {
    const char* name;
    std::string text;
    std::vector<std::vector<std::string>> want;
  };
  const Case cases[] = {
      {"plain", "a,b,c\n1,2,3\n", {{"a", "b", "c"}, {"1", "2", "3"}}},
      {"no final newline", "a,b\n1,2", {{"a", "b"}, {"1", "2"}}},
      {"crlf", "a,b\r\n1,2\r\n", {{"a", "b"}, {"1", "2"}}},
      {"empty fields", ",a,,\n", {{"", "a", "", ""}}},
      {"quoted comma", "\"x,y\",z\n", {{"x,y", "z"}}},
      {"escaped quote", "\"say \"\"hi\"\"\",z\n", {{"say \"hi\"", "z"}}},
      {"quoted newline", "\"line1\nline2\",z\n", {{"line1\nline2", "z"}}},
      {"quoted crlf", "\"a\r\nb\"\r\n", {{"a\r\nb"}}},
      {"empty quoted", "\"\",\"\"\n", {{"", ""}}},
      {"blank lines skipped", "\n\na\n\r\n\nb\n", {{"a"}, {"b"}}},
      {"text after quote", "\"ab\"cd,e\n", {{"abcd", "e"}}},
      {"quote inside unquoted", "ab\"cd,e\n", {{"ab\"cd", "e"}}},
      {"empty input", "", {}},
      {"utf8", "caf\xc3\xa9,\xe2\x82\xac\n", {{"caf\xc3\xa9", "\xe2\x82\xac"}}},
  };
  for (const auto& tc : cases) {
    SCOPED_TRACE(tc.name);
    for (std::size_t buffer : {std::size_t{1}, std::size_t{3}, std::size_t{1} << 16}) {
      std::size_t offset = 0;
      internal::CsvReader reader(
          [&](char* buf, std::size_t cap) -> base::Result<std::size_t> {
            std::size_t n = std::min(cap, tc.text.size() - offset);
            std::memcpy(buf, tc.text.data() + offset, n);
            offset += n;
            return n;
          },
          buffer);
      std::vector<std::vector<std::string>> got;
      std::vector<std::string> fields;
      while (true) {
        auto more = reader.Next(&fields);
        ASSERT_TRUE(more.ok()) << more.status().ToString();
        if (!*more) break;
        got.push_back(fields);
      }
      EXPECT_EQ(got, tc.want) << "buffer " << buffer;
    }
  }
}

TEST(CsvReaderTest, LinesAndErrors) {
  auto reader = internal::CsvReader::FromString("h1,h2\n\"a\nb\",c\n\nd,e\n\"open,f\n");
  std::vector<std::string> f;
  ASSERT_TRUE(*reader.Next(&f));
  EXPECT_EQ(reader.record_line(), 1);
  ASSERT_TRUE(*reader.Next(&f));
  EXPECT_EQ(reader.record_line(), 2);
  ASSERT_TRUE(*reader.Next(&f));
  EXPECT_EQ(reader.record_line(), 5);
  EXPECT_EQ(f, (std::vector<std::string>{"d", "e"}));
  auto bad = reader.Next(&f);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kCorruption);
  EXPECT_NE(bad.status().message().find("line 6"), std::string::npos) << bad.status().message();

  internal::CsvReader failing([](char*, std::size_t) -> base::Result<std::size_t> {
    return base::Status::IOError("disk gone");
  });
  auto err = failing.Next(&f);
  ASSERT_FALSE(err.ok());
  EXPECT_EQ(err.status().code(), Code::kIOError);
}

TEST(KevTest, ParsesCatalog) {
  auto kev = ParseKevJson(Slurp(TestData() / "kev-small.json"));
  ASSERT_TRUE(kev.ok()) << kev.status().ToString();
  EXPECT_EQ(kev->catalog_version, "2025.01.02");
  ASSERT_EQ(kev->entries.size(), 3u);
  const KevEntry& log4j = kev->entries[0];
  EXPECT_EQ(log4j.cve, "CVE-2021-44228");
  EXPECT_EQ(log4j.vendor, "Apache");
  EXPECT_EQ(log4j.product, "Log4j2");
  EXPECT_EQ(log4j.name, "Apache Log4j2 Remote Code Execution Vulnerability");
  EXPECT_EQ(log4j.date_added, "2021-12-10");
  EXPECT_EQ(log4j.due_date, "2021-12-24");
  EXPECT_EQ(log4j.ransomware_use, "Known");
  EXPECT_EQ(kev->entries[1].ransomware_use, "Unknown");
  EXPECT_EQ(kev->entries[2].cve, "CVE-2017-5638");
  ASSERT_EQ(kev->warnings.size(), 1u);  // the entry without cveID
  EXPECT_NE(kev->warnings[0].find("#3"), std::string::npos) << kev->warnings[0];
}

TEST(KevTest, Errors) {
  for (const char* text :
       {"", "{", "[]", "{\"vulnerabilities\": {}}", "{\"catalogVersion\": 1}", "null", "\"str\""}) {
    SCOPED_TRACE(text);
    auto kev = ParseKevJson(text);
    ASSERT_FALSE(kev.ok());
    EXPECT_EQ(kev.status().code(), Code::kCorruption);
  }
  auto odd = ParseKevJson(R"({"catalogVersion": 7, "vulnerabilities": [1, {"cveID": 5},
                              {"cveID": " CVE-1 ", "dateAdded": null}]})");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->catalog_version, "");
  ASSERT_EQ(odd->entries.size(), 1u);
  EXPECT_EQ(odd->entries[0].cve, "CVE-1");
  EXPECT_EQ(odd->warnings.size(), 2u);
}

TEST(NvdApiTest, ParsesPage) {
  auto page = ParseNvdApiPage(Slurp(TestData() / "nvd-api-page.json"));
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->results_per_page, 5);
  EXPECT_EQ(page->start_index, 0);
  EXPECT_EQ(page->total_results, 5);
  EXPECT_TRUE(page->warnings.empty());
  struct Want {
    const char* cve;
    const char* v3;
    std::optional<double> v3_score;
    const char* v2;
    std::optional<double> v2_score;
  };
  const Want want[] = {
      {"CVE-2021-44228", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0,
       "AV:N/AC:M/Au:N/C:C/I:C/A:C", 9.3},
      // NVD's Primary metric wins over the CNA's Secondary one listed first.
      {"CVE-2023-0001", "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5, "", std::nullopt},
      {"CVE-2018-1000001", "CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8,
       "AV:L/AC:L/Au:N/C:C/I:C/A:C", 7.2},
      // Not yet analysed by NVD: the CNA's v3.1 is used; v4.0 has no slot here.
      {"CVE-2024-0002", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "", std::nullopt},
      {"CVE-2024-0003", "", std::nullopt, "", std::nullopt},
  };
  ASSERT_EQ(page->items.size(), std::size(want));
  for (std::size_t i = 0; i < std::size(want); ++i) {
    SCOPED_TRACE(want[i].cve);
    const NvdCvss& c = page->items[i];
    EXPECT_EQ(c.cve, want[i].cve);
    EXPECT_EQ(c.v3_vector, want[i].v3);
    EXPECT_EQ(c.v3_score, want[i].v3_score);
    EXPECT_EQ(c.v2_vector, want[i].v2);
    EXPECT_EQ(c.v2_score, want[i].v2_score);
  }
}

TEST(NvdApiTest, Errors) {
  for (const char* text : {"", "[]", "{}", "{\"vulnerabilities\": []}",
                           "{\"totalResults\": 1, \"vulnerabilities\": 3}"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseNvdApiPage(text).status().code(), Code::kCorruption);
  }
  auto odd = ParseNvdApiPage(R"({"totalResults": 3, "vulnerabilities": [
      {"cve": {"id": "CVE-1", "metrics": {"cvssMetricV31": [
          {"type": "Primary", "cvssData": {"vectorString": "CVSS:3.1/AV:N", "baseScore": 42}}]}}},
      {"cve": {}}, 7]})");
  ASSERT_TRUE(odd.ok()) << odd.status().ToString();
  ASSERT_EQ(odd->items.size(), 1u);
  EXPECT_EQ(odd->items[0].v3_vector, "CVSS:3.1/AV:N");
  EXPECT_EQ(odd->items[0].v3_score, std::nullopt);  // out of range
  EXPECT_EQ(odd->warnings.size(), 2u);
}

// Writes `text` gzip-compressed to `path`.
void WriteGzip(const fs::path& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

class EnrichmentDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("enrich-test");
    ASSERT_TRUE(dir.ok());
    tmp_ = std::make_unique<base::TempDir>(std::move(dir).value());
    root_ = tmp_->path();
    fs::create_directories(root_ / "kev");
    fs::create_directories(root_ / "nvd");
    fs::copy_file(TestData() / "kev-small.json",
                  root_ / "kev" / "known_exploited_vulnerabilities.json");
    WriteGzip(root_ / "nvd" / "nvd-cvss-from-json-1.1.csv.gz", Slurp(TestData() / "nvd-cvss.csv"));
  }
  std::unique_ptr<base::TempDir> tmp_;
  fs::path root_;
};

TEST_F(EnrichmentDirTest, LoadsBothParts) {
  auto e = LoadEnrichmentDir(root_);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kev_catalog_version, "2025.01.02");
  EXPECT_EQ(e->kev.size(), 3u);
  ASSERT_EQ(e->sources.size(), 2u);
  EXPECT_NE(e->sources[0].find("kev: "), std::string::npos);
  EXPECT_NE(e->sources[1].find("(6 CVEs)"), std::string::npos) << e->sources[1];

  ASSERT_EQ(e->nvd.size(), 6u);
  std::map<std::string, NvdCvss> by_cve;
  for (const auto& c : e->nvd) by_cve[c.cve] = c;
  EXPECT_EQ(by_cve["CVE-1999-0001"].v2_vector, "AV:N/AC:L/Au:N/C:N/I:N/A:P");
  EXPECT_EQ(by_cve["CVE-1999-0001"].v2_score, 5.0);
  EXPECT_EQ(by_cve["CVE-1999-0001"].v3_score, std::nullopt);
  EXPECT_EQ(by_cve["CVE-2014-0160"].v3_vector, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
  EXPECT_EQ(by_cve["CVE-2014-0160"].v3_score, 7.5);
  EXPECT_EQ(by_cve["CVE-2017-5638"].v3_vector, "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  EXPECT_EQ(by_cve["CVE-2017-5638"].v3_score, 10.0);
  EXPECT_EQ(by_cve["CVE-2017-5638"].v2_score, 10.0);
  EXPECT_TRUE(by_cve["CVE-2018-0001"].v3_vector.empty());
  EXPECT_EQ(by_cve["CVE-2018-0002"].v3_score, std::nullopt);  // "eleven"
  EXPECT_EQ(by_cve["CVE-2018-0004"].v2_score, 4.3);
  EXPECT_EQ(by_cve.count("CVE-2018-0003"), 0u);  // too few fields

  // KEV: the entry without a cveID. NVD: "eleven", the short row, the row without a CVE id.
  ASSERT_EQ(e->warnings.size(), 4u) << ::testing::PrintToString(e->warnings);
  EXPECT_NE(e->warnings[0].find("KEV entry #3: no cveID"), std::string::npos) << e->warnings[0];
  EXPECT_NE(e->warnings[1].find(".csv.gz:6: CVE-2018-0002: bad cvss_v3_base_score 'eleven'"),
            std::string::npos)
      << e->warnings[1];
  EXPECT_NE(e->warnings[2].find(".csv.gz:7: 3 fields, header has 10"), std::string::npos)
      << e->warnings[2];
  EXPECT_NE(e->warnings[3].find(".csv.gz:9: empty cve_id"), std::string::npos) << e->warnings[3];
}

TEST_F(EnrichmentDirTest, MissingPartsAreWarnings) {
  fs::remove(root_ / "kev" / "known_exploited_vulnerabilities.json");
  auto e = LoadEnrichmentDir(root_);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->kev.empty());
  EXPECT_EQ(e->nvd.size(), 6u);
  ASSERT_GE(e->warnings.size(), 1u);
  EXPECT_NE(e->warnings[0].find("no KEV catalog"), std::string::npos);

  fs::remove(root_ / "nvd" / "nvd-cvss-from-json-1.1.csv.gz");
  auto none = LoadEnrichmentDir(root_);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->nvd.empty());
  EXPECT_TRUE(none->sources.empty());
  EXPECT_EQ(none->warnings.size(), 2u);

  EXPECT_EQ(LoadEnrichmentDir(root_ / "nope").status().code(), Code::kNotFound);
}

TEST_F(EnrichmentDirTest, BrokenFilesAreErrors) {
  const fs::path gz = root_ / "nvd" / "nvd-cvss-from-json-1.1.csv.gz";
  std::string full = Slurp(gz);
  // A gzip stream cut short.
  ASSERT_TRUE(base::WriteFileAtomic(gz, full.substr(0, full.size() / 2)).ok());
  auto cut = LoadEnrichmentDir(root_);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), Code::kCorruption) << cut.status().ToString();
  // A CRC mismatch (flip a byte of the trailer).
  std::string flipped = full;
  flipped[flipped.size() - 6] = static_cast<char>(flipped[flipped.size() - 6] ^ 0xff);
  ASSERT_TRUE(base::WriteFileAtomic(gz, flipped).ok());
  auto crc = LoadEnrichmentDir(root_);
  ASSERT_FALSE(crc.ok());
  EXPECT_EQ(crc.status().code(), Code::kCorruption) << crc.status().ToString();
  // No cve_id column.
  WriteGzip(gz, "a,b\n1,2\n");
  EXPECT_EQ(LoadEnrichmentDir(root_).status().code(), Code::kCorruption);
  // Plain (not gzipped) CSV is read as well.
  ASSERT_TRUE(base::WriteFileAtomic(gz, "cve_id,cvss_v3_base_score\nCVE-1,9.8\n").ok());
  auto plain = LoadEnrichmentDir(root_);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  ASSERT_EQ(plain->nvd.size(), 1u);
  EXPECT_EQ(plain->nvd[0].v3_score, 9.8);
  // Broken KEV JSON.
  ASSERT_TRUE(
      base::WriteFileAtomic(root_ / "kev" / "known_exploited_vulnerabilities.json", "{oops").ok());
  EXPECT_EQ(LoadEnrichmentDir(root_).status().code(), Code::kCorruption);
}

TEST(EnrichmentSharedDataTest, LoadsSnapshot) {
  auto data = assay::testing::SharedDataDir();
  if (!data || !fs::is_directory(*data / "enrichment")) GTEST_SKIP() << "no shared data";
  auto e = LoadEnrichmentDir(*data / "enrichment");
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kev_catalog_version, "2025.08.25");
  EXPECT_EQ(e->kev.size(), 1404u);
  EXPECT_EQ(e->nvd.size(), 129216u);
  EXPECT_TRUE(e->warnings.empty()) << ::testing::PrintToString(e->warnings);
  std::size_t with_v3 = 0, v3_scored = 0;
  for (const auto& c : e->nvd) {
    if (!c.v3_vector.empty()) ++with_v3;
    if (c.v3_score) ++v3_scored;
  }
  EXPECT_EQ(with_v3, 46552u);
  EXPECT_EQ(v3_scored, with_v3);
  EXPECT_EQ(e->nvd.front().cve, "CVE-1999-0001");
  EXPECT_EQ(e->nvd.front().v2_score, 5.0);
  std::size_t with_cve = 0;
  for (const auto& k : e->kev) with_cve += k.cve.rfind("CVE-", 0) == 0 ? 1 : 0;
  EXPECT_EQ(with_cve, 1404u);
}

// KEV and a three-page NVD download from a loopback server.
TEST(FetchEnrichmentTest, KevAndPaginatedNvd) {
  std::mutex mu;
  std::vector<std::string> queries;
  std::vector<std::string> keys;
  std::atomic<int> nvd_hits{0};
  const std::string kev = Slurp(TestData() / "kev-small.json");
  TestHttpServer server([&](const TestHttpRequest& req) {
    TestHttpReply r;
    if (req.path == "/kev.json") {
      r.body = kev;
      return r;
    }
    if (req.path != "/rest/json/cves/2.0") {
      r.status = 404;
      return r;
    }
    {
      std::lock_guard<std::mutex> lock(mu);
      queries.push_back(req.query);
      keys.push_back(req.Header("apikey"));
    }
    if (++nvd_hits == 1) {  // NVD's rate-limit answer, retried
      r.status = 403;
      return r;
    }
    int start = 0;
    auto pos = req.query.find("startIndex=");
    if (pos != std::string::npos) start = std::stoi(req.query.substr(pos + 11));
    nlohmann::json page = {{"resultsPerPage", 2}, {"startIndex", start},
                           {"totalResults", 5},   {"format", "NVD_CVE"},
                           {"version", "2.0"},    {"vulnerabilities", nlohmann::json::array()}};
    for (int i = start; i < std::min(start + 2, 5); ++i) {
      nlohmann::json cve = {{"id", "CVE-2024-000" + std::to_string(i)}, {"metrics", {}}};
      cve["metrics"]["cvssMetricV31"] = {
          {{"source", "nvd@nist.gov"},
           {"type", "Primary"},
           {"cvssData",
            {{"version", "3.1"},
             {"vectorString", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
             {"baseScore", 9.8}}}}};
      page["vulnerabilities"].push_back({{"cve", cve}});
    }
    r.body = page.dump();
    return r;
  });
  ASSERT_TRUE(server.ok());
  EnrichmentFetchOptions o;
  o.kev_url = server.Url("/kev.json");
  o.nvd_api_url = server.Url("/rest/json/cves/2.0");
  o.with_nvd = true;
  o.nvd_results_per_page = 2;
  o.nvd_page_delay = std::chrono::milliseconds(0);
  o.nvd_page_delay_with_key = std::chrono::milliseconds(0);
  o.nvd_api_key = "test-key";
  o.http.initial_backoff = std::chrono::milliseconds(5);
  o.http.max_backoff = std::chrono::milliseconds(10);
  auto e = FetchEnrichment(o);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->kev.size(), 3u);
  EXPECT_EQ(e->kev_catalog_version, "2025.01.02");
  ASSERT_EQ(e->nvd.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(e->nvd[i].cve, "CVE-2024-000" + std::to_string(i));
    EXPECT_EQ(e->nvd[i].v3_score, 9.8);
  }
  EXPECT_EQ(e->sources.size(), 2u);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(queries, (std::vector<std::string>{
                         "resultsPerPage=2&startIndex=0", "resultsPerPage=2&startIndex=0",
                         "resultsPerPage=2&startIndex=2", "resultsPerPage=2&startIndex=4"}));
  for (const auto& k : keys) EXPECT_EQ(k, "test-key");
}

TEST(FetchEnrichmentTest, FailuresAreErrors) {
  TestHttpServer server([](const TestHttpRequest& req) {
    TestHttpReply r;
    if (req.path == "/bad.json") {
      r.body = "<html>";
    } else if (req.path == "/empty-nvd") {
      r.body = R"({"totalResults": 10, "startIndex": 0, "vulnerabilities": []})";
    } else {
      r.status = 404;
    }
    return r;
  });
  ASSERT_TRUE(server.ok());
  EnrichmentFetchOptions o;
  o.http.max_attempts = 1;
  o.kev_url = server.Url("/missing.json");
  EXPECT_EQ(FetchEnrichment(o).status().code(), Code::kUnavailable);
  o.kev_url = server.Url("/bad.json");
  EXPECT_EQ(FetchEnrichment(o).status().code(), Code::kCorruption);
  o.kev_url.clear();
  o.with_nvd = true;
  o.nvd_page_delay = std::chrono::milliseconds(0);
  o.nvd_api_url = server.Url("/empty-nvd");
  EXPECT_EQ(FetchEnrichment(o).status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace assay::advisories
