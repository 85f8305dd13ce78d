// The review rules on their own: what a responder's decision makes of the registry's draft,
// and which decisions are refused for lack of a draft, an ITI reason or a custody link.
#include "node/trace/review.h"

#include <gtest/gtest.h>

namespace tracenet::trace {
namespace {

wire::TraceResponseT Draft(size_t links) {
  wire::TraceResponseT d;
  d.outcome = wire::TraceOutcome::Found;
  d.manufacturer = "Glock";
  d.model = "19";
  d.comments = "from the registry";
  for (size_t i = 0; i < links; ++i) {
    auto l = std::make_unique<wire::CustodyLinkT>();
    l->name = "holder " + std::to_string(i);
    d.custody_chain.push_back(std::move(l));
  }
  return d;
}

TEST(ReviewTest, ApproveSendsTheDraftAsItIs) {
  auto r = ApplyReview(Draft(3), {ReviewAction::kApprove});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, wire::TraceOutcome::Found);
  EXPECT_EQ(r->custody_chain.size(), 3u);
  EXPECT_EQ(r->comments, "from the registry");
  EXPECT_FALSE(ApplyReview(std::nullopt, {ReviewAction::kApprove}));  // nothing to approve
}

TEST(ReviewTest, ARestrictionOrRefusalNeedsAnItiReason) {
  ReviewDecision restrict{ReviewAction::kRestrict};
  auto no_reason = ApplyReview(Draft(2), restrict);
  ASSERT_FALSE(no_reason);
  EXPECT_NE(no_reason.error().message.find("ongoing_investigation"), std::string::npos);
  restrict.reason = wire::OutcomeReason::TooOld;  // a failure category, not a reason to limit an answer
  EXPECT_FALSE(ApplyReview(Draft(2), restrict));
  restrict.reason = wire::OutcomeReason::Other;
  EXPECT_FALSE(ApplyReview(Draft(2), restrict));  // other needs a detail
  restrict.reason_detail = "court order 2026/114";
  restrict.withhold_custody = true;
  restrict.use_restrictions = "not for release to the press";
  auto r = ApplyReview(Draft(2), restrict);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, wire::TraceOutcome::Restricted);
  EXPECT_TRUE(r->custody_chain.empty());
  EXPECT_EQ(r->reason_detail, "court order 2026/114");
  EXPECT_EQ(r->use_restrictions, "not for release to the press");

  ReviewDecision refuse{ReviewAction::kRefuse, wire::OutcomeReason::RequesterCannotGuaranteeConfidentiality};
  auto refused = ApplyReview(std::nullopt, refuse);  // no draft needed to refuse
  ASSERT_TRUE(refused) << refused.error().message;
  EXPECT_EQ(refused->outcome, wire::TraceOutcome::Refused);
  auto refused_draft = ApplyReview(Draft(4), refuse);
  ASSERT_TRUE(refused_draft);
  EXPECT_TRUE(refused_draft->custody_chain.empty());  // nothing of the draft leaks into a refusal
  EXPECT_TRUE(refused_draft->manufacturer.empty());
}

TEST(ReviewTest, APartialAnswerKeepsTheNamedLinksInOrder) {
  ReviewDecision partial{ReviewAction::kPartial};
  EXPECT_FALSE(ApplyReview(Draft(4), partial));  // which links?
  partial.keep_custody = {2, 0};
  auto r = ApplyReview(Draft(4), partial);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->outcome, wire::TraceOutcome::Partial);
  ASSERT_EQ(r->custody_chain.size(), 2u);
  EXPECT_EQ(r->custody_chain[0]->name, "holder 0");
  EXPECT_EQ(r->custody_chain[1]->name, "holder 2");
  partial.keep_custody = {4};
  auto beyond = ApplyReview(Draft(4), partial);
  ASSERT_FALSE(beyond);
  EXPECT_NE(beyond.error().message.find("there is no link 4"), std::string::npos);
}

}  // namespace
}  // namespace tracenet::trace
