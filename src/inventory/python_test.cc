// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "inventory/python.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/file.h"
#include "base/testing/conformance.h"
#include "inventory/internal/fake_siblings.h"

namespace assay::inventory {
namespace {

// "name@version" (with " dev" appended for development-only packages), sorted.
std::vector<std::string> Ids(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& pkg : p.packages) {
    out.push_back(pkg.name + "@" + pkg.version + (pkg.dev ? " dev" : ""));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every warning as "location: message".
std::string Warnings(const Parsed& p) {
  std::string out;
  for (const auto& w : p.warnings) out += w.location + ": " + w.message + "\n";
  return out;
}

Parsed MustParse(ParseFn fn, std::string_view bytes, std::string path) {
  auto r = fn({bytes, std::move(path), ""});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *std::move(r) : Parsed{};
}

std::string ReadTestdata(std::string_view name) {
  auto r = base::ReadFile(testing::SourceDir() / "src/inventory/testdata/python" / name);
  EXPECT_TRUE(r.ok()) << name;
  return r.ok() ? *r : std::string();
}

// ---------------------------------------------------------------------------------------------
// METADATA / PKG-INFO

TEST(PythonMetadataTest, PackageFields) {
  Parsed p = MustParse(&ParsePythonMetadata,
                       "Metadata-Version: 2.1\nName: Zope.Interface\nVersion: 5.4.0\n",
                       "usr/lib/python3/dist-packages/zope.interface-5.4.0.dist-info/METADATA");
  ASSERT_EQ(p.packages.size(), 1u);
  const auto& pkg = p.packages[0];
  EXPECT_EQ(pkg.ecosystem, "PyPI");
  EXPECT_EQ(pkg.name, "Zope.Interface");
  EXPECT_EQ(pkg.version, "5.4.0");
  EXPECT_EQ(pkg.purl, "pkg:pypi/zope-interface@5.4.0");
  EXPECT_EQ(pkg.path, "usr/lib/python3/dist-packages/zope.interface-5.4.0.dist-info/METADATA");
  EXPECT_EQ(pkg.package_manager, "pip");
  EXPECT_FALSE(pkg.dev);
  EXPECT_TRUE(p.warnings.empty());
}

TEST(PythonMetadataTest, Headers) {
  struct Case {
    const char* name;
    std::string_view text;
    std::vector<std::string> want;
    std::string warning;  // substring of the warnings, "" for none
  };
  const Case cases[] = {
      {"case-insensitive keys", "name: httplib2\nVERSION: 1.0\n", {"httplib2@1.0"}, ""},
      {"first occurrence wins", "Name: root\nVersion: 1.0.0\nVersion: 2.0.0\n", {"root@1.0.0"}, ""},
      {"crlf and blanks", "Name:  pkg \r\nVersion:\t3.1 \r\n", {"pkg@3.1"}, ""},
      {"body is not read",
       "Name: a\nSummary: x\n\nVersion: 9\n",
       {},
       "package \"a\" has no Version"},
      {"continuation and colon-less lines",
       "Name: a\nDescription: x\n  Version: 7\nfoo bar\n"
       "Version: 2\n",
       {"a@2"},
       ""},
      {"non-utf8 description",
       "Name: Unidecode\nDescription: \xff\xfe\nVersion: 0.4.1\n",
       {"Unidecode@0.4.1"},
       ""},
      {"utf-8 bom", "\xEF\xBB\xBFName: b\nVersion: 1\n", {"b@1"}, ""},
      {"no name", "Version: 1\n", {}, "package metadata without a Name"},
      {"empty version", "Name: c\nVersion:\n", {}, "package \"c\" has no Version"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Parsed p = MustParse(&ParsePythonMetadata, c.text, "x.dist-info/METADATA");
    EXPECT_EQ(Ids(p), c.want);
    if (c.warning.empty()) {
      EXPECT_TRUE(p.warnings.empty()) << Warnings(p);
    } else {
      EXPECT_NE(Warnings(p).find("x.dist-info/METADATA: " + c.warning), std::string::npos)
          << Warnings(p);
    }
  }
}

TEST(PythonMetadataTest, RejectsWhatIsNotMetadata) {
  for (std::string_view text : {std::string_view(""), std::string_view("{}"),
                                std::string_view("\nName: after-blank\nVersion: 1\n")}) {
    auto r = ParsePythonMetadata({text, "site-packages/x.egg-info", ""});
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find("site-packages/x.egg-info"), std::string::npos)
        << r.status().ToString();
  }
}

TEST(PythonMetadataTest, WheelAndEggArchives) {
  std::string whl = ReadTestdata("tiny_pkg-1.0-py3-none-any.whl");
  Parsed p = MustParse(&ParsePythonMetadata, whl, "dist/tiny_pkg-1.0-py3-none-any.whl");
  EXPECT_EQ(Ids(p), std::vector<std::string>{"Tiny_Pkg@1.0"});
  EXPECT_EQ(p.packages[0].path, "dist/tiny_pkg-1.0-py3-none-any.whl");

  std::string egg = ReadTestdata("tiny_egg-2.0-py3.11.egg");
  p = MustParse(&ParsePythonMetadata, egg, "tiny_egg-2.0-py3.11.egg");
  EXPECT_EQ(Ids(p), std::vector<std::string>{"tiny-egg@2.0"});

  // Only top-level metadata counts; an archive without it yields a warning and no package.
  std::string none = ReadTestdata("no_metadata-1.0-py3.11.egg");
  p = MustParse(&ParsePythonMetadata, none, "no_metadata-1.0-py3.11.egg");
  EXPECT_TRUE(p.packages.empty());
  EXPECT_NE(Warnings(p).find("no_metadata-1.0-py3.11.egg: archive has no"), std::string::npos)
      << Warnings(p);

  // A truncated archive is an error naming the file.
  auto r = ParsePythonMetadata({std::string_view(whl).substr(0, 40), "broken.whl", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("broken.whl"), std::string::npos) << r.status().ToString();
}

// ---------------------------------------------------------------------------------------------
// requirements.txt

TEST(RequirementsTxtTest, PackageFields) {
  Parsed p = MustParse(&ParseRequirementsTxt, "Django==2.2.24\n", "app/requirements.txt");
  ASSERT_EQ(p.packages.size(), 1u);
  EXPECT_EQ(p.packages[0].ecosystem, "PyPI");
  EXPECT_EQ(p.packages[0].name, "Django");
  EXPECT_EQ(p.packages[0].purl, "pkg:pypi/django@2.2.24");
  EXPECT_EQ(p.packages[0].path, "app/requirements.txt");
  EXPECT_EQ(p.packages[0].package_manager, "pip");
}

TEST(RequirementsTxtTest, Lines) {
  struct Case {
    const char* name;
    std::string_view text;
    std::vector<std::string> want;
    std::string warning;  // substring of the warnings (with location), "" for none
  };
  const Case cases[] = {
      {"pins", "a==1.0\nb === 2.0-custom\nc == 3\n", {"a@1.0", "b@2.0-custom", "c@3"}, ""},
      {"names as written",
       "zope.interface==5.4.0\nPillow==1.0\nunder_score==1.3\n",
       {"Pillow@1.0", "under_score@1.3", "zope.interface@5.4.0"},
       ""},
      {"comments", "# a==1\n  # b==2\nc==3 # note\nd==4#glued\n", {"c@3", "d@4"}, ""},
      {"extras and markers",
       "pyjwt [crypto] == 2.1.0\ncelery[redis, pytest]==4.4.7\n"
       "x==1.0; python_version < '3.8'\n",
       {"celery@4.4.7", "pyjwt@2.1.0", "x@1.0"},
       ""},
      {"parenthesised", "name (==1.2)\n", {"name@1.2"}, ""},
      {"hashes and options",
       "a==1.0 --hash=sha256:12 --hash sha256:34\nb==2 -C k=v\n"
       "c--hash==3\nd==4; os_name == 'nt' --hash=sha256:1\n",
       {"a@1.0", "b@2", "c--hash@3", "d@4"},
       ""},
      {"continuations",
       "foo==\\\n\\\n \\\n1.2.3\nqux \\\n  == 0.1\nz==9\\",
       {"foo@1.2.3", "qux@0.1", "z@9"},
       ""},
      {"comment ends a continuation", "baz == 7.8.9 # \\\nbaz == 1.2.3\n", {"baz@7.8.9"}, ""},
      {"crlf", "a==1\r\nb==2\r\n", {"a@1", "b@2"}, ""},
      {"duplicates", "a==1\na==1\na==2\n", {"a@1", "a@2"}, ""},
      {"unpinned", "flask\n", {}, "r.txt:1: requirement \"flask\" has no pinned version"},
      {"lower bound", "\nkeyring >= 4.1.1\n", {}, "r.txt:2: requirement \"keyring\" is not pinned"},
      {"wildcard", "a==1.*\n", {}, "requirement \"a\" is not pinned"},
      {"range with pin", "a>=1,==1.5\n", {"a@1.5"}, ""},
      {"bare specifier", ">=1.0.0\n", {}, "r.txt:1: \">=1.0.0\" is a path, URL or malformed"},
      {"url", "http://example.com/x-1.0.whl\n", {}, "is a URL or path requirement"},
      {"path", "./downloads/numpy-1.9.2-cp34-none-win32.whl\n", {}, "path, URL or malformed"},
      {"wheel file", "numpy-1.9.2-cp34-none-win32.whl\n", {}, "is a distribution file"},
      {"direct reference", "urllib3 @ https://x/y.zip\n", {}, "direct URL reference"},
      {"vcs", "git+https://github.com/a/b.git#egg=b\n", {}, "URL or path requirement"},
      {"environment variable", "qwert==${VERSION}\n", {}, "environment variable"},
      {"text after version",
       "foo7==1.0 trailing --hash=sha256:1\n",
       {},
       "unexpected text after version"},
      {"empty pin", "foo10== --hash=sha256:1\n", {}, "not pinned"},
      {"requirement file",
       "-r other.txt\n--requirement=b.txt\n-rc.txt\n",
       {},
       "r.txt:1: includes requirements file \"other.txt\""},
      {"requirement file, long form", "--requirement=b.txt\n", {}, "\"b.txt\" (-r)"},
      {"editable", "-e git+https://x/y.git#egg=y\n", {}, "editable requirement"},
      {"other options",
       "--index-url https://x\n-i https://y\n-c constraints.txt\n"
       "--extra-index-url https://z\n--no-binary :all:\na==1\n",
       {"a@1"},
       ""},
      {"empty and comments only", "\n\n# nothing\n", {}, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Parsed p = MustParse(&ParseRequirementsTxt, c.text, "r.txt");
    EXPECT_EQ(Ids(p), c.want);
    if (c.warning.empty()) {
      EXPECT_TRUE(p.warnings.empty()) << Warnings(p);
    } else {
      EXPECT_NE(Warnings(p).find(c.warning), std::string::npos) << Warnings(p);
    }
  }
}

TEST(RequirementsTxtTest, Utf16) {
  std::string le("\xFF\xFE", 2);
  std::string be("\xFE\xFF", 2);
  for (char ch : std::string_view("attrs==20.3.0\r\n")) {
    le += ch;
    le += '\0';
    be += '\0';
    be += ch;
  }
  EXPECT_EQ(Ids(MustParse(&ParseRequirementsTxt, le, "r.txt")),
            std::vector<std::string>{"attrs@20.3.0"});
  EXPECT_EQ(Ids(MustParse(&ParseRequirementsTxt, be, "r.txt")),
            std::vector<std::string>{"attrs@20.3.0"});
}

TEST(RequirementsTxtTest, WarningsAreCapped) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "pkg" + std::to_string(i) + "\n";
  Parsed p = MustParse(&ParseRequirementsTxt, text, "r.txt");
  EXPECT_TRUE(p.packages.empty());
  ASSERT_EQ(p.warnings.size(), 101u);
  EXPECT_EQ(p.warnings.back().message, "400 more warnings not listed");
}

// Every package as "name@version path", sorted.
std::vector<std::string> IdsWithPaths(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& pkg : p.packages) out.push_back(pkg.name + "@" + pkg.version + " " + pkg.path);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RequirementsTxtTest, Includes) {
  struct Case {
    const char* name;
    std::string_view text;  // of app/requirements.txt
    std::map<std::string, std::string> files;
    std::vector<std::string> want;  // IdsWithPaths
    std::vector<std::string> warnings;  // substrings of Warnings(), each must appear
  };
  const Case cases[] = {
      {"relative to the including file",
       "-r base.txt\n--requirement=sub/dev.txt\nflask==2.0\n",
       {{"app/base.txt", "django==4.2\n"}, {"app/sub/dev.txt", "-r ../base.txt\npytest==7.0\n"}},
       {"django@4.2 app/base.txt", "flask@2.0 app/requirements.txt",
        "pytest@7.0 app/sub/dev.txt"},
       {}},
      {"dot-dot and absolute names",
       "-r ./../shared/reqs.txt\n-r /opt/extra.txt\n",
       {{"shared/reqs.txt", "a==1\n"}, {"/opt/extra.txt", "b==2\n"}},
       {"a@1 shared/reqs.txt", "b@2 /opt/extra.txt"},
       {}},
      {"cycles end and repeats are read once",
       "-r a.txt\n-r b.txt\nx==1\n",
       {{"app/a.txt", "-r b.txt\n-r requirements.txt\ny==2\n"},
        {"app/b.txt", "-r a.txt\n-r b.txt\nz==3\nx==1\n"}},
       {"x@1 app/b.txt", "y@2 app/a.txt", "z@3 app/b.txt"},
       {}},
      {"the same pin in two files is one package",
       "-r a.txt\nDjango==1.0\n",
       {{"app/a.txt", "django==1.0\n"}},
       {"django@1.0 app/a.txt"},
       {}},
      {"a constraint pins an unpinned requirement",
       "-c constraints.txt\nrequests>=2\nflask\n",
       {{"app/constraints.txt", "Requests==2.31.0\nnumpy==1.26.0\n"}},
       {"requests@2.31.0 app/constraints.txt"},
       {"app/requirements.txt:3: requirement \"flask\" has no pinned version"}},
      {"constraints found after the requirement still apply",
       "requests\n-c constraints.txt\n",
       {{"app/constraints.txt", "-r more-constraints.txt\n"},
        {"app/more-constraints.txt", "requests==2.0\n"}},
       {"requests@2.0 app/more-constraints.txt"},
       {}},
      {"a constraint alone installs nothing", "-c c.txt\n", {{"app/c.txt", "numpy==1.0\n"}}, {},
       {}},
      {"a pin and a different constraint",
       "-c c.txt\nnumpy==1.0\n",
       {{"app/c.txt", "numpy==2.0\n"}},
       {"numpy@1.0 app/requirements.txt"},
       {"app/requirements.txt:2: requirement \"numpy\" pins \"1.0\" but the constraint at "
        "app/c.txt:1 pins \"2.0\""}},
      {"warnings name the included file and line",
       "-r a.txt\n",
       {{"app/a.txt", "ok==1\n\nbroken @ https://x/y.zip\nunpinned\n"}},
       {"ok@1 app/a.txt"},
       {"app/a.txt:3: requirement \"broken\" is a direct URL reference",
        "app/a.txt:4: requirement \"unpinned\" has no pinned version"}},
      {"a missing include is a warning, the rest stays",
       "requests==1.2.3\n\n-r ./does-not-exist.txt\n-c gone.txt\n",
       {},
       {"requests@1.2.3 app/requirements.txt"},
       {"app/requirements.txt:3: requirements file \"./does-not-exist.txt\" (-r) not found "
        "(app/does-not-exist.txt)",
        "app/requirements.txt:4: constraints file \"gone.txt\" (-c) not found"}},
      {"url includes are not fetched",
       "-r https://example.com/r.txt\n",
       {},
       {},
       {"app/requirements.txt:1: requirements file \"https://example.com/r.txt\" (-r) is a URL"}},
      {"empty include", "-r\n", {}, {}, {"app/requirements.txt:1: -r without a file name"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    internal::FakeSiblings siblings(c.files);
    auto r = ParseRequirementsTxt({c.text, "app/requirements.txt", "", &siblings});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(IdsWithPaths(*r), c.want);
    if (c.warnings.empty()) {
      EXPECT_TRUE(r->warnings.empty()) << Warnings(*r);
    }
    for (const std::string& w : c.warnings) {
      EXPECT_NE(Warnings(*r).find(w), std::string::npos) << w << "\n" << Warnings(*r);
    }
  }
}

TEST(RequirementsTxtTest, IncludesAreBounded) {
  // Every file includes a new one: the chain stops at the depth limit with a warning.
  internal::FakeSiblings deep;
  deep.ServeAnyPath("-r x/r.txt\na==1\n");
  auto r = ParseRequirementsTxt({"-r x/r.txt\n", "r.txt", "", &deep});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(deep.asked().size(), 16u);
  EXPECT_NE(Warnings(*r).find("nested more than 16 includes deep; not followed"),
            std::string::npos)
      << Warnings(*r);

  // Wide: one file including 300 others is cut at 256 files.
  std::string wide;
  for (int i = 0; i < 300; ++i) wide += "-r f" + std::to_string(i) + ".txt\n";
  internal::FakeSiblings many;
  many.ServeAnyPath("a==1\n");
  r = ParseRequirementsTxt({wide, "r.txt", "", &many});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(many.asked().size(), 256u);
  EXPECT_NE(Warnings(*r).find("more than 256 included files"), std::string::npos);
}

TEST(RequirementsTxtTest, IncludesWithoutSiblingsAreWarnings) {
  auto r = ParseRequirementsTxt({"-r other.txt\n-c c.txt\nflask==2.0\n", "r.txt", ""});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Ids(*r), std::vector<std::string>{"flask@2.0"});
  EXPECT_EQ(Warnings(*r),
            "r.txt:1: includes requirements file \"other.txt\" (-r), which is not followed from "
            "here; parse it separately\n");
}

// ---------------------------------------------------------------------------------------------
// poetry.lock

TEST(PoetryLockTest, PackagesAndGroups) {
  constexpr std::string_view kLock = R"([[package]]
name = "numpy"
version = "1.23.3"
category = "main"
optional = true

[[package]]
name = "pytest"
version = "7.0.0"
category = "dev"

[[package]]
name = "six"
version = "1.17.0"
groups = ["main", "dev"]

[[package]]
name = "faker"
version = "33.3.0"
groups = ["dev", "test"]

[package.source]
type = "git"
url = "https://example.com/faker"

[[package]]
name = "noversion"

[metadata]
lock-version = "2.1"
)";
  Parsed p = MustParse(&ParsePoetryLock, kLock, "poetry.lock");
  EXPECT_EQ(Ids(p), (std::vector<std::string>{"faker@33.3.0 dev", "numpy@1.23.3",
                                              "pytest@7.0.0 dev", "six@1.17.0"}));
  EXPECT_EQ(p.packages[0].package_manager, "poetry");
  EXPECT_EQ(Warnings(p), "poetry.lock:26: package \"noversion\" has no version; skipped\n");
}

TEST(PoetryLockTest, Errors) {
  auto r = ParsePoetryLock({"[[package]]\nname = \"a\"\nversion = \n", "sub/poetry.lock", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("sub/poetry.lock:3: not a poetry.lock"), std::string::npos)
      << r.status().ToString();
  r = ParsePoetryLock({"package = 3\n", "poetry.lock", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("poetry.lock:1:"), std::string::npos);
  // Empty files and lockfiles without packages are fine.
  EXPECT_TRUE(MustParse(&ParsePoetryLock, "", "poetry.lock").packages.empty());
  EXPECT_TRUE(MustParse(&ParsePoetryLock, "package = []\n", "poetry.lock").packages.empty());
}

// toml++ 3.3 must not see a table header whose key starts with a character no key starts with, nor
// a "}" inside an array (undefined behaviour there); such input is an error, while the same text
// inside values, strings and comments is not mistaken for either.
TEST(PoetryLockTest, BrokenTableHeadersAreRejectedFirst) {
  for (std::string_view text :
       {std::string_view("[&"), std::string_view("\n\n[{\""), std::string_view("[[[1]]]"),
        std::string_view("[\n"), std::string_view("[[ \t\n"), std::string_view("a = 1\n[ {x]\n"),
        std::string_view("a = [\n 1,\n]\n[[package]]\n[[=\n"), std::string_view("a = [}"),
        std::string_view("a = [1, # c\n }]"), std::string_view("a = [[{}, }]]")}) {
    auto r = ParsePoetryLock({text, "poetry.lock", ""});
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find("poetry.lock:"), std::string::npos);
  }
  auto r = ParsePoetryLock({"a = 1\n\n[&\n", "poetry.lock", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find(
                "poetry.lock:3: not a poetry.lock (TOML) (invalid table header or array)"),
            std::string::npos)
      << r.status().ToString();

  constexpr std::string_view kValid = R"(a = [
  [ {x = 1} ],
  [
  ],  # [&
]
b = """
[&
"""
f = """x\"[&"""""
c = '''
[{'''
d = "[&\"[&"
e = '[&'
[[package]]
name = "x"
version = "1"
)";
  EXPECT_EQ(Ids(MustParse(&ParsePoetryLock, kValid, "poetry.lock")),
            std::vector<std::string>{"x@1"});
}

// Text outside ASCII never reaches toml++ (its character tables are unreliable there); it may
// appear in descriptions and keys, but not in a package name or version.
TEST(PoetryLockTest, NonAsciiText) {
  constexpr std::string_view kLock =
      "\xEF\xBB\xBF[[package]]\nname = \"cafe\"\nversion = \"1.0\"\n"
      "description = \"Caf\xC3\xA9 \xD0\x96 \xE3\x80\x80\"\n"
      "\"\xC5\xBC\" = \"\"\"x\\\n  \xC5\xBC\"\"\"\n\n"
      "[[package]]\nname = \"caf\xC3\xA9\"\nversion = \"2.0\"\n";
  Parsed p = MustParse(&ParsePoetryLock, kLock, "poetry.lock");
  EXPECT_EQ(Ids(p), std::vector<std::string>{"cafe@1.0"});
  EXPECT_NE(Warnings(p).find("poetry.lock:8: package \"caf??\" \"2.0\": name or version with a "
                             "character outside ASCII; skipped"),
            std::string::npos)
      << Warnings(p);
  auto r = ParseUvLock({"a\xC5\xBC = 1\n", "uv.lock", ""});
  EXPECT_FALSE(r.ok());
}

// ---------------------------------------------------------------------------------------------
// Pipfile.lock

TEST(PipfileLockTest, SectionsAndVersions) {
  constexpr std::string_view kLock = R"({
  "_meta": {"pipfile-spec": 6},
  "default": {
    "itsdangerous": {"version": "==2.1.2"},
    "markupsafe": {"version": "==2.1.1"},
    "weird": {"version": "===1.0-x"},
    "mygit": {"git": "https://github.com/a/b", "ref": "abc"},
    "ranged": {"version": ">=1.0"}
  },
  "develop": {
    "markupsafe": {"version": "==2.1.1"},
    "pluggy": {"version": "==1.0.0"},
    "local": {"path": "."}
  },
  "docs": {
    "sphinx": {"version": "==7.0.0"}
  }
})";
  Parsed p = MustParse(&ParsePipfileLock, kLock, "Pipfile.lock");
  EXPECT_EQ(Ids(p),
            (std::vector<std::string>{"itsdangerous@2.1.2", "markupsafe@2.1.1", "pluggy@1.0.0 dev",
                                      "sphinx@7.0.0 dev", "weird@1.0-x"}));
  EXPECT_EQ(p.packages[0].package_manager, "pipenv");
  std::string w = Warnings(p);
  EXPECT_NE(w.find("Pipfile.lock: default.mygit: package \"mygit\" is a git dependency"),
            std::string::npos)
      << w;
  EXPECT_NE(w.find("Pipfile.lock: develop.local: package \"local\" is a path dependency"),
            std::string::npos)
      << w;
  EXPECT_NE(w.find("default.ranged: package \"ranged\" has version \">=1.0\""), std::string::npos)
      << w;
}

TEST(PipfileLockTest, Errors) {
  for (std::string_view text : {std::string_view("not json"), std::string_view("[]"),
                                std::string_view("{\"_meta\": {}}")}) {
    auto r = ParsePipfileLock({text, "proj/Pipfile.lock", ""});
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_NE(r.status().message().find("proj/Pipfile.lock: not a Pipfile.lock"), std::string::npos)
        << r.status().ToString();
  }
  Parsed p = MustParse(&ParsePipfileLock, R"({"default": [], "develop": {"a": 1}})", "P.lock");
  EXPECT_TRUE(p.packages.empty());
  EXPECT_EQ(p.warnings.size(), 2u) << Warnings(p);
}

// ---------------------------------------------------------------------------------------------
// pdm.lock

TEST(PdmLockTest, Groups) {
  constexpr std::string_view kLock = R"([metadata]
groups = ["default", "dev"]

[[package]]
name = "toml"
version = "0.10.2"
groups = ["default"]

[[package]]
name = "pyroute2"
version = "0.7.11"
groups = ["dev"]

[[package]]
name = "both"
version = "1"
groups = ["dev", "default"]

[[package]]
name = "ungrouped"
version = "2"

[[package]]
name = "git-dep"
version = "0.1"
git = "https://example.com/x.git"
groups = ["default"]
)";
  Parsed p = MustParse(&ParsePdmLock, kLock, "pdm.lock");
  EXPECT_EQ(Ids(p), (std::vector<std::string>{"both@1", "git-dep@0.1", "pyroute2@0.7.11 dev",
                                              "toml@0.10.2", "ungrouped@2"}));
  EXPECT_EQ(p.packages[0].package_manager, "pdm");
  EXPECT_TRUE(p.warnings.empty()) << Warnings(p);
  auto r = ParsePdmLock({"this is not valid toml! (I think)", "pdm.lock", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("pdm.lock:1: not a pdm.lock"), std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// uv.lock

TEST(UvLockTest, RootSkippedAndDevReachability) {
  constexpr std::string_view kLock = R"(version = 1

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "httpx" }]

[package.optional-dependencies]
json = [{ name = "orjson" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }, { name = "shared" }]

[[package]]
name = "member"
version = "0.2.0"
source = { editable = "packages/member" }

[[package]]
name = "httpx"
version = "0.28.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "shared" }, { name = "idna", version = "3.10" }]

[[package]]
name = "idna"
version = "3.10"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "idna"
version = "2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "orjson"
version = "3.10.12"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.3.4"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pluggy" }]

