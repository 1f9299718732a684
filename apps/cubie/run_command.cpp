// `cubie run`: model file -> overrides -> sweep -> compile -> solve -> file -> summary.
// Everything the user can get wrong is checked before the result file is created, so a
// bad model, option or setting (exit 2) never leaves a file behind.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "commands.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/io/csv_writer.hpp"
#include "cubie/io/hdf5_result_writer.hpp"
#include "cubie/io/monitored_sink.hpp"
#include "cubie/io/result_paths.hpp"
#include "cubie/io/settings_json.hpp"
#include "cubie/models/model_compiler.hpp"
#include "interrupt_guard.hpp"
#include "cubie/batch/result_memory_sink.hpp"
#include "model_grid.hpp"
#include "progress_bar.hpp"
#include "run_summary.hpp"
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

std::optional<io::result_format> output_format(const std::string& out) {
  if (out.empty()) return std::nullopt;
  const std::filesystem::path p(out);
  const io::result_format f = io::format_for_path(p);
  const std::filesystem::path dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir))
    throw invalid_argument("--out " + out + ": the folder '" + dir.string() + "' does not exist");
  return f;
}

models::compile_options compile_options_for(const std::string& backend) {
  models::compile_options o;
  o.cpu = backend != "cuda";
  o.gpu = backend == "cuda"   ? models::gpu_compile::required
          : backend == "auto" ? models::gpu_compile::if_available
                              : models::gpu_compile::off;
  return o;
}

}  // namespace

int run_command(const run_options& opt) {
  // ---- everything the user gave, checked before any work ------------------------------
  models::model_definition model = models::load_model(opt.model);
  for (const std::string& s : opt.sets) models::apply_override(model, s);
  if (!opt.backend.empty()) model.settings.backend = normalize_name(opt.backend);
  const std::string backend = normalize_name(model.settings.backend);
  const std::optional<io::result_format> format = output_format(opt.out);
  (void)find_method(model.settings.algorithm);  // lists the valid names before a compile
  model.settings.memory.validate();
  const batch_grid grid = model_grid(model);
  if (backend == "cuda") {
    const std::string why = models::gpu_compile_unavailable_reason();
    if (!why.empty()) throw invalid_argument("--backend cuda: " + why);
  }

  run_summary summary;
  summary.model_name = model.name;
  summary.model_path = opt.model;
  summary.precision = precision_name(model.precision);
  summary.algorithm = find_method(model.settings.algorithm).name;
  summary.grid = model.sweep.grid == grid_type::combinatorial ? "combinatorial" : "verbatim";
  summary.runs = grid.n_runs();

  // ---- compile -------------------------------------------------------------------------
  const auto t_compile = clock_type::now();
  models::compile_report report;
  const auto system = models::compile_model(model, compile_options_for(backend), &report);
  summary.compile_ms = ms_since(t_compile);

  // ---- the Solver and the shape of its output ----------------------------------------
  const bool stream = format == io::result_format::hdf5;
  const bool show_progress = !opt.quiet && isatty(STDERR_FILENO);
  solver_settings settings = model.settings;
  if (stream && settings.memory.host_budget_bytes == 0) settings.memory.host_budget_bytes = default_stream_budget();
  Solver solver(system, settings);
  if (show_progress && solver.backend() == "cpu" && settings.memory.max_chunk_runs == 0) {
    settings.memory.max_chunk_runs = progress_chunk_runs(grid.n_runs());
    solver = Solver(system, settings);
  }
  const SolveResult::layout layout = solver.output_layout(grid, model.spec);
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
  progress_bar bar(show_progress);
  const auto on_commit = [&](i64 done, i64 total) { bar.update(done, total); };
  const std::string runs_text = " of " + std::to_string(grid.n_runs()) + " runs";
  solve_statistics stats;
  if (stream) {
    io::hdf5_result_writer writer(opt.out, layout, grid, meta, {.compression_level = opt.compress},
                                  {.nan_fill_failed = settings.nan_fill_failed});
    io::monitored_sink sink(writer, grid.n_runs(), on_commit, &interrupt_guard::stop_requested());
    try {
      stats = solver.solve_to_sink(sink, grid, model.spec);
    } catch (const invalid_argument&) {
      writer.discard();  // a setting the checks above missed: exit 2 leaves no file
      throw;
    } catch (const io::interrupted&) {
      bar.clear();
      std::fprintf(stderr, "cubie: interrupted after %lld%s; the finished runs are in %s (complete = 0)\n",
                   static_cast<long long>(sink.committed_runs()), runs_text.c_str(), writer.partial_path().c_str());
      return exit_failure;
    } catch (const error& e) {
      bar.clear();
      std::fprintf(stderr, "cubie: error: %s\ncubie: the %lld%s that finished are in %s (complete = 0)\n", e.what(),
                   static_cast<long long>(sink.committed_runs()), runs_text.c_str(), writer.partial_path().c_str());
      return exit_failure;
    }
    const auto t_finish = clock_type::now();
    writer.finish();
    summary.write_ms = sink.commit_ms() + ms_since(t_finish);
    // The CPU backend waits while a chunk is written: that time is the write's.
    summary.solve_ms = std::max(0.0, stats.wall_ms - sink.commit_ms());
    summary.status = sink.tally();
  } else {
    SolveResult result;
    result.prepare(layout, solver.backend() == "cuda" && settings.memory.pinned_results ? cuda_result_allocator(settings.memory)
                                                                                           : host_allocator::pageable());
    result_memory_sink memory(result, settings.nan_fill_failed);
    io::monitored_sink sink(memory, grid.n_runs(), on_commit, &interrupt_guard::stop_requested());
    try {
      stats = solver.solve_to_sink(sink, grid, model.spec);
    } catch (const io::interrupted&) {
      bar.clear();
      std::fprintf(stderr, "cubie: interrupted after %lld%s; nothing was written\n",
                   static_cast<long long>(sink.committed_runs()), runs_text.c_str());
      return exit_failure;
    }
    summary.solve_ms = stats.wall_ms;
    summary.status = sink.tally();
    if (format == io::result_format::csv) {
      bar.clear();
      const auto t_write = clock_type::now();
      io::write_csv(std::filesystem::path(opt.out), result, grid);
      summary.write_ms = ms_since(t_write);
    }
  }
  bar.clear();

  summary.device = stats.device;
  summary.statistics = stats;
  summary.chunks = stats.chunks;
  summary.peak_device_bytes = stats.peak_device_bytes;
  if (format) {
    summary.output = opt.out;
    if (*format == io::result_format::csv && layout.has(output_id::summaries) && layout.has(output_id::time_domain))
      summary.output += " and " + io::summaries_csv_path(opt.out).string();
    summary.format = *format == io::result_format::hdf5 ? "hdf5" : "csv";
    summary.output_bytes = std::filesystem::file_size(opt.out);
  }
  if (opt.json) std::printf("%s\n", summary_json(summary).c_str());
  else if (!opt.quiet) std::printf("%s", summary_text(summary).c_str());
  return exit_ok;
}

}  // namespace cubie::cli
