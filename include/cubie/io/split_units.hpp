// cubie/io/split_units.hpp
// A sweep split across processes (`mpirun -n K cubie run`): the runs cut into work units
// fixed before any work (the joined result file maps each unit to the unit's own file), and
// the bookkeeping of who solves which: a process asks for a unit whenever it is free, so a
// faster one takes more; a unit whose process failed goes to another. Plain C++, no MPI.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "../memory/chunk_plan.hpp"

namespace cubie::io {

/// @brief The work units of a sweep of `n_runs` runs shared by `processes` processes: ranges
/// in order covering [0, n_runs). Each is the rest / (2 x processes) runs (guided
/// self-scheduling: large units first, while many are left, then smaller ones, so that the
/// processes finish together however uneven the runs' costs), rounded up to a multiple of 32
/// and at least `min_unit_runs` (0: n_runs / (64 x processes), between 1 and 262,144); a rest
/// smaller than that goes with the unit before it.
/// @throws cubie::invalid_argument when n_runs < 1, processes < 1 or min_unit_runs < 0.
[[nodiscard]] std::vector<memory::chunk_range> plan_work_units(std::int64_t n_runs, int processes,
                                                              std::int64_t min_unit_runs = 0);

/// @brief Which process solves which unit. Thread-safe.
///
/// next() hands out the lowest unit nobody has; while none is left but some are still being
/// solved (their process may fail and give them back) the answer is wait; once every unit is
/// done, or no process is left to take the rest, finished. failed() gives a unit back and
/// retires its process (it takes no more); retire() does the same for a process that could
/// not start.
class unit_dispatcher {
 public:
  enum class answer { unit, wait, finished };
  struct grant {
    answer what = answer::finished;
    std::int64_t unit = -1;
  };
  /// What one process did.
  struct account {
    std::int64_t units = 0;  ///< units it completed
    std::int64_t runs = 0;   ///< their runs
    bool retired = false;
    std::string failure;     ///< why it retired ("" when it did not)
  };

  /// @throws cubie::invalid_argument when processes < 1.
  unit_dispatcher(std::vector<memory::chunk_range> units, int processes);

  [[nodiscard]] grant next(int process);
  /// next(), waiting while the answer is wait.
  [[nodiscard]] grant wait_next(int process);
  /// @throws cubie::invalid_argument for a unit the process does not hold.
  void done(int process, std::int64_t unit);
  /// @throws cubie::invalid_argument for a unit the process does not hold.
  void failed(int process, std::int64_t unit, const std::string& why);
  void retire(int process, const std::string& why);

  [[nodiscard]] const std::vector<memory::chunk_range>& units() const { return units_; }
  [[nodiscard]] bool all_done() const;
  [[nodiscard]] std::int64_t done_runs() const;
  /// The units not done, in order.
  [[nodiscard]] std::vector<std::int64_t> not_done() const;
  [[nodiscard]] std::vector<account> accounts() const;

 private:
  bool finished_locked() const;
  void check_process(int process) const;

  std::vector<memory::chunk_range> units_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::int64_t> pending_;           // nobody has them
  std::vector<int> holder_;                  // per unit: the process solving it, -1 none
  std::vector<bool> done_;
  std::vector<account> accounts_;
  std::int64_t done_units_ = 0, done_runs_ = 0;
  int active_;                               // processes not retired
};

}  // namespace cubie::io
