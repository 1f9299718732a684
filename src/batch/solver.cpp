// The Solver: settings resolved once (method, controller, tolerances, backend), each solve
// prepared into a prepared_batch (cached per grid and spec) and handed to the executor,
// which streams chunks into a result sink.
#include "cubie/batch/solver.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <limits>
#include <optional>
#include <sstream>
#include <utility>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/backends/cpu/cpu_executor.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/core/scalar_traits.hpp"
#include "cubie/execution/deferred_kernels.hpp"
#include "cubie/execution/parallel_copy.hpp"
#include "cubie/integrate/continuation.hpp"
#include "cubie/batch/result_memory_sink.hpp"
#include "cubie/batch/step_control.hpp"
#include "cubie/batch/solve_spec_check.hpp"
#include "output_request.hpp"
#include "driver_inputs.hpp"
#include "output_selection.hpp"
#include "save_schedule.hpp"
#include "summary_plan.hpp"

namespace cubie {

namespace {

std::vector<double> expand_tolerance(const std::vector<double>& tol, int n_states, const char* field) {
  if (tol.size() != 1 && static_cast<int>(tol.size()) != n_states) {
    throw invalid_argument(std::string(field) + " has " + std::to_string(tol.size()) +
                           " values; give one value or one per state (" + std::to_string(n_states) + ")");
  }
  for (double v : tol) {
    if (!(v >= 0.0) || !std::isfinite(v))
      throw invalid_argument(std::string(field) + " = " + number_text(v) + "; tolerances must be finite and >= 0");
  }
  std::vector<double> out(n_states);
  for (int i = 0; i < n_states; ++i) out[i] = tol.size() == 1 ? tol[0] : tol[i];
  return out;
}

void default_warning_sink(const std::string& w) { std::fprintf(stderr, "cubie: warning: %s\n", w.c_str()); }

// CUBIE_AUTO_PASSES: 1 or 2, or nothing when unset or empty (read at each solve, so a
// program can switch it between solves as the benchmarks do).
std::optional<int> auto_passes_from_environment() {
  const char* env = std::getenv("CUBIE_AUTO_PASSES");
  if (env == nullptr || *env == '\0') return std::nullopt;
  const std::string v = env;
  if (v != "1" && v != "2") throw invalid_argument(auto_passes_refusal("CUBIE_AUTO_PASSES = '" + v + "'", ""));
  return v == "2" ? 2 : 1;
}

// Besides fixed steps with no save between the span's ends (loop_settings_for): what the
// fixed-count path cannot do, so that the loop checking every step runs instead.
bool fixed_count_path_allowed(const system_info& info, const solve_spec& spec, const detail::output_request& request,
                              method_family family) {
  // Events and landing on driver samples need the loop that checks every step; so do
  // per-save iteration counters (the fixed-count path keeps no counts between saves) and
  // auto's switching (its stepper's state lives across the whole run).
  return info.n_events() == 0 && !spec.land_on_samples && !request.iteration_counters &&
         family != method_family::auto_switch;
}

}  // namespace

bool takes_fixed_count_path(const system_info& info, const solver_settings& settings, const solve_spec& spec) {
  const method_info& method = find_method(settings.algorithm);
  std::vector<std::string> ignored;
  const bool fixed = resolve_controller(settings, method, ignored).kind == controller_kind::fixed;
  if (!fixed) return false;
  const detail::output_request request = detail::resolve_outputs(info, spec);
  const detail::save_schedule schedule = detail::plan_saves(spec, request.time_domain || request.iteration_counters);
  return schedule.counts_fixed_steps(fixed) && fixed_count_path_allowed(info, spec, request, method.family);
}

struct Solver::impl {
  std::shared_ptr<const compiled_system> system;
  solver_settings settings;
  const method_info* method = nullptr;
  resolved_controller controller{};
  resolved_newton newton{};
  std::vector<double> atol, rtol;
  std::vector<std::string> warnings;
  std::string backend;  // "cpu" or "cuda"
  std::unique_ptr<executor> exec;
  host_allocator result_alloc = host_allocator::pageable();

