#include "adapters/catalogue/adapter_settings.h"

#include <algorithm>
#include <filesystem>

namespace tracenet::adapters {

AdapterSettings::AdapterSettings(nlohmann::json values, std::string section, std::string base_dir)
    : m_values(values.is_object() ? std::move(values) : nlohmann::json::object()),
      m_section(std::move(section)),
      m_base_dir(std::move(base_dir)) {}

Error AdapterSettings::Problem(const std::string& key, const std::string& what) const {
  return MakeError(Errc::kConfig, m_section + " " + key + " " + what);
}

Result<std::string> AdapterSettings::Str(const std::string& key, const std::string& fallback) const {
  auto it = m_values.find(key);
  if (it == m_values.end()) return fallback;
  if (!it->is_string()) return Problem(key, "must be a string");
  return it->get<std::string>();
}

Result<std::string> AdapterSettings::RequiredStr(const std::string& key) const {
  if (!m_values.contains(key)) return Problem(key, "is missing");
  auto v = Str(key, "");
  if (v && v->empty()) return Problem(key, "must not be empty");
  return v;
}

Result<std::string> AdapterSettings::RequiredPath(const std::string& key) const {
  auto v = RequiredStr(key);
  if (!v) return v;
  return ResolvePath(*v);
}

std::string AdapterSettings::ResolvePath(const std::string& path) const {
  namespace fs = std::filesystem;
  if (path.empty() || fs::path(path).is_absolute() || m_base_dir.empty()) return path;
  return (fs::path(m_base_dir) / path).lexically_normal().string();
}

Result<int64_t> AdapterSettings::Int(const std::string& key, int64_t fallback, int64_t min, int64_t max) const {
  auto it = m_values.find(key);
  if (it == m_values.end()) return fallback;
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max)
    return Problem(key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  return it->get<int64_t>();
}

Result<bool> AdapterSettings::Bool(const std::string& key, bool fallback) const {
  auto it = m_values.find(key);
  if (it == m_values.end()) return fallback;
  if (!it->is_boolean()) return Problem(key, "must be true or false");
  return it->get<bool>();
}

Result<std::vector<std::string>> AdapterSettings::StrList(const std::string& key,
                                                          std::vector<std::string> fallback) const {
  auto it = m_values.find(key);
  if (it == m_values.end()) return fallback;
  if (!it->is_array()) return Problem(key, "must be a list of strings");
  std::vector<std::string> out;
  for (const auto& v : *it) {
    if (!v.is_string()) return Problem(key, "must be a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::map<std::string, std::string>> AdapterSettings::StrMap(const std::string& key) const {
  std::map<std::string, std::string> out;
  auto it = m_values.find(key);
  if (it == m_values.end()) return out;
  if (!it->is_object()) return Problem(key, "must be a table of strings ([" + m_section.substr(1, m_section.size() - 2) + "." + key + "])");
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return Problem(key + "." + k, "must be a string");
    out[k] = v.get<std::string>();
  }
  return out;
}

Status AdapterSettings::OnlyKeys(const std::vector<std::string>& known) const {
  for (const auto& [k, v] : m_values.items())
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      std::string list;
      for (const std::string& name : known) list += (list.empty() ? "" : ", ") + name;
      return Problem(k, "is not a setting of this adapter (known: " + list + ")");
    }
  return Status::Ok();
}

}  // namespace tracenet::adapters
