// The four-body test model (tests/models/data/four_bodies.toml) as C++: its generated
// struct compiled with make_system, inlined as every C++ system is, for the model-file
// build (which calls this model's right-hand side instead) to match bit for bit.
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::test {

/// dormand_prince_54 in float64 and classical_rk4 in float32, from their own translation unit.
[[nodiscard]] std::shared_ptr<const compiled_system> cxx_four_bodies_reference();

}  // namespace cubie::test
