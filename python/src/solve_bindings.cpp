// Solving from Python: grids from numpy columns, and a solve that releases the GIL,
// stops after the chunk in flight when Ctrl-C (or a progress callback) raises, and hands
// back the finished runs with the exception so the Python layer can attach them to it.
#include <Python.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "bindings.hpp"
#include "result_pool.hpp"
#include "cubie/execution/parallel_copy.hpp"
#include "cubie/core/error.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/execution/executor.hpp"
#include "cubie/batch/result_memory_sink.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/io/monitored_sink.hpp"
#include "cubie/io/settings_json.hpp"

namespace cubie::python {

namespace {

using column_array = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;
using named_columns = std::vector<std::pair<std::string, column_array>>;

// The columns' values into the engine's arrays, whose storage comes from the result pool's
// kept columns (warm pages) when a dropped grid left some: a column of 4,194,304 runs is 33.5
// MB, which fresh would be faulted in page by page on this thread every call. Copied on the
// copy threads from 8 MiB on.
named_arrays to_named_arrays(const named_columns& columns) {
  named_arrays out;
  out.reserve(columns.size());
  for (const auto& [name, values] : columns) {
    const auto n = static_cast<std::size_t>(values.shape(0));
    std::vector<double> v = result_pool::global().take_column(n);
    if (n > 0) parallel_copy(v.data(), values.data(), n * sizeof(double));
    out.push_back({name, std::move(v)});
  }
  return out;
}

// The same without the pool, for the C++ side of the benchmarks: it must not take the
// columns a Python solve's dropped grid left for the next Python solve.
named_arrays plain_named_arrays(const named_columns& columns) {
  named_arrays out;
  for (const auto& [name, values] : columns)
    out.push_back({name, std::vector<double>(values.data(), values.data() + values.shape(0))});
  return out;
}

/// Called after every committed chunk, without the GIL, on whichever thread commits (the
/// CUDA backend's staging ring commits from its writer thread): takes the GIL and runs the
/// progress callback; a raising callback asks the solve to stop after this chunk. Python
/// runs signal handlers on the main thread only: where the main thread commits (the CPU
/// backend commits a whole-result solve's chunks on the calling thread) signals are checked
/// here too (`signals_on`); elsewhere the main thread watches them (watch_signals_while).
struct commit_hook {
  nb::object progress;
  std::atomic<bool> stop{false};
  nb::object pending;  // the exception raised, to re-raise with the partial result (GIL held)
  std::thread::id signals_on{};  // the main thread, when it runs the solve itself

  /// With the GIL held: runs pending signal handlers; Ctrl-C's KeyboardInterrupt becomes
  /// the pending exception and stops the solve after the chunk in flight.
  void check_signals() {
    if (pending.is_valid()) return;
    if (PyErr_CheckSignals() != 0) {
      nb::python_error e;
      pending = nb::borrow(e.value());
      stop = true;
    }
  }

