// cubie/memory/held_account.hpp
// A shared counter of the device bytes one solver holds, fed by its limiting adaptor and read
// by the memory manager when it computes what that solver may still use.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>

namespace cubie::memory {

/// @brief A handle to one registration's count of held bytes.
///
/// Copies share the count, so the registration that owns it may move while adaptors keep
/// reporting. A default-constructed account counts nothing (reports are dropped).
class held_account {
 public:
  held_account() = default;

  /// @brief A new account starting at zero bytes.
  [[nodiscard]] static held_account make() {
    held_account a;
    a.bytes_ = std::make_shared<std::atomic<std::uint64_t>>(0);
    return a;
  }

  /// @brief Records `bytes` more held.
  void add(std::uint64_t bytes) noexcept {
    if (bytes_) bytes_->fetch_add(bytes, std::memory_order_relaxed);
  }
  /// @brief Records `bytes` no longer held.
  void remove(std::uint64_t bytes) noexcept {
    if (bytes_) bytes_->fetch_sub(bytes, std::memory_order_relaxed);
  }
  /// @brief The bytes held now (0 for an account that counts nothing).
  [[nodiscard]] std::uint64_t bytes() const noexcept { return bytes_ ? bytes_->load(std::memory_order_relaxed) : 0; }
  /// @brief False for a default-constructed account.
  [[nodiscard]] explicit operator bool() const noexcept { return static_cast<bool>(bytes_); }

 private:
  std::shared_ptr<std::atomic<std::uint64_t>> bytes_;
};

}  // namespace cubie::memory
