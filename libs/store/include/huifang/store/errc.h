#pragma once
// Failures of the Redis event store, mapped onto canonical conditions (see core/error.h).
#include <string>
#include <system_error>

#include "huifang/core/error.h"

namespace huifang::store {

enum class errc {
  ok = 0,
  version_conflict,   // another writer appended first: reload, decide again, retry
  duplicate_message,  // the inbox already holds this message: its effects are stored, skip it
  unavailable,        // Redis unreachable, timed out or loading: retry later
  bad_reply,          // Redis answered something the store did not expect (a bug or corrupt data)
  auth_failed,        // the ACL user/password was rejected
};
const std::error_category& category() noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }
// Redis answered something unexpected; `what` names the command and what came back.
inline core::Error bad_reply(std::string what) { return core::make_error(make_error_code(errc::bad_reply), std::move(what)); }

}  // namespace huifang::store

template <>
struct std::is_error_code_enum<huifang::store::errc> : std::true_type {};
