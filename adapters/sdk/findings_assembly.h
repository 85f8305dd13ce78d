// The rules every adapter applies once it has a weapon and its custody records, so that a
// chain reads the same whichever registry it came from. Thread-safety: pure functions.
#pragma once

#include <string_view>

#include "adapters/sdk/registry_adapter.h"

namespace tracenet::adapters {

// The role names of CustodyEntry::role.
bool IsCustodyRole(std::string_view role);
// True for the roles a complete chain ends with (retail purchaser, government stock, last
// known legal holder).
bool IsEndOfChainRole(std::string_view role);
// Fills each party's missing date_out with the next party's date_in.
void FillDatesOut(Findings& findings);
// Refuses findings an adapter should never produce (unknown custody roles), saying which.
Status CheckFindings(const Findings& findings);
// For a weapon the registry knows: fills each party's missing date_out with the next party's
// date_in, and sets the outcome (found when the chain ends with an end-of-chain role, partial
// otherwise, with a comment saying what is missing).
void CompleteFindings(Findings& findings);

}  // namespace tracenet::adapters
