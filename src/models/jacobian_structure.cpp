#include "cubie/models/jacobian_structure.hpp"

#include "model_jacobian.hpp"

namespace cubie::models {

jacobian_structure analyze_jacobian(const model_definition& model, const codegen_options& options) {
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
  out.sparse_factorisation = plan.factor_flops <= options.max_sparse_factor_flops;
  out.ordering = plan.ordering;
  out.elimination_order = plan.order;
  for (std::size_t i = 0; i < jac.pattern.size(); ++i) {
    for (std::size_t j = 0; j < jac.pattern[i].size(); ++j) {
      if (jac.pattern[i][j]) out.pattern.emplace_back(static_cast<int>(i), static_cast<int>(j));
    }
  }
  return out;
}

std::string summary(const jacobian_structure& j) {
  std::string s = std::to_string(j.n_states) + " x " + std::to_string(j.n_states) + ", " + std::to_string(j.nonzeros) +
                  " nonzeros; ";
  if (j.sparse_factorisation) {
    s += "sparse LU: " + std::to_string(j.factor_nonzeros) + " entries (" + std::to_string(j.diagonal_added) +
         " diagonal added, " + std::to_string(j.fill_in) + " fill-in, " + j.ordering + " order), " +
         std::to_string(j.factor_flops) + " flops to factor, " + std::to_string(j.solve_flops) + " to solve";
  } else {
    s += "dense LU (a sparse one would be " + std::to_string(j.factor_flops) + " flops of code to compile)";
  }
  return s + (j.autonomous ? "; autonomous" : "; reads t");
}

}  // namespace cubie::models
