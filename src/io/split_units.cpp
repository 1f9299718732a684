#include "cubie/io/split_units.hpp"

#include <algorithm>

#include "cubie/core/error.hpp"

namespace cubie::io {

std::vector<memory::chunk_range> plan_work_units(std::int64_t n_runs, int processes, std::int64_t min_unit_runs) {
  CUBIE_EXPECTS(n_runs >= 1, "plan_work_units: n_runs = " + std::to_string(n_runs) + "; a sweep has at least 1 run");
  CUBIE_EXPECTS(processes >= 1, "plan_work_units: processes = " + std::to_string(processes) + "; at least 1");
  CUBIE_EXPECTS(min_unit_runs >= 0, "plan_work_units: min_unit_runs = " + std::to_string(min_unit_runs) + "; >= 0");
  const std::int64_t p = processes;
  const std::int64_t least =
      min_unit_runs > 0 ? min_unit_runs : std::clamp<std::int64_t>(n_runs / (64 * p), 1, std::int64_t{1} << 18);
  std::vector<memory::chunk_range> units;
  std::int64_t at = 0;
  while (at < n_runs) {
    const std::int64_t rest = n_runs - at;
    std::int64_t size = std::max(least, (rest + 2 * p - 1) / (2 * p));
    if (size > 32) size = (size + 31) / 32 * 32;  // whole warps on a GPU
    if (rest - size < least) size = rest;
    units.push_back({at, at + size});
    at += size;
  }
  return units;
}

unit_dispatcher::unit_dispatcher(std::vector<memory::chunk_range> units, int processes)
    : units_(std::move(units)), holder_(units_.size(), -1), done_(units_.size(), false), active_(processes) {
  CUBIE_EXPECTS(processes >= 1, "unit_dispatcher: processes = " + std::to_string(processes) + "; at least 1");
  accounts_.resize(static_cast<std::size_t>(processes));
  for (std::size_t u = 0; u < units_.size(); ++u) pending_.insert(static_cast<std::int64_t>(u));
}

void unit_dispatcher::check_process(int process) const {
  CUBIE_EXPECTS(process >= 0 && process < static_cast<int>(accounts_.size()),
                "unit_dispatcher: no process " + std::to_string(process));
}

bool unit_dispatcher::finished_locked() const {
  if (done_units_ == static_cast<std::int64_t>(units_.size())) return true;
  // Units left and nobody to solve them: they stay undone.
  return active_ == 0;
}

unit_dispatcher::grant unit_dispatcher::next(int process) {
  check_process(process);
  std::lock_guard lock(mutex_);
  if (accounts_[static_cast<std::size_t>(process)].retired || finished_locked()) return {answer::finished, -1};
  if (!pending_.empty()) {
    const std::int64_t u = *pending_.begin();
    pending_.erase(pending_.begin());
    holder_[static_cast<std::size_t>(u)] = process;
    return {answer::unit, u};
  }
  return {answer::wait, -1};
}

unit_dispatcher::grant unit_dispatcher::wait_next(int process) {
  for (;;) {
    const grant g = next(process);
    if (g.what != answer::wait) return g;
    std::unique_lock lock(mutex_);
    // Anything that could change the answer notifies: a unit done, given back, a retirement.
    changed_.wait(lock, [&] { return !pending_.empty() || finished_locked(); });
  }
}

void unit_dispatcher::done(int process, std::int64_t unit) {
  check_process(process);
  std::lock_guard lock(mutex_);
  CUBIE_EXPECTS(unit >= 0 && unit < static_cast<std::int64_t>(units_.size()) &&
                    holder_[static_cast<std::size_t>(unit)] == process,
                "unit_dispatcher: process " + std::to_string(process) + " reports unit " + std::to_string(unit) +
                    " done, which it does not hold");
  holder_[static_cast<std::size_t>(unit)] = -1;
  done_[static_cast<std::size_t>(unit)] = true;
  ++done_units_;
  done_runs_ += units_[static_cast<std::size_t>(unit)].size();
  account& a = accounts_[static_cast<std::size_t>(process)];
  ++a.units;
  a.runs += units_[static_cast<std::size_t>(unit)].size();
  changed_.notify_all();
}

void unit_dispatcher::failed(int process, std::int64_t unit, const std::string& why) {
  check_process(process);
  {
    std::lock_guard lock(mutex_);
    CUBIE_EXPECTS(unit >= 0 && unit < static_cast<std::int64_t>(units_.size()) &&
                      holder_[static_cast<std::size_t>(unit)] == process,
                  "unit_dispatcher: process " + std::to_string(process) + " reports unit " + std::to_string(unit) +
                      " failed, which it does not hold");
    holder_[static_cast<std::size_t>(unit)] = -1;
    pending_.insert(unit);
  }
  retire(process, why);
}

void unit_dispatcher::retire(int process, const std::string& why) {
  check_process(process);
  std::lock_guard lock(mutex_);
  account& a = accounts_[static_cast<std::size_t>(process)];
  if (!a.retired) {
    a.retired = true;
    a.failure = why;
    --active_;
  }
  changed_.notify_all();
}

bool unit_dispatcher::all_done() const {
  std::lock_guard lock(mutex_);
  return done_units_ == static_cast<std::int64_t>(units_.size());
}

std::int64_t unit_dispatcher::done_runs() const {
  std::lock_guard lock(mutex_);
  return done_runs_;
}

std::vector<std::int64_t> unit_dispatcher::not_done() const {
  std::lock_guard lock(mutex_);
  std::vector<std::int64_t> out;
  for (std::size_t u = 0; u < units_.size(); ++u)
    if (!done_[u]) out.push_back(static_cast<std::int64_t>(u));
  return out;
}

std::vector<unit_dispatcher::account> unit_dispatcher::accounts() const {
  std::lock_guard lock(mutex_);
  return accounts_;
}

}  // namespace cubie::io
