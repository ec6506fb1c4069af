// SPDX-License-Identifier: Apache-2.0
// Copyright The assay Authors
//
// Status and Result<T>: the one error idiom of assay's libraries. Functions that can fail return
// a Status (no value) or a Result<T> (a value or a Status). Exceptions thrown by third-party
// libraries are caught at the module edge and turned into a Status; none crosses a public API.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace assay::base {

enum class Code {
  kOk = 0,
  kNotFound,         // a named thing does not exist
  kInvalidArgument,  // the caller's input does not parse or is out of range
  kCorruption,       // stored or fetched data is malformed
  kIOError,          // the OS refused a read or write
  kNotSupported,     // valid input this build cannot handle
  kUnavailable,      // a remote service did not answer (retryable)
  kAborted,          // the operation was interrupted or cancelled
  kInternal,         // a bug in assay
};

std::string_view CodeName(Code code);

// A cheap value type: OK carries no allocation. Thread-compatible.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status Corruption(std::string m) { return {Code::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {Code::kIOError, std::move(m)}; }
  static Status NotSupported(std::string m) { return {Code::kNotSupported, std::move(m)}; }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Aborted(std::string m) { return {Code::kAborted, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "invalid argument: <message>", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a T or a non-OK Status; shaped like std::expected.
template <typename T>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Status>, "Result<Status> is not useful");

 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    assert(!std::get<1>(v_).ok() && "Result built from an OK status has no value");
  }
  template <typename U>
    requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, T> &&
             !std::is_same_v<std::remove_cvref_t<U>, Status>)
  Result(U&& u) : v_(std::in_place_index<0>, T(std::forward<U>(u))) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // The error; OK when there is a value.
  Status status() const { return ok() ? Status() : std::get<1>(v_); }

  T& value() & {
    assert(ok() && "value() of a failed Result");
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok() && "value() of a failed Result");
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok() && "value() of a failed Result");
    return std::get<0>(std::move(v_));
  }
  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace assay::base

#define ASSAY_CONCAT_INNER_(a, b) a##b
#define ASSAY_CONCAT_(a, b) ASSAY_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define ASSAY_RETURN_IF_ERROR(expr)                  \
  do {                                               \
    ::assay::base::Status assay_status_ = (expr);    \
    if (!assay_status_.ok()) return assay_status_;   \
  } while (0)

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define ASSAY_ASSIGN_OR_RETURN(lhs, expr) \
  ASSAY_ASSIGN_OR_RETURN_IMPL_(ASSAY_CONCAT_(assay_result_, __LINE__), lhs, expr)
#define ASSAY_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return tmp.status();                \
  lhs = std::move(tmp).value()
