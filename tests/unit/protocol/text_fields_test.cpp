// Every string of a payload, at any depth and in vectors, is checked where it enters: a valid
// signature proves who sent a message, not that its text is text.
#include "node/protocol/text_fields.h"

#include <gtest/gtest.h>

#include "node/common/text.h"
#include "node/protocol/payload_check.h"

namespace tracenet::protocol {
namespace {

wire::TraceRequestT ValidRequest() {
  wire::TraceRequestT request;
  request.priority = wire::Priority::Routine;
  request.grounds = wire::IllicitGrounds::NationalLaw;
  request.weapon = std::make_unique<wire::WeaponT>();
  request.weapon->serial = "ABC123";
  request.weapon->manufacturer = "Heckler & Koch — Oberndorf";  // non-ASCII is fine
  request.weapon->type = wire::WeaponType::Pistol;
  request.special_instructions = "line one\nline two\ttabbed";
  return request;
}

Status Check(const wire::TraceRequestT& request) {
  return CheckPayload(wire::MessageKind::TraceRequest, PackPayload<wire::TraceRequest>(request));
}

TEST(TextFieldsTest, ValidTextAnywhereInARequestPasses) {
  wire::TraceRequestT request = ValidRequest();
  request.weapon->other_markings = {"proof mark ✓", "assembly 12"};
  Status s = Check(request);
  EXPECT_TRUE(s) << s.error().message;
}

TEST(TextFieldsTest, InvalidUtf8InANestedFieldIsRefusedNamingIt) {
  wire::TraceRequestT request = ValidRequest();
  request.weapon->model = std::string("G1\xff\xfe", 4);
  Status s = Check(request);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::kInvalidPayload);
  EXPECT_NE(s.error().message.find("weapon.model is not valid UTF-8"), std::string::npos) << s.error().message;
}

TEST(TextFieldsTest, InvalidUtf8InAVectorOfStringsOrOfTablesIsRefused) {
  wire::TraceRequestT request = ValidRequest();
  request.weapon->other_markings = {"fine", std::string("\xc0\xaf", 2)};  // an overlong '/'
  Status s = Check(request);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("weapon.other_markings[1]"), std::string::npos) << s.error().message;

  wire::TraceAcknowledgementT ack;
  ack.request_message_id = Bytes(16, 1);
  ack.validation = wire::Validation::Incomplete;
  ack.missing_fields = {"serial", std::string("\xed\xa0\x80", 3)};  // a UTF-16 surrogate
  wire::TraceAcknowledgementBatchT batch;
  batch.acknowledgements.push_back(std::make_unique<wire::TraceAcknowledgementT>(std::move(ack)));
  s = CheckPayload(wire::MessageKind::TraceAcknowledgementBatch, PackPayload<wire::TraceAcknowledgementBatch>(batch));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("acknowledgements[0].missing_fields[1]"), std::string::npos) << s.error().message;
}

TEST(TextFieldsTest, ControlCharactersAndOverlongTextAreRefused) {
  wire::TraceRequestT request = ValidRequest();
  request.intended_use = std::string("criminal\0investigation", 22);
  Status s = Check(request);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("intended_use contains a control character"), std::string::npos) << s.error().message;

  request = ValidRequest();
  request.special_instructions = "\x1b[2J";  // a terminal escape
  EXPECT_FALSE(Check(request));

  request = ValidRequest();
  request.special_instructions = std::string(kMaxTextFieldBytes + 1, 'x');
  s = Check(request);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("special_instructions is 65537 bytes long"), std::string::npos) << s.error().message;
}

TEST(TextFieldsTest, ReplacementKeepsValidTextAndMarksTheRest) {
  EXPECT_TRUE(CheckText("Ciudad de México", "place", 64));
  EXPECT_FALSE(CheckText(std::string("\xf5\x80\x80\x80", 4), "place", 64));  // beyond U+10FFFF
  EXPECT_EQ(ValidUtf8Or(std::string("ok\xff!", 4)), "ok\xEF\xBF\xBD!");
}

}  // namespace
}  // namespace tracenet::protocol
