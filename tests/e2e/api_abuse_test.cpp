// A local caller trying the API's edges: a foreign Host (DNS rebinding), a foreign Origin, JSON
// nested to exhaust memory, an oversized body on a route that takes small ones, a user named like
// the node itself, a flood of header lines, and hundreds of clients too slow to finish their
// headers. Each is refused with a clear error (or outlasted) and the node keeps serving others.
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "federation_fixture.h"
#include "node/common/file_util.h"

namespace tracenet::e2e {
namespace {

// A raw TCP connection to the API, for what no well-behaved HTTP client sends.
class RawConnection {
 public:
  explicit RawConnection(int port) : m_fd(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    timeval timeout{5, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RawConnection() { ::close(m_fd); }
  bool connected() const { return m_connected; }
  // False once the server has closed (or reset) the connection.
  bool Send(const std::string& bytes) { return ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()); }
  // What the server sent until it closed or went quiet for 5 s.
  std::string ReadAll() {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::recv(m_fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
    return out;
  }

 private:
  int m_fd;
  bool m_connected = false;
};

// The node process's resident memory, in MiB.
double ResidentMiB(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

class ApiAbuseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f = std::make_unique<Federation>(std::vector<demo::NodeSpec>{{"MEX-FGR", "MEX", ""}});
    f->Start("MEX-FGR");
    std::ifstream(f->layout("MEX-FGR").dir + "/data/api.port") >> port;
    ASSERT_GT(port, 0);
    auto token = ReadFileBytes(f->layout("MEX-FGR").dir + "/data/api.token");
    ASSERT_TRUE(token);
    std::string t(AsString(*token));
    while (!t.empty() && t.back() == '\n') t.pop_back();
    auth = {{"Authorization", "Bearer " + t}};
  }
  httplib::Result Post(const std::string& path, const std::string& body, httplib::Headers extra = {}) {
    httplib::Client c("127.0.0.1", port);
    httplib::Headers h = auth;
    h.insert(extra.begin(), extra.end());
    return c.Post(path.c_str(), h, body, "application/json");
  }
  std::unique_ptr<Federation> f;
  int port = 0;
  httplib::Headers auth;
};

TEST_F(ApiAbuseTest, AForeignHostOrOriginIsRefused) {
  httplib::Client c("127.0.0.1", port);
  httplib::Headers rebinding = auth;
  rebinding.emplace("Host", "attacker.example:8401");
  auto rebound = c.Get("/v1/status", rebinding);
  ASSERT_TRUE(rebound);
  EXPECT_EQ(rebound->status, 421) << rebound->body;
  EXPECT_NE(rebound->body.find("wrong_host"), std::string::npos);
  auto console = c.Get("/console/", {{"Host", "attacker.example"}});
  ASSERT_TRUE(console);
  EXPECT_EQ(console->status, 421);  // the console too: a rebinding page gets nothing
  auto cross = Post("/v1/users", R"({"name":"x1","role":"auditor"})", {{"Origin", "http://attacker.example"}});
  ASSERT_TRUE(cross);
  EXPECT_EQ(cross->status, 403) << cross->body;
  EXPECT_NE(cross->body.find("cross_origin"), std::string::npos);
  auto own = c.Get("/healthz", {{"Host", "localhost:" + std::to_string(port)}});
  ASSERT_TRUE(own);
  EXPECT_EQ(own->status, 200);
}

TEST_F(ApiAbuseTest, DeepOrOversizedBodiesAreRefusedBeforeTheyAreBuilt) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto r = Post("/v1/users", deep);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_NE(r->body.find("too_deep"), std::string::npos) << r->body;
  r = Post("/v1/traces", deep);  // a photo route: large bodies allowed, deep ones still not
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  // The largest body that route takes, nested all the way: refused without building anything.
  const double idle = ResidentMiB(f->Pid("MEX-FGR"));
  std::string deepest = std::string(4 << 20, '[') + std::string((4 << 20) - 64, ']');
  for (int i = 0; i < 3; ++i) {
    r = Post("/v1/traces", deepest);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  const double after = ResidentMiB(f->Pid("MEX-FGR"));
  std::printf("API nested JSON (8 MiB, 3 times): node RSS %.1f MiB idle, %.1f MiB after (+%.1f)\n", idle, after, after - idle);
  EXPECT_LT(after - idle, 64.0);
  std::string big = R"({"name":"x2","role":"auditor","pad":")" + std::string(2 << 20, 'a') + "\"}";
  r = Post("/v1/users", big);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413) << r->body.substr(0, 200);
  // Nothing was created, and the node still serves.
  auto users = f->Api("MEX-FGR").Get("/v1/users");
  ASSERT_TRUE(users) << users.error().message;
  EXPECT_EQ(users->dump().find("x2"), std::string::npos);
  EXPECT_TRUE(f->Api("MEX-FGR").Get("/v1/status"));
}

TEST_F(ApiAbuseTest, AUserCannotBeNamedLikeTheNodeItself) {
  for (const char* name : {"operator", "Node", "SYSTEM"}) {
    auto r = f->Api("MEX-FGR").Post("/v1/users", {{"name", name}, {"role", "admin"}});
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    EXPECT_NE(r.error().message.find("reserved"), std::string::npos) << r.error().message;
  }
  auto member = f->Api("MEX-FGR").Post("/v1/users", {{"name", "mex-fgr"}, {"role", "admin"}});
  ASSERT_FALSE(member);
  EXPECT_NE(member.error().message.find("is a member id"), std::string::npos) << member.error().message;
  EXPECT_TRUE(f->Api("MEX-FGR").Post("/v1/users", {{"name", "operator2"}, {"role", "auditor"}}));
}

TEST_F(ApiAbuseTest, AHeaderFloodIsCutOffAtTheHeaderLimit) {
  const pid_t node = f->Pid("MEX-FGR");
  const double idle = ResidentMiB(node);
  const std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (int attempt = 0; attempt < 3; ++attempt) {  // three floods of up to 20 MiB of header lines each
    RawConnection c(port);
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.Send("GET /v1/status HTTP/1.1\r\n" + host));
    const std::string line = "X-Flood: " + std::string(200, 'f') + "\r\n";
    std::string chunk;
    for (int i = 0; i < 256; ++i) chunk += line;
    size_t sent = 0;
    while (sent < (size_t{20} << 20) && c.Send(chunk)) sent += chunk.size();
    EXPECT_LT(sent, size_t{20} << 20) << "the server kept reading header lines";
    std::string answer = c.ReadAll();
    if (!answer.empty()) EXPECT_EQ(answer.rfind("HTTP/1.1 431", 0), 0u) << answer.substr(0, 200);
  }
  const double after = ResidentMiB(node);
  std::printf("API header flood: node RSS %.1f MiB idle, %.1f MiB after three floods (+%.1f)\n", idle, after, after - idle);
  EXPECT_LT(after - idle, 64.0) << "memory grew with header lines the server should have refused";
  auto healthz = httplib::Client("127.0.0.1", port).Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
}

