// cubie/models/codegen.hpp
// Turns a model into C++ source for the shared integration core: a struct template on
// the arithmetic type that satisfies cubie::ode_system, compilable by g++ and NVRTC.
#pragma once
#include <string>
#include <string_view>

#include "model.hpp"

namespace cubie::models {

/// @brief The source of `template <class S> struct STRUCT_NAME { ... };` at global scope,
/// including only "cubie/integrate/system.hpp" and "cubie/core/math.hpp". The arithmetic
/// is kept as written (no reassociation); integer powers up to |8| become products;
/// float32 models get float literals.
/// @throws cubie::invalid_argument when struct_name is not a C++ identifier, or when a
///   constant or number is not finite in the model's precision.
[[nodiscard]] std::string generate_system_source(const model_definition& model, std::string_view struct_name);

}  // namespace cubie::models
