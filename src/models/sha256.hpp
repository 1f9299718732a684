// SHA-256 (FIPS 180-4) for the model compile cache's keys. Written here rather than
// taken from a crypto library: the cache needs a stable digest, not a security boundary.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace cubie::models::detail {

/// Incremental SHA-256: update() any number of times, then hex_digest() once.
class sha256 {
 public:
  sha256();
  void update(std::string_view bytes);
  /// The digest as 64 lower-case hex digits. The object is spent afterwards.
  [[nodiscard]] std::string hex_digest();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t total_bytes_ = 0;
};

/// SHA-256 of `bytes` in hex.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

}  // namespace cubie::models::detail
