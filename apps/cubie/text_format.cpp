#include "text_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace cubie::cli {

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes) / 1024.0;
  int u = 0;
  while (v >= 1024.0 && u < 3) {
    v /= 1024.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

std::string format_duration_ms(double ms) {
  char buf[48];
  if (ms < 1.0) std::snprintf(buf, sizeof buf, "%.2f ms", ms);
  else if (ms < 1000.0) std::snprintf(buf, sizeof buf, "%.0f ms", ms);
  else if (ms < 60'000.0) std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000.0);
  else std::snprintf(buf, sizeof buf, "%d min %d s", static_cast<int>(ms / 60'000.0),
                     static_cast<int>(std::fmod(ms, 60'000.0) / 1000.0));
  return buf;
}

std::string format_number(double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace cubie::cli
