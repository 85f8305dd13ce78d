// `tracenet review ...`: the responder's inbox of incoming traces held for review (review
// policy), each with the registry's draft answer, and the decision on one: approve it as it is,
// restrict it or send part of its chain of custody, or refuse, with the ITI reason.
// Thread-safety: called once from main.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tracenet::cli {

struct ReviewCommands {
  int Run();

  std::string action, config, case_id, reason, detail, comments, use_restrictions;
  bool withhold_custody = false, json = false;
  std::vector<size_t> keep;
};

void AddReviewCommands(CLI::App& app, ReviewCommands& commands);

}  // namespace tracenet::cli
