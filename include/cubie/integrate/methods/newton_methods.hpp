// cubie/integrate/methods/newton_methods.hpp
// Every method solved by Newton iterations (the DIRK and FIRK families), and type lists of
// them for code (and tests) that must visit each one. Apart from all_methods and rosenbrock_methods
// so code instantiating those does not pay for these.
#pragma once
#include "all_methods.hpp"
#include "backwards_euler.hpp"
#include "backwards_euler_pc.hpp"
#include "crank_nicolson.hpp"
#include "firk_gauss_legendre_2.hpp"
#include "firk_gauss_legendre_4.hpp"
#include "implicit_midpoint.hpp"
#include "kvaerno3.hpp"
#include "kvaerno5.hpp"
#include "l_stable_dirk_3.hpp"
#include "l_stable_sdirk_4.hpp"
#include "radau_iia_5.hpp"
#include "sdirk_2_2.hpp"
#include "trapezoidal_dirk.hpp"

namespace cubie::methods {

// By order, then by cost.
using dirk_methods = method_list<backwards_euler, backwards_euler_pc, implicit_midpoint, trapezoidal_dirk,
                                 crank_nicolson, sdirk_2_2, l_stable_dirk_3, kvaerno3, l_stable_sdirk_4, kvaerno5>;

// Fully implicit (collocation) methods, by order.
using firk_methods = method_list<firk_gauss_legendre_2, firk_gauss_legendre_4, radau_iia_5>;

}  // namespace cubie::methods
