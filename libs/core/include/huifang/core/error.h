#pragma once
// Errors are values. Each library owns an `errc` enum wired into std::error_code; every category
// maps its codes onto one of the canonical `core::condition`s below, which is all the gRPC edge
// needs to pick a status. A new errc therefore cannot reach a client as a vague INTERNAL by
// accident: its category must say what kind of failure it is.
#include <chrono>
#include <string>
#include <system_error>

namespace huifang::core {

// The kinds of failure a caller can act on differently (mirrors gRPC's canonical codes we emit).
enum class condition {
  ok = 0,
  invalid_argument,     // the request is wrong; `Error::field` names the field
  not_found,            // an id the caller named does not exist
  already_exists,       // create of something that exists (or idempotency key reused with new content)
  failed_precondition,  // the rule forbids this in the current state
  permission_denied,    // caller known, not allowed
  unauthenticated,      // caller unknown
  aborted,              // concurrency conflict: retry the whole read-decide-write
  unavailable,          // Redis/Kafka down or timing out: retry later
  deadline_exceeded,    // the caller's deadline passed
  internal,             // a bug or corrupt data
  resource_exhausted,   // the caller is over its rate: retry after Error::retry_after
};
const std::error_category& condition_category() noexcept;
inline std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

// Generic codes for code that has no library of its own (config, validation in handlers).
enum class errc {
  ok = 0,
  invalid_argument,
  not_found,
  already_exists,
  failed_precondition,
  permission_denied,
  unauthenticated,
  aborted,
  unavailable,
  deadline_exceeded,
  internal,
  resource_exhausted,
};
const std::error_category& category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

// An error with a message a person can act on, and for invalid input the offending field.
struct Error {
  std::error_code code;
  std::string message;
  std::string field;
  std::chrono::milliseconds retry_after{0};  // when a retry may succeed (resource_exhausted)

  // The canonical kind, via the code's category (unknown categories are internal).
  condition kind() const noexcept;
  std::string to_string() const;
};

inline Error make_error(std::error_code code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field), {}};
}
inline Error invalid_argument(std::string field, std::string message) {
  return Error{make_error_code(errc::invalid_argument), std::move(message), std::move(field), {}};
}

}  // namespace huifang::core

template <>
struct std::is_error_condition_enum<huifang::core::condition> : std::true_type {};
template <>
struct std::is_error_code_enum<huifang::core::errc> : std::true_type {};
