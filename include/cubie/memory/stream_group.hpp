// cubie/memory/stream_group.hpp
// Named groups of CUDA streams shared by the solvers that join them: plain bookkeeping (names,
// members, round-robin) that runs anywhere, and streams created only when first asked for.
#pragma once
#include <atomic>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cubie/memory/stream_view.hpp"

namespace cubie::memory {

/// @brief N non-blocking CUDA streams of one device, handed out round-robin.
///
/// The streams are created on the first stream request, so a process that never asks for a
/// stream (a CPU-only run) makes no CUDA call. Solvers of one group share its streams: their
/// work serialises per stream, while solvers in different groups run concurrently when
/// solved from different host threads. Thread-safe.
class stream_group {
 public:
  /// Two streams let the transfers of one chunk overlap the kernel of the next.
  static constexpr int default_stream_count = 2;

  /// @brief A group named `name` on CUDA device `device` with `stream_count` streams.
  /// @throws cubie::invalid_argument when the name is empty, device < 0 or stream_count < 2.
  stream_group(std::string name, int device, int stream_count = default_stream_count);
  stream_group(const stream_group&) = delete;
  stream_group& operator=(const stream_group&) = delete;
  /// @brief Destroys the streams it created. Work still queued on them completes first
  /// (cudaStreamDestroy does not wait, the driver finishes the work).
  ~stream_group();

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] int device() const noexcept { return device_; }
  [[nodiscard]] int stream_count() const noexcept { return stream_count_; }
  /// @brief Solvers holding a membership now.
  [[nodiscard]] int members() const noexcept { return members_.load(); }
  /// @brief True once the CUDA streams exist.
  [[nodiscard]] bool streams_created() const noexcept;

  /// @brief The index of the next stream in round-robin order, advancing it. No CUDA call.
  [[nodiscard]] int next_index() noexcept;

  /// @brief The next stream in round-robin order, creating the streams on first use.
  /// @throws cubie::device_error when the streams cannot be created (no device, no driver,
  /// or a build without CUDA).
  [[nodiscard]] stream_view next_stream();

  /// @brief Stream number `index` (0 <= index < stream_count()), creating the streams on first use.
  /// @throws cubie::invalid_argument for an index out of range; cubie::device_error as next_stream.
  [[nodiscard]] stream_view stream(int index);

 private:
  friend class stream_group_registry;
  void ensure_streams();

  std::string name_;
  int device_;
  int stream_count_;
  std::atomic<int> members_{0};
  std::atomic<unsigned> cursor_{0};
  mutable std::mutex mutex_;
  std::vector<stream_view> streams_;
  std::atomic<bool> created_{false};
};

/// @brief Name -> stream_group, per device. Joining a name creates the group or shares the
/// existing one; a group lives while some membership holds it.
class stream_group_registry {
 public:
  /// @brief RAII membership of one solver in one group. Move-only.
  class membership {
   public:
    membership(membership&& other) noexcept : group_(std::move(other.group_)) {}
    membership& operator=(membership&& other) noexcept {
      if (this != &other) {
        leave();
        group_ = std::move(other.group_);
      }
      return *this;
    }
    membership(const membership&) = delete;
    membership& operator=(const membership&) = delete;
    ~membership() { leave(); }

    /// @brief The group joined. Undefined after being moved from.
    [[nodiscard]] stream_group& group() const noexcept { return *group_; }
    /// @brief False after being moved from.
    [[nodiscard]] explicit operator bool() const noexcept { return static_cast<bool>(group_); }

   private:
    friend class stream_group_registry;
    explicit membership(std::shared_ptr<stream_group> group) : group_(std::move(group)) {
      group_->members_.fetch_add(1);
    }
    void leave() noexcept {
      if (group_) group_->members_.fetch_sub(1);
      group_.reset();
    }
    std::shared_ptr<stream_group> group_;
  };

  stream_group_registry() = default;
  stream_group_registry(const stream_group_registry&) = delete;
  stream_group_registry& operator=(const stream_group_registry&) = delete;

  /// @brief The process-wide registry Solvers use.
  [[nodiscard]] static stream_group_registry& global();

  /// @brief Joins the group `name` on `device`, creating it with `stream_count` streams
  /// (default 2) if it does not exist. No CUDA call is made.
  /// @throws cubie::invalid_argument for an empty name, device < 0, stream_count < 2, or a
  /// stream_count different from that of the existing group.
  [[nodiscard]] membership join(std::string_view name, int device = 0, std::optional<int> stream_count = std::nullopt);

  /// @brief Number of live groups.
  [[nodiscard]] std::size_t group_count() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<int, std::string>, std::weak_ptr<stream_group>, std::less<>> groups_;
};

}  // namespace cubie::memory
