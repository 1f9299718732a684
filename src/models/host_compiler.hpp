// The host C++ compiler as the model compiler drives it: the program CMake built cubie
// with, the exact code-generation flags of the library, and what identifies its output.
#pragma once
#include <string>
#include <vector>

namespace cubie::models::detail {

struct host_toolchain {
  std::string compiler;            ///< $CUBIE_CXX, else the compiler cubie was built with
  std::vector<std::string> flags;  ///< everything but -I, -o and the input file
  std::string march;               ///< the -march value cubie was built with ("" for none)
  std::string version;             ///< `compiler --version`
  std::string target_macros;       ///< predefined macros under the flags: what -march=native became
};

/// @brief The toolchain for a model compile: -std=c++20 -O3 -fPIC -shared, the library's
///   floating-point and -march flags, then `extra_flags`. The two identity queries (the
///   version and the macro dump) run once per compiler and flag set per process.
/// @throws cubie::error when the compiler cannot be run (names it and CUBIE_CXX).
[[nodiscard]] host_toolchain host_toolchain_for(const std::vector<std::string>& extra_flags);

}  // namespace cubie::models::detail
