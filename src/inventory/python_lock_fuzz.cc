// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// The Python lockfile parsers (poetry.lock, pdm.lock, uv.lock, Pipfile.lock) never crash, and
// every package they report has an ecosystem, a name, a version and a purl. Besides the raw bytes,
// the input is spliced into a valid lockfile of one of the formats, and used (quotes and
// backslashes removed) as the name and version of one of its packages, so that a driver without
// coverage feedback also reaches the code after the TOML / JSON parse.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "inventory/python.h"

namespace {

using assay::inventory::ParseFn;

struct Format {
  ParseFn parse;
  const char* path;
  std::string_view before;  // a valid lockfile up to a package's name value
  std::string_view after;   // the rest, from the closing quote of that value
};

const Format kFormats[] = {
    {&assay::inventory::ParsePoetryLock, "poetry.lock",
     "[[package]]\nname = \"six\"\nversion = \"1.17.0\"\ngroups = [\"main\"]\n\n[[package]]\n"
     "name = \"",
     "\"\nversion = \"1.0\"\ncategory = \"dev\"\n\n[metadata]\nlock-version = \"2.1\"\n"},
    {&assay::inventory::ParsePdmLock, "pdm.lock",
     "[metadata]\ngroups = [\"default\"]\n\n[[package]]\nname = \"",
     "\"\nversion = \"0.10.2\"\ngroups = [\"dev\"]\n"},
    {&assay::inventory::ParseUvLock, "uv.lock",
     "version = 1\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n"
     "source = { virtual = \".\" }\ndependencies = [{ name = \"x\" }]\n\n"
     "[package.dev-dependencies]\ndev = [{ name = \"y\" }]\n\n[[package]]\nname = \"",
     "\"\nversion = \"1\"\ndependencies = [{ name = \"y\" }, { name = \"x\" }]\n\n"
     "[[package]]\nname = \"y\"\nversion = \"2\"\ndependencies = [{ name = \"x\" }]\n"},
    {&assay::inventory::ParsePipfileLock, "Pipfile.lock",
     "{\"_meta\": {}, \"default\": {\"a\": {\"version\": \"==1\"}}, \"develop\": {\"",
     "\": {\"version\": \"==2.0\"}, \"g\": {\"git\": \"x\"}}}"},
};

void Check(const Format& f, std::string_view bytes) {
  auto r = f.parse({bytes, f.path, ""});
  if (!r.ok()) return;
  for (const auto& p : r->packages) {
    if (p.ecosystem != "PyPI" || p.name.empty() || p.version.empty() || p.purl.empty() ||
        p.path != f.path) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (const Format& f : kFormats) Check(f, in);
  if (size == 0) return 0;
  // One structured variant per input keeps the harness fast under sanitizers.
  const Format& f = kFormats[data[0] % std::size(kFormats)];
  std::string doc(f.before);
  doc += f.after;
  if ((data[0] & 4) == 0) {
    doc.insert((static_cast<size_t>(data[0]) * 13) % (doc.size() + 1), in.substr(1));
  } else {
    std::string value;
    for (char c : in.substr(1)) {
      if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) value.push_back(c);
    }
    doc = std::string(f.before) + value + std::string(f.after);
  }
  Check(f, doc);
  return 0;
}
