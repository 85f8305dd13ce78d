// What a photo attached to a trace request may be: one of three image formats, whose first bytes
// must match the declared type (a browser or viewer that sniffs content must not be handed a
// script labelled as an image), within a size and count limit. The same rules apply when a
// request is submitted and when one arrives from a peer. Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "node/common/bytes.h"
#include "node/common/result.h"

namespace tracenet::protocol {

inline constexpr size_t kMaxPhotos = 6;
inline constexpr size_t kMaxPhotoBytes = 512 * 1024;
inline constexpr size_t kMaxPhotoCaption = 256;

// True for image/jpeg, image/png and image/webp.
bool IsAllowedPhotoType(std::string_view media_type);
// Checks one photo; the message names the photo by `which` ("photos[1]").
Status CheckPhoto(const std::string& which, std::string_view media_type, std::string_view caption, ByteView data);

}  // namespace tracenet::protocol
