// cubie/backends/cpu/model_prelude.hpp
// Everything a model's CPU translation unit needs from cubie, included first by every
// unit the model compiler generates, so that it can be precompiled once (a GCC .gch in the
// compile cache) and each model's compile skips parsing these headers.
#pragma once
#include "../../core/math.hpp"
#include "../../integrate/methods/all_methods.hpp"
#include "../../integrate/methods/newton_methods.hpp"
#include "../../integrate/methods/rosenbrock_methods.hpp"
#include "../../integrate/system.hpp"
#include "cpu_entry.hpp"
