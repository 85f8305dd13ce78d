// `tracenet stolen ...`: what a tracing centre's officers use for lost and stolen weapons:
// report, update and show records, import a registry's CSV export (numbered all-or-nothing
// batches; a re-run of the same file resumes after the last committed batch), search the
// federation's index and follow a search, and confirm or deny hits on the centre's records.
// Thread-safety: called once from main.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace tracenet::cli {

struct StolenCommands {
  int Run();  // the exit code of the chosen subcommand

  std::string action;
  std::string config;
  std::map<std::string, std::string> fields;  // record or search fields given as options
  std::string ref, status, remarks, file, search_id, hit_id, note;
  size_t batch = 1000;
  std::vector<std::string> mapping;  // --map source=field, and the lines of --map-file
  std::string mapping_file;
  bool skip_bad_rows = false;
  bool urgent = false;
  bool exact_only = false;
  std::vector<std::string> narrow_by;
  int wait_seconds = 0;
  bool json = false;
};

void AddStolenCommands(CLI::App& app, StolenCommands& commands);

}  // namespace tracenet::cli
