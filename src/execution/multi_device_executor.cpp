#include "cubie/execution/multi_device_executor.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <set>
#include <thread>

#include "cubie/core/error.hpp"
#include "cubie/execution/chunk_queue.hpp"
#include "cubie/execution/reorder_sink.hpp"

namespace cubie {

namespace {

std::string device_label(const std::string& backend, int id) { return backend == "cuda" ? "gpu " + std::to_string(id) : backend + " " + std::to_string(id); }

std::string runs_text(std::int64_t n) { return std::to_string(n) + (n == 1 ? " run" : " runs"); }

// What went wrong on a device, and whether its context is gone for good.
struct device_fault {
  std::string what;
  bool sticky = false;
};

device_fault describe(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const chunk_failure& f) {
    return {f.what(), f.sticky()};
  } catch (const device_error& d) {
    return {d.what(), d.sticky()};
  } catch (const std::exception& x) {
    return {x.what(), false};
  } catch (...) {
    return {"an unknown exception", false};
  }
}

// The device name of a multi-device solve: "2 x NVIDIA H200", or the names joined.
std::string devices_name(const std::vector<device_statistics>& devices) {
  std::set<std::string> names;
  for (const device_statistics& d : devices) names.insert(d.name);
  if (names.size() == 1) return std::to_string(devices.size()) + " x " + *names.begin();
  std::string s;
  for (const device_statistics& d : devices) s += (s.empty() ? "" : " + ") + d.name;
  return s;
}

}  // namespace

multi_device_executor::multi_device_executor(std::vector<device> devices) : devices_(std::move(devices)) {
  CUBIE_EXPECTS(!devices_.empty(), "multi_device_executor: no device given");
  std::set<int> ids;
  for (const device& d : devices_) {
    CUBIE_EXPECTS(d.exec != nullptr, "multi_device_executor: device " + std::to_string(d.id) + " has no executor");
    CUBIE_EXPECTS(ids.insert(d.id).second, "multi_device_executor: device " + std::to_string(d.id) + " is given twice");
  }
  lost_.assign(devices_.size(), std::string());
  names_.assign(devices_.size(), std::string());
}

std::string multi_device_executor::name() const { return devices_.front().exec->name(); }

void multi_device_executor::warm_up(const compiled_system& system, const entry_key& key) {
  for (device& d : devices_) d.exec->warm_up(system, key);
}

void multi_device_executor::execute(const prepared_batch<float>& b, result_sink& s, solve_statistics& st) { run(b, s, st); }
void multi_device_executor::execute(const prepared_batch<double>& b, result_sink& s, solve_statistics& st) { run(b, s, st); }

bool multi_device_executor::usable() const {
  for (std::size_t k = 0; k < devices_.size(); ++k)
    if (lost_[k].empty() && devices_[k].exec->usable()) return true;
  return false;
}

std::vector<int> multi_device_executor::device_ids() const {
  std::vector<int> ids;
  for (const device& d : devices_) ids.push_back(d.id);
  return ids;
}

