#include "cubie/execution/compiled_system.hpp"

namespace cubie {

namespace {
template <class Map>
std::vector<std::string> methods_of(const Map& m, precision p) {
  std::vector<std::string> out;
  for (const auto& [key, value] : m)
    if (key.second == p) out.push_back(key.first);
  return out;
}
}  // namespace

std::vector<std::string> compiled_system::cpu_methods(precision p) const { return methods_of(cpu, p); }
std::vector<std::string> compiled_system::gpu_methods(precision p) const { return methods_of(gpu, p); }

}  // namespace cubie
