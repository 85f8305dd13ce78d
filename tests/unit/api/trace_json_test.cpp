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

}  // namespace
}  // namespace tracenet::api
