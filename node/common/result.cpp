#include "node/common/result.h"

namespace tracenet {

std::string_view ErrcName(Errc code) {
  switch (code) {
    case Errc::kMalformed: return "malformed";
    case Errc::kOversized: return "oversized";
    case Errc::kUnsupportedVersion: return "unsupported_version";
    case Errc::kBadSignature: return "bad_signature";
    case Errc::kUnknownSender: return "unknown_sender";
    case Errc::kWrongRecipient: return "wrong_recipient";
    case Errc::kSenderMismatch: return "sender_mismatch";
    case Errc::kExpired: return "expired";
    case Errc::kNotYetValid: return "not_yet_valid";
    case Errc::kUnknownRecipientKey: return "unknown_recipient_key";
    case Errc::kDecryptFailed: return "decrypt_failed";
    case Errc::kInvalidPayload: return "invalid_payload";
    case Errc::kBackpressure: return "backpressure";
    case Errc::kInternal: return "internal";
    case Errc::kDuplicate: return "duplicate";
    case Errc::kNotPermitted: return "not_permitted";
    case Errc::kQuotaExceeded: return "quota_exceeded";
    case Errc::kNotFound: return "not_found";
    case Errc::kInvalidArgument: return "invalid_argument";
    case Errc::kIo: return "io";
    case Errc::kPermission: return "permission";
    case Errc::kConfig: return "config";
    case Errc::kTimeout: return "timeout";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kConflict: return "conflict";
    case Errc::kUnauthenticated: return "unauthenticated";
    case Errc::kForbidden: return "forbidden";
  }
  return "unknown";
}

}  // namespace tracenet
