// Errors as values: every path that outside bytes reach returns a Result instead of throwing.
// Thread-safety: plain value types.
#pragma once

#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tracenet {

// Error kinds shared by every subsystem. The first block maps one to one onto the wire
// protocol's ErrorCode (schema/envelope.fbs); the rest are local to a node.
enum class Errc {
  kMalformed = 1,
  kOversized = 2,
  kUnsupportedVersion = 3,
  kBadSignature = 4,
  kUnknownSender = 5,
  kWrongRecipient = 6,
  kSenderMismatch = 7,
  kExpired = 8,
  kNotYetValid = 9,
  kUnknownRecipientKey = 10,
  kDecryptFailed = 11,
  kInvalidPayload = 12,
  kBackpressure = 13,
  kInternal = 14,
  kDuplicate = 15,
  kNotPermitted = 16,  // the sender's role may not send this kind, or not about this case
  kQuotaExceeded = 17,  // one member's share of a hub is full: that message waits, nothing else
  // Local only.
  kNotFound = 100,
  kInvalidArgument = 101,
  kIo = 102,
  kPermission = 103,
  kConfig = 104,
  kTimeout = 105,
  kUnavailable = 106,
  kConflict = 107,  // the request does not fit the current state (e.g. a case already answered)
  kUnauthenticated = 108,
  kForbidden = 109,  // authenticated, but the user's role does not allow it
};

std::string_view ErrcName(Errc code);

struct Error {
  Errc code;
  std::string message;  // a sentence a person can act on
};

inline Error MakeError(Errc code, std::string message) { return Error{code, std::move(message)}; }

// Holds either a value or an Error. Accessing the wrong alternative is a programming error and
// aborts loudly.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_state(std::move(value)) {}
  Result(Error error) : m_state(std::move(error)) {}

  bool ok() const { return m_state.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return Check(), std::get<0>(m_state); }
  const T& value() const& { return Check(), std::get<0>(m_state); }
  T&& value() && { return Check(), std::get<0>(std::move(m_state)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    if (ok()) std::abort();
    return std::get<1>(m_state);
  }

 private:
  void Check() const {
    if (!ok()) std::abort();
  }
  std::variant<T, Error> m_state;
};

// Result without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : m_error(std::move(error)), m_ok(false) {}
  static Status Ok() { return Status(); }
  bool ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const Error& error() const {
    if (m_ok) std::abort();
    return m_error;
  }

 private:
  Error m_error{Errc::kInternal, {}};
  bool m_ok = true;
};

}  // namespace tracenet
