#include "cubie/execution/compiled_system.hpp"

namespace cubie {

namespace {
template <class Map>
std::vector<std::string> methods_of(const Map& m, precision p) {
  std::vector<std::string> out;
  for (const auto& [key, value] : m)
    // auto's explicit first pass (integrate/continuation.hpp) is an entry, not a method a user picks.
    if (key.second == p && key.first != "auto_switch_explicit_pass") out.push_back(key.first);
  return out;
}
template <class Map>
const typename Map::mapped_type* best_summary_entry(const Map& m, const std::string& method, precision p, u32 groups) {
  const typename Map::mapped_type* best = nullptr;
  int best_bits = 64;
  for (const auto& [key, value] : m) {
    const auto& [name, prec, carried] = key;
    if (name != method || prec != p || (carried & groups) != groups) continue;
    const int bits = __builtin_popcount(carried);
    if (bits < best_bits) {
      best = &value;
      best_bits = bits;
    }
  }
  return best;
}

}  // namespace

const cpu_entry* compiled_system::cpu_summary_entry(const std::string& method, precision p, u32 groups) const {
  return best_summary_entry(cpu_summaries, method, p, groups);
}
const gpu_kernel* compiled_system::gpu_summary_entry(const std::string& method, precision p, u32 groups) const {
  return best_summary_entry(gpu_summaries, method, p, groups);
}

std::vector<std::string> compiled_system::cpu_methods(precision p) const { return methods_of(cpu, p); }
std::vector<std::string> compiled_system::gpu_methods(precision p) const { return methods_of(gpu, p); }

}  // namespace cubie
