#include "cubie/models/jacobian_structure.hpp"

#include "model_jacobian.hpp"

namespace cubie::models {

jacobian_structure analyze_jacobian(const model_definition& model) {
  detail::model_graph graph = detail::build_model_graph(model);
  const detail::model_jacobian jac = detail::differentiate_model(graph);
  const detail::elimination_plan& plan = jac.plan;
  jacobian_structure out;
  out.n_states = plan.n;
  out.nonzeros = plan.jacobian_nonzeros;
  out.diagonal_added = plan.diagonal_added;
  out.fill_in = plan.fill_in;
  out.factor_nonzeros = plan.nonzeros();
  out.factor_flops = plan.factor_flops;
  out.solve_flops = plan.solve_flops;
  out.autonomous = jac.autonomous;
  out.ordering = plan.ordering;
  out.elimination_order = plan.order;
  for (std::size_t i = 0; i < jac.pattern.size(); ++i) {
    for (std::size_t j = 0; j < jac.pattern[i].size(); ++j) {
      if (jac.pattern[i][j]) out.pattern.emplace_back(static_cast<int>(i), static_cast<int>(j));
    }
  }
  return out;
}

}  // namespace cubie::models
