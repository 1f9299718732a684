// cubie/memory/memory_manager.hpp
// Budget accounting for one device, shared by every Solver in the process: who registered,
// which share of the device's memory each may hold (mem_proportion), and what each holds now.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "cubie/memory/device_info.hpp"
#include "cubie/memory/held_account.hpp"

namespace cubie::memory {

/// @brief Splits one device's memory among the solvers using it.
///
/// Solvers that set a proportion get it (reserved); the remainder is split evenly among the
/// solvers that set none. Manual proportions may not total more than 1, nor exactly 1 while a
/// solver without one is registered (it would get nothing). Thread-safe.
class memory_manager {
 public:
  class registration;

  /// @brief A manager that reads device memory through `provider` (tests inject a fake one).
  explicit memory_manager(device_info_provider provider);
  memory_manager(const memory_manager&) = delete;
  memory_manager& operator=(const memory_manager&) = delete;

  /// @brief The process-wide manager of CUDA device `device`, created on first use. It reads
  /// memory through cudaMemGetInfo, but only when asked, so obtaining it needs no GPU.
  /// @throws cubie::invalid_argument when `device` is negative.
  [[nodiscard]] static memory_manager& for_device(int device);

  /// @brief Registers a solver. `proportion` in (0, 1] reserves that share of the device;
  /// std::nullopt takes an even share of what manual proportions leave.
  /// @throws cubie::invalid_argument naming mem_proportion when the value is outside (0, 1],
  /// when the manual total would exceed 1, or when it would leave nothing for solvers without one.
  [[nodiscard]] registration register_solver(std::optional<double> proportion);

  /// @brief The share of the device `reg` may hold now (it moves as solvers come and go).
  [[nodiscard]] double proportion_of(const registration& reg) const;

  /// @brief floor(proportion_of(reg) x total_device_bytes).
  [[nodiscard]] std::uint64_t budget_bytes(const registration& reg, std::uint64_t total_device_bytes) const;

  /// @brief What `reg` may use for its next solve: min(budget, free + held), with free and
  /// total read from the device now and held the bytes its account reports.
  /// @param cached_bytes memory the solver's allocator keeps cached outside its account (an
  /// async pool's reserved but unused bytes): counted as available, since it will be reused.
  /// @throws cubie::device_error when the device cannot be queried.
  [[nodiscard]] std::uint64_t available_bytes(const registration& reg, std::uint64_t cached_bytes = 0) const;

  /// @brief The device's memory now, through the provider.
  /// @throws cubie::device_error when the device cannot be queried.
  [[nodiscard]] device_memory_info device_info() const;

  /// @brief Sum of the manual proportions registered now.
  [[nodiscard]] double manual_total() const;
  /// @brief Number of live registrations.
  [[nodiscard]] std::size_t registrations() const;
  /// @brief Bytes held by all registrations together.
  [[nodiscard]] std::uint64_t total_held_bytes() const;

  /// @brief RAII membership of one solver; unregisters on destruction. Move-only. Must not
  /// outlive its manager (managers from for_device live until the process ends).
  class registration {
   public:
    registration(registration&& other) noexcept;
    registration& operator=(registration&& other) noexcept;
    registration(const registration&) = delete;
    registration& operator=(const registration&) = delete;
    ~registration();

    /// @brief The proportion asked for, or std::nullopt for an even share.
    [[nodiscard]] std::optional<double> requested_proportion() const noexcept { return requested_; }
    /// @brief The account its limiting adaptor reports held bytes to.
    [[nodiscard]] const held_account& account() const noexcept { return account_; }
    /// @brief Bytes this solver holds now, as reported to its account.
    [[nodiscard]] std::uint64_t held_bytes() const noexcept { return account_.bytes(); }
    /// @brief Records bytes held outside a limiting adaptor.
    void add_held(std::uint64_t bytes) noexcept { account_.add(bytes); }
    /// @brief Records bytes no longer held.
    void remove_held(std::uint64_t bytes) noexcept { account_.remove(bytes); }
    /// @brief False after being moved from.
    [[nodiscard]] explicit operator bool() const noexcept { return manager_ != nullptr; }
    /// @brief The manager it belongs to.
    [[nodiscard]] memory_manager& manager() const noexcept { return *manager_; }

   private:
    friend class memory_manager;
    registration(memory_manager* manager, std::uint64_t id, std::optional<double> requested, held_account account)
        : manager_(manager), id_(id), requested_(requested), account_(std::move(account)) {}
    void release() noexcept;

    memory_manager* manager_ = nullptr;
    std::uint64_t id_ = 0;
    std::optional<double> requested_;
    held_account account_;
  };

 private:
  struct entry {
    std::optional<double> proportion;
    held_account account;
  };
  void unregister(std::uint64_t id) noexcept;
  // Totals are summed afresh from the entries (a handful) so additions and removals of
  // proportions never accumulate rounding drift.
  [[nodiscard]] double manual_total_locked() const noexcept;
  [[nodiscard]] std::size_t automatic_count_locked() const noexcept;
  [[nodiscard]] double proportion_locked(std::uint64_t id) const;

  device_info_provider provider_;
  mutable std::mutex mutex_;
  std::map<std::uint64_t, entry> entries_;
  std::uint64_t next_id_ = 1;
};

}  // namespace cubie::memory
