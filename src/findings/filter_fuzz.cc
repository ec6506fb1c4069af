// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// ParseFilterCriteria never crashes on any JSON; accepted criteria survive ToJson -> parse (as a
// value and as text) unchanged, evaluate without crashing, and translate to SQL for both dialects
// when every criterion has a column. Every fourth input is also placed inside well-formed criteria
// (as a string value, a date and a tag) so random bytes reach the value checks.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "findings/filter.h"

namespace {

using assay::findings::SqlColumn;
using assay::findings::SqlColumns;
using Json = nlohmann::json;

const SqlColumns& AllColumns() {
  static const SqlColumns* columns = [] {
    auto* c = new SqlColumns;
    for (const auto& info : assay::findings::SupportedCriteria()) {
      std::string e = "f." + std::string(info.name);
      switch (info.kind) {
        case assay::findings::CriterionKind::kString:
          (*c)[std::string(info.name)] =
              info.multi_valued
                  ? SqlColumn::TextSet("SELECT 1 FROM v WHERE v.f = f.id AND {}", "v.x")
                  : SqlColumn::Text(e);
          break;
        case assay::findings::CriterionKind::kNumber:
          (*c)[std::string(info.name)] = SqlColumn::Number(e);
          break;
        case assay::findings::CriterionKind::kDate:
          (*c)[std::string(info.name)] = SqlColumn::EpochSeconds(e);
          break;
        case assay::findings::CriterionKind::kMap:
          (*c)[std::string(info.name)] =
              SqlColumn::Map("SELECT 1 FROM t WHERE t.r = f.r AND {}", "t.k", "t.v");
          break;
        case assay::findings::CriterionKind::kPackage:
          (*c)[std::string(info.name)] = SqlColumn::Package({{"name", "p.n"},
                                                             {"version", "p.v"},
                                                             {"epoch", "p.e"},
                                                             {"release", "p.r"},
                                                             {"architecture", "p.a"},
                                                             {"sourceLayerHash", "p.l"},
                                                             {"filePath", "p.f"}});
          break;
        case assay::findings::CriterionKind::kPortRange:
          (*c)[std::string(info.name)] = SqlColumn::PortRange("f.p0", "f.p1");
          break;
      }
    }
    return c;
  }();
  return *columns;
}

class SomeFinding : public assay::findings::FindingView {
 public:
  std::vector<std::string> Strings(std::string_view) const override { return {"HIGH", "a%_"}; }
  std::optional<double> Number(std::string_view) const override { return 7.5; }
  std::optional<std::string> Date(std::string_view) const override {
    return "2024-05-01T12:00:00Z";
  }
  std::vector<std::pair<std::string, std::string>> Map(std::string_view) const override {
    return {{"team", "payments"}};
  }
  std::vector<assay::findings::PackageView> Packages(std::string_view) const override {
    assay::findings::PackageView p;
    p.name = "openssl";
    p.epoch = 1;
    return {p, {}};
  }
  std::optional<std::pair<std::int64_t, std::int64_t>> PortRange(std::string_view) const override {
    return std::pair<std::int64_t, std::int64_t>{22, 80};
  }
};

void Check(const Json& doc) {
  auto c = assay::findings::ParseFilterCriteria(doc);
  if (!c.ok()) return;
  if (!assay::findings::Validate(*c).ok()) std::abort();
  Json once = assay::findings::ToJson(*c);
  auto again = assay::findings::ParseFilterCriteria(once);
  if (!again.ok() || !(*again == *c)) std::abort();
  auto from_text = assay::findings::ParseFilterCriteria(Json::parse(once.dump()));
  if (!from_text.ok() || !(*from_text == *c)) std::abort();
  if (assay::findings::ToJson(*again) != once) std::abort();
  (void)assay::findings::Matches(*c, SomeFinding());
  (void)assay::findings::Matches(*c, assay::findings::FindingView());
  for (auto dialect :
       {assay::findings::sql::Dialect::kSqlite, assay::findings::sql::Dialect::kPostgres}) {
    auto where = assay::findings::ToSql(*c, AllColumns(), dialect, 1);
    if (!where.ok()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Json doc = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded()) Check(doc);
  if (size % 4 != 0) return 0;
  // Raw bytes, possibly not UTF-8: the value checks refuse what the encoder could not write.
  std::string s(in);
  Json wrapped = {
      {"title", {{{"comparison", size % 8 == 0 ? "PREFIX" : "NOT_EQUALS"}, {"value", s}}}},
      {"updatedAt", {{{"startInclusive", s}}}},
      {"resourceTags", {{{"comparison", "EQUALS"}, {"key", s}, {"value", s}}}},
  };
  Check(wrapped);
  wrapped.erase("updatedAt");
  Check(wrapped);
  return 0;
}
