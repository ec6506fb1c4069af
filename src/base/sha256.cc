// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include "base/sha256.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace assay::base {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  failed_ = ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1;
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256::Sha256(Sha256&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), failed_(other.failed_), finished_(other.finished_) {
  other.failed_ = true;
}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  if (this != &other) {
    EVP_MD_CTX_free(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
    failed_ = other.failed_;
    finished_ = other.finished_;
    other.failed_ = true;
  }
  return *this;
}

void Sha256::Update(std::string_view data) {
  if (failed_ || finished_ || data.empty()) return;
  if (EVP_DigestUpdate(ctx_, data.data(), data.size()) != 1) failed_ = true;
}

Result<std::string> Sha256::HexDigest() {
  if (finished_) return Status::Internal("sha256: digest already taken");
  finished_ = true;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (failed_ || EVP_DigestFinal_ex(ctx_, md, &len) != 1 || len != 32) {
    return Status::Internal("sha256: libcrypto failure");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(64, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 0xf];
  }
  return out;
}

Result<std::string> Sha256Hex(std::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.HexDigest();
}

Result<std::string> Sha256FileHex(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path.string() + ": no such file");
    return Status::IOError("open " + path.string() + ": " + std::strerror(errno));
  }
  Sha256 h;
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Status::IOError("read " + path.string() + ": " + std::strerror(errno));
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    h.Update(std::string_view(buf, static_cast<size_t>(n)));
  }
  ::close(fd);
  return h.HexDigest();
}

}  // namespace assay::base
