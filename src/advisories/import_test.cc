// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "advisories/import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "advisories/test_util.h"
#include "base/file.h"

namespace assay::advisories {
namespace {

namespace fs = std::filesystem;
using testing::Entries;
using testing::Osv;
using testing::Pkg;
using testing::WriteZip;
using ::testing::HasSubstr;

TEST(PackageNameKeyTest, NormalisesPerEcosystem) {
  struct Case {
    const char* base;
    const char* name;
    const char* key;
  };
  const Case cases[] = {
      {"PyPI", "Django", "django"},
      {"PyPI", "zope.interface", "zope-interface"},
      {"PyPI", "Zope__Interface", "zope-interface"},
      {"PyPI", "a-_.b", "a-b"},
      {"PyPI", "requests", "requests"},
      {"Packagist", "Symfony/HTTP-Kernel", "symfony/http-kernel"},
      {"NuGet", "Newtonsoft.Json", "newtonsoft.json"},
      {"Maven", "org.apache.logging.log4j:log4j-core", "org.apache.logging.log4j:log4j-core"},
      {"Go", "github.com/BurntSushi/toml", "github.com/BurntSushi/toml"},
      {"npm", "Lodash_X", "Lodash_X"},
      {"Debian", "openssl", "openssl"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.base) + " " + c.name);
    EXPECT_EQ(PackageNameKey(c.base, c.name), c.key);
  }
}

TEST(ContentHashTest, StableAndSensitive) {
  EXPECT_EQ(ContentHash("abc"), ContentHash("abc"));
  EXPECT_NE(ContentHash("abc"), ContentHash("abd"));
  EXPECT_NE(ContentHash(""), ContentHash(std::string_view("\0", 1)));
  std::string long_a(1000, 'a');
  std::string long_b = long_a;
  long_b[999] = 'b';
  EXPECT_NE(ContentHash(long_a), ContentHash(long_b));
}

TEST(AffectedCodecTest, RoundTrips) {
  model::OsvAffected a;
  a.ecosystem = "Debian:12";
  a.name = "we\"ird\\name\n";
  a.purl = "pkg:deb/debian/x";
  model::OsvRange r;
  r.type = model::OsvRange::Type::kGit;
  r.type_name = "GIT";
  r.repo = "https://example.org/x.git";
  r.events = {{model::OsvEvent::Kind::kIntroduced, "0"},
              {model::OsvEvent::Kind::kFixed, "1.2"},
              {model::OsvEvent::Kind::kLastAffected, "1.1"},
              {model::OsvEvent::Kind::kLimit, "9"}};
  a.ranges.push_back(r);
  a.versions = {"1.0", "1.1"};
  a.severity = {{"CVSS_V3", "CVSS:3.1/AV:N"}};
  a.ecosystem_specific = R"({"urgency":"high","x":[1,2]})";
  a.database_specific = R"({"source":"s"})";
  std::string json = EncodeAffected(a);
  auto back = DecodeAffected(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << json;
  EXPECT_EQ(back->ecosystem, a.ecosystem);
  EXPECT_EQ(back->name, a.name);
  EXPECT_EQ(back->purl, a.purl);
  ASSERT_EQ(back->ranges.size(), 1u);
  EXPECT_EQ(back->ranges[0].type, model::OsvRange::Type::kGit);
  EXPECT_EQ(back->ranges[0].repo, r.repo);
  ASSERT_EQ(back->ranges[0].events.size(), 4u);
  EXPECT_EQ(back->ranges[0].events[2].kind, model::OsvEvent::Kind::kLastAffected);
  EXPECT_EQ(back->ranges[0].events[3].version, "9");
  EXPECT_EQ(back->versions, a.versions);
  ASSERT_EQ(back->severity.size(), 1u);
  EXPECT_EQ(back->severity[0].score, "CVSS:3.1/AV:N");
  EXPECT_EQ(back->ecosystem_specific, a.ecosystem_specific);
  EXPECT_EQ(back->database_specific, a.database_specific);
  EXPECT_EQ(EncodeAffected(*back), json);

  EXPECT_FALSE(DecodeAffected("{not json").ok());
}

TEST(NormalizeRecordTest, ExtractsRows) {
  std::string json = Osv("PYSEC-1", {{"PyPI", "Zope.Interface", "2.0"}, {"PyPI", "other", ""}},
                         {"CVE-2020-1", "GHSA-aaaa"}, "2024-02-02T00:00:00Z", "",
                         {"CVE-2020-9"}, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  auto r = NormalizeRecord(json);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, "PYSEC-1");
  EXPECT_EQ(r->modified, "2024-02-02T00:00:00Z");
  EXPECT_EQ(r->aliases, (std::vector<std::string>{"CVE-2020-1", "GHSA-aaaa"}));
  EXPECT_EQ(r->aliases_json, R"(["CVE-2020-1","GHSA-aaaa"])");
  EXPECT_EQ(r->related_json, R"(["CVE-2020-9"])");
  EXPECT_THAT(r->severity_json, HasSubstr("CVSS_V3"));
  EXPECT_EQ(r->raw_size, json.size());
  EXPECT_EQ(r->content_hash, ContentHash(json));
  ASSERT_EQ(r->affected.size(), 2u);
  EXPECT_EQ(r->affected[0].ecosystem_base, "PyPI");
  EXPECT_EQ(r->affected[0].name, "Zope.Interface");
  EXPECT_EQ(r->affected[0].name_key, "zope-interface");
  EXPECT_EQ(r->ecosystems, (std::vector<std::string>{"PyPI"}));

  EXPECT_FALSE(NormalizeRecord("not json").ok());
  EXPECT_FALSE(NormalizeRecord(R"({"modified":"2024-01-01T00:00:00Z"})").ok());
}

// Records everything ImportZips hands over, checking the raw block contract on the way.
class CollectingSink : public RecordSink {
 public:
  base::Status BeginZip(std::size_t zip_index, const ZipInput& zip) override {
    events.push_back("begin " + std::to_string(zip_index) + " " + zip.source);
    return base::Status::Ok();
  }
  base::Status AddRawBlock(std::size_t, std::string_view frame) override {
    auto block = codec.Decompress(frame);
    if (!block.ok()) return block.status();
    current_block = *block;
    ++blocks;
    return base::Status::Ok();
  }
  base::Status Add(std::size_t zip_index, NormalizedRecord&& r) override {
    if (r.raw_offset + r.raw_size > current_block.size()) {
      return base::Status::Internal("record outside its block");
    }
    std::string raw = current_block.substr(r.raw_offset, r.raw_size);
    if (ContentHash(raw) != r.content_hash) return base::Status::Internal("raw bytes differ");
    ids.push_back(std::to_string(zip_index) + ":" + r.id);
    raws[r.id] = raw;
    if (fail_after > 0 && ids.size() >= fail_after) return base::Status::Aborted("sink says stop");
    return base::Status::Ok();
  }
  base::Status EndZip(std::size_t zip_index, const ImportReport& report) override {
    events.push_back("end " + std::to_string(zip_index) + " " + std::to_string(report.imported));
    return base::Status::Ok();
  }

  RawCodec codec;
  std::string current_block;
  std::vector<std::string> events;
  std::vector<std::string> ids;
  std::map<std::string, std::string> raws;
  int blocks = 0;
  size_t fail_after = 0;
};

class ImportZipsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = base::TempDir::Create("assay-import-test");
    ASSERT_TRUE(t.ok());
    dir_ = std::make_unique<base::TempDir>(std::move(*t));
  }
  fs::path Path(const std::string& name) { return dir_->path() / name; }
  std::unique_ptr<base::TempDir> dir_;
};

