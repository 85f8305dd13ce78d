#include "adapters/sdk/findings_assembly.h"

#include <array>

namespace tracenet::adapters {

bool IsCustodyRole(std::string_view role) {
  static constexpr std::array<std::string_view, 9> kRoles{
      "manufacturer", "exporter", "importer", "distributor", "dealer", "government_stock",
      "first_retail_purchaser", "last_known_legal_holder", "other"};
  for (std::string_view r : kRoles)
    if (r == role) return true;
  return false;
}

bool IsEndOfChainRole(std::string_view role) {
  return role == "first_retail_purchaser" || role == "government_stock" || role == "last_known_legal_holder";
}

void FillDatesOut(Findings& f) {
  // A party held the weapon from its date in until the next party's date in.
  for (size_t i = 0; i + 1 < f.chain.size(); ++i)
    if (f.chain[i].date_out.empty()) f.chain[i].date_out = f.chain[i + 1].date_in;
}

Status CheckFindings(const Findings& f) {
  for (size_t i = 0; i < f.chain.size(); ++i)
    if (!IsCustodyRole(f.chain[i].role))
      return MakeError(Errc::kMalformed, "custody record " + std::to_string(i + 1) + " has role \"" +
                                             f.chain[i].role.substr(0, 40) + "\", which is not a custody role");
  return Status::Ok();
}

void CompleteFindings(Findings& f) {
  FillDatesOut(f);
  bool complete = !f.chain.empty() && IsEndOfChainRole(f.chain.back().role);
  f.outcome = complete ? FindingOutcome::kFound : FindingOutcome::kPartial;
  if (!complete && f.comments.empty())
    f.comments = f.chain.empty() ? "weapon is registered but no custody records were found"
                                 : "records end with the " + f.chain.back().role + "; later transfers are not recorded";
}

}  // namespace tracenet::adapters
