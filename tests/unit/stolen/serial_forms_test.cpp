#include "node/stolen/serial_forms.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

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
  EXPECT_EQ(t.makes_version(), "2026.2");
  EXPECT_EQ(t.calibres_version(), "2026.2");
  EXPECT_EQ(t.CanonicalMake("s&w"), "Smith & Wesson");
  EXPECT_EQ(t.CanonicalMake("Fabrique Nationale"), "FN Herstal");
  EXPECT_EQ(t.CanonicalMake("Acme Blasters"), "");
  EXPECT_EQ(t.CompareCalibres("9mm Parabellum", "9 mm Luger"), CalibreRelation::kSame);
  EXPECT_EQ(t.CompareCalibres(".223 Remington", "5.56x45mm NATO"), CalibreRelation::kNear);
  EXPECT_EQ(t.CompareCalibres("9mm", ".45 ACP"), CalibreRelation::kDifferent);
  EXPECT_EQ(t.CompareCalibres("9mm", "unheard-of"), CalibreRelation::kUnknown);
}

// The forms officers and registries write every day, each with the make or cartridge it means.
TEST(ReferenceTablesTest, TheFormsOfficersWriteResolve) {
  const ReferenceTables& t = ReferenceTables::Shipped();
  const std::vector<std::pair<const char*, const char*>> makes = {
      {"Glock Inc", "Glock"}, {"Glock Ges.m.b.H.", "Glock"}, {"GLOCK INC.", "Glock"}, {"Beretta USA", "Beretta"},
      {"Beretta U.S.A. Corp", "Beretta"}, {"Colts Mfg", "Colt"}, {"Colts Mfg Co", "Colt"},
      {"Colt's Manufacturing Company LLC", "Colt"}, {"Sturm, Ruger & Co., Inc.", "Sturm Ruger"},
      {"Smith & Wesson Corp", "Smith & Wesson"}, {"Smith & Wesson Inc", "Smith & Wesson"}, {"FN America", "FN Herstal"},
      {"FN Herstal SA", "FN Herstal"}, {"Heckler & Koch GmbH", "Heckler & Koch"}, {"Heckler & Koch Inc", "Heckler & Koch"},
      {"SIG Sauer Inc", "SIG Sauer"}, {"Sig Sauer GmbH", "SIG Sauer"}, {"Taurus International Mfg", "Taurus"},
      {"Taurus Armas S.A.", "Taurus"}, {"Kel-Tec CNC Industries", "Kel-Tec"}, {"Hi-Point Firearms", "Hi-Point"},
      {"Walther Arms Inc", "Walther"}, {"Remington Arms Co", "Remington"}, {"O.F. Mossberg & Sons Inc", "Mossberg"},
      {"Browning Arms Company", "Browning"}, {"Springfield Armory Inc", "Springfield Armory"}, {"Bersa SA", "Bersa"},
      {"Ceska zbrojovka a.s.", "Ceska Zbrojovka"}, {"Zastava Arms USA", "Zastava"}, {"Norinco Group", "Norinco"},
      {"Kalashnikov Concern JSC", "Kalashnikov Concern"}, {"Israel Weapon Industries Ltd", "Israel Military Industries"},
      {"Century International Arms Inc", "Century Arms"}, {"Canik USA", "Canik"}, {"Savage Arms Inc", "Savage Arms"},
      {"Marlin Firearms Co", "Marlin"}, {"Rock Island Armory", "Armscor"}, {"Desert Eagle", "Magnum Research"}};
  for (const auto& [form, make] : makes) EXPECT_EQ(t.CanonicalMake(form), make) << form;
  const std::vector<std::pair<const char*, const char*>> calibres = {
      {".22", ".22 LR"},          {".38", ".38 Special"},      {".45", ".45 ACP"},        {".357", ".357 Magnum"},
      {".380", ".380 ACP"},       {"7.62x25", "7.62x25mm Tokarev"}, {"7.62mm Soviet", "7.62x39mm"},
      {"5.45x39mm", "5.45x39mm"}, {"5.7x28mm", "5.7x28mm"},    {"9mm", "9x19mm"},         {"9 mm Luger", "9x19mm"},
      {".40 S&W", ".40 S&W"},     {"12 ga", "12 gauge"},       {".223 Rem", "5.56x45mm NATO"}, {"7.62x39", "7.62x39mm"},
      {"7.65mm", ".32 ACP"},      {"6.35mm", ".25 ACP"},       {".44 Mag", ".44 Magnum"}, {".30-06", ".30-06 Springfield"},
      {".50 BMG", ".50 BMG"},     {"20 gauge", "20 gauge"},    {"7.62x54R", "7.62x54mmR"}};
  for (const auto& [form, cls] : calibres) EXPECT_EQ(t.CalibreClass(form), cls) << form;
  // Corporate words are dropped only after the name: a first word is never taken away.
  EXPECT_EQ(t.CanonicalMake("Arms Inc"), "");
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
