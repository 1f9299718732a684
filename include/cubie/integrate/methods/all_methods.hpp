// cubie/integrate/methods/all_methods.hpp
// Every explicit Runge-Kutta method, and a type list of them for code (and tests) that must
// visit each one.
#pragma once
#include "bogacki_shampine_32.hpp"
#include "cash_karp_54.hpp"
#include "classical_rk4.hpp"
#include "dormand_prince_54.hpp"
#include "dormand_prince_853.hpp"
#include "euler.hpp"
#include "fehlberg_45.hpp"
#include "heun_21.hpp"
#include "ralston_33.hpp"
#include "tsit5.hpp"
#include "vern7.hpp"

namespace cubie::methods {

template <class... M>
struct method_list {};

// Roughly by order, then by cost.
using all_methods =
    method_list<euler, heun_21, ralston_33, bogacki_shampine_32, classical_rk4, fehlberg_45,
                cash_karp_54, dormand_prince_54, tsit5, vern7, dormand_prince_853>;

}  // namespace cubie::methods
