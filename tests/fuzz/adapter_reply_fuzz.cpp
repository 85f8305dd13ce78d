// Fuzz target for what an adapter program sends the node (JSON lines): every reply decoder,
// and the adapter host's query decoder. Must never crash, hang or accept an invalid chain.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/process/json_lines_protocol.h"
#include "adapters/sdk/findings_assembly.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tracenet::adapters;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto message = protocol::ParseMessage(line);
  if (!message) return 0;
  (void)protocol::ReadHelloReply(*message);
  (void)protocol::ReadHealthReply(*message, 1);
  if (auto findings = protocol::ReadLookupReply(*message, 1)) {
    if (!CheckFindings(*findings)) __builtin_trap();  // the decoder let an unknown role through
  }
  if (message->contains("query")) (void)protocol::QueryFromJson((*message)["query"]);
  return 0;
}
