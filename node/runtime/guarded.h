// Runs one item's work inside the node loop's batch so that whatever it throws becomes an error
// value: one hostile or broken message, command or registry answer must refuse itself, never
// stop the loop or the batch it shares with everyone else's. Thread-safety: free function.
#pragma once

#include <exception>
#include <string>

#include "node/common/result.h"

namespace tracenet::runtime {

// `threw` says whether the error came from an exception rather than from `fn`'s own refusal.
template <typename Fn>
Status Guarded(Fn&& fn, bool& threw) {
  threw = false;
  try {
    return fn();
  } catch (const std::exception& e) {
    threw = true;
    return MakeError(Errc::kInternal, std::string("unexpected failure: ") + e.what());
  } catch (...) {
    threw = true;
    return MakeError(Errc::kInternal, "unexpected failure of an unknown kind");
  }
}

}  // namespace tracenet::runtime
