#pragma once
// Expected failures are values: Result<T> holds either a T or an Error with a kind and a stable code.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace kt {

/// How the caller should react to an error.
enum class ErrorKind {
  kRetryable,  ///< transient (network, busy storage): trying again later may succeed
  kRejected,   ///< a rule or the input said no; retrying the same thing will not help
  kNotFound,   ///< the thing asked for does not exist
  kFatal,      ///< configuration or environment is broken; stop
};

/// An expected failure: kind, a short stable code (e.g. "E-LIMIT") and a human sentence.
struct Error {
  ErrorKind kind = ErrorKind::kFatal;
  std::string code;
  std::string message;
  std::chrono::milliseconds retry_after{0};

  bool retryable() const { return kind == ErrorKind::kRetryable; }
};

inline Error rejected(std::string code, std::string message) {
  return Error{ErrorKind::kRejected, std::move(code), std::move(message), {}};
}
inline Error not_found(std::string code, std::string message) {
  return Error{ErrorKind::kNotFound, std::move(code), std::move(message), {}};
}
inline Error retryable(std::string code, std::string message,
                       std::chrono::milliseconds retry_after = std::chrono::milliseconds{0}) {
  return Error{ErrorKind::kRetryable, std::move(code), std::move(message), retry_after};
}
inline Error fatal(std::string code, std::string message) {
  return Error{ErrorKind::kFatal, std::move(code), std::move(message), {}};
}

/// Either a value or an Error. A small stand-in for std::expected (which clang-14, used for the
/// fuzzers, cannot compile from libstdc++ 12).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

inline Result<void> ok_result() { return {}; }

}  // namespace kt

/// Propagates an error: `KT_TRY(auto x, expr);` declares x from expr's value or returns its error.
#define KT_CONCAT_INNER(a, b) a##b
#define KT_CONCAT(a, b) KT_CONCAT_INNER(a, b)
#define KT_TRY(decl, expr)                                                                        \
  auto KT_CONCAT(kt_try_, __LINE__) = (expr);                                                     \
  if (!KT_CONCAT(kt_try_, __LINE__).ok()) return std::move(KT_CONCAT(kt_try_, __LINE__)).error(); \
  decl = std::move(KT_CONCAT(kt_try_, __LINE__)).value()
/// Propagates the error of a Result<void>.
#define KT_TRY_VOID(expr)                                           \
  do {                                                              \
    auto kt_try_void_ = (expr);                                     \
    if (!kt_try_void_.ok()) return std::move(kt_try_void_).error(); \
  } while (0)
