// One g++-compiled Brusselator of krylov_cxx_bench (SIMD packs; system_instance.hpp says which).
#include "system_instance.hpp"
