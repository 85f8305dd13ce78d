// The web console's files, compiled in from node/console/web (embed_assets.cmake). Each is
// served at its path, e.g. /console/index.html. Thread-safety: immutable data.
#pragma once

#include <span>
#include <string_view>

namespace tracenet::console {

struct ConsoleAsset {
  std::string_view path;          // "/console/js/app.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
};

std::span<const ConsoleAsset> ConsoleAssets();

}  // namespace tracenet::console