TEST_F(ApiAbuseTest, TwoHundredSlowClientsDoNotKeepOthersOut) {
  const std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < 200; ++i) {
    slow.push_back(std::make_unique<RawConnection>(port));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->Send("GET /v1/status HTTP/1.1\r\n" + host + "X-Slow: "));
  }
  // For 4 s the slow clients each send one more byte every 200 ms (never finishing their
  // headers), while another client asks /healthz and /v1/status and must be answered each time.
  std::vector<double> latencies_ms;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  while (std::chrono::steady_clock::now() < until) {
    for (auto& c : slow) (void)c->Send("s");
    auto start = std::chrono::steady_clock::now();
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(5, 0);
    auto healthz = client.Get("/healthz");
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    ASSERT_TRUE(healthz) << "/healthz unreachable with 200 slow clients connected";
    EXPECT_EQ(healthz->status, 200);
    auto status = client.Get("/v1/status", auth);
    ASSERT_TRUE(status);
    EXPECT_EQ(status->status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::printf("/healthz with 200 slow clients connected: %zu calls, median %.2f ms, max %.2f ms\n", latencies_ms.size(),
              latencies_ms[latencies_ms.size() / 2], latencies_ms.back());
}

TEST_F(ApiAbuseTest, AVeryLongPathIsRefusedBeforeAnyRouteIsTried) {
  // Matching a route's pattern costs stack per character: a path of many kilobytes is refused
  // by its length alone, without a token, and the node stays up.
  for (size_t length : {2000u, 30000u}) {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Get(("/v1/stolen/records/" + std::string(length, 'A')).c_str(), auth);
    ASSERT_TRUE(r) << length;
    EXPECT_TRUE(r->status == 414 || r->status == 431) << length << ": " << r->status;
  }
  auto healthz = httplib::Client("127.0.0.1", port).Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
}

TEST_F(ApiAbuseTest, BodiesInFlightAreBoundedAcrossConnections) {
  // Four clients announce 8 MiB bodies and send none: 32 MiB of bodies are promised. A fifth
  // large body is asked to retry (503) instead of being held too; a small call still passes.
  const std::string host = "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  const std::string token = auth.begin()->second;
  auto headers = [&](size_t length) {
    return "POST /v1/traces HTTP/1.1\r\n" + host + "Authorization: " + token + "\r\nContent-Type: application/json\r\nConnection: close\r\n" +
           "Content-Length: " + std::to_string(length) + "\r\n\r\n";
  };
  std::vector<std::unique_ptr<RawConnection>> holders;
  for (int i = 0; i < 4; ++i) {
    holders.push_back(std::make_unique<RawConnection>(port));
    ASSERT_TRUE(holders.back()->Send(headers(8 << 20)));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the server has read their headers
  RawConnection fifth(port);
  ASSERT_TRUE(fifth.Send(headers(4 << 20)));
  (void)fifth.Send(std::string(4 << 20, ' '));
  std::string answer = fifth.ReadAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 503", 0), 0u) << answer.substr(0, 300);
  EXPECT_NE(answer.find("Retry-After"), std::string::npos);
  auto status = httplib::Client("127.0.0.1", port).Get("/v1/status", auth);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200) << "calls without a large body are not held back";
  holders.clear();  // their connections close: what they held is given back
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  RawConnection sixth(port);
  ASSERT_TRUE(sixth.Send(headers(2)));
  ASSERT_TRUE(sixth.Send("{}"));
  answer = sixth.ReadAll();
  EXPECT_EQ(answer.rfind("HTTP/1.1 400", 0), 0u) << "taken (and refused for its content, not for room): " << answer.substr(0, 300);
}

}  // namespace
}  // namespace tracenet::e2e
