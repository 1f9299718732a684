// The host's list of methods, built from the same method types the kernels are
// instantiated with, so names, orders and flags can never disagree with the code.
#include "cubie/batch/method_catalog.hpp"

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/integrate/erk_stepper.hpp"
#include "cubie/integrate/methods/all_methods.hpp"

namespace cubie {

namespace {

template <class M>
method_info info_of() {
  using St = erk_stepper<M, double, 1>;
  return method_info{M::name, method_family::explicit_rk, St::stages, St::order, St::error_order, St::adaptive, St::fsal};
}

template <class... M>
std::vector<method_info> infos_of(methods::method_list<M...>) {
  return {info_of<M>()...};
}

const std::vector<std::pair<std::string, std::string>>& alias_table() {
  static const std::vector<std::pair<std::string, std::string>> aliases = {
      {"rk4", "classical_rk4"},          {"rk45", "dormand_prince_54"}, {"dopri54", "dormand_prince_54"},
      {"dopri5", "dormand_prince_54"},   {"ode45", "dormand_prince_54"}, {"rk23", "bogacki_shampine_32"},
      {"ode23", "bogacki_shampine_32"},  {"dop853", "dormand_prince_853"}, {"rkf45", "fehlberg_45"},
      {"heun", "heun_21"},               {"ralston", "ralston_33"},       {"cash_karp", "cash_karp_54"},
  };
  return aliases;
}

}  // namespace

const std::vector<method_info>& all_method_infos() {
  static const std::vector<method_info> infos = infos_of(methods::all_methods{});
  return infos;
}

std::vector<std::pair<std::string, std::string>> method_aliases() { return alias_table(); }

const method_info& find_method(std::string_view name) {
  std::string key = normalize_name(name);
  for (const auto& [alias, canonical] : alias_table())
    if (key == alias) key = canonical;
  for (const method_info& m : all_method_infos())
    if (m.name == key) return m;
  std::vector<std::string> valid;
  for (const method_info& m : all_method_infos()) valid.push_back(m.name);
  std::vector<std::string> aliases;
  for (const auto& [alias, canonical] : alias_table()) aliases.push_back(alias);
  throw invalid_argument("algorithm: unknown method '" + std::string(name) + "'; valid names are " +
                         join_names(valid) + " (aliases: " + join_names(aliases) + ")");
}

}  // namespace cubie
