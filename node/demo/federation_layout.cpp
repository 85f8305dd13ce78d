#include "node/demo/federation_layout.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "node/common/file_util.h"
#include "node/crypto/identity.h"
#include "node/crypto/primitives.h"

namespace tracenet::demo {

int FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

Result<std::vector<NodeLayout>> LayOutFederation(const std::string& root, const std::vector<NodeSpec>& nodes) {
  if (Status s = crypto::Init(); !s) return s.error();
  std::vector<NodeLayout> layouts;
  for (const NodeSpec& spec : nodes) {
    NodeLayout l;
    l.id = spec.id;
    l.dir = root + "/" + spec.id;
    l.config_path = l.dir + "/tracenet.toml";
    l.endpoint = "tcp://127.0.0.1:" + std::to_string(FreeLoopbackPort());
    crypto::Identity identity = crypto::GenerateIdentity();
    if (Status s = crypto::WriteIdentity(l.dir + "/keys", identity); !s) return s.error();
    l.public_entry = "[[peer]]\nid = \"" + spec.id + "\"\ncountry = \"" + spec.country + "\"\nendpoint = \"" +
                     l.endpoint + "\"\nsign_key = \"" + ToHex(identity.pub.sign_public) + "\"\nenc_key = \"" +
                     ToHex(identity.pub.enc_public) + "\"\ntransport_key = \"" + ToHex(identity.pub.transport_public) +
                     "\"\n";
    layouts.push_back(std::move(l));
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    const NodeSpec& spec = nodes[i];
    NodeLayout& l = layouts[i];
    std::string peers;
    for (size_t j = 0; j < nodes.size(); ++j)
      if (j != i) peers += layouts[j].public_entry + "\n";
    if (Status s = WriteFileAtomic(l.dir + "/peers.toml", AsBytes(peers), 0644); !s) return s.error();
    std::string config = "[node]\nid = \"" + spec.id + "\"\ncountry = \"" + spec.country +
                         "\"\ndata_dir = \"data\"\nkeys_dir = \"keys\"\npeers_file = \"peers.toml\"\nlisten = \"" +
                         l.endpoint + "\"\n\n[api]\nlisten = \"127.0.0.1:0\"\n" + spec.api_config + "\n";
    if (!spec.registry_config.empty()) config += spec.registry_config;
    else if (spec.registry_path.empty()) config += "[registry]\nadapter = \"none\"\n";
    else config += "[registry]\nadapter = \"sqlite\"\n\n[registry.sqlite]\npath = \"" + spec.registry_path + "\"\n";
    config += "\n[trace]\npoint_of_contact = \"" + spec.id + " tracing desk\"\n";
    if (spec.hold_for_review) config += "\n[review]\ndefault = \"hold\"\n";
    config += spec.extra_config;
    if (Status s = WriteFileAtomic(l.config_path, AsBytes(config), 0644); !s) return s.error();
  }
  return layouts;
}

}  // namespace tracenet::demo
