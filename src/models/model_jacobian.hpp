// A model's Jacobian at generation time: df/dy and df/dt as nodes of the model's graph
// (sharing its subexpressions), whether f reads t, the sparsity pattern of J and the
// planned sparse LU of c I - J.
#pragma once
#include <vector>

#include "expression_graph.hpp"
#include "sparse_elimination.hpp"

namespace cubie::models::detail {

struct model_jacobian {
  std::vector<std::vector<node_id>> dfdy;  ///< dfdy[i][j] = d f_i / d y_j (number 0 where none)
  std::vector<node_id> dfdt;               ///< d f_i / d t at fixed y
  bool autonomous = true;                  ///< f does not read t
  sparsity_pattern pattern;                ///< structural nonzeros of df/dy
  elimination_plan plan;
};

/// @brief Differentiates every derivative of `graph` by every state and by t.
[[nodiscard]] model_jacobian differentiate_model(model_graph& graph);

}  // namespace cubie::models::detail
