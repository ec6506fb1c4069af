// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
#include <algorithm>
#include <cstring>
#include <memory>

#include "advisories/internal/feed_internal.h"

namespace assay::advisories::internal {

CsvReader::CsvReader(ReadFn read, std::size_t buffer_size)
    : read_(std::move(read)), buf_(std::max<std::size_t>(buffer_size, 1)) {}

CsvReader CsvReader::FromString(std::string_view text) {
  auto offset = std::make_shared<std::size_t>(0);
  return CsvReader([text, offset](char* buf, std::size_t cap) -> base::Result<std::size_t> {
    std::size_t n = std::min(cap, text.size() - *offset);
    if (n > 0) std::memcpy(buf, text.data() + *offset, n);
    *offset += n;
    return n;
  });
}

int CsvReader::Peek() {
  if (pos_ < len_) return static_cast<unsigned char>(buf_[pos_]);
  if (eof_) return error_.ok() ? -1 : -2;
  auto n = read_(buf_.data(), buf_.size());
  if (!n.ok()) {
    error_ = n.status();
    eof_ = true;
    return -2;
  }
  if (*n == 0) {
    eof_ = true;
    return -1;
  }
  pos_ = 0;
  len_ = std::min(*n, buf_.size());
  return static_cast<unsigned char>(buf_[pos_]);
}

int CsvReader::Get() {
  int c = Peek();
  if (c >= 0) {
    ++pos_;
    if (c == '\n') ++line_;
  }
  return c;
}

base::Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  fields->clear();
  // Skip empty lines (LF or CRLF alone).
  while (true) {
    int c = Peek();
    if (c == -2) return error_;
    if (c == -1) return false;
    if (c == '\n') {
      Get();
    } else if (c == '\r') {
      Get();
      if (Peek() == '\n') Get();
    } else {
      break;
    }
  }
  record_line_ = line_;
  std::string field;
  auto too_long = [this] {
    return base::Status::Corruption("CSV field over " + std::to_string(kMaxFieldBytes) +
                                    " bytes in the record starting at line " +
                                    std::to_string(record_line_));
  };
  while (true) {
    // At the start of a field.
    field.clear();
    int c = Peek();
    if (c == '"') {
      Get();
      while (true) {
        c = Get();
        if (c == -2) return error_;
        if (c == -1) {
          return base::Status::Corruption("CSV quoted field not closed (record starting at line " +
                                          std::to_string(record_line_) + ")");
        }
        if (c == '"') {
          if (Peek() == '"') {
            Get();
            field.push_back('"');
            continue;
          }
          break;
        }
        if (field.size() >= kMaxFieldBytes) return too_long();
        field.push_back(static_cast<char>(c));
      }
    }
    // Unquoted part (the whole field, or what follows a closing quote).
    while (true) {
      c = Peek();
      if (c == -2) return error_;
      if (c == -1 || c == ',' || c == '\n' || c == '\r') break;
      Get();
      if (field.size() >= kMaxFieldBytes) return too_long();
      field.push_back(static_cast<char>(c));
    }
    fields->push_back(std::move(field));
    if (c == ',') {
      Get();
      continue;
    }
    if (c == '\r') {
      Get();
      if (Peek() == '\n') Get();
    } else if (c == '\n') {
      Get();
    }
    return true;
  }
}

}  // namespace assay::advisories::internal