TEST_F(ImportZipsTest, KeepsEntryOrderAcrossZipsAndThreads) {
  // More entries than one chunk, in several zips, one of them empty.
  std::vector<std::pair<std::string, std::string>> a;
  for (int i = 0; i < 150; ++i) {
    std::string id = "A-" + std::to_string(1000 + i);
    a.emplace_back(id, Osv(id, {{"npm", "pkg" + std::to_string(i), "1.0.0"}}));
  }
  WriteZip(Path("a.zip"), Entries(a));
  WriteZip(Path("empty.zip"), {});
  WriteZip(Path("b.zip"), Entries({{"B-1", Osv("B-1", {{"Go", "example.com/m", "1.2.3"}})}}));
  std::vector<ZipInput> zips = {
      {"A", Path("a.zip")}, {"Empty", Path("empty.zip")}, {"B", Path("b.zip")}};
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    CollectingSink sink;
    std::vector<ImportReport> reports;
    ImportOptions opts;
    opts.threads = threads;
    base::Status s = ImportZips(zips, sink, opts, &reports);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(sink.ids.size(), 151u);
    for (int i = 0; i < 150; ++i) EXPECT_EQ(sink.ids[i], "0:A-" + std::to_string(1000 + i));
    EXPECT_EQ(sink.ids[150], "2:B-1");
    EXPECT_EQ(sink.events, (std::vector<std::string>{"begin 0 A", "end 0 150", "begin 1 Empty",
                                                     "end 1 0", "begin 2 B", "end 2 1"}));
    EXPECT_EQ(sink.raws["A-1003"], a[3].second);
    ASSERT_EQ(reports.size(), 3u);
    EXPECT_EQ(reports[0].entries, 150u);
    EXPECT_EQ(reports[0].imported, 150u);
    EXPECT_EQ(reports[1].entries, 0u);
    EXPECT_EQ(reports[2].source, "B");
    EXPECT_GE(sink.blocks, 2);
  }
}

