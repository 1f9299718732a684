// cubie/memory/stream_view.hpp
// A non-owning, typed view of a CUDA stream that host-only code can pass around without
// including CUDA headers; it refuses a literal 0 so no call lands on the default stream by accident.
#pragma once
#include <cstddef>

// cudaStream_t is `struct CUstream_st*`; declaring the struct keeps CUDA headers out.
struct CUstream_st;

namespace cubie::memory {

/// @brief A non-owning handle of a CUDA stream (or of the legacy default stream).
///
/// There is no default constructor and `stream_view(0)` / `stream_view(nullptr)` do not
/// compile: work on the legacy default stream serialises against every other stream of
/// the device, so asking for it must be explicit (`stream_view::default_stream()`).
/// Host resources accept a stream_view for interface uniformity and ignore it.
class stream_view {
 public:
  /// The runtime's handle type, identical to `cudaStream_t`.
  using handle_type = CUstream_st*;

  stream_view() = delete;
  stream_view(int) = delete;             // a literal 0 would silently mean the default stream
  stream_view(std::nullptr_t) = delete;  // likewise

  /// @brief Views an existing stream handle (a `cudaStream_t`).
  constexpr explicit stream_view(handle_type handle) noexcept : handle_(handle) {}

  /// @brief The legacy default stream, asked for by name.
  [[nodiscard]] static constexpr stream_view default_stream() noexcept { return stream_view{handle_type{}}; }

  /// @brief The handle, to pass to CUDA runtime calls.
  [[nodiscard]] constexpr handle_type value() const noexcept { return handle_; }

  /// @brief True for the legacy default stream.
  [[nodiscard]] constexpr bool is_default() const noexcept { return handle_ == handle_type{}; }

  /// @brief Two views are equal when they name the same stream.
  [[nodiscard]] friend constexpr bool operator==(stream_view a, stream_view b) noexcept {
    return a.handle_ == b.handle_;
  }

 private:
  handle_type handle_;
};

}  // namespace cubie::memory
