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
#include "../integrate/jacobian_vector.hpp"
#include "../integrate/methods/all_methods.hpp"
#include "../integrate/methods/auto_switch.hpp"
#include "../execution/compiled_system.hpp"
#include "../integrate/summary_settings.hpp"

#if defined(__CUDACC__)
#include "../backends/cuda/integrate_kernel.cuh"
#endif

namespace cubie {
inline namespace CUBIE_TU_NAMESPACE {

// Not `detail`: a `detail` inside this inline namespace makes every later
// `namespace detail {` in cubie ambiguous (cubie::detail or cubie::<compiler>::detail),
// which broke headers included after this one (memory/host_buffer.hpp).
namespace make_system_detail {

template <class V>
constexpr precision precision_of() {
  return sizeof(V) == 4 ? precision::float32 : precision::float64;
}

template <template <class> class Sys, class V, u32 G, class... M>
void register_summary_entries(compiled_system& cs, methods::method_list<M...>) {
  (cs.cpu_summaries.emplace(summary_entry_key{M::name, precision_of<V>(), G}, &cpu::integrate_range<M, Sys, V, G>), ...);
#if defined(__CUDACC__)
  (cs.gpu_summaries.emplace(summary_entry_key{M::name, precision_of<V>(), G},
                            gpu_kernel{reinterpret_cast<const void*>(&cuda::integrate_kernel<M, Sys, V, G>),
                                       std::string(M::name) + (sizeof(V) == 4 ? "<float>" : "<double>") +
                                           " with summaries",
                                       nullptr}),
   ...);
#endif
}

template <template <class> class Sys, class V, class... M>
void register_entries(compiled_system& cs, methods::method_list<M...>) {
  // algorithm = "auto" in two passes (integrate/continuation.hpp): its explicit first pass.
  if constexpr ((std::is_same_v<M, methods::auto_switch> || ...))
    register_entries<Sys, V>(cs, methods::method_list<methods::auto_switch_explicit_pass>{});
  (cs.cpu.emplace(entry_key{M::name, precision_of<V>()}, &cpu::integrate_range<M, Sys, V>), ...);
#if defined(__CUDACC__)
  (cs.gpu.emplace(entry_key{M::name, precision_of<V>()},
                  gpu_kernel{reinterpret_cast<const void*>(&cuda::integrate_kernel<M, Sys, V>),
                             std::string(M::name) + (sizeof(V) == 4 ? "<float>" : "<double>"), nullptr}),
   ...);
#endif
}

}  // namespace make_system_detail

/// Asks make_system for entry points that also compute summary metrics, one per set of
/// accumulator groups listed (summary_group bits, integrate/summary_settings.hpp); none
/// listed: every group. Each set doubles the entries' build time, so they are opt-in:
/// make_system<lorenz, methods::method_list<methods::classical_rk4>, float>(summary_entries<>{}).
/// A solve uses the set that contains its metrics' groups with the fewest extra.
template <u32... Groups>
struct summary_entries {};

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
  cs->info.direct_linear_solver = direct_linear_solver_built<Info, double>();
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
    make_system_detail::register_entries<Sys, float>(*cs, Methods{});
    make_system_detail::register_entries<Sys, double>(*cs, Methods{});
  } else {
    (make_system_detail::register_entries<Sys, Precisions>(*cs, Methods{}), ...);
  }
#if defined(__CUDACC__)
  cs->cpu_simd_lanes_float = cs->cpu_simd_lanes_double = 1;
#else
  cs->cpu_simd_lanes_float = cpu::simd_lanes_for<float, Info::n_states>;
  cs->cpu_simd_lanes_double = cpu::simd_lanes_for<double, Info::n_states>;
#endif
  return cs;
}

/// @brief make_system<Sys, Methods, Precisions...>() with entry points that compute summary
/// metrics too (summary_entries).
template <template <class> class Sys, class Methods = methods::all_methods, class... Precisions, u32... Groups>
std::shared_ptr<const compiled_system> make_system(summary_entries<Groups...>) {
  auto plain = make_system<Sys, Methods, Precisions...>();
  auto cs = std::make_shared<compiled_system>(*plain);
  auto add = [&]<u32 G>() {
    if constexpr (sizeof...(Precisions) == 0) {
      make_system_detail::register_summary_entries<Sys, float, G>(*cs, Methods{});
      make_system_detail::register_summary_entries<Sys, double, G>(*cs, Methods{});
    } else {
      (make_system_detail::register_summary_entries<Sys, Precisions, G>(*cs, Methods{}), ...);
    }
  };
  if constexpr (sizeof...(Groups) == 0) {
    add.template operator()<summary_group::all>();
  } else {
    (add.template operator()<Groups>(), ...);
  }
  return cs;
}

}  // namespace CUBIE_TU_NAMESPACE
}  // namespace cubie
