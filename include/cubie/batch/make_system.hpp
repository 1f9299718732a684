// cubie/batch/make_system.hpp
// Turns a C++ system template into a compiled_system for the Solver. Instantiates the
// CPU entry points (and, in a translation unit compiled by nvcc, the CUDA kernels) for
// the listed methods and precisions only: each pair costs build time, so ask for what
// you use, e.g. make_system<lorenz, methods::method_list<methods::classical_rk4>, float>().
#pragma once
#include <memory>

#include "../backends/cpu/cpu_entry.hpp"
#include "../core/error.hpp"
#include "../core/names.hpp"
#include "../integrate/methods/all_methods.hpp"
#include "../execution/compiled_system.hpp"

#if defined(__CUDACC__)
#include "../backends/cuda/integrate_kernel.cuh"
#endif

namespace cubie {
inline namespace CUBIE_TU_NAMESPACE {

namespace detail {

template <class V>
constexpr precision precision_of() {
  return sizeof(V) == 4 ? precision::float32 : precision::float64;
}

template <template <class> class Sys, class V, class... M>
void register_entries(compiled_system& cs, methods::method_list<M...>) {
  (cs.cpu.emplace(entry_key{M::name, precision_of<V>()}, &cpu::integrate_range<M, Sys, V>), ...);
#if defined(__CUDACC__)
  (cs.gpu.emplace(entry_key{M::name, precision_of<V>()},
                  gpu_kernel{reinterpret_cast<const void*>(&cuda::integrate_kernel<M, Sys, V>),
                             std::string(M::name) + (sizeof(V) == 4 ? "<float>" : "<double>"), nullptr}),
   ...);
#endif
}

}  // namespace detail

/// @brief A compiled_system for Sys with entry points for Methods x Precisions.
/// @tparam Sys a class template satisfying ode_system for every precision listed.
template <template <class> class Sys, class Methods = methods::all_methods, class... Precisions>
std::shared_ptr<const compiled_system> make_system() {
  auto cs = std::make_shared<compiled_system>();
  using Info = Sys<double>;
  cs->info.name = [] {
    if constexpr (requires { Info::name; }) return std::string(Info::name);
    else return std::string("system");
  }();
  cs->info.states = split_names(Info::state_names);
  cs->info.parameters = split_names(Info::parameter_names);
  cs->info.observables = split_names(Info::observable_names);
  if constexpr (n_drivers_of<Info>() > 0) cs->info.drivers = split_names(Info::driver_names);
  if constexpr (n_events_of<Info>() > 0) {
    cs->info.events = split_names(Info::event_names);
    for (int e = 0; e < Info::n_events; ++e) cs->info.event_kinds.push_back(Info::event_kinds[e]);
  }
  if (cs->info.n_drivers() != n_drivers_of<Info>() || cs->info.n_events() != n_events_of<Info>()) {
    throw invalid_argument("make_system: system '" + cs->info.name + "' declares " +
                           std::to_string(n_drivers_of<Info>()) + " drivers and " + std::to_string(n_events_of<Info>()) +
                           " events but names " + std::to_string(cs->info.n_drivers()) + " and " +
                           std::to_string(cs->info.n_events()) + " (driver_names, event_names)");
  }
  if constexpr (sizeof...(Precisions) == 0) {
    detail::register_entries<Sys, float>(*cs, Methods{});
    detail::register_entries<Sys, double>(*cs, Methods{});
  } else {
    (detail::register_entries<Sys, Precisions>(*cs, Methods{}), ...);
  }
#if defined(__CUDACC__)
  cs->cpu_simd_lanes_float = cs->cpu_simd_lanes_double = 1;
#else
  cs->cpu_simd_lanes_float = cpu::simd_lanes_for<float, Info::n_states>;
  cs->cpu_simd_lanes_double = cpu::simd_lanes_for<double, Info::n_states>;
#endif
  return cs;
}

}  // namespace CUBIE_TU_NAMESPACE
}  // namespace cubie
