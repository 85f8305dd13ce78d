#include "node/protocol/photo_rules.h"

#include <cstring>

namespace tracenet::protocol {

namespace {

bool StartsWith(ByteView data, const char* magic, size_t n, size_t offset = 0) {
  return data.size() >= offset + n && std::memcmp(data.data() + offset, magic, n) == 0;
}

bool ContentMatches(std::string_view media_type, ByteView data) {
  if (media_type == "image/jpeg") return StartsWith(data, "\xFF\xD8\xFF", 3);
  if (media_type == "image/png") return StartsWith(data, "\x89PNG\r\n\x1A\n", 8);
  if (media_type == "image/webp") return StartsWith(data, "RIFF", 4) && StartsWith(data, "WEBP", 4, 8);
  return false;
}

}  // namespace

bool IsAllowedPhotoType(std::string_view media_type) {
  return media_type == "image/jpeg" || media_type == "image/png" || media_type == "image/webp";
}

Status CheckPhoto(const std::string& which, std::string_view media_type, std::string_view caption, ByteView data) {
  if (!IsAllowedPhotoType(media_type))
    return MakeError(Errc::kInvalidArgument, which + ".media_type must be image/jpeg, image/png or image/webp");
  if (data.empty()) return MakeError(Errc::kInvalidArgument, which + " has no image data");
  if (data.size() > kMaxPhotoBytes)
    return MakeError(Errc::kOversized, which + " is " + std::to_string(data.size()) + " bytes; at most " +
                                           std::to_string(kMaxPhotoBytes) + " bytes per photo (resize or recompress it)");
  if (!ContentMatches(media_type, data))
    return MakeError(Errc::kInvalidArgument, which + " is not a " + std::string(media_type) + " image (its first bytes do not match)");
  if (caption.size() > kMaxPhotoCaption)
    return MakeError(Errc::kInvalidArgument, which + ".caption is longer than " + std::to_string(kMaxPhotoCaption) + " characters");
  return Status::Ok();
}

}  // namespace tracenet::protocol
