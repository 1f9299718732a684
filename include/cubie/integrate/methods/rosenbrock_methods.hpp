// cubie/integrate/methods/rosenbrock_methods.hpp
// Every Rosenbrock method, and a type list of them for code (and tests) that must visit each
// one. Kept apart from all_methods (the explicit ones) so code instantiating every explicit
// method does not pay for the implicit machinery.
#pragma once
#include "all_methods.hpp"
#include "rodas3p.hpp"
#include "rodas4p.hpp"
#include "rodas5p.hpp"
#include "ros3p.hpp"
#include "rosenbrock23_sciml.hpp"

namespace cubie::methods {

// By order, then by cost.
using rosenbrock_methods = method_list<rosenbrock23_sciml, ros3p, rodas3p, rodas4p, rodas5p>;

}  // namespace cubie::methods