TEST_F(ImportZipsTest, MalformedRecordsAreWarningsNamingIdAndZip) {
  WriteZip(Path("m.zip"),
           {{"GOOD-1.json", Osv("GOOD-1", {{"PyPI", "x", "1"}})},
            {"NOT-JSON.json", "this is { not json"},
            {"NO-ID.json", R"({"modified":"2024-01-01T00:00:00Z","affected":[]})"},
            {"BAD-AFFECTED.json",
             R"({"id":"BAD-AFFECTED","modified":"2024-01-01T00:00:00Z","affected":[1]})"},
            {"dir/", ""},
            {"README.txt", "hello"},
            {"GOOD-1-again.json", Osv("GOOD-1", {{"PyPI", "x", "2"}})},
            {"GOOD-2.json", Osv("GOOD-2", {{"PyPI", "y", "1"}})}});
  CollectingSink sink;
  std::vector<ImportReport> reports;
  std::vector<ImportWarning> streamed;
  ImportOptions opts;
  opts.on_warning = [&](const ImportWarning& w) { streamed.push_back(w); };
  base::Status s = ImportZips({{"PyPI", Path("m.zip")}}, sink, opts, &reports);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(sink.ids, (std::vector<std::string>{"0:GOOD-1", "0:GOOD-2"}));
  ASSERT_EQ(reports.size(), 1u);
  const ImportReport& r = reports[0];
  EXPECT_EQ(r.entries, 6u);  // *.json entries
  EXPECT_EQ(r.imported, 2u);
  ASSERT_EQ(r.warnings.size(), 5u);
  EXPECT_EQ(streamed.size(), 5u);
  std::map<std::string, ImportWarning> by_id;
  for (const auto& w : r.warnings) {
    EXPECT_EQ(w.zip, "PyPI");
    by_id[w.record_id + "/" + w.code] = w;
  }
  ASSERT_TRUE(by_id.count("NOT-JSON/malformed-record"));
  EXPECT_THAT(by_id["NOT-JSON/malformed-record"].message, HasSubstr("JSON"));
  ASSERT_TRUE(by_id.count("NO-ID/malformed-record"));
  EXPECT_THAT(by_id["NO-ID/malformed-record"].message, HasSubstr("id"));
  ASSERT_TRUE(by_id.count("BAD-AFFECTED/malformed-record"));
  ASSERT_TRUE(by_id.count("README.txt/not-json-entry"));
  ASSERT_TRUE(by_id.count("GOOD-1/duplicate-id"));
  EXPECT_EQ(FormatWarning(by_id["NOT-JSON/malformed-record"]).rfind("[malformed-record] PyPI: "
                                                                    "NOT-JSON: ",
                                                                    0),
            0u);
}

TEST_F(ImportZipsTest, TruncatedZipIsAClearError) {
  std::vector<std::pair<std::string, std::string>> recs;
  for (int i = 0; i < 40; ++i) {
    std::string id = "T-" + std::to_string(i);
    recs.emplace_back(id, Osv(id, {{"crates.io", "c" + std::to_string(i), "1.0.0"}}));
  }
  WriteZip(Path("full.zip"), Entries(recs));
  std::string bytes = testing::ReadAll(Path("full.zip"));
  for (size_t keep : {bytes.size() / 2, bytes.size() - 10, size_t{0}}) {
    SCOPED_TRACE(keep);
    testing::WriteAll(Path("cut.zip"), bytes.substr(0, keep));
    CollectingSink sink;
    std::vector<ImportReport> reports;
    base::Status s = ImportZips({{"crates.io", Path("cut.zip")}}, sink, {}, &reports);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), base::Code::kCorruption);
    EXPECT_THAT(s.message(), HasSubstr("cut.zip"));
    EXPECT_THAT(s.message(), HasSubstr("truncated"));
    EXPECT_TRUE(sink.ids.empty());
  }
}