  void operator()(i64 done, i64 total) {
    const bool signals_here = signals_on != std::thread::id{} && std::this_thread::get_id() == signals_on;
    const bool call_progress = progress.is_valid() && !progress.is_none();
    if (!signals_here && !call_progress) return;  // nothing to do with Python: leave the GIL alone
    nb::gil_scoped_acquire gil;
    if (pending.is_valid()) return;
    if (call_progress) {
      try {
        progress(done, total);
      } catch (nb::python_error& e) {
        pending = nb::borrow(e.value());
        stop = true;
      }
    }
    if (signals_here) check_signals();
  }
};

/// Runs `solve` on a worker thread while the calling thread (the main thread, without the
/// GIL) wakes every 20 ms to run Python's signal handlers, so Ctrl-C reaches the solve
/// whichever thread the backend commits chunks from. Exceptions from `solve` are rethrown
/// here. check_signals false (off by the caller, not the main thread, where Python runs no
/// handlers, or checked at each commit on this thread instead): `solve` runs here directly.
/// (The CPU backend does not take this path: there a wake preempts one of the solve's own
/// threads, which all the others then wait for; about 0.7 ms of a 68 ms solve on 2 cores.)
template <class F>
auto watch_signals_while(commit_hook& hook, bool check_signals, F&& solve) -> decltype(solve()) {
  using value = decltype(solve());
  if (!check_signals) return solve();
  std::optional<value> result;
  std::exception_ptr error;
  std::mutex m;
  std::condition_variable cv;
  bool finished = false;
  std::thread worker([&] {
    try {
      result.emplace(solve());
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(m);
    finished = true;
    cv.notify_one();
  });
  {
    std::unique_lock lock(m);
    while (!cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return finished; })) {
      lock.unlock();
      {
        nb::gil_scoped_acquire gil;
        hook.check_signals();
      }
      lock.lock();
    }
  }
  worker.join();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

}  // namespace

void bind_solve(nb::module_& m) {
  nb::class_<batch_grid>(m, "Grid", "The runs of a batch (cubie::batch_grid): built once, reusable across solves.")
      .def_prop_ro("n_runs", &batch_grid::n_runs)
      .def_prop_ro("n_states", &batch_grid::n_states)
      .def_prop_ro("system_name", [](const batch_grid& g) { return g.system_name(); })
      .def_prop_ro("id", &batch_grid::id)
      .def_prop_ro("names",
                   [](const batch_grid& g) {
                     std::vector<std::string> names;
                     for (const auto& c : g.columns()) names.push_back(c.name);
                     return names;
                   })
      .def(
          "column",
          [](const batch_grid& g, std::size_t i) {
            if (i >= g.columns().size())
              throw invalid_argument("Grid.column: index " + std::to_string(i) + " is outside [0, " +
                                     std::to_string(g.columns().size()) + ")");
            const auto& v = g.columns()[i].values;
            // A copy: grid columns are small next to results, and a copy cannot dangle.
            auto* data = new std::vector<double>(v);
            nb::capsule owner(data, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
            return nb::ndarray<nb::numpy, double, nb::ndim<1>>(data->data(), {data->size()}, owner);
          },
          nb::arg("index"), "Column `index` (states first, then parameters): one value (broadcast) or one per run.");

  nb::class_<Solver>(m, "Solver", "cubie::Solver: a compiled system with its settings.")
      .def(
          "__init__",
          [](Solver* self, std::shared_ptr<compiled_system> system, const solver_settings& settings) {
            new (self) Solver(std::const_pointer_cast<const compiled_system>(system), settings);
          },
          nb::arg("system"), nb::arg("settings"))
      .def_prop_ro("backend", &Solver::backend)
      .def_prop_ro("warnings", &Solver::warnings)
      .def_prop_ro("settings", &Solver::settings, nb::rv_policy::copy)
      .def_prop_ro("method", [](const Solver& s) { return s.method().name; })
      .def_prop_ro("adaptive", [](const Solver& s) { return s.method().adaptive; })
      .def_prop_ro("controller", [](const Solver& s) {
        const resolved_controller& c = s.controller();
        static const char* names[] = {"fixed", "i", "pi", "pid"};
        nb::dict d;
        d["kind"] = names[static_cast<int>(c.kind)];
        d["safety"] = c.safety;
        d["min_gain"] = c.min_gain;
        d["max_gain"] = c.max_gain;
        d["deadband_min"] = c.deadband_min;
        d["deadband_max"] = c.deadband_max;
        d["kp"] = c.kp;
        d["ki"] = c.ki;
        d["kd"] = c.kd;
        return d;
      });

  m.def(
      "build_grid",
      [](const Solver& solver, const named_columns& initial_values, const named_columns& parameters,
         const std::string& grid) {
        const grid_type type = parse_grid_type(grid);
        // The copies (33.5 MB a column at B1 size) without the GIL: other Python threads run.
        // The arrays stay alive meanwhile: the argument list holds them.
        nb::gil_scoped_release nogil;
        named_arrays inits = to_named_arrays(initial_values), params = to_named_arrays(parameters);
        // The converted columns move into a verbatim grid: no second copy on fresh pages; they
        // go back to the pool when the grid goes.
        return pooled_grid(batch_grid::build(solver.system(), std::move(inits), std::move(params), type));
      },
      nb::arg("solver"), nb::arg("initial_values"), nb::arg("parameters"), nb::arg("grid_type"),
      "Builds the grid of runs from named float64 columns (length 1 broadcasts).");

  m.def(
      "build_grid_ordered",
      [](const Solver& solver, const named_columns& values, const std::string& grid) {
        const grid_type type = parse_grid_type(grid);
        nb::gil_scoped_release nogil;
        named_arrays v = to_named_arrays(values);
        return pooled_grid(batch_grid::build(solver.system(), std::move(v), type));
      },
      nb::arg("solver"), nb::arg("values"), nb::arg("grid_type"),
      "Builds the grid from one list naming states and parameters in any order (a model file's "
      "[sweep]: a combinatorial grid follows this order, the last name fastest).");

  m.def(
      "time_engine_solves",
      [](Solver& solver, const named_columns& initial_values, const named_columns& parameters,
         const solve_spec& spec, int repeats) {
        // The C++ side of bench/python: Solver::solve from named arrays, a fresh result
        // each call (what a Python solve does), timed in C++.
        named_arrays inits = plain_named_arrays(initial_values), params = plain_named_arrays(parameters);
        std::vector<double> ms;
        nb::gil_scoped_release nogil;
        for (int i = 0; i < repeats; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          SolveResult r = solver.solve(inits, params, spec);
          ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
          if (r.n_runs() == 0) break;
        }
        return ms;
      },
      nb::arg("solver"), nb::arg("initial_values"), nb::arg("parameters"), nb::arg("spec"), nb::arg("repeats"),
      "Benchmark helper: milliseconds of `repeats` Solver::solve calls made from C++.");

  m.def(
      "time_engine_solve_parts",
      [](Solver& solver, const named_columns& initial_values, const named_columns& parameters,
         const solve_spec& spec) {
        // One Solver::solve(named arrays) from C++, in its two steps (what that overload does:
        // batch_grid::build, then solve(grid)), each timed: the C++ side of bench/python's
        // per-part comparison. The result is dropped after the clock stops, as a C++ loop
        // that keeps nothing drops it before its next solve; the drop is timed apart.
        named_arrays inits = plain_named_arrays(initial_values), params = plain_named_arrays(parameters);
        using clock = std::chrono::steady_clock;
        const auto ms = [](clock::time_point a, clock::time_point b) {
          return std::chrono::duration<double, std::milli>(b - a).count();
        };
        double grid_ms = 0, solve_ms = 0, total_ms = 0, drop_ms = 0;
        solve_statistics stats;
        {
          nb::gil_scoped_release nogil;
          const auto t0 = clock::now();
          std::optional<SolveResult> r;
          {
            const batch_grid grid = batch_grid::build(solver.system(), inits, params, spec.grid);
            const auto t1 = clock::now();
            r.emplace(solver.solve(grid, spec));
            const auto t2 = clock::now();
            grid_ms = ms(t0, t1);
            solve_ms = ms(t1, t2);
          }  // the grid goes here, as Solver::solve's own grid does before it returns
          const auto t3 = clock::now();
          total_ms = ms(t0, t3);
          stats = r->statistics();
          r.reset();
          drop_ms = ms(t3, clock::now());
        }
        nb::dict d;
        d["total_ms"] = total_ms;
        d["grid_ms"] = grid_ms;
        d["setup_ms"] = stats.setup_ms;
        d["run_ms"] = solve_ms - stats.setup_ms;
        d["solve_ms"] = solve_ms;
        d["drop_ms"] = drop_ms;
        d["chunks"] = stats.chunks;
        return d;
      },
      nb::arg("solver"), nb::arg("initial_values"), nb::arg("parameters"), nb::arg("spec"),
      "Benchmark helper: one Solver::solve from C++ in parts (ms): grid build, setup (prepared "
      "batch, result storage), run, the whole call, and the result's drop after it.");

  m.def(
      "result_pool_stats",
      [] {
        const result_pool_stats s = result_pool::global().stats();
        nb::dict d;
        d["cached_bytes"] = s.cached_bytes;
        d["max_bytes"] = s.max_bytes;
        d["hits"] = s.hits;
        d["misses"] = s.misses;
        d["returned"] = s.returned;
        d["dropped"] = s.dropped;
        d["column_hits"] = s.column_hits;
        d["column_misses"] = s.column_misses;
        d["cached_columns"] = s.cached_columns;
        return d;
      },
      "The result pool: bytes kept and their bound, results handed out from it (hits) or made "
      "afresh (misses), dropped results kept (returned) or freed (dropped), and the same for grid columns.");
  m.def(
      "set_result_pool_bytes", [](std::uint64_t bytes) { result_pool::global().set_max_bytes(bytes); },
      nb::arg("bytes"), "Bounds the storage of dropped results kept for reuse (0: keep none).");
  m.def(
      "release_result_pool",
      [] {
        nb::gil_scoped_release nogil;
        result_pool::global().release();
      },
      "Frees the storage of dropped results kept for reuse.");

  m.def(
      "output_layout",
      [](const Solver& solver, const batch_grid& grid, const solve_spec& spec) {
        const SolveResult::layout l = solver.output_layout(grid, spec);
        nb::dict d;
        d["n_saves"] = l.n_saves();
        d["n_runs"] = l.n_runs;
        d["variables"] = l.variables();
        d["n_saved_states"] = l.n_saved_states;
        d["times"] = l.times();
        d["counters"] = l.has(output_id::steps_accepted);
        return d;
      },
      nb::arg("solver"), nb::arg("grid"), nb::arg("spec"), "The shape of a solve's output, without solving.");

  m.def(
      "solve",
      [](Solver& solver, std::shared_ptr<batch_grid> grid, const solve_spec& spec, nb::object progress,
         bool check_signals, bool nan_fill, const std::string& model_name, const std::string& model_text) {
        auto out = std::make_unique<py_result>();
        out->grid = grid;
        out->settings = solver.settings();
        out->settings.nan_fill_failed = nan_fill;
        out->spec = spec;
        out->metadata.model_name = model_name;
        out->metadata.model_text = model_text;
        out->metadata.backend = solver.backend();
        out->metadata.solver_settings = io::settings_json(out->settings, spec);

        commit_hook hook;
        hook.progress = progress;
        if (check_signals) {
          nb::module_ threading = nb::module_::import_("threading");
          check_signals = threading.attr("current_thread")().is(threading.attr("main_thread")());
        }
        // The CPU backend commits a whole-result solve's chunks on the calling thread: the
        // hook checks signals there, after each chunk, and no watcher thread is needed.
        const bool commits_here = solver.backend() == "cpu";
        if (check_signals && commits_here) hook.signals_on = std::this_thread::get_id();
        const bool watch = check_signals && !commits_here;
        nb::object failure = nb::none();
        {
          nb::gil_scoped_release nogil;
          using clock = std::chrono::steady_clock;
          const auto t_start = clock::now();
          // The layout comes through the Solver's prepared-batch cache; the solve below
          // reuses what it converted.
          const SolveResult::layout layout = solver.output_layout(*grid, spec);
          // As Solver::solve does: pinned storage from the CUDA backend's pool when the
          // settings ask for it, else pageable.
          const host_allocator alloc = solver.backend() == "cuda" && out->settings.memory.pinned_results
                                           ? cuda_result_allocator(out->settings.memory)
                                           : host_allocator::pageable();
          // Storage of a result Python dropped, when one fits: warm pages (or pinned ones
          // already registered) instead of fresh.
          out->result = result_pool::global().take(layout, alloc.name);
          out->alloc_name = alloc.name;
          out->result.prepare(layout, alloc);
          // What Solver::solve_into counts as setup: the prepared batch and the result's storage.
          const double setup_ms = std::chrono::duration<double, std::milli>(clock::now() - t_start).count();
          result_memory_sink memory(out->result, nan_fill);
          io::monitored_sink sink(
              memory, grid->n_runs(), layout.precision, [&hook](i64 done, i64 total) { hook(done, total); }, &hook.stop);
          bool failed = false;
          std::string message;
          bool sticky = false;
          try {
            out->result.mutable_statistics() =
                watch_signals_while(hook, watch, [&] { return solver.solve_to_sink(sink, *grid, spec); });
            out->committed_runs = grid->n_runs();
          } catch (const io::interrupted&) {
            out->committed_runs = sink.committed_runs();
            memory.mark_not_integrated(out->committed_runs);
          } catch (const chunk_failure& f) {
            out->committed_runs = f.committed_runs();
            memory.mark_not_integrated(out->committed_runs);
            failed = true;
            message = f.what();
            sticky = f.sticky();
          }
          out->result.mutable_statistics().setup_ms = setup_ms;
          out->result.mutable_statistics().wall_ms =
              std::chrono::duration<double, std::milli>(clock::now() - t_start).count();
          if (failed) {
            nb::gil_scoped_acquire gil;
            failure = nb::make_tuple(message, sticky);
          }
        }
        nb::object pending = hook.pending.is_valid() ? hook.pending : nb::none();
        return nb::make_tuple(nb::cast(std::move(out)), pending, failure);
      },
      nb::arg("solver"), nb::arg("grid"), nb::arg("spec"), nb::arg("progress").none(), nb::arg("check_signals"),
      nb::arg("nan_fill"), nb::arg("model_name"), nb::arg("model_text"),
      "Solves `grid` with the GIL released. Returns (result, pending exception or None, "
      "(failure message, sticky) or None); a pending exception (Ctrl-C, a raising progress "
      "callback) stopped the solve after the chunk in flight.");
}

}  // namespace cubie::python
