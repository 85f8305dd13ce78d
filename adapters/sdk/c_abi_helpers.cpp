// The C ABI's helpers: the normalisers the built-in adapters use, and settings access.
#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

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

extern "C" size_t tracenet_settings_string(const char* settings_json, const char* key, char* out, size_t out_size) {
  if (!settings_json || !key) return static_cast<size_t>(-1);
  nlohmann::json settings = nlohmann::json::parse(settings_json, nullptr, false);
  if (settings.is_discarded() || !settings.is_object()) return static_cast<size_t>(-1);
  auto it = settings.find(key);
  if (it == settings.end() || !it->is_string()) return static_cast<size_t>(-1);
  return CopyOut(it->get<std::string>(), out, out_size);
}
