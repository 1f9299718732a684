#include "cli_error.hpp"

#include <cstdio>

#include "cubie/io/json_writer.hpp"

namespace cubie::cli {

int report_error(const std::string& kind, const std::string& message, int exit_code, bool json,
                 const command_failure* details) {
  std::fprintf(stderr, "cubie: %s%s\n", kind.c_str(), message.c_str());
  if (json) {
    io::json_writer w;
    w.begin_object();
    w.key("error").value(message);
    w.key("exit_code").value(exit_code);
    if (details != nullptr && !details->partial_file.empty()) {
      w.key("partial_file").value(details->partial_file);
      w.key("committed_runs").value(static_cast<std::int64_t>(details->committed_runs));
      w.key("total_runs").value(static_cast<std::int64_t>(details->total_runs));
    }
    w.end_object();
    std::printf("%s\n", w.str().c_str());
    std::fflush(stdout);
  }
  return exit_code;
}

}  // namespace cubie::cli
