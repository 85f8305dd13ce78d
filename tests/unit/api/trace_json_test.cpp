#include "node/api/trace_json.h"

#include <gtest/gtest.h>

#include "node/trace/lifecycle.h"

namespace tracenet::api {
namespace {

trace::CaseRecord CaseDueAt(uint64_t due_at_ms, std::string_view state) {
  trace::CaseRecord r;
  r.case_id = Bytes(16, 3);
  r.direction = trace::local::CaseDirection::Outgoing;
  r.peer = "USA-ATF";
  r.state = std::string(state);
  r.due_at_ms = due_at_ms;
  r.priority = "Urgent";
  r.weapon_type = "SubmachineGun";
  return r;
}

TEST(TraceJsonTest, CaseIsOverdueOnlyPastItsDeadlineAndWhileUnanswered) {
  EXPECT_TRUE(CaseToJson(CaseDueAt(1000, trace::state::kAcknowledged), 2000)["overdue"]);
  EXPECT_FALSE(CaseToJson(CaseDueAt(3000, trace::state::kAcknowledged), 2000)["overdue"]);
  EXPECT_FALSE(CaseToJson(CaseDueAt(1000, trace::state::kAnswered), 2000)["overdue"]);
  Json j = CaseToJson(CaseDueAt(1000, trace::state::kSent), 2000);
  EXPECT_EQ(j["priority"], "urgent");
  EXPECT_EQ(j["weapon"]["type"], "submachine_gun");
}

TEST(TraceJsonTest, RequestFieldsAreParsedAndProblemsNamed) {
  Json ok = {{"priority", "urgent"}, {"urgency_justification", "armed suspect at large"},
             {"grounds", "un_security_council_embargo"},
             {"weapon", {{"serial", "ABC123"}, {"manufacturer", "Glock"}, {"type", "pistol"}, {"year", 2015}}}};
  auto r = TraceRequestFromJson(ok);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->priority, trace::wire::Priority::Urgent);
  EXPECT_EQ(r->grounds, trace::wire::IllicitGrounds::UnSecurityCouncilEmbargo);
  EXPECT_EQ(r->weapon->year, 2015);

  Json bad = ok;
  bad["weapon"]["year"] = 1066;
  EXPECT_NE(TraceRequestFromJson(bad).error().message.find("weapon.year"), std::string::npos);
  bad = ok;
  bad.erase("urgency_justification");
  EXPECT_NE(TraceRequestFromJson(bad).error().message.find("urgency_justification"), std::string::npos);
  bad = ok;
  bad["grounds"] = "because";
  EXPECT_NE(TraceRequestFromJson(bad).error().message.find("grounds must be one of"), std::string::npos);
  bad = ok;
  bad["weapon"].erase("serial");
  EXPECT_NE(TraceRequestFromJson(bad).error().message.find("weapon.serial is required"), std::string::npos);
  bad["weapon"]["serial_obliterated"] = true;  // an obliterated serial may be absent
  EXPECT_TRUE(TraceRequestFromJson(bad));
  EXPECT_FALSE(TraceRequestFromJson(Json::array()));
}


TEST(TraceJsonTest, PhotosAreDecodedCheckedAndListedWithoutTheirBytes) {
  // A 1x1 PNG, base64.
  const std::string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
  Json body = {{"priority", "routine"}, {"grounds", "national_law"},
               {"weapon", {{"serial", "ABC123"}, {"manufacturer", "Glock"}, {"type", "pistol"}}},
               {"photos", {{{"media_type", "image/png"}, {"caption", "left side"}, {"data_base64", png}}}}};
  auto r = TraceRequestFromJson(body);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->photos.size(), 1u);
  EXPECT_EQ(r->photos[0]->data.size(), 70u);
  EXPECT_EQ(r->photos[0]->data[1], 'P');

  flatbuffers::FlatBufferBuilder b;
  b.Finish(trace::wire::TraceRequest::Pack(b, &*r));
  Json shown = RequestToJson(Bytes(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize()));
  EXPECT_EQ(shown["photos"], Json::parse(R"([{"index":0,"media_type":"image/png","caption":"left side","bytes":70}])"));
  EXPECT_EQ(shown.dump().find(png.substr(0, 20)), std::string::npos);  // the image itself is fetched on its own

  auto with = [&](Json photo) { Json b2 = body; b2["photos"] = Json::array({photo}); return TraceRequestFromJson(b2); };
  auto not_base64 = with({{"media_type", "image/png"}, {"data_base64", "%%%"}});
  ASSERT_FALSE(not_base64);
  EXPECT_NE(not_base64.error().message.find("photos[0].data_base64 is not base64"), std::string::npos);
  auto missing = with({{"media_type", "image/png"}});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("data_base64"), std::string::npos);
  auto huge = with({{"media_type", "image/png"}, {"data_base64", std::string(800 * 1024, 'A')}});
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().code, Errc::kOversized);
  Json seven = body;
  seven["photos"] = Json::array();
  for (int i = 0; i < 7; ++i) seven["photos"].push_back(body["photos"][0]);
  auto too_many = TraceRequestFromJson(seven);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, Errc::kOversized);
}

}  // namespace
}  // namespace tracenet::api