[[package]]
name = "pluggy"
version = "1.5.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "pytest" }]

[[package]]
name = "shared"
version = "1.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.8.1"
source = { git = "https://github.com/astral-sh/ruff#84748be" }

[[package]]
name = "dynamic"
source = { directory = "libs/dynamic" }
)";
  Parsed p = MustParse(&ParseUvLock, kLock, "uv.lock");
  EXPECT_EQ(Ids(p), (std::vector<std::string>{"httpx@0.28.1", "idna@2.0", "idna@3.10",
                                              "orjson@3.10.12", "pluggy@1.5.0 dev",
                                              "pytest@8.3.4 dev", "ruff@0.8.1", "shared@1.0"}));
  EXPECT_EQ(p.packages[0].package_manager, "uv");
  EXPECT_EQ(Warnings(p), "uv.lock:63: package \"dynamic\" has no version; skipped\n");
}

TEST(UvLockTest, EmptyAndInvalid) {
  EXPECT_TRUE(MustParse(&ParseUvLock, "", "uv.lock").packages.empty());
  EXPECT_TRUE(MustParse(&ParseUvLock, "version = 1\n", "uv.lock").packages.empty());
  auto r = ParseUvLock({"[[package]\n", "a/uv.lock", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a/uv.lock:1: not a uv.lock"), std::string::npos)
      << r.status().ToString();
}

// ---------------------------------------------------------------------------------------------
// Development flags against the peers' own (conformance corpus): `dev: true` (trivy) or a "dev"
// group (osv-scanner, osv-scalibr); entries only in optional groups are not compared.

TEST(PythonLockfilesTest, DevFlagsAgreeWithPeers) {
  auto dir = testing::ConformanceDir();
  if (!dir) GTEST_SKIP() << "conformance corpus absent";
  const std::pair<const char*, ParseFn> kFiles[] = {{"poetry_lock.jsonl", &ParsePoetryLock},
                                                    {"pipfile_lock.jsonl", &ParsePipfileLock},
                                                    {"pdm_lock.jsonl", &ParsePdmLock},
                                                    {"uv_lock.jsonl", &ParseUvLock}};
  int compared = 0;
  for (const auto& [file, parse] : kFiles) {
    for (const auto& row : testing::ReadJsonLines(*dir / "parsers" / file)) {
      const nlohmann::json& r = row.value;
      auto bytes = base::ReadFile(*dir / "parsers" / r.value("fixture", ""));
      if (!bytes.ok()) continue;
      auto parsed = parse({*bytes, "lock", ""});
      if (!parsed.ok()) continue;
      for (const auto& e : r.value("expected", nlohmann::json::array())) {
        bool want = e.value("dev", false);
        if (auto g = e.find("groups"); g != e.end() && g->is_array()) {
          if (std::find(g->begin(), g->end(), "optional") != g->end()) continue;
          want = want || std::find(g->begin(), g->end(), "dev") != g->end();
        }
        for (const auto& pkg : parsed->packages) {
          if (pkg.name != e.value("name", "") || pkg.version != e.value("version", "")) continue;
          EXPECT_EQ(pkg.dev, want) << file << ":" << row.line << " " << pkg.name;
          ++compared;
        }
      }
    }
  }
  EXPECT_GT(compared, 50);
}

}  // namespace
}  // namespace assay::inventory
