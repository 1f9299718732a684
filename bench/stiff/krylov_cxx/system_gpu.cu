// One nvcc-compiled Brusselator of krylov_cxx_bench (system_instance.hpp says which).
#include "system_instance.hpp"
