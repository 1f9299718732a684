// cubie/integrate/methods/auto_switch_explicit_pass.hpp
// The explicit first pass of algorithm = "auto" in two passes; defined beside auto_switch
// (model compilers include a method's header by its name).
#pragma once
#include "auto_switch.hpp"
