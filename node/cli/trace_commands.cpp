#include <cstdio>

#include "node/api/api_client.h"
#include "node/cli/commands.h"

#include "node/common/json_text.h"

namespace tracenet::cli {

namespace {
Result<api::ApiClient> ClientFor(const std::string& config_path) {
  auto config = config::LoadNodeConfig(config_path);
  if (!config) return config.error();
  return api::ApiClient::FromConfig(*config);
}

int Fail(const char* what, const Error& e) {
  std::fprintf(stderr, "tracenet %s: %s\n", what, e.message.c_str());
  return e.code == Errc::kInvalidArgument || e.code == Errc::kConfig ? 2 : 1;
}
}  // namespace

int TraceSubmit(const SubmitOptions& options) {
  auto client = ClientFor(options.config);
  if (!client) return Fail("trace submit", client.error());
  Json body = options.request;
  body["recipient"] = options.recipient;
  auto result = client->Post("/v1/traces", body);
  if (!result) return Fail("trace submit", result.error());
  std::printf("%s\n", (*result)["case_id"].get<std::string>().c_str());
  return 0;
}

int TraceShow(const std::string& config, const std::string& case_id, bool json) {
  auto client = ClientFor(config);
  if (!client) return Fail("trace show", client.error());
  auto result = client->Get("/v1/traces/" + case_id);
  if (!result) return Fail("trace show", result.error());
  std::fputs(json ? (result->dump(2) + "\n").c_str() : RenderCase(*result).c_str(), stdout);
  return 0;
}

int TraceList(const std::string& config, bool overdue, bool json) {
  auto client = ClientFor(config);
  if (!client) return Fail("trace list", client.error());
  auto result = client->Get(std::string("/v1/traces") + (overdue ? "?overdue=true" : ""));
  if (!result) return Fail("trace list", result.error());
  if (json) {
    std::printf("%s\n", result->dump(2).c_str());
    return 0;
  }
  std::printf("%-32s  %-8s  %-10s  %-14s  %-10s  %-20s  %s\n", "CASE", "DIR", "PEER", "STATE", "OUTCOME", "DUE", "SERIAL");
  for (const Json& c : (*result)["cases"])
    std::printf("%-32s  %-8s  %-10s  %-14s  %-10s  %-20s  %s%s\n", c["case_id"].get<std::string>().c_str(),
                c["direction"].get<std::string>().c_str(), c["peer"].get<std::string>().c_str(),
                c["state"].get<std::string>().c_str(), c["outcome"].get<std::string>().c_str(),
                c["due_at"].get<std::string>().c_str(),
                c.contains("weapon") ? c["weapon"]["serial"].get<std::string>().c_str() : "",
                c["overdue"].get<bool>() ? "  OVERDUE" : "");
  return 0;
}

int DeadLetterList(const std::string& config, bool json) {
  auto client = ClientFor(config);
  if (!client) return Fail("outbox dead-letters", client.error());
  auto result = client->Get("/v1/dead-letters");
  if (!result) return Fail("outbox dead-letters", result.error());
  if (json) {
    std::printf("%s\n", result->dump(2).c_str());
    return 0;
  }
  std::printf("%-32s  %-10s  %-26s  %-20s  %s\n", "MESSAGE", "TO", "KIND", "DEAD SINCE", "REASON");
  for (const Json& d : (*result)["dead_letters"])
    std::printf("%-32s  %-10s  %-26s  %-20s  %s\n", d["message_id"].get<std::string>().c_str(),
                d["recipient"].get<std::string>().c_str(), d["kind"].get<std::string>().c_str(),
                d["dead_at"].get<std::string>().c_str(), d["reason"].get<std::string>().c_str());
  return 0;
}

int QuarantineList(const std::string& config, bool json) {
  auto client = ClientFor(config);
  if (!client) return Fail("quarantine list", client.error());
  auto result = client->Get("/v1/quarantine");
  if (!result) return Fail("quarantine list", result.error());
  if (json) {
    std::printf("%s\n", DumpJson(*result, 2).c_str());
    return 0;
  }
  std::printf("%-6s  %-20s  %-12s  %-12s  %-18s  %s\n", "SEQ", "AT", "LINK", "SENDER", "KIND", "REASON");
  for (const Json& q : (*result)["quarantine"])
    std::printf("%-6s  %-20s  %-12s  %-12s  %-18s  %s\n", DumpJson(q["seq"]).c_str(), q["at"].get<std::string>().c_str(),
                q["link_peer"].get<std::string>().c_str(), q["sender"].get<std::string>().c_str(),
                q["kind"].get<std::string>().c_str(), q["reason"].get<std::string>().c_str());
  return 0;
}

int QuarantineShow(const std::string& config, const std::string& seq) {
  auto client = ClientFor(config);
  if (!client) return Fail("quarantine show", client.error());
  auto result = client->Get("/v1/quarantine/" + seq);
  if (!result) return Fail("quarantine show", result.error());
  std::printf("%s\n", DumpJson(*result, 2).c_str());
  return 0;
}

int DeadLetterResend(const std::string& config, const std::string& message_id) {
  auto client = ClientFor(config);
  if (!client) return Fail("outbox resend", client.error());
  auto result = client->Post("/v1/dead-letters/" + message_id + "/resend", Json::object());
  if (!result) return Fail("outbox resend", result.error());
  std::printf("Message %s is back in the outbox with a new expiry.\n", message_id.c_str());
  return 0;
}

}  // namespace tracenet::cli
