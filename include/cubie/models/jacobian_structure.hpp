// cubie/models/jacobian_structure.hpp
// The Jacobian of a model file as code generation sees it: size, structural nonzeros, the
// sparse LU's elimination order and fill-in, and its cost; for `cubie check` and reports.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "codegen.hpp"
#include "model.hpp"

namespace cubie::models {

/// @brief df/dy of a model and the sparse LU of c I - J that its generated code performs.
struct jacobian_structure {
  int n_states = 0;
  int nonzeros = 0;         ///< structural nonzeros of df/dy
  int diagonal_added = 0;   ///< diagonal entries J lacks, present in c I - J
  int fill_in = 0;          ///< entries the elimination creates
  int factor_nonzeros = 0;  ///< nonzeros + diagonal_added + fill_in: the generated sparse_nnz
  long long factor_flops = 0;  ///< per factorisation (reciprocals, multipliers, updates)
  long long solve_flops = 0;   ///< per solve with the factors
  bool autonomous = true;      ///< f does not read t
  bool sparse_factorisation = true;  ///< factor_shifted / solve_factored are generated (within the flop cap)
  std::string ordering;        ///< the heuristic that chose the elimination order
  std::vector<int> elimination_order;  ///< state indices in pivot order
  std::vector<std::pair<int, int>> pattern;  ///< (row, column) of each structural nonzero of J, row-major
};

/// @brief Differentiates the model symbolically and plans its sparse LU, as
/// generate_system_source() does with the same options.
[[nodiscard]] jacobian_structure analyze_jacobian(const model_definition& model, const codegen_options& options = {});

/// @brief One line for reports such as `cubie check`, e.g. "20 x 20, 82 nonzeros; sparse LU:
/// 94 entries (4 diagonal added, 8 fill-in, markowitz order), 197 flops to factor, 168 to
/// solve; autonomous".
[[nodiscard]] std::string summary(const jacobian_structure& j);

}  // namespace cubie::models
