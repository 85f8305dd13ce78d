#include "node/api/json_limits.h"

#include <nlohmann/json.hpp>

namespace tracenet::api {

namespace {

// Counts nesting only; every value is dropped as it is read. Returning false stops the parse.
class DepthCounter final : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit DepthCounter(size_t max_depth) : m_max(max_depth) {}
  bool too_deep() const { return m_too_deep; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Enter(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t) override { return Enter(); }
  bool end_array() override { return Leave(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  bool Enter() {
    if (++m_depth <= m_max) return true;
    m_too_deep = true;
    return false;
  }
  bool Leave() {
    --m_depth;
    return true;
  }
  size_t m_max;
  size_t m_depth = 0;
  bool m_too_deep = false;
};

}  // namespace

bool JsonDepthWithin(std::string_view body, size_t max_depth) {
  if (body.empty()) return true;
  DepthCounter counter(max_depth);
  (void)nlohmann::json::sax_parse(body, &counter, nlohmann::json::input_format_t::json, false);
  return !counter.too_deep();
}

}  // namespace tracenet::api
