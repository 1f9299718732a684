#include "run_plan.hpp"

#include <sys/statvfs.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cubie/core/error.hpp"
#include "cubie/io/result_file_size.hpp"
#include "text_format.hpp"

namespace fs = std::filesystem;

namespace cubie::cli {

namespace {

// Streaming buffers (what the executors hold while results go to a file): the CPU backend
// fills chunks of at most 64 MiB through a ring of two (backends/cpu/cpu_executor.cpp); a GPU
// solve stages its downloads in pinned memory bounded by memory.pinned_pool_bytes. HDF5 keeps
// a chunk cache of up to 64 MiB for the time domain (io/hdf5_result_file.cpp).
constexpr std::uint64_t cpu_streaming_bytes = std::uint64_t{128} << 20;
constexpr std::uint64_t hdf5_cache_bytes = std::uint64_t{64} << 20;
// The HDF5 writer converts inputs in slabs of 2^20 runs.
constexpr std::uint64_t input_slab_runs = std::uint64_t{1} << 20;

std::optional<std::uint64_t> read_number(const char* path) {
  std::ifstream in(path);
  std::string word;
  if (!(in >> word) || word == "max") return std::nullopt;
  try {
    return std::stoull(word);
  } catch (...) {
    return std::nullopt;
  }
}

const char* const record_less =
    "fewer saves (solver.save_every), fewer variables (solver.saved_states, solver.saved_observables), no step "
    "counters (solver.save_counters = false), or fewer runs";

}  // namespace

std::optional<std::uint64_t> available_host_memory() {
  std::optional<std::uint64_t> avail;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib) {
    std::getline(meminfo, unit);
    if (key == "MemAvailable:") {
      avail = kib * 1024;
      break;
    }
  }
  // A container's limit is often below the machine's memory: cgroup v2, then v1.
  std::optional<std::uint64_t> limit = read_number("/sys/fs/cgroup/memory.max");
  std::optional<std::uint64_t> used = read_number("/sys/fs/cgroup/memory.current");
  if (!limit) {
    limit = read_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    used = read_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
  }
  if (limit && *limit < (std::uint64_t{1} << 60)) {
    const std::uint64_t left = used && *used < *limit ? *limit - *used : 0;
    avail = avail ? std::min(*avail, left) : left;
  }
  return avail;
}