  // The last prepared batch per precision: re-solving the same grid with the same spec
  // (the steady state of a sweep solved repeatedly) converts no inputs again.
  template <class V>
  struct prepared_cache {
    std::uint64_t grid_id = 0;
    solve_spec spec;
    prepared_batch<V> batch;
  };
  std::optional<prepared_cache<float>> cache_f;
  std::optional<prepared_cache<double>> cache_d;
  template <class V>
  std::optional<prepared_cache<V>>& cache() {
    if constexpr (sizeof(V) == 4) return cache_f;
    else return cache_d;
  }
  template <class V>
  const prepared_batch<V>& prepared(const batch_grid& grid, const solve_spec& spec) {
    auto& c = cache<V>();
    if (!c || c->grid_id != grid.id() || !(c->spec == spec)) {
      c.reset();  // a rejected spec must not leave a stale entry behind
      prepared_cache<V> fresh;
      fresh.batch = prepare<V>(grid, spec);
      fresh.grid_id = grid.id();
      fresh.spec = spec;
      c = std::move(fresh);
    }
    return c->batch;
  }

  void resolve();
  template <class V>
  prepared_batch<V> prepare(const batch_grid& grid, const solve_spec& spec) const;
  template <class V>
  loop_settings<V> loop_settings_for(const solve_spec& spec, const detail::save_schedule& schedule,
                                     const detail::summary_plan& summaries) const;
  template <class V>
  void pick_summary_entries(prepared_batch<V>& b, u32 groups) const;
  template <class V>
  void pick_auto_passes(prepared_batch<V>& b) const;
  /// Inputs in precision V: the varying columns (n_runs values each), then the broadcast values.
  template <class V>
  static void convert_inputs(const batch_grid& grid, prepared_batch<V>& b);
  template <class V>
  void run(const prepared_batch<V>& batch, result_sink& sink, solve_statistics& stats);
  void solve_into_sink(result_sink& sink, const batch_grid& grid, const solve_spec& spec, solve_statistics& stats);
};

void Solver::impl::resolve() {
  if (!system) throw invalid_argument("Solver: system is null");
  const solver_settings& s = settings;
  method = &find_method(s.algorithm);

  atol = expand_tolerance(s.atol, system->info.n_states(), "atol");
  rtol = expand_tolerance(s.rtol, system->info.n_states(), "rtol");
  newton = resolve_newton(s, atol, rtol, s.precision, method->family, system->info.direct_linear_solver);
  if (s.dt_min && (!(*s.dt_min > 0) || !std::isfinite(*s.dt_min)))
    throw invalid_argument("dt_min = " + number_text(*s.dt_min) + "; it must be a finite number > 0");
  if (s.dt_max && (!(*s.dt_max > 0) || !std::isfinite(*s.dt_max)))
    throw invalid_argument("dt_max = " + number_text(*s.dt_max) + "; it must be a finite number > 0");
  if (s.dt_min && s.dt_max && *s.dt_min > *s.dt_max)
    throw invalid_argument("dt_min = " + number_text(*s.dt_min) + " > dt_max = " + number_text(*s.dt_max) +
                           "; dt_min must not exceed dt_max");
  if (s.dt && (!(*s.dt > 0) || !std::isfinite(*s.dt)))
    throw invalid_argument("dt = " + number_text(*s.dt) + "; it must be a finite number > 0");
  if (s.max_steps <= 0) throw invalid_argument("max_steps = " + std::to_string(s.max_steps) + "; it must be >= 1");
  if (s.cpu_threads < 0)
    throw invalid_argument("cpu_threads = " + std::to_string(s.cpu_threads) + "; use 0 (every core) or a count");
  if (s.auto_passes < 0 || s.auto_passes > 2)
    throw invalid_argument(auto_passes_refusal("auto_passes = " + std::to_string(s.auto_passes), "0"));
  s.memory.validate();

  const entry_key key{method->name, s.precision};
  const std::string be = normalize_name(s.backend);
  if (be != "auto" && be != "cpu" && be != "cuda")
    throw invalid_argument("backend: unknown value '" + s.backend + "'; valid values are auto, cpu, cuda");
  const bool gpu_compiled = system->gpu.count(key) > 0;
  if (be == "cuda") {
    if (!gpu_compiled) {
      throw invalid_argument("backend = cuda: system '" + system->info.name + "' has no CUDA kernel for " +
                             method->name + " in " + precision_name(s.precision) + " (compiled: " +
                             join_names(system->gpu_methods(s.precision)) + ")");
    }
    if (!cuda_device_available()) throw invalid_argument("backend = cuda: " + cuda_unavailable_reason());
    backend = "cuda";
  } else if (be == "auto" && gpu_compiled && cuda_device_available()) {
    backend = "cuda";
  } else {
    backend = "cpu";
    if (!system->cpu.count(key)) {
      const auto avail = system->cpu_methods(s.precision);
      throw invalid_argument("algorithm: system '" + system->info.name + "' was not compiled with " + method->name +
                             " in " + precision_name(s.precision) + " for the CPU; compiled: " +
                             (avail.empty() ? std::string("(none)") : join_names(avail)));
    }
  }
  // After the backend: a few controller defaults follow how its steppers hold runs (one per
  // GPU thread, SIMD packs on the CPU; step_control.cpp's defaults_of).
  controller = resolve_controller(s, *method, warnings,
                                  backend == "cuda" ? stepper_kind::one_run : stepper_kind::simd_pack);
  if (backend == "cuda") {
    exec = make_cuda_executor(s.memory);
    // Pageable results of a GPU solve are faulted in by background threads while the device
    // computes the first chunks, so the staging ring's writer copies into resident pages.
    result_alloc = s.memory.pinned_results ? cuda_result_allocator(s.memory) : host_allocator::pageable_prefaulted();
  } else {
    exec = std::make_unique<cpu::cpu_executor>(s.cpu_threads, s.memory);
    result_alloc = host_allocator::pageable();
  }
  if (s.auto_passes == 2 && method->family == method_family::auto_switch) {
    const entry_key first{"auto_switch_explicit_pass", s.precision};
    if (backend == "cuda" ? system->gpu.count(first) == 0 : system->cpu.count(first) == 0)
      warnings.push_back("auto_passes = 2: system '" + system->info.name + "' has no first-pass entry point for the " +
                         (backend == "cuda" ? "GPU" : "CPU") +
                         " (model files build it for the GPU only); auto runs in one kernel");
  }
  exec->warm_up(*system, key);
  for (const auto& w : warnings) default_warning_sink(w);
}

template <class V>
prepared_batch<V> Solver::impl::prepare(const batch_grid& grid, const solve_spec& spec) const {
  const system_info& info = system->info;
  if (grid.columns().size() != static_cast<std::size_t>(info.n_states() + info.n_parameters()) ||
      grid.n_states() != info.n_states()) {
    throw invalid_argument("solve: the grid was built for a system with other variables than '" + info.name + "'");
  }
  const detail::output_request request = detail::resolve_outputs(info, spec);
  const detail::save_schedule schedule = detail::plan_saves(spec, request.time_domain || request.iteration_counters);
  const detail::summary_plan summaries = detail::plan_summaries(request.metrics, spec, schedule);

  prepared_batch<V> b;
  b.system = system.get();
  b.method = method->name;
  const entry_key key{method->name, settings.precision};
  if (auto it = system->cpu.find(key); it != system->cpu.end()) b.cpu = it->second;
  if (auto it = system->gpu.find(key); it != system->gpu.end()) b.gpu = &it->second;
  b.n_runs = grid.n_runs();
  b.n_states = info.n_states();
  b.n_parameters = info.n_parameters();

  if (summaries.any()) pick_summary_entries(b, summaries.groups);

  detail::output_selection outputs =
      detail::select_outputs(info, spec, request, schedule, summaries, settings.precision, b.n_runs,
                             method->family == method_family::auto_switch);
  b.outputs = std::move(outputs.layout);
  b.state_slot = std::move(outputs.state_slot);
  b.observable_slot = std::move(outputs.observable_slot);
  b.n_saved_observables = outputs.n_saved_observables;
  b.summary_slot = std::move(outputs.summary_slot);
  b.save_times = schedule.listed;

  b.loop = loop_settings_for<V>(spec, schedule, summaries);
  b.loop.summary.n_summarised_observables = static_cast<i32>(request.summarised_observables.size());
  b.loop.summary.n_rows = static_cast<i32>(b.outputs.n_summaries());
  convert_inputs(grid, b);
  detail::add_driver_inputs(info, spec, b);
  b.land_on_samples = spec.land_on_samples ? 1 : 0;
  if (spec.land_on_samples && b.drivers.empty())
    throw invalid_argument("land_on_samples: system '" + info.name + "' has no drivers whose samples steps could land on");
  if (spec.max_events < 0)
    throw invalid_argument("max_events = " + std::to_string(spec.max_events) + "; it must be 0 or more");
  if (!(spec.event_tolerance >= 0) || !std::isfinite(spec.event_tolerance))
    throw invalid_argument("event_tolerance = " + number_text(spec.event_tolerance) + "; it must be a finite number >= 0");
  b.events = {spec.max_events, spec.event_tolerance};
  if (!fixed_count_path_allowed(info, spec, request, method->family)) b.loop.fixed_count_path = false;
  b.atol.assign(atol.begin(), atol.end());
  b.rtol.assign(rtol.begin(), rtol.end());
  if (method->family == method_family::auto_switch && !summaries.any() && info.n_events() == 0 && b.drivers.empty())
    pick_auto_passes(b);
  // Kernels built one loop path per program (model files through NVRTC): the fixed-count
  // path has a kernel of its own, built here on the first solve that takes the path (on
  // the GPU backend only: a CPU solve never launches it).
  if (b.loop.fixed_count_path && b.gpu != nullptr && backend == "cuda" && system->gpu_fixed_count) {
    if (const gpu_kernel* k = system->gpu_fixed_count->get(b.gpu->function)) b.gpu = k;
  }
  // The same on the CPU: a model's library built with the general loop only.
  if (b.loop.fixed_count_path && b.cpu != nullptr && backend == "cpu" && system->cpu_fixed_count) {
    if (const cpu_path_entry* e = system->cpu_fixed_count->get(entry_key_of(b.cpu))) b.cpu = e->entry;
  }
  return b;
}

template <class V>
void Solver::impl::pick_auto_passes(prepared_batch<V>& b) const {
  // Two passes by default on the GPU (one kernel holding both methods costs the explicit runs
  // occupancy, and warps mixing the modes run both); one on the CPU, where packs of
  // neighbouring runs need no compaction to stay apart (bench/RESULTS.md, issue 9).
  // The setting auto_passes wins; unset (0), CUBIE_AUTO_PASSES=1 or 2 picks for both backends.
  int passes = settings.auto_passes;
  if (passes == 0) passes = auto_passes_from_environment().value_or(backend == "cuda" ? 2 : 1);
  if (passes != 2) return;
  const entry_key key{"auto_switch_explicit_pass", settings.precision};
  if (backend == "cuda") {
    if (auto it = system->gpu.find(key); it != system->gpu.end()) b.gpu_first_pass = &it->second;
  } else {
    if (auto it = system->cpu.find(key); it != system->cpu.end()) b.cpu_first_pass = it->second;
  }
  // A system built without the first pass (a model compiled for the CPU alone) keeps one pass.
  if (b.gpu_first_pass != nullptr || b.cpu_first_pass != nullptr) b.continuation_fields = cubie::continuation_fields(b.n_states);
}

template <class V>
void Solver::impl::pick_summary_entries(prepared_batch<V>& b, u32 groups) const {
  // Summaries need entry points that compute them; a system built without them says how.
  const precision p = settings.precision;
  auto missing = [&](const char* where) {
    return invalid_argument("output_types: system '" + system->info.name + "' has no " + where +
                            " entry point computing summary metrics for " + method->name + " in " +
                            precision_name(p) +
                            "; C++ systems add them with make_system<...>(summary_entries<>{}), model files "
                            "compile them when the model's output_types lists summary metrics");
  };
  if (backend == "cuda") {
    const gpu_kernel* k = system->gpu_summary_entry(method->name, p, groups);
    if (k == nullptr) throw missing("CUDA");
    b.gpu = k;
    const cpu_entry* c = system->cpu_summary_entry(method->name, p, groups);
    b.cpu = c != nullptr ? *c : nullptr;
  } else {
    const cpu_entry* c = system->cpu_summary_entry(method->name, p, groups);
    if (c == nullptr) throw missing("CPU");
    b.cpu = *c;
    b.gpu = system->gpu_summary_entry(method->name, p, groups);
  }
}

template <class V>
loop_settings<V> Solver::impl::loop_settings_for(const solve_spec& spec, const detail::save_schedule& schedule,
                                                 const detail::summary_plan& summaries) const {
  loop_settings<V> ls{};
  ls.t0 = schedule.t0;
  ls.t_save0 = schedule.t_save0;
  ls.save_every = schedule.save_every;
  ls.n_saves = schedule.n_saves;
  ls.first_save = schedule.first_save;
  ls.last_save = schedule.last_save;

  const bool fixed = controller.kind == controller_kind::fixed;
  const double dt = settings.dt.value_or(fixed ? default_fixed_dt : 0.0);
  ls.dt0 = static_cast<V>(dt);
  const step_bounds bounds = resolve_step_bounds(settings, schedule.t0, spec.settling_time + spec.duration, method->family);
  ls.control = controller_constants<V>(controller, method->error_order, bounds.dt_min, bounds.dt_max);
  ls.newton = newton_constants<V>(newton);
  ls.control.newton_target = static_cast<V>(newton.target_iters);
  ls.max_steps = settings.max_steps;

  // Fixed steps with no save between the span's ends count steps instead of comparing times
  // (the same rule as takes_fixed_count_path's, from one function).
  ls.fixed_count_path = schedule.counts_fixed_steps(fixed);
  ls.dt_fixed = dt;
  ls.settle_steps = 0;
  ls.settle_last_h = V(0);
  ls.main_steps = 0;
  ls.main_last_h = V(0);
  if (ls.fixed_count_path) {
    // Whole steps of dt, the last one shortened to end exactly on the span's end.
    auto count = [&](double span, i64& steps, V& last) {
      if (span <= 0) return;
      steps = static_cast<i64>(std::ceil(span / dt - 1e-9));
      if (steps < 1) steps = 1;
      last = static_cast<V>(span - static_cast<double>(steps - 1) * dt);
    };
    count(spec.settling_time, ls.settle_steps, ls.settle_last_h);
    count(spec.duration, ls.main_steps, ls.main_last_h);
    if (summaries.any()) {
      count(summaries.sample_every, ls.summary.steps_per_sample, ls.summary.sample_last_h);
      // After the last whole window (nothing when the windows fill the duration).
      const double tail = schedule.t_last - summaries.window_ends.back();
      if (tail > 1e-9 * dt) count(tail, ls.summary.tail_steps, ls.summary.tail_last_h);
    }
    if (ls.settle_steps + ls.main_steps > settings.max_steps) {
      throw invalid_argument("max_steps = " + std::to_string(settings.max_steps) + " but dt = " + number_text(dt) +
                             " needs " + std::to_string(ls.settle_steps + ls.main_steps) +
                             " fixed steps; raise max_steps or dt");
    }
  }
  if (summaries.any()) {
    summary_settings<V>& ss = ls.summary;
    ss.groups = summaries.groups;
    ss.outputs = summaries.outputs;
    ss.samples_per_window = summaries.samples_per_window;
    ss.n_windows = summaries.n_windows;
    ss.t_start = schedule.t_save0;
    ss.t_end = schedule.t_last;
    ss.sample_every = summaries.sample_every;
    ss.inv_sample_every = static_cast<V>(1.0 / summaries.sample_every);
    ss.inv_sample_every_sq = static_cast<V>(1.0 / (summaries.sample_every * summaries.sample_every));
  }
  return ls;
}

template <class V>
void Solver::impl::convert_inputs(const batch_grid& grid, prepared_batch<V>& b) {
  const auto& cols = grid.columns();
  b.input_offset.assign(cols.size(), 0);
  b.input_stride.assign(cols.size(), 0);
  b.varying_columns = 0;
  for (const auto& col : cols) b.varying_columns += col.broadcast() ? 0 : 1;
  // Not zeroed first (input_vector): every value is written below, the varying columns in
  // parallel, so a large batch's fresh pages fault in on every copy thread (a first solve of
  // 4,194,304 runs would otherwise spend about 7 ms per column faulting them in on one).
  b.input_values.resize(static_cast<std::size_t>(b.varying_columns * b.n_runs) +
                        (cols.size() - static_cast<std::size_t>(b.varying_columns)));
  i64 next_varying = 0;
  i64 next_broadcast = b.varying_columns * b.n_runs;
  std::vector<std::pair<const double*, V*>> varying;
  for (std::size_t v = 0; v < cols.size(); ++v) {
    if (cols[v].broadcast()) {
      b.input_offset[v] = next_broadcast;
      b.input_values[next_broadcast++] = static_cast<V>(cols[v].values[0]);
    } else {
      b.input_offset[v] = next_varying * b.n_runs;
      b.input_stride[v] = 1;
      varying.emplace_back(cols[v].values.data(), b.input_values.data() + next_varying * b.n_runs);
      ++next_varying;
    }
  }
  // Blocks of 256 Ki values (1 MiB of float) per column; a batch under one block per column
  // stays on this thread (no hand-off, and no copy threads started for a small solve).
  constexpr i64 block_values = i64{1} << 18;
  const i64 n_runs = b.n_runs;
  const i64 per_column = (n_runs + block_values - 1) / block_values;
  const auto convert = [&](std::int64_t k) {
    const auto& [src, dst] = varying[static_cast<std::size_t>(k / per_column)];
    const i64 begin = (k % per_column) * block_values;
    const i64 end = std::min(n_runs, begin + block_values);
    for (i64 r = begin; r < end; ++r) dst[r] = static_cast<V>(src[r]);
  };
  const i64 blocks = per_column * static_cast<i64>(varying.size());
  if (per_column > 1) {
    parallel_blocks(blocks, convert);
  } else {
    for (i64 k = 0; k < blocks; ++k) convert(k);
  }
}

template <class V>
void Solver::impl::run(const prepared_batch<V>& batch, result_sink& sink, solve_statistics& stats) {
  exec->execute(batch, sink, stats);
}

void Solver::impl::solve_into_sink(result_sink& sink, const batch_grid& grid, const solve_spec& spec,
                                   solve_statistics& stats) {
  if (settings.precision == precision::float32) run(prepared<float>(grid, spec), sink, stats);
  else run(prepared<double>(grid, spec), sink, stats);
}

Solver::Solver(std::shared_ptr<const compiled_system> system, solver_settings settings)
    : impl_(std::make_unique<impl>()) {
  impl_->system = std::move(system);
  impl_->settings = std::move(settings);
  impl_->resolve();
}
Solver::~Solver() = default;
Solver::Solver(Solver&&) noexcept = default;
Solver& Solver::operator=(Solver&&) noexcept = default;

SolveResult Solver::solve(const named_arrays& initial_values, const named_arrays& parameters, const solve_spec& spec) {
  const batch_grid grid = batch_grid::build(impl_->system->info, initial_values, parameters, spec.grid);
  return solve(grid, spec);
}

SolveResult Solver::solve(const batch_grid& grid, const solve_spec& spec) {
  SolveResult result;
  solve_into(result, grid, spec);
  return result;
}

SolveResult::layout Solver::output_layout(const batch_grid& grid, const solve_spec& spec) const {
  // Through the cache: a writer asks for the layout and then solves the same grid and
  // spec, which must not convert every input twice.
  if (impl_->settings.precision == precision::float32) return impl_->prepared<float>(grid, spec).outputs;
  return impl_->prepared<double>(grid, spec).outputs;
}

void Solver::solve_into(SolveResult& result, const batch_grid& grid, const solve_spec& spec) {
  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  // Validate and prepare before touching the caller's result: a rejected solve leaves
  // both the Solver and the result as they were.
  auto work = [&](auto tag) {
    using V = decltype(tag);
    const prepared_batch<V>& batch = impl_->prepared<V>(grid, spec);
    result.prepare(batch.outputs, impl_->result_alloc);
    solve_statistics& stats = result.mutable_statistics();
    stats.setup_ms = std::chrono::duration<double, std::milli>(clock::now() - t_start).count();
    result_memory_sink sink(result, impl_->settings.nan_fill_failed);
    try {
      impl_->run(batch, sink, stats);
    } catch (const chunk_failure& f) {
      sink.mark_not_integrated(f.committed_runs());
      auto partial = std::make_shared<SolveResult>(std::move(result));
      throw solve_failed(f.what(), partial, f.sticky());
    }
    stats.wall_ms = std::chrono::duration<double, std::milli>(clock::now() - t_start).count();
  };
  if (impl_->settings.precision == precision::float32) work(float{});
  else work(double{});
}

solve_statistics Solver::solve_to_sink(result_sink& sink, const batch_grid& grid, const solve_spec& spec) {
  using clock = std::chrono::steady_clock;
  const auto t_start = clock::now();
  solve_statistics stats;
  impl_->solve_into_sink(sink, grid, spec, stats);
  stats.wall_ms = std::chrono::duration<double, std::milli>(clock::now() - t_start).count();
  return stats;
}

const system_info& Solver::system() const { return impl_->system->info; }
const solver_settings& Solver::settings() const { return impl_->settings; }
const method_info& Solver::method() const { return *impl_->method; }
const resolved_controller& Solver::controller() const { return impl_->controller; }
std::string Solver::backend() const { return impl_->backend; }
const std::vector<std::string>& Solver::warnings() const { return impl_->warnings; }

}  // namespace cubie
