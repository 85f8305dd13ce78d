// The web console: static files compiled into the node (node/console), served without a token
// (they hold no data; every datum comes from the API, which checks the token the officer gives
// the console). Content-Security-Policy allows only this origin, so the console works offline and
// a value that slipped into the page could not load or run anything from elsewhere.
#include <sodium.h>

#include "node/api/api_server.h"
#include "node/common/bytes.h"
#include "node/console/console_assets.h"

namespace tracenet::api {

namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// A strong validator: a reload asks "still this?" and gets 304 without the bytes.
std::string ETagOf(std::string_view body) {
  uint8_t hash[16];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const uint8_t*>(body.data()), body.size(), nullptr, 0);
  return "\"" + ToHex(ByteView(hash, sizeof hash)) + "\"";
}

}  // namespace

bool IsConsolePath(const std::string& path) { return path == "/" || path == "/console" || path.rfind("/console/", 0) == 0; }

void ApiServer::ConsoleRoutes() {
  auto redirect = [](const http::Request&, http::Response& res) { res.set_redirect("/console/"); };
  Get("/", std::nullopt, redirect);
  Get("/console", std::nullopt, redirect);
  for (const console::ConsoleAsset& asset : console::ConsoleAssets()) {
    std::string etag = ETagOf(asset.body);
    auto serve = [asset, etag](const http::Request& req, http::Response& res) {
      res.set_header("Content-Security-Policy", kContentSecurityPolicy);
      res.set_header("X-Content-Type-Options", "nosniff");
      res.set_header("Referrer-Policy", "no-referrer");
      res.set_header("Cache-Control", "no-cache");  // revalidate: a node upgrade shows its own console at once
      res.set_header("ETag", etag);
      if (req.get_header_value("If-None-Match") == etag) {
        res.status = 304;
        return;
      }
      res.set_content(std::string(asset.body), std::string(asset.content_type));
    };
    std::string pattern;  // routes are regular expressions: the file name's dots are literal
    for (char c : asset.path) pattern += c == '.' ? std::string("\\.") : std::string(1, c);
    Get(pattern, std::nullopt, serve);
    if (asset.path == "/console/index.html") Get("/console/", std::nullopt, serve);
  }
}

}  // namespace tracenet::api
