// `cubie run`: model file -> overrides -> checks and plan -> sweep -> compile -> solve ->
// file -> summary. Everything the user can get wrong, and a run that cannot fit in memory
// or on disk, is refused before the result file is created, so exit 2 never leaves a file
// behind; the plan (sizes, peak memory), warnings and notes come first, and a status line
// on a terminal shows what happens from the first second.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "cli_error.hpp"
#include "commands.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/output_plan.hpp"
#include "cubie/batch/result_memory_sink.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/execution/deferred_kernels.hpp"
#include "cubie/io/csv_writer.hpp"
#include "cubie/io/hdf5_result_writer.hpp"
#include "cubie/io/monitored_sink.hpp"
#include "cubie/io/settings_json.hpp"
#include "cubie/models/model_compiler.hpp"
#include "cubie/models/model_warnings.hpp"
#include "cubie/models/sweep.hpp"
#include "interrupt_guard.hpp"
#include "model_grid.hpp"
#include "mpi_world.hpp"
#include "output_target.hpp"
#include "progress_bar.hpp"
#include "run_notes.hpp"
#include "run_plan.hpp"
#include "run_summary.hpp"
#include "split_run.hpp"
#include "text_format.hpp"

namespace cubie::cli {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

// Host memory the CPU backend may fill before a chunk goes to the HDF5 file, when the
// model sets no budget: a quarter of RAM, at most 1 GiB. Without it the CPU backend
// would solve the whole sweep as one chunk and hold every result at once.
std::uint64_t default_stream_budget() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  const std::uint64_t ram = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * page : 0;
  const std::uint64_t cap = std::uint64_t{1} << 30;
  return ram > 0 ? std::min(cap, ram / 4) : cap;
}

// The CPU backend solves a batch that fits as one chunk, and the bar moves only at
// commits: with a bar shown, cut it into about 64 chunks (never below 4096 runs, where
// the per-chunk hand-off would start to cost).
std::int64_t progress_chunk_runs(std::int64_t n_runs) { return std::max<std::int64_t>(4096, (n_runs + 63) / 64); }

// Only what the run will use: with backend auto the Solver takes the GPU whenever it has
// kernels and a device, so CPU entries are built only where the GPU cannot be (a large
// model's host compile would otherwise hold up a GPU run that never calls it).
models::compile_options compile_options_for(const std::string& backend) {
  models::compile_options o;
  const bool gpu = backend == "cuda" || (backend == "auto" && models::gpu_compile_unavailable_reason().empty());
  o.cpu = !gpu;
  o.gpu = gpu ? models::gpu_compile::required : models::gpu_compile::off;
  return o;
}

// --backend cuda (or backend = "cuda" in the model) where no GPU can run it: an exit code of
// its own, so a script can fall back to the CPU.
void require_gpu(const std::string& backend) {
  if (backend != "cuda") return;
  const std::string why = models::gpu_compile_unavailable_reason();
  if (!why.empty()) throw command_failure(exit_no_gpu, "--backend cuda: " + why);
}

// A solve that stopped part-way, as main() reports it: what stopped it and where the
// finished runs are (exit code 1).
command_failure stopped(const std::string& what, const std::string& where, i64 committed, i64 total,
                        const std::string& partial) {
  command_failure f(exit_failure, what + "; " + where);
  if (!partial.empty()) {
    f.partial_file = partial;
    f.committed_runs = committed;
    f.total_runs = total;
  }
  return f;
}

std::string runs_of(i64 committed, i64 total) {
  return std::to_string(committed) + " of " + std::to_string(total) + " runs";
}

}  // namespace

