#include "run_summary.hpp"

#include <cmath>
#include <sstream>

#include "cubie/batch/failure_summary.hpp"
#include "cubie/io/json_writer.hpp"
#include "text_format.hpp"

namespace cubie::cli {

namespace {

struct flag_count {
  const char* key;    // JSON key
  const char* words;  // for people
  std::int64_t count;
};

std::vector<flag_count> flag_counts(const io::status_tally& t) {
  return {{"step_too_small", "step too small", t.step_too_small},
          {"max_steps_exceeded", "max steps", t.max_steps_exceeded},
          {"stagnation", "stagnation", t.stagnation},
          {"nonfinite_state", "non-finite", t.nonfinite_state},
          {"not_integrated", "not integrated", t.not_integrated},
          {"singular_matrix", "singular matrix", t.singular_matrix},
          {"newton_max_iters", "Newton iterations", t.newton_max_iters},
          {"newton_diverged", "Newton diverged", t.newton_diverged},
          {"stability_limited", "at the stability limit (stiff)", t.stability_limited},
          {"other", "other flags", t.other}};
}

std::string device_label(const std::string& backend, int id) {
  return backend == "cuda" ? "gpu " + std::to_string(id) : backend + " " + std::to_string(id);
}

// One line per device of a multi-device solve: what it did, and how it stopped if it did.
void device_lines(std::ostringstream& o, const std::string& backend, const std::vector<device_statistics>& devices,
                  const char* first_prefix, const char* prefix) {
  const char* p = first_prefix;
  for (const device_statistics& d : devices) {
    o << p << device_label(backend, d.device) << " " << d.name << ": ";
    p = prefix;
    if (d.lost && d.runs == 0 && d.chunks == 0 && !d.failure.empty()) {
      o << "not used: " << d.failure << "\n";
      continue;
    }
    o << d.runs << " runs in " << d.chunks << (d.chunks == 1 ? " chunk" : " chunks") << ", kernel "
      << format_duration_ms(d.kernel_ms);
    if (!d.failure.empty()) {
      o << ", then failed: " << d.failure;
      if (d.runs_handed_back > 0) o << " (its " << d.runs_handed_back << " unfinished runs were redone by the others)";
      if (d.lost) o << "; left out of later solves";
    }
    o << "\n";
  }
}

void device_json(io::json_writer& w, const std::vector<device_statistics>& devices) {
  w.begin_array();
  for (const device_statistics& d : devices) {
    w.begin_object();
    w.key("device").value(d.device);
    w.key("name").value(d.name);
    w.key("runs").value(static_cast<std::int64_t>(d.runs));
    w.key("chunks").value(static_cast<std::int64_t>(d.chunks));
    w.key("kernel_ms").value(d.kernel_ms);
    w.key("h2d_ms").value(d.h2d_ms);
    w.key("d2h_ms").value(d.d2h_ms);
    w.key("busy_ms").value(d.busy_ms);
    w.key("peak_device_bytes").value(static_cast<std::uint64_t>(d.peak_device_bytes));
    w.key("allocation_retries").value(static_cast<std::int64_t>(d.allocation_retries));
    w.key("failure");
    if (d.failure.empty()) w.null();
    else w.value(d.failure);
    w.key("runs_handed_back").value(static_cast<std::int64_t>(d.runs_handed_back));
    w.key("lost").value(d.lost);
    w.end_object();
  }
  w.end_array();
}

}  // namespace

std::string summary_text(const run_summary& s) {
  std::ostringstream o;
  o << "model    " << s.model_name << " (" << s.model_path << "), " << s.precision << ", " << s.algorithm << "\n";
  o << "runs     " << s.runs << " (" << s.grid << " sweep), ";
  if (s.n_saves > 0) o << s.n_saves << " saves x " << s.variables.size() << " variables";
  else o << "no time domain";
  if (s.n_windows > 0) {
    o << ", " << s.n_windows << (s.n_windows == 1 ? " window x " : " windows x ") << s.summary_legend.size()
      << " summaries";
  }
  o << ", " << format_bytes(s.bytes_per_run) << " per run\n";
  o << "failed   " << s.status.failed;
  if (s.status.failed > 0) {
    std::string sep = ": ";
    for (const auto& f : flag_counts(s.status)) {
      if (f.count == 0) continue;
      o << sep << f.count << " " << f.words;
      sep = ", ";
    }
  }
  o << "\n";
  if (s.status.stopped_early > 0) {
    // Where the failed runs stopped, so a stiff run that died at t = 1e-3 is told apart
    // from one that reached 0.99 of the span.
    const auto& t = s.status;
    o << "stopped  " << t.stopped_early << (t.stopped_early == 1 ? " run" : " runs") << " early at t = "
      << format_number(t.stopped_t_min);
    if (t.stopped_t_max != t.stopped_t_min) o << " to " << format_number(t.stopped_t_max);
    if (!std::isnan(t.stopped_dt_min)) o << "; smallest final dt " << format_number(t.stopped_dt_min);
    o << "\n";
  }
  const std::string hint = stiffness_hint(s.status.stability_limited, s.status.failed, s.algorithm);
  if (!hint.empty()) o << "hint     " << hint << "\n";
  o << "backend  " << s.backend << " (" << s.device << "), " << s.chunks << (s.chunks == 1 ? " chunk" : " chunks");
  if (s.backend == "cuda") o << ", peak device memory " << format_bytes(s.peak_device_bytes);
  o << "\n";
  if (!s.statistics.devices.empty()) device_lines(o, s.backend, s.statistics.devices, "devices  ", "         ");
  if (!s.ranks.empty()) {
    o << "ranks    " << s.ranks.size() << " MPI processes, part files in " << s.parts << "\n";
    for (const rank_share& r : s.ranks) {
      o << "         rank " << r.rank << " on " << r.host << " (" << r.backend << (r.device.empty() ? std::string() : ": " + r.device) << "): " << r.runs
        << " runs in " << r.units << (r.units == 1 ? " unit" : " units") << ", " << format_duration_ms(r.solve_ms);
      if (!r.failure.empty()) o << ", then failed: " << r.failure;
      o << "\n";
      if (!r.devices.empty()) device_lines(o, r.backend, r.devices, "           ", "           ");
    }
  }
  o << "time     compile " << format_duration_ms(s.compile_ms) << (s.compile_cache_hit ? " (cached)" : "")
    << ", solve " << format_duration_ms(s.solve_ms) << ", write " << format_duration_ms(s.write_ms) << "\n";
  if (!s.output.empty()) o << "output   " << s.output << " (" << s.format << ", " << format_bytes(s.output_bytes) << ")\n";
  return o.str();
}

std::string summary_json(const run_summary& s) {
  io::json_writer w;
  w.begin_object();
  w.key("model").value(s.model_name);
  w.key("model_file").value(s.model_path);
  w.key("precision").value(s.precision);
  w.key("algorithm").value(s.algorithm);
  w.key("grid").value(s.grid);
  w.key("runs").value(static_cast<std::int64_t>(s.runs));
  w.key("n_saves").value(static_cast<std::int64_t>(s.n_saves));
  w.key("variables").value(s.variables);
  w.key("n_windows").value(static_cast<std::int64_t>(s.n_windows));
  w.key("summaries").value(s.summary_legend);
  w.key("bytes_per_run").value(static_cast<std::uint64_t>(s.bytes_per_run));
  w.key("failed").begin_object();
  w.key("count").value(static_cast<std::int64_t>(s.status.failed));
  w.key("by_status").begin_object();
  for (const auto& f : flag_counts(s.status)) w.key(f.key).value(static_cast<std::int64_t>(f.count));
  w.end_object();
  // Where the failed runs stopped (null when none did or t_reached was not kept).
  w.key("stopped_early").value(static_cast<std::int64_t>(s.status.stopped_early));
  // json_writer writes a non-finite number (NaN: nothing stopped) as null.
  w.key("t_reached_min").value(s.status.stopped_t_min);
  w.key("t_reached_max").value(s.status.stopped_t_max);
  w.key("dt_last_min").value(s.status.stopped_dt_min);
  const std::string hint = stiffness_hint(s.status.stability_limited, s.status.failed, s.algorithm);
  w.key("hint");
  if (hint.empty()) w.null();
  else w.value(hint);
  w.end_object();
  w.key("backend").value(s.backend);
  w.key("device").value(s.device);
  w.key("chunks").value(static_cast<std::int64_t>(s.chunks));
  w.key("peak_device_bytes").value(static_cast<std::uint64_t>(s.peak_device_bytes));
  w.key("compile_cache_hit").value(s.compile_cache_hit);
  w.key("timings_ms").begin_object();
  w.key("compile").value(s.compile_ms);
  w.key("solve").value(s.solve_ms);
  w.key("write").value(s.write_ms);
  w.key("kernel").value(s.statistics.kernel_ms);
  w.key("h2d").value(s.statistics.h2d_ms);
  w.key("d2h").value(s.statistics.d2h_ms);
  w.key("staging_wait").value(s.statistics.staging_wait_ms);
  w.end_object();
  w.key("staging_peak_bytes").value(static_cast<std::uint64_t>(s.statistics.staging_peak_bytes));
  w.key("devices");
  device_json(w, s.statistics.devices);
  w.key("ranks").begin_array();
  for (const rank_share& r : s.ranks) {
    w.begin_object();
    w.key("rank").value(r.rank);
    w.key("host").value(r.host);
    w.key("backend").value(r.backend);
    w.key("device").value(r.device);
    w.key("runs").value(static_cast<std::int64_t>(r.runs));
    w.key("units").value(static_cast<std::int64_t>(r.units));
    w.key("solve_ms").value(r.solve_ms);
    w.key("failure");
    if (r.failure.empty()) w.null();
    else w.value(r.failure);
    w.key("devices");
    device_json(w, r.devices);
    w.end_object();
  }
  w.end_array();
  w.key("parts");
  if (s.parts.empty()) w.null();
  else w.value(s.parts);
  if (s.backend == "cuda") {
    w.key("kernel").begin_object();
    w.key("registers").value(s.statistics.kernel_registers);
    w.key("local_bytes").value(static_cast<std::uint64_t>(s.statistics.kernel_local_bytes));
    w.key("blocks_per_sm").value(s.statistics.kernel_blocks_per_sm);
    w.end_object();
  }
  if (s.statistics.auto_passes > 0) {
    // algorithm = "auto": one kernel or two passes, and the runs the second pass took.
    w.key("auto").begin_object();
    w.key("passes").value(static_cast<std::int64_t>(s.statistics.auto_passes));
    w.key("second_pass_runs").value(static_cast<std::int64_t>(s.statistics.second_pass_runs));
    if (s.backend == "cuda" && s.statistics.auto_passes == 2) {
      // "kernel" above is the second pass's; the first pass (the explicit method and the
      // stiffness test) is the kernel a sweep that never turns stiff runs alone.
      w.key("first_pass_registers").value(s.statistics.first_pass_registers);
      w.key("first_pass_blocks_per_sm").value(s.statistics.first_pass_blocks_per_sm);
    }
    w.end_object();
  }
  w.key("plan").begin_object();
  w.key("result_bytes").value(static_cast<std::uint64_t>(s.planned_result_bytes));
  w.key("peak_host_bytes").value(static_cast<std::uint64_t>(s.planned_peak_host_bytes));
  w.key("file_bytes").value(static_cast<std::uint64_t>(s.planned_file_bytes));
  w.end_object();
  w.key("output");
  if (s.output.empty()) w.null();
  else w.value(s.output);
  w.key("format");
  if (s.format.empty()) w.null();
  else w.value(s.format);
  w.key("output_bytes").value(static_cast<std::uint64_t>(s.output_bytes));
  w.end_object();
  return w.str();
}

}  // namespace cubie::cli
