// Typed access to one adapter's settings section ([registry.<name>] in a node's TOML config,
// carried as JSON so plugins and adapter processes receive the same document). Every error
// names the section and key and says what a valid value looks like.
// Thread-safety: value type.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "node/common/result.h"

namespace tracenet::adapters {

class AdapterSettings {
 public:
  // `section` is how errors name it ("[registry.csv]"); relative paths resolve against base_dir.
  AdapterSettings(nlohmann::json values, std::string section, std::string base_dir);

  Result<std::string> Str(const std::string& key, const std::string& fallback) const;
  Result<std::string> RequiredStr(const std::string& key) const;
  // A file path, resolved against the config file's directory.
  Result<std::string> RequiredPath(const std::string& key) const;
  Result<int64_t> Int(const std::string& key, int64_t fallback, int64_t min, int64_t max) const;
  Result<bool> Bool(const std::string& key, bool fallback) const;
  Result<std::vector<std::string>> StrList(const std::string& key, std::vector<std::string> fallback) const;
  // A sub-table of string values, e.g. [registry.csv.columns].
  Result<std::map<std::string, std::string>> StrMap(const std::string& key) const;
  // Refuses keys this adapter does not know, so a typo is an error and not a silent default.
  Status OnlyKeys(const std::vector<std::string>& known) const;

  std::string ResolvePath(const std::string& path) const;
  const nlohmann::json& values() const { return m_values; }
  const std::string& section() const { return m_section; }
  const std::string& base_dir() const { return m_base_dir; }

 private:
  Error Problem(const std::string& key, const std::string& what) const;
  nlohmann::json m_values;
  std::string m_section;
  std::string m_base_dir;
};

}  // namespace tracenet::adapters
