#include "cubie/memory/host_staging_policy.hpp"

#include <cstdlib>
#include <limits>

#include "cubie/core/error.hpp"

namespace cubie::memory {

namespace {

// "123", "64K", "256M", "2G" (powers of 1024); nothing else.
bool parse_bytes(const std::string& s, std::uint64_t& out) {
  if (s.empty()) return false;
  std::size_t i = 0;
  std::uint64_t v = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    const std::uint64_t d = static_cast<std::uint64_t>(s[i] - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;
    v = v * 10 + d;
    ++i;
  }
  if (i == 0) return false;
  int shift = 0;
  if (i < s.size()) {
    const char c = s[i];
    if (c == 'K' || c == 'k') shift = 10;
    else if (c == 'M' || c == 'm') shift = 20;
    else if (c == 'G' || c == 'g') shift = 30;
    else return false;
    if (++i != s.size()) return false;
  }
  if (shift > 0 && v > (std::numeric_limits<std::uint64_t>::max() >> shift)) return false;
  out = v << shift;
  return true;
}

}  // namespace

std::string host_staging_name(host_staging s) {
  switch (s) {
    case host_staging::pinned: return "pinned";
    case host_staging::pageable: return "pageable";
    case host_staging::first_pageable: return "first_pageable";
  }
  return "?";
}

host_staging_policy parse_host_staging_policy(const char* mode, const char* up_to, const char* populate) {
  host_staging_policy p;
  if (mode != nullptr && *mode != '\0') {
    const std::string m = mode;
    if (m == "pinned") p.mode = host_staging::pinned;
    else if (m == "pageable") p.mode = host_staging::pageable;
    else if (m == "first_pageable") p.mode = host_staging::first_pageable;
    else
      throw invalid_argument("CUBIE_HOST_STAGING = '" + m +
                             "' is not allowed: use pinned (pinned staging blocks and ring), pageable (copies straight "
                             "from and to pageable memory) or first_pageable (pageable for an executor's first solve "
                             "up to CUBIE_PAGEABLE_UP_TO bytes, then pinned), or leave it unset (first_pageable)");
  }
  if (up_to != nullptr && *up_to != '\0') {
    if (!parse_bytes(up_to, p.pageable_up_to))
      throw invalid_argument(std::string("CUBIE_PAGEABLE_UP_TO = '") + up_to +
                             "' is not allowed: give a byte count, optionally with K, M or G (powers of 1024), "
                             "e.g. 268435456 or 256M");
  }
  if (populate != nullptr && *populate != '\0') {
    const std::string v = populate;
    if (v != "0" && v != "1")
      throw invalid_argument("CUBIE_POPULATE_RESULTS = '" + v +
                             "' is not allowed: use 1 (fault a pageable result's pages in on the copy threads before "
                             "downloads land in it) or 0 (leave it to the driver's copies)");
    p.populate_results = v == "1";
  }
  return p;
}

const host_staging_policy& default_host_staging_policy() {
  static const host_staging_policy p = parse_host_staging_policy(
      std::getenv("CUBIE_HOST_STAGING"), std::getenv("CUBIE_PAGEABLE_UP_TO"), std::getenv("CUBIE_POPULATE_RESULTS"));
  return p;
}

bool stage_through_pageable(const host_staging_policy& p, bool first_solve, std::uint64_t traffic_bytes) noexcept {
  switch (p.mode) {
    case host_staging::pinned: return false;
    case host_staging::pageable: return true;
    case host_staging::first_pageable: return first_solve && traffic_bytes <= p.pageable_up_to;
  }
  return false;
}

std::size_t parse_register_from(const char* value) {
  constexpr std::size_t fallback = std::size_t{256} << 10;
  if (value == nullptr || *value == '\0') return fallback;
  std::uint64_t v = 0;
  if (!parse_bytes(value, v) || v > std::numeric_limits<std::size_t>::max())
    throw invalid_argument(std::string("CUBIE_REGISTER_FROM = '") + value +
                           "' is not allowed: give a byte count, optionally with K, M or G (powers of 1024), e.g. "
                           "262144 or 256K (0 registers every block)");
  return static_cast<std::size_t>(v);
}

}  // namespace cubie::memory