TEST_F(ImportZipsTest, DamagedEntryDataIsAClearError) {
  std::string big(20000, 'x');
  WriteZip(Path("ok.zip"),
           Entries({{"D-1", Osv("D-1", {{"npm", "a", "1.0.0"}})},
                    {"D-2", R"({"id":"D-2","modified":"2024-01-01T00:00:00Z","details":")" + big +
                                R"("})"}}));
  std::string bytes = testing::ReadAll(Path("ok.zip"));
  // Flip bytes inside the second entry's compressed data (after its local header).
  size_t second = bytes.find("D-2.json");
  ASSERT_NE(second, std::string::npos);
  for (size_t i = second + 20; i < second + 40; ++i) bytes[i] = static_cast<char>(bytes[i] ^ 0x5a);
  testing::WriteAll(Path("bad.zip"), bytes);
  CollectingSink sink;
  std::vector<ImportReport> reports;
  base::Status s = ImportZips({{"npm", Path("bad.zip")}}, sink, {}, &reports);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), base::Code::kCorruption);
  EXPECT_THAT(s.message(), HasSubstr("D-2.json"));
}

TEST_F(ImportZipsTest, ImplausibleEntryCountIsRejectedBeforePlanning) {
  // An end record alone that announces 60000 entries (in 22 bytes).
  std::string eocd("PK\x05\x06", 4);
  eocd += std::string(4, '\0');
  eocd += "\x60\xea\x60\xea";  // entries on this disk / in total: 60000
  eocd += std::string(10, '\0');
  testing::WriteAll(Path("lie.zip"), eocd);
  CollectingSink sink;
  std::vector<ImportReport> reports;
  base::Status s = ImportZips({{"npm", Path("lie.zip")}}, sink, {}, &reports);
  EXPECT_EQ(s.code(), base::Code::kCorruption);
  EXPECT_THAT(s.message(), HasSubstr("lie.zip"));
}

TEST_F(ImportZipsTest, SinkErrorStopsTheImport) {
  std::vector<std::pair<std::string, std::string>> recs;
  for (int i = 0; i < 300; ++i) {
    std::string id = "S-" + std::to_string(i);
    recs.emplace_back(id, Osv(id, {{"npm", "p", "1.0.0"}}));
  }
  WriteZip(Path("s.zip"), Entries(recs));
  CollectingSink sink;
  sink.fail_after = 50;
  std::vector<ImportReport> reports;
  base::Status s = ImportZips({{"npm", Path("s.zip")}}, sink, {}, &reports);
  EXPECT_EQ(s.code(), base::Code::kAborted);
  EXPECT_EQ(sink.ids.size(), 50u);
}

TEST_F(ImportZipsTest, MissingZipIsNotFound) {
  CollectingSink sink;
  std::vector<ImportReport> reports;
  base::Status s = ImportZips({{"npm", Path("nope.zip")}}, sink, {}, &reports);
  EXPECT_EQ(s.code(), base::Code::kNotFound);
}

TEST_F(ImportZipsTest, CountJsonEntries) {
  WriteZip(Path("c.zip"), {{"A.json", "{}"}, {"B.json", "{}"}, {"x/", ""}, {"c.txt", ""}});
  auto n = CountJsonEntries(Path("c.zip"));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
  testing::WriteAll(Path("junk.zip"), "junk");
  EXPECT_EQ(CountJsonEntries(Path("junk.zip")).status().code(), base::Code::kCorruption);
}

TEST(RawCodecTest, RoundTripAndCorruption) {
  RawCodec codec;
  std::string frame;
  ASSERT_TRUE(codec.Compress("hello hello hello", kRawZstdLevel, &frame).ok());
  auto back = codec.Decompress(frame);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "hello hello hello");
  EXPECT_EQ(codec.Decompress("nonsense").status().code(), base::Code::kCorruption);
  EXPECT_EQ(codec.Decompress(frame.substr(0, frame.size() - 2)).status().code(),
            base::Code::kCorruption);
}

}  // namespace
}  // namespace assay::advisories
