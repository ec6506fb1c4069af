// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Ruby: Gemfile.lock and installed gemspecs. Bytes in, packages out
// (see parser.h): each function is pure and thread-safe and never opens a file. Every package
// carries ecosystem, name, version, purl (internal::LanguagePurl), path = input.path,
// package_manager, and dev = true when the file marks it development-only.
#pragma once

#include <string_view>

#include "base/status.h"
#include "inventory/parser.h"

namespace assay::inventory {

// Gemfile.lock: the gems under `specs:` in the GEM, GIT, PATH and PLUGIN SOURCE sections
// ("    name (version[-platform])"; the platform suffix is dropped). Bundler itself is not listed.
inline constexpr std::string_view kGemfileLockType = "gemfile-lock";
inline constexpr int kGemfileLockParserVersion = 1;
base::Result<Parsed> ParseGemfileLock(const ParseInput& input);

// an installed `specifications/*.gemspec` (`s.name`, `s.version` assigned string literals, on the
// `Gem::Specification.new do |s|` block variable). Fails when either is missing: one gemspec is
// one package.
inline constexpr std::string_view kGemspecType = "gemspec";
inline constexpr int kGemspecParserVersion = 1;
base::Result<Parsed> ParseGemspec(const ParseInput& input);

}  // namespace assay::inventory
