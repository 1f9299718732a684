// Numbers for people: byte sizes (KiB, MiB, GiB), durations, and doubles in their
// shortest exact form, as the command prints them.
#pragma once
#include <cstdint>
#include <string>

namespace cubie::cli {

/// "512 B", "1.5 KiB", "3.2 GiB".
[[nodiscard]] std::string format_bytes(std::uint64_t bytes);
/// "850 ms", "12.3 s", "4 min 5 s".
[[nodiscard]] std::string format_duration_ms(double ms);
/// The shortest text that reads back to the same double ("0.1", "2.6666666666666665").
[[nodiscard]] std::string format_number(double v);

}  // namespace cubie::cli