template <class V>
void multi_device_executor::run(const prepared_batch<V>& batch, result_sink& sink, solve_statistics& stats) {
  using clock = std::chrono::steady_clock;
  const std::string backend = name();
  stats.backend = backend;

  // Devices lost in an earlier solve sit this one out (and say why).
  std::vector<std::size_t> active;
  std::string lost_text;
  for (std::size_t k = 0; k < devices_.size(); ++k) {
    if (lost_[k].empty() && devices_[k].exec->usable()) {
      active.push_back(k);
    } else {
      if (lost_[k].empty()) lost_[k] = "its context was lost";
      lost_text += (lost_text.empty() ? "" : "; ") + device_label(backend, devices_[k].id) + ": " + lost_[k];
    }
  }
  if (active.empty()) {
    throw device_error(backend + " backend: every device was lost by an earlier solve (" + lost_text +
                           "); this process cannot use them again: restart it",
                       true);
  }

  const std::size_t n_active = active.size();
  std::vector<solve_statistics> per(n_active);
  std::vector<std::exception_ptr> errors(n_active);
  std::vector<double> busy_ms(n_active, 0.0);
  std::vector<std::int64_t> handed_back(n_active, 0);

  if (batch.n_runs > 0) {
    // A destination that takes chunks only in order (a file) gets a window: no device runs
    // more than a few pipelines ahead of the first unfinished chunk, which bounds what the
    // reorder sink holds. A result in memory takes chunks anywhere.
    chunk_queue queue(0, batch.n_runs, static_cast<int>(n_active), !sink.whole_result_in_memory());
    reorder_sink order(sink, batch.outputs, 0);
    {
      std::vector<std::jthread> threads;
      threads.reserve(n_active);
      for (std::size_t i = 0; i < n_active; ++i) {
        threads.emplace_back([&, i] {
          const auto t0 = clock::now();
          try {
            devices_[active[i]].exec->execute_shared(batch, queue, order, per[i]);
          } catch (...) {
            errors[i] = std::current_exception();
            // The destination failed (or the user stopped the solve): nobody goes on.
            if (order.failure()) queue.stop();
          }
          busy_ms[i] = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
          handed_back[i] = queue.given_back_by(std::this_thread::get_id());
          queue.leave();
        });
      }
    }  // every device's thread has finished here

    // ---- statistics: each device, then the sums -------------------------------------------
    stats.devices.clear();
    for (std::size_t i = 0; i < n_active; ++i) {
      const solve_statistics& s = per[i];
      device_statistics d;
      d.device = devices_[active[i]].id;
      d.name = s.device;
      if (!s.device.empty()) names_[active[i]] = s.device;
      d.chunks = static_cast<std::int64_t>(s.chunk_runs.size());
      d.chunk_runs = s.chunk_runs;
      d.runs = std::accumulate(s.chunk_runs.begin(), s.chunk_runs.end(), std::int64_t{0});
      d.bytes_to_device = s.bytes_to_device;
      d.bytes_to_host = s.bytes_to_host;
      d.peak_device_bytes = s.peak_device_bytes;
      d.budget_bytes = s.budget_bytes;
      d.allocation_retries = s.allocation_retries;
      d.h2d_ms = s.h2d_ms;
      d.kernel_ms = s.kernel_ms;
      d.d2h_ms = s.d2h_ms;
      d.busy_ms = busy_ms[i];
      d.runs_handed_back = handed_back[i];
      if (errors[i]) {
        const device_fault f = describe(errors[i]);
        d.failure = f.what;
        if (f.sticky) {
          d.lost = true;
          lost_[active[i]] = f.what;
        }
      }
      stats.devices.push_back(std::move(d));

      stats.streams += s.streams;
      stats.bytes_to_device += s.bytes_to_device;
      stats.bytes_to_host += s.bytes_to_host;
      stats.peak_device_bytes += s.peak_device_bytes;
      stats.current_device_bytes += s.current_device_bytes;
      stats.device_allocations += s.device_allocations;
      stats.budget_bytes += s.budget_bytes;
      stats.allocation_retries += s.allocation_retries;
      stats.staging_peak_bytes += s.staging_peak_bytes;
      stats.staging_wait_ms += s.staging_wait_ms;
      stats.h2d_ms += s.h2d_ms;
      stats.kernel_ms += s.kernel_ms;
      stats.d2h_ms += s.d2h_ms;
      stats.second_pass_runs += s.second_pass_runs;
      stats.auto_passes = std::max(stats.auto_passes, s.auto_passes);
      if (stats.kernel_registers == 0) {
        stats.kernel_registers = s.kernel_registers;
        stats.kernel_local_bytes = s.kernel_local_bytes;
        stats.kernel_blocks_per_sm = s.kernel_blocks_per_sm;
        stats.first_pass_registers = s.first_pass_registers;
        stats.first_pass_blocks_per_sm = s.first_pass_blocks_per_sm;
      }
    }
    stats.chunk_runs = order.forwarded_chunk_runs();
    stats.chunks = static_cast<std::int64_t>(stats.chunk_runs.size());
    stats.staging_peak_bytes += order.peak_held_bytes();
    stats.device = devices_name(stats.devices);

    if (const std::exception_ptr failed = order.failure()) std::rethrow_exception(failed);

    if (!queue.all_completed()) {
      // Every device failed: what they finished in order stands, the rest is reported.
      std::string why;
      bool all_sticky = true;
      for (std::size_t i = 0; i < n_active; ++i) {
        const device_fault f = errors[i] ? describe(errors[i]) : device_fault{"stopped", false};
        why += (why.empty() ? "" : "; ") + device_label(backend, devices_[active[i]].id) + ": " + f.what;
        all_sticky = all_sticky && f.sticky;
      }
      const i64 committed = order.committed_end();
      std::int64_t unfinished = 0;
      for (const memory::chunk_range& r : queue.unfinished()) unfinished += r.size();
      std::int64_t stranded = 0;
      for (const memory::chunk_range& r : order.waiting()) stranded += r.size();
      std::string message = backend + " backend: every device failed (" + why + "); " + runs_text(committed) +
                            " of " + std::to_string(batch.n_runs) + " are complete in order, " +
                            runs_text(unfinished) + " were never integrated";
      if (stranded > 0) {
        message += ", and " + runs_text(stranded) +
                   " finished after a run that was not are reported as not integrated with them";
      }
      throw chunk_failure(message, committed, all_sticky);
    }
  } else {
    stats.device = devices_[active.front()].exec->name();
  }
  if (!lost_text.empty()) {
    // Recorded beside this solve's devices, so the statistics say why some are missing.
    for (std::size_t k = 0; k < devices_.size(); ++k) {
      if (std::find(active.begin(), active.end(), k) != active.end()) continue;
      device_statistics d;
      d.device = devices_[k].id;
      d.name = names_[k];
      d.failure = "lost in an earlier solve: " + lost_[k];
      d.lost = true;
      stats.devices.push_back(std::move(d));
    }
    std::sort(stats.devices.begin(), stats.devices.end(),
              [](const device_statistics& a, const device_statistics& b) { return a.device < b.device; });
  }
}

}  // namespace cubie
