// Photos in trace requests: the same rules whether an officer submits one or a peer sends one.
#include "node/protocol/photo_rules.h"

#include <gtest/gtest.h>

#include "node/protocol/payload_check.h"

namespace tracenet::protocol {
namespace {

const Bytes kPng = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
const Bytes kJpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16};

TEST(PhotoRulesTest, TypeMustMatchTheImagesFirstBytes) {
  EXPECT_TRUE(CheckPhoto("photos[0]", "image/png", "", kPng));
  EXPECT_TRUE(CheckPhoto("photos[0]", "image/jpeg", "", kJpeg));
  Bytes webp = {'R', 'I', 'F', 'F', 1, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', ' '};
  EXPECT_TRUE(CheckPhoto("photos[0]", "image/webp", "", webp));
  auto disguised = CheckPhoto("photos[2]", "image/png", "", kJpeg);
  ASSERT_FALSE(disguised);
  EXPECT_NE(disguised.error().message.find("photos[2] is not a image/png"), std::string::npos);
  Bytes html(AsBytes("<script>alert(1)</script>").begin(), AsBytes("<script>alert(1)</script>").end());
  EXPECT_FALSE(CheckPhoto("photos[0]", "image/jpeg", "", html));
  EXPECT_FALSE(CheckPhoto("photos[0]", "text/html", "", html));
  EXPECT_FALSE(CheckPhoto("photos[0]", "image/svg+xml", "", html));  // SVG can carry script
  EXPECT_FALSE(CheckPhoto("photos[0]", "image/png", "", Bytes()));
}

TEST(PhotoRulesTest, SizeAndCaptionAreBounded) {
  Bytes big = kPng;
  big.resize(kMaxPhotoBytes);
  EXPECT_TRUE(CheckPhoto("photos[0]", "image/png", "", big));
  big.push_back(0);
  auto refused = CheckPhoto("photos[0]", "image/png", "", big);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kOversized);
  EXPECT_FALSE(CheckPhoto("photos[0]", "image/png", std::string(kMaxPhotoCaption + 1, 'c'), kPng));
}

Bytes RequestWithPhotos(size_t count, const Bytes& data, const std::string& type) {
  wire::TraceRequestT request;
  request.priority = wire::Priority::Routine;
  request.grounds = wire::IllicitGrounds::NationalLaw;
  request.weapon = std::make_unique<wire::WeaponT>();
  request.weapon->serial = "ABC123";
  request.weapon->manufacturer = "Glock";
  request.weapon->type = wire::WeaponType::Pistol;
  for (size_t i = 0; i < count; ++i) {
    auto photo = std::make_unique<wire::PhotoT>();
    photo->media_type = type;
    photo->data = data;
    request.photos.push_back(std::move(photo));
  }
  flatbuffers::FlatBufferBuilder b;
  b.Finish(wire::TraceRequest::Pack(b, &request));
  return Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
}

// A peer's node may not follow the rules the API enforces: a received request is checked too.
TEST(PhotoRulesTest, AReceivedRequestWithABadPhotoIsRefused) {
  EXPECT_TRUE(CheckPayload(wire::MessageKind::TraceRequest, RequestWithPhotos(kMaxPhotos, kPng, "image/png")));
  auto too_many = CheckPayload(wire::MessageKind::TraceRequest, RequestWithPhotos(kMaxPhotos + 1, kPng, "image/png"));
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, Errc::kInvalidPayload);
  auto disguised = CheckPayload(wire::MessageKind::TraceRequest, RequestWithPhotos(1, kPng, "image/jpeg"));
  ASSERT_FALSE(disguised);
  EXPECT_NE(disguised.error().message.find("photos[0]"), std::string::npos);
}

}  // namespace
}  // namespace tracenet::protocol
