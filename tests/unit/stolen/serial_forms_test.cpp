#include "node/stolen/serial_forms.h"

#include <gtest/gtest.h>

#include "node/stolen/reference_tables.h"

namespace tracenet::stolen {
namespace {

TEST(SerialFormsTest, NormalisesAsNcicDoes) {
  auto f = SerialFormsOf(" ab-12 o4/5 ");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->normalised, "AB12O45");
  EXPECT_EQ(f->ncic, "AB12045");
  EXPECT_TRUE(f->o_read_as_zero);
  auto between = SerialFormsOf("369J257");
  EXPECT_EQ(between->ncic, "369257");
  EXPECT_EQ(between->letters_between_digits, "J");
  auto kept = SerialFormsOf("XK369257B");  // leading and trailing letters stay
  EXPECT_EQ(kept->ncic, "XK369257B");
  auto confusable = SerialFormsOf("AB1S2B");
  EXPECT_EQ(confusable->skeleton, "A81528");  // folded before the letters between digits go
  EXPECT_EQ(SerialFormsOf("BER371036")->skeleton, "8ER371036");  // leading letters stay leading
  auto fullwidth = SerialFormsOf("\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\x91");  // "ＡＢ１" (NFKC)
  EXPECT_EQ(fullwidth->normalised, "AB1");
  auto wildcard = SerialFormsOf("ab?12*", true);
  EXPECT_EQ(wildcard->normalised, "AB?12*");
  EXPECT_EQ(SerialFormsOf("ab?12*")->normalised, "AB12");  // a record never carries wildcards
}

TEST(SerialFormsTest, RefusesWhatIsNotASerial) {
  EXPECT_EQ(SerialFormsOf("\xff\xfe" "12").error().code, Errc::kInvalidArgument);  // not UTF-8
  EXPECT_FALSE(SerialFormsOf(" -/ "));
  EXPECT_FALSE(SerialFormsOf("??*", true));
  EXPECT_FALSE(SerialFormsOf(std::string(65, '7')));
  EXPECT_TRUE(SerialFormsOf(std::string(64, '7')));
}

TEST(ReferenceTablesTest, TheShippedTablesLoadWithTheirVersions) {
  auto shipped = ReferenceTables::LoadShipped();
  ASSERT_TRUE(shipped) << shipped.error().message;
  const ReferenceTables& t = ReferenceTables::Shipped();
  EXPECT_EQ(t.makes_version(), "2026.1");
  EXPECT_EQ(t.calibres_version(), "2026.1");
  EXPECT_EQ(t.CanonicalMake("s&w"), "Smith & Wesson");
  EXPECT_EQ(t.CanonicalMake("Fabrique Nationale"), "FN Herstal");
  EXPECT_EQ(t.CanonicalMake("Acme Blasters"), "");
  EXPECT_EQ(t.CompareCalibres("9mm Parabellum", "9 mm Luger"), CalibreRelation::kSame);
  EXPECT_EQ(t.CompareCalibres(".223 Remington", "5.56x45mm NATO"), CalibreRelation::kNear);
  EXPECT_EQ(t.CompareCalibres("9mm", ".45 ACP"), CalibreRelation::kDifferent);
  EXPECT_EQ(t.CompareCalibres("9mm", "unheard-of"), CalibreRelation::kUnknown);
}

TEST(ReferenceTablesTest, ABrokenTableIsRefusedWithTheLine) {
  auto both = ReferenceTables::FromCsv("# version: 1\ncanonical,alias\nA,X\nB,X\n", "# version: 1\nclass,name,relation\n");
  ASSERT_FALSE(both);
  EXPECT_NE(both.error().message.find("line 4"), std::string::npos) << both.error().message;
  auto relation = ReferenceTables::FromCsv("# version: 1\ncanonical,alias\n", "# version: 1\nclass,name,relation\nA,a,maybe\n");
  ASSERT_FALSE(relation);
  EXPECT_NE(relation.error().message.find("same or near"), std::string::npos);
  EXPECT_FALSE(ReferenceTables::FromCsv("canonical,alias\n", "# version: 1\nclass,name,relation\n"));  // no version
}

}  // namespace
}  // namespace tracenet::stolen
