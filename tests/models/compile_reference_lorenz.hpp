// The Lorenz system written in C++ (cubie::systems::lorenz) with dormand_prince_54 and
// classical_rk4 in float and double: what a compiled model file must match bit for bit.
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::test {

/// make_system<systems::lorenz, ...>() from its own translation unit (see the .cpp).
[[nodiscard]] std::shared_ptr<const compiled_system> cxx_lorenz_reference();

}  // namespace cubie::test
