#include "cubie/memory/memory_settings.hpp"

#include <iomanip>
#include <sstream>

#include "cubie/core/error.hpp"

namespace cubie::memory {

void memory_settings::validate() const {
  (void)parse_allocator_kind(allocator);
  if (mem_proportion && !(*mem_proportion > 0.0 && *mem_proportion <= 1.0)) {
    std::ostringstream os;
    os << "mem_proportion = " << std::setprecision(12) << *mem_proportion
       << " is not allowed: it must be in (0, 1] (leave it unset for an even share)";
    throw invalid_argument(os.str());
  }
  if (!host_staging.empty() && host_staging != "pinned" && host_staging != "pageable" &&
      host_staging != "first_pageable") {
    throw invalid_argument("host_staging = \"" + host_staging +
                           "\" is not allowed: use \"pinned\", \"pageable\" or \"first_pageable\" (or \"\" for the "
                           "environment's CUBIE_HOST_STAGING, else first_pageable)");
  }
  CUBIE_EXPECTS(!stream_group.empty(),
                "stream_group = \"\" is not allowed: give the group a name (\"default\" is shared by all)");
  CUBIE_EXPECTS(min_chunks >= 1, "min_chunks = " + std::to_string(min_chunks) +
                                     " is not allowed: it must be >= 1 (1 = no pipelining cut)");
  CUBIE_EXPECTS(max_chunk_runs >= 0,
                "max_chunk_runs = " + std::to_string(max_chunk_runs) + " is not allowed: it must be >= 0 (0 = no cap)");
  for (std::size_t i = 0; i < devices.size(); ++i) {
    CUBIE_EXPECTS(devices[i] >= 0, "devices = " + devices_text() + " is not allowed: device numbers start at 0, got " +
                                       std::to_string(devices[i]));
    for (std::size_t j = 0; j < i; ++j) {
      CUBIE_EXPECTS(devices[j] != devices[i], "devices = " + devices_text() + " is not allowed: device " +
                                                  std::to_string(devices[i]) + " is listed twice");
    }
  }
}

std::string memory_settings::devices_text() const {
  if (devices.empty()) return "all";
  std::string s = "[";
  for (std::size_t i = 0; i < devices.size(); ++i) s += (i ? ", " : "") + std::to_string(devices[i]);
  return s + "]";
}

}  // namespace cubie::memory
