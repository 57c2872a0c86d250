#pragma once
// Result<T>: a value or a core::Error (std::expected arrives only with C++23). Callers must look:
// `if (!r) return r.error();` then `*r`. Dereferencing an error is a bug and aborts.
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "huifang/core/error.h"

namespace huifang::core {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like expected
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  // A result whose value converts to T, e.g. a domain decision returned where a handler's change
  // (the decision plus read-model updates) is expected.
  template <typename U>
    requires(!std::is_same_v<U, T> && std::is_constructible_v<T, U &&>)
  Result(Result<U>&& other)  // NOLINT: implicit like the value's own conversion
      : v_(other ? std::variant<T, Error>(std::in_place_index<0>, T(std::move(*other)))
                 : std::variant<T, Error>(std::in_place_index<1>, std::move(other).error())) {}

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& operator*() & { return checked(); }
  const T& operator*() const& { return const_cast<Result*>(this)->checked(); }
  T&& operator*() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->checked(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  T& checked() {
    if (!ok()) std::abort();
    return std::get<0>(v_);
  }
  std::variant<T, Error> v_;
};

// For operations with nothing to return.
struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() { return Ok{}; }

}  // namespace huifang::core
