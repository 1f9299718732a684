// Result storage that Python dropped, kept for the next solve of a fitting size: a loop that
// solves and drops its results writes into warm pages instead of faulting fresh ones in
// (about 13 ms per 67 MB result on one thread with 4 KiB pages), and likewise the grid's input
// columns. Only storage no Python object can reach any more enters the pools.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/solve_result.hpp"

namespace cubie::python {

/// @brief What the pools hold and did: bytes cached and their bound, hand-outs served from
/// the pool (hits) or not (misses), storage given back and kept (returned) or freed (dropped).
struct result_pool_stats {
  std::uint64_t cached_bytes = 0, max_bytes = 0;
  std::uint64_t hits = 0, misses = 0, returned = 0, dropped = 0;
  std::uint64_t column_hits = 0, column_misses = 0, cached_columns = 0;
};

/// @brief Dropped results and grid columns for reuse; one per process, thread-safe.
///
/// A result enters only from py_result's destructor, which Python runs once no numpy array
/// views it (every view holds a reference to it): a result the user holds is never handed out.
class result_pool {
 public:
  /// @brief The process's pool; its bound is CUBIE_RESULT_POOL_BYTES (bytes, optional K/M/G
  /// suffix; 0 keeps nothing) or, unset, 2 GiB but at most a quarter of physical memory.
  /// @throws cubie::invalid_argument for a malformed CUBIE_RESULT_POOL_BYTES.
  static result_pool& global();

  explicit result_pool(std::uint64_t max_bytes) : max_bytes_(max_bytes) {}

  /// @brief A kept result from allocator `alloc_name` whose buffers hold at least layout `l`
  /// and at most twice its bytes plus 1 MiB (a small solve does not pin a large block), the
  /// smallest such; else an empty result (its storage is made by prepare()).
  SolveResult take(const SolveResult::layout& l, const std::string& alloc_name);
  /// @brief Keeps `r` (storage from `alloc_name`) when the bound allows, evicting the oldest
  /// kept ones; frees it otherwise (outside the lock).
  void give_back(SolveResult&& r, const std::string& alloc_name) noexcept;

  /// @brief A vector of `n` doubles, from a kept column with capacity for n when one is
  /// there (warm pages), else fresh. Its contents are unspecified: the caller writes all n.
  std::vector<double> take_column(std::size_t n);
  /// @brief Keeps the storage of a column no grid uses any more (within the bound).
  void give_back_column(std::vector<double>&& v) noexcept;

  /// @brief Changes the bound; kept storage beyond it is freed.
  void set_max_bytes(std::uint64_t bytes);
  /// @brief Frees everything kept.
  void release();
  [[nodiscard]] result_pool_stats stats() const;

 private:
  struct entry {
    SolveResult result;
    std::string alloc_name;
    std::vector<std::uint64_t> bytes;  // per output id, what its buffer holds at least
    std::uint64_t total = 0;
    std::uint64_t age = 0;
  };
  // Frees kept storage until the total is within `bound`, oldest first; the freed storage
  // goes to `out` so its destructors run outside the lock.
  void trim_locked(std::uint64_t bound, std::vector<entry>& out_results,
                   std::vector<std::vector<double>>& out_columns);
  [[nodiscard]] std::uint64_t held_locked() const { return result_bytes_ + column_bytes_; }

  mutable std::mutex mutex_;
  std::uint64_t max_bytes_;
  std::vector<entry> results_;
  std::vector<std::vector<double>> columns_;
  std::uint64_t result_bytes_ = 0, column_bytes_ = 0, clock_ = 0;
  result_pool_stats counts_;
};

/// @brief A grid shared with Python whose varying columns go back to the pool when the last
/// holder lets go (the grid of a dropped result, a dropped Grid object).
std::shared_ptr<batch_grid> pooled_grid(batch_grid&& g);

}  // namespace cubie::python