std::optional<std::uint64_t> free_disk_bytes(const fs::path& folder) {
  struct statvfs s {};
  if (::statvfs(folder.c_str(), &s) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(s.f_bavail) * static_cast<std::uint64_t>(s.f_frsize);
}

run_plan plan_run(const models::model_definition& model, const output_layout& layout, bool gpu) {
  run_plan p;
  p.runs = layout.n_runs;
  p.n_saves = layout.n_saves();
  p.n_vars = layout.n_vars();
  if (layout.has(output_id::summaries)) {
    p.n_windows = layout.n_windows();
    p.n_summaries = layout.n_summaries();
  }
  const auto runs = static_cast<std::uint64_t>(layout.n_runs);
  p.result_bytes = layout.bytes_per_run() * runs;

  // Inputs: the sweep's values as read, the grid's varying columns (a verbatim sweep's
  // values move into the grid, a combinatorial one is expanded), and those columns again
  // in the solve's precision.
  std::uint64_t sweep_values = 0, varying = 0;
  for (const models::sweep_axis& a : model.sweep.axes) {
    sweep_values += 8 * static_cast<std::uint64_t>(a.values.size());
    if (a.values.size() > 1) ++varying;
  }
  const std::uint64_t columns = model.sweep.grid == grid_type::combinatorial ? 8 * varying * runs : 0;
  const std::uint64_t converted = varying * runs * value_bytes(layout.precision);
  p.input_bytes = sweep_values + columns + converted;

  p.in_memory_peak = p.input_bytes + p.result_bytes;
  const std::uint64_t staging = gpu ? std::max(cpu_streaming_bytes, model.settings.memory.pinned_pool_bytes)
                                    : cpu_streaming_bytes;
  const std::uint64_t writer_slab =
      std::min(runs, input_slab_runs) * 8 * std::max(model.states.size(), model.parameters.size());
  p.streamed_peak = p.input_bytes + std::min(p.result_bytes, staging) + std::min(p.result_bytes, hdf5_cache_bytes) +
                    writer_slab;

  const std::vector<std::string> states = models::names_of(model.states), params = models::names_of(model.parameters);
  p.hdf5_file_bytes = io::hdf5_file_bytes(layout, static_cast<int>(states.size()), static_cast<int>(params.size()),
                                          model.source_text.size() + 4096);
  p.csv_file_bytes_max = io::csv_file_bytes_bound(layout, states, params);
  p.available_host_bytes = available_host_memory();
  return p;
}

std::vector<std::string> enforce_plan(const run_plan& p, const std::optional<output_target>& out,
                                      int compression_level) {
  std::vector<std::string> warnings;
  const bool streamed = out && out->format == io::result_format::hdf5;
  if (p.available_host_bytes) {
    const std::uint64_t avail = *p.available_host_bytes;
    if (!streamed && p.in_memory_peak > avail) {
      std::ostringstream m;
      m << "the results of " << p.runs << " runs need " << format_bytes(p.result_bytes)
        << " of host memory (about " << format_bytes(p.in_memory_peak) << " at the peak, with the inputs) and "
        << format_bytes(avail) << " is available. ";
      if (out) m << "CSV is written from memory: write HDF5 instead, streamed as the runs finish (--out FILE.h5)";
      else m << "Write them to a file as they are solved (--out FILE.h5; without --out only the summary is kept)";
      m << ", or record less: " << record_less;
      throw invalid_argument(m.str());
    }
    if (streamed && p.streamed_peak > avail) {
      std::ostringstream m;
      m << "the inputs of " << p.runs << " runs need about " << format_bytes(p.streamed_peak)
        << " of host memory even with the results streamed to " << out->path.string() << ", and "
        << format_bytes(avail) << " is available: solve the sweep in parts (fewer runs per command)";
      throw invalid_argument(m.str());
    }
  }
  if (!out) return warnings;
  const std::optional<std::uint64_t> free = free_disk_bytes(out->folder);
  if (!free) return warnings;
  if (out->format == io::result_format::hdf5 && p.hdf5_file_bytes > *free) {
    std::ostringstream m;
    m << out->path.string() << " needs about " << format_bytes(p.hdf5_file_bytes);
    if (compression_level > 0) m << " uncompressed";
    m << " and its folder '" << out->folder.string() << "' has " << format_bytes(*free) << " free";
    if (compression_level > 0) {
      m << "; --compress " << compression_level << " may or may not make it fit (no one can tell in advance)";
      warnings.push_back(m.str());
    } else {
      m << ". Choose a folder with room, or record less: " << record_less
        << "; --compress 1 about halves files of smooth solutions (and takes several times longer to write)";
      throw invalid_argument("--out " + m.str());
    }
  }
  if (out->format == io::result_format::csv && p.csv_file_bytes_max > *free) {
    std::ostringstream m;
    m << out->path.string() << " may need up to " << format_bytes(p.csv_file_bytes_max) << " and its folder '"
      << out->folder.string() << "' has " << format_bytes(*free) << " free";
    warnings.push_back(m.str());
  }
  return warnings;
}

namespace {

// The summaries beside the time domain: " + 4 windows x 6 summaries", or nothing.
std::string summaries_text(const run_plan& p) {
  if (p.n_summaries == 0) return "";
  return " + " + std::to_string(p.n_windows) + (p.n_windows == 1 ? " window x " : " windows x ") +
         std::to_string(p.n_summaries) + (p.n_summaries == 1 ? " summary" : " summaries");
}

}  // namespace

std::string plan_line(const run_plan& p, const std::optional<output_target>& out) {
  std::ostringstream o;
  o << p.runs << (p.runs == 1 ? " run" : " runs") << " x " << p.n_saves << (p.n_saves == 1 ? " save" : " saves")
    << " x " << p.n_vars << (p.n_vars == 1 ? " variable" : " variables") << summaries_text(p) << ": "
    << format_bytes(p.result_bytes) << " of results";
  const bool streamed = out && out->format == io::result_format::hdf5;
  if (out) {
    o << ", " << out->path.string() << (streamed ? " about " : " up to ")
      << format_bytes(streamed ? p.hdf5_file_bytes : p.csv_file_bytes_max);
    if (const auto free = free_disk_bytes(out->folder)) o << " (" << format_bytes(*free) << " free there)";
  } else {
    o << " (kept in memory for the summary; --out FILE.h5 writes them)";
  }
  o << "; peak host memory about " << format_bytes(streamed ? p.streamed_peak : p.in_memory_peak);
  if (p.available_host_bytes) o << " (" << format_bytes(*p.available_host_bytes) << " available)";
  return o.str();
}

std::string plan_lines_for_check(const run_plan& p) {
  std::ostringstream o;
  o << "output     " << p.n_saves << (p.n_saves == 1 ? " save x " : " saves x ") << p.n_vars
    << (p.n_vars == 1 ? " variable x " : " variables x ") << p.runs << (p.runs == 1 ? " run" : " runs")
    << summaries_text(p) << ": "
    << format_bytes(p.result_bytes) << " of results; an HDF5 file of about " << format_bytes(p.hdf5_file_bytes)
    << ", a CSV file of up to " << format_bytes(p.csv_file_bytes_max) << "\n";
  o << "host memory peak about " << format_bytes(p.in_memory_peak) << " without --out, "
    << format_bytes(p.streamed_peak) << " with --out FILE.h5";
  if (p.available_host_bytes) {
    o << " (" << format_bytes(*p.available_host_bytes) << " available";
    if (p.in_memory_peak > *p.available_host_bytes) o << ": without --out FILE.h5, `cubie run` refuses this";
    o << ")";
  }
  o << "\n";
  return o.str();
}

}  // namespace cubie::cli
