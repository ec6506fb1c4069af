// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// SHA-256 through OpenSSL's libcrypto (EVP), incrementally or over a whole file. Used to
// fingerprint downloaded and mirrored files so an unchanged input is recognised.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/status.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header.

namespace assay::base {

// An incremental SHA-256. Not thread-safe: one instance per thread of work. Movable, not
// copyable. After HexDigest() the instance is finished and must not be updated again.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);

  // 64 lowercase hex digits. Internal when libcrypto failed (allocation failure) or when
  // called twice.
  Result<std::string> HexDigest();

 private:
  evp_md_ctx_st* ctx_ = nullptr;
  bool failed_ = false;
  bool finished_ = false;
};

// SHA-256 of `data` as 64 lowercase hex digits.
Result<std::string> Sha256Hex(std::string_view data);

// SHA-256 of a file's bytes, read in chunks (the file is never held in memory).
// NotFound when it does not exist, IOError when it cannot be read.
Result<std::string> Sha256FileHex(const std::filesystem::path& path);

}  // namespace assay::base
