// The C ABI's normalisers: the same functions the built-in adapters use.
#include <algorithm>
#include <cstring>

#include "adapters/sdk/normalise.h"
#include "adapters/sdk/tracenet_adapter.h"

namespace {
size_t CopyOut(const std::string& value, char* out, size_t out_size) {
  if (out && out_size > 0) {
    size_t n = std::min(value.size(), out_size - 1);
    std::memcpy(out, value.data(), n);
    out[n] = '\0';
  }
  return value.size();
}
}  // namespace

extern "C" size_t tracenet_normalise_serial(const char* serial, char* out, size_t out_size) {
  return CopyOut(tracenet::adapters::NormaliseSerial(serial ? serial : ""), out, out_size);
}

extern "C" size_t tracenet_normalise_make(const char* make, char* out, size_t out_size) {
  return CopyOut(tracenet::adapters::NormaliseMake(make ? make : ""), out, out_size);
}
