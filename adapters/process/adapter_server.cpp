#include "adapters/process/adapter_server.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "adapters/process/json_lines_protocol.h"

namespace tracenet::adapters {

namespace {

using nlohmann::json;

class LineIo {
 public:
  LineIo(int in_fd, int out_fd) : m_in(in_fd), m_out(out_fd) {}

  // False at the end of input or on a line over the protocol's limit.
  bool Read(std::string& line) {
    for (;;) {
      if (size_t nl = m_buffer.find('\n'); nl != std::string::npos) {
        line = m_buffer.substr(0, nl);
        m_buffer.erase(0, nl + 1);
        return true;
      }
      if (m_buffer.size() > protocol::kMaxLineBytes) return false;
      char chunk[65536];
      ssize_t n = read(m_in, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      m_buffer.append(chunk, static_cast<size_t>(n));
    }
  }

  bool Write(const json& message) {
    std::string text = protocol::Dump(message) + "\n";
    size_t done = 0;
    while (done < text.size()) {
      ssize_t n = write(m_out, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  int m_in;
  int m_out;
  std::string m_buffer;
};

uint64_t IdOf(const json& m) { return m.contains("id") && m["id"].is_number_unsigned() ? m["id"].get<uint64_t>() : 0; }

}  // namespace

int ServeAdapter(int in_fd, int out_fd, const AdapterFromHello& make_adapter) {
  LineIo io(in_fd, out_fd);
  std::string line;
  if (!io.Read(line)) return 1;
  auto hello = protocol::ParseMessage(line);
  if (!hello || (*hello)["type"] != "hello") {
    io.Write({{"type", "error"}, {"message", "the first line must be a hello"}});
    return 1;
  }
  const json& versions = (*hello)["versions"];
  bool speaks = versions.is_array() && std::find(versions.begin(), versions.end(), json(protocol::kVersion)) != versions.end();
  if (!speaks) {
    io.Write({{"type", "error"}, {"message", "this adapter host speaks protocol version " + std::to_string(protocol::kVersion)}});
    return 1;
  }
  auto adapter = make_adapter(hello->contains("settings") ? (*hello)["settings"] : json::object());
  if (!adapter) {
    io.Write({{"type", "error"}, {"message", adapter.error().message}});
    return 1;
  }
  io.Write({{"type", "hello"}, {"version", protocol::kVersion}, {"name", (*adapter)->name()}});
  while (io.Read(line)) {
    auto message = protocol::ParseMessage(line);
    if (!message) {
      io.Write(protocol::ErrorToJson(0, message.error()));
      continue;
    }
    uint64_t id = IdOf(*message);
    json reply;
    if ((*message)["type"] == "lookup") {
      auto query = protocol::QueryFromJson(message->contains("query") ? (*message)["query"] : json());
      auto findings = query ? (*adapter)->Lookup(*query) : Result<Findings>(query.error());
      reply = findings ? protocol::FindingsToJson(*findings) : protocol::ErrorToJson(id, findings.error());
    } else if ((*message)["type"] == "health") {
      Status s = (*adapter)->Health();
      reply = {{"type", "health"}, {"ok", s.ok()}, {"message", s.ok() ? std::string() : s.error().message}};
    } else {
      reply = protocol::ErrorToJson(id, MakeError(Errc::kMalformed, "unknown request type"));
    }
    reply["id"] = id;
    if (!io.Write(reply)) return 1;
  }
  return 0;
}

}  // namespace tracenet::adapters