int run_command(const run_options& opt) {
  // Started by mpirun as one of several processes: the sweep is split across them.
  if (launched_processes() > 1) return split_run_command(opt);
  // --json is for scripts: no status line, whatever stderr is.
  const bool show_progress = !opt.quiet && !opt.json && isatty(STDERR_FILENO);
  progress_bar bar(show_progress);
  const auto note = [&](const std::string& text) {
    if (!opt.quiet) bar.print_above("cubie: note: " + text);
  };

  // ---- everything the user gave, checked before any work ------------------------------
  bar.phase("reading " + opt.model);
  models::model_definition model = models::load_model(opt.model);
  for (const std::string& s : opt.sets) models::apply_override(model, s);
  if (!opt.backend.empty()) model.settings.backend = normalize_name(opt.backend);
  const std::string backend = normalize_name(model.settings.backend);
  const std::optional<output_target> out = check_output_target(opt.out, opt.force);
  (void)find_method(model.settings.algorithm);  // lists the valid names before a compile
  model.settings.memory.validate();
  const auto n_runs = static_cast<std::int64_t>(models::run_count(model.sweep));
  for (const std::string& w : models::model_warnings(model)) bar.print_above(w);
  require_gpu(backend);

  // ---- the plan: sizes, memory and disk, before the sweep is built ----------------------
  const output_layout planned = plan_output_layout(model_system_info(model), model.spec, model.precision, n_runs, model.settings.algorithm);
  const bool gpu = backend == "cuda" || (backend == "auto" && cuda_device_available());
  const run_plan plan = plan_run(model, planned, gpu);
  if (!opt.quiet) bar.print_above("cubie: plan: " + plan_line(plan, out));
  for (const std::string& w : enforce_plan(plan, out, opt.compress)) bar.print_above("cubie: warning: " + w);
  if (const std::string dt = default_dt_note(model); !dt.empty()) note(dt);

  run_summary summary;
  summary.model_name = model.name;
  summary.model_path = opt.model;
  summary.precision = precision_name(model.precision);
  summary.algorithm = find_method(model.settings.algorithm).name;
  summary.grid = model.sweep.grid == grid_type::combinatorial ? "combinatorial" : "verbatim";
  summary.runs = n_runs;
  summary.planned_result_bytes = plan.result_bytes;
  summary.planned_peak_host_bytes =
      out && out->format == io::result_format::hdf5 ? plan.streamed_peak : plan.in_memory_peak;
  summary.planned_file_bytes =
      !out ? 0 : out->format == io::result_format::hdf5 ? plan.hdf5_file_bytes : plan.csv_file_bytes_max;

  const std::string preparing = "preparing " + std::to_string(n_runs) + " runs: ";
  bar.phase(preparing + "building the sweep");
  const batch_grid grid = take_model_grid(model);

  // ---- compile -------------------------------------------------------------------------
  // Shown at once: a model not in the cache takes seconds to compile.
  bar.phase(preparing + "compiling model '" + model.name + "' (" + std::to_string(model.states.size()) + " states, " +
                summary.algorithm + ")",
            true);
  const auto t_compile = clock_type::now();
  models::compile_report report;
  models::compile_options compile_options = compile_options_for(backend);
  // The model's own settings decide which kernels compile here; one left for its first
  // solve (none, unless a setting escapes the prediction) compiles in output_layout below.
  compile_options.on_deferred_compile = [&](const std::string& what) { bar.phase(preparing + what, true); };
  const std::shared_ptr<const compiled_system> system = models::compile_model(model, compile_options, &report);
  summary.compile_ms = ms_since(t_compile);

  // ---- the Solver and the shape of its output ----------------------------------------
  bar.phase(preparing + "converting the inputs");
  const bool stream = out && out->format == io::result_format::hdf5;
  solver_settings settings = model.settings;
  if (stream && settings.memory.host_budget_bytes == 0) settings.memory.host_budget_bytes = default_stream_budget();
  Solver solver(system, settings);
  if (show_progress && solver.backend() == "cpu" && settings.memory.max_chunk_runs == 0) {
    settings.memory.max_chunk_runs = progress_chunk_runs(grid.n_runs());
    solver = Solver(system, settings);
  }
  const SolveResult::layout layout = solver.output_layout(grid, model.spec);
  if (system->gpu_fixed_count) summary.compile_ms += system->gpu_fixed_count->builds().second;
  if (system->cpu_fixed_count) summary.compile_ms += system->cpu_fixed_count->builds().second;
  summary.backend = solver.backend();
  summary.compile_cache_hit = summary.backend == "cuda" ? report.gpu.cache_hit : report.cpu.cache_hit;
  summary.n_saves = layout.n_saves();
  summary.variables = layout.variables();
  summary.n_windows = layout.n_windows();
  summary.summary_legend = layout.summary_legend();
  summary.bytes_per_run = layout.bytes_per_run();

  io::result_metadata meta;
  meta.model_name = model.name;
  meta.model_text = model.source_text;
  meta.solver_settings = io::settings_json(model.settings, model.spec);
  meta.backend = solver.backend();

  // ---- solve (and write) -----------------------------------------------------------------
  interrupt_guard guard;
  const auto on_commit = [&](i64 done, i64 total) { bar.update(done, total); };
  solve_statistics stats;
  if (stream) {
    bar.phase(preparing + "creating " + out->partial.string());
    io::hdf5_result_writer writer(out->path, layout, grid, meta, {.compression_level = opt.compress},
                                  {.nan_fill_failed = settings.nan_fill_failed});
    io::monitored_sink sink(writer, grid.n_runs(), model.precision, on_commit, &interrupt_guard::stop_requested());
    bar.solve_started(grid.n_runs());
    try {
      stats = solver.solve_to_sink(sink, grid, model.spec);
    } catch (const invalid_argument&) {
      writer.discard();  // a setting the checks above missed: exit 2 leaves no file
      throw;
    } catch (const io::interrupted&) {
      bar.clear();
      const std::string partial = writer.partial_path().string();
      command_failure f = stopped("interrupted after " + runs_of(sink.committed_runs(), grid.n_runs()),
                                  "the finished runs are in " + partial + " (complete = 0)", sink.committed_runs(),
                                  grid.n_runs(), partial);
      f.kind = "";
      throw f;
    } catch (const error& e) {
      bar.clear();
      const std::string partial = writer.partial_path().string();
      throw stopped(e.what(),
                    "the " + runs_of(sink.committed_runs(), grid.n_runs()) + " that finished are in " + partial +
                        " (complete = 0)",
                    sink.committed_runs(), grid.n_runs(), partial);
    }
    const auto t_finish = clock_type::now();
    writer.finish();
    // The file is written by the staging ring's thread while the next chunks compute: the
    // solve's wall time includes waiting for the last chunk's write; `write` is the time
    // spent writing, mostly overlapped, plus closing the file.
    summary.write_ms = sink.commit_ms() + ms_since(t_finish);
    summary.solve_ms = stats.wall_ms;
    summary.status = sink.tally();
  } else {
    bar.phase(preparing + "allocating " + format_bytes(plan.result_bytes) + " for the results");
    SolveResult result;
    // As the Solver's own results: a GPU solve's pageable pages are faulted in by background
    // threads while the device computes (the CPU backend's threads fault in their own).
    const bool cuda = solver.backend() == "cuda";
    result.prepare(layout, cuda && settings.memory.pinned_results ? cuda_result_allocator(settings.memory)
                           : cuda                                 ? host_allocator::pageable_prefaulted()
                                                                  : host_allocator::pageable());
    result_memory_sink memory(result, settings.nan_fill_failed);
    io::monitored_sink sink(memory, grid.n_runs(), model.precision, on_commit, &interrupt_guard::stop_requested());
    bar.solve_started(grid.n_runs());
    try {
      stats = solver.solve_to_sink(sink, grid, model.spec);
    } catch (const io::interrupted&) {
      bar.clear();
      command_failure f = stopped("interrupted after " + runs_of(sink.committed_runs(), grid.n_runs()),
                                  "nothing was written", sink.committed_runs(), grid.n_runs(), "");
      f.kind = "";
      throw f;
    }
    summary.solve_ms = stats.wall_ms;
    summary.status = sink.tally();
    if (out) {
      bar.clear();
      const auto t_write = clock_type::now();
      io::write_csv(out->path, result, grid);
      summary.write_ms = ms_since(t_write);
    }
  }
  bar.clear();

  summary.device = stats.device;
  summary.statistics = stats;
  summary.chunks = stats.chunks;
  summary.peak_device_bytes = stats.peak_device_bytes;
  if (out) {
    summary.output = out->path.string();
    if (!stream && layout.has(output_id::summaries) && layout.has(output_id::time_domain))
      summary.output += " and " + io::summaries_csv_path(out->path).string();
    summary.format = stream ? "hdf5" : "csv";
    summary.output_bytes = std::filesystem::file_size(out->path);
  }
  if (opt.json) std::printf("%s\n", summary_json(summary).c_str());
  else if (!opt.quiet) std::printf("%s", summary_text(summary).c_str());
  return exit_ok;
}

}  // namespace cubie::cli
