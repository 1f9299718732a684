#include "run_summary.hpp"

#include <cmath>
#include <sstream>

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
          {"other", "other flags", t.other}};
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
  o << "backend  " << s.backend << " (" << s.device << "), " << s.chunks << (s.chunks == 1 ? " chunk" : " chunks");
  if (s.backend == "cuda") o << ", peak device memory " << format_bytes(s.peak_device_bytes);
  o << "\n";
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
  const auto number_or_null = [&](const char* key, double v) {
    w.key(key);
    if (std::isnan(v)) w.null();
    else w.value(v);
  };
  number_or_null("t_reached_min", s.status.stopped_t_min);
  number_or_null("t_reached_max", s.status.stopped_t_max);
  number_or_null("dt_last_min", s.status.stopped_dt_min);
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
  if (s.backend == "cuda") {
    w.key("kernel").begin_object();
    w.key("registers").value(s.statistics.kernel_registers);
    w.key("local_bytes").value(static_cast<std::uint64_t>(s.statistics.kernel_local_bytes));
    w.key("blocks_per_sm").value(s.statistics.kernel_blocks_per_sm);
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
