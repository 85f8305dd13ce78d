#include <sstream>

#include "node/cli/commands.h"

namespace tracenet::cli {

namespace {
std::string Field(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}
std::string Humanise(std::string s) {
  for (char& c : s)
    if (c == '_') c = ' ';
  return s;
}
}  // namespace

std::string RenderCase(const Json& c) {
  std::ostringstream out;
  const Json& w = c.contains("weapon") ? c["weapon"] : Json::object();
  out << "Case " << Field(c, "case_id") << "  (" << Field(c, "direction") << ", "
      << (Field(c, "direction") == "outgoing" ? "requested from " : "requested by ") << Field(c, "peer") << ")\n";
  out << "  Weapon:   " << Field(w, "manufacturer") << " " << Field(w, "model") << ", " << Humanise(Field(w, "type"))
      << ", " << Field(w, "calibre") << ", serial " << Field(w, "serial") << "\n";
  out << "  Priority: " << Field(c, "priority") << "    Response due: " << Field(c, "due_at")
      << (c.value("overdue", false) ? "  ** OVERDUE **" : "") << "\n";
  out << "  State:    " << Humanise(Field(c, "state"));
  if (!Field(c, "outcome").empty()) out << " (" << Field(c, "outcome") << ")";
  out << "\n  Timeline:\n";
  if (c.contains("timeline"))
    for (const Json& e : c["timeline"])
      out << "    " << Field(e, "at") << "  " << Humanise(Field(e, "event")) << " - " << Field(e, "detail") << "\n";
  if (c.contains("response")) {
    const Json& r = c["response"];
    out << "  Answer:   " << Field(r, "outcome");
    if (!Field(r, "manufacturer").empty())
      out << " - " << Field(r, "manufacturer") << " " << Field(r, "model") << ", " << Field(r, "calibre");
    out << "\n";
    if (!Field(r, "comments").empty()) out << "            " << Field(r, "comments") << "\n";
    int n = 1;
    for (const Json& l : r["custody_chain"]) {
      out << "    " << n++ << ". " << Humanise(Field(l, "role")) << ": " << Field(l, "name");
      if (!Field(l, "licence_number").empty()) out << " (licence " << Field(l, "licence_number") << ")";
      out << ", " << Field(l, "country");
      out << ", from " << Field(l, "date_in");
      if (!Field(l, "date_out").empty()) out << " to " << Field(l, "date_out");
      if (!Field(l, "document_type").empty())
        out << "; " << Field(l, "document_type") << " " << Field(l, "document_reference");
      out << " [record " << Field(l, "source_record") << "]\n";
    }
  }
  return out.str();
}

}  // namespace tracenet::cli
