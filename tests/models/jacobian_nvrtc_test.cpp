// The Jacobian members of generated systems compile under NVRTC (the GPU path of model
// files) to an sm_90 CUBIN, in float and double, for float64 and float32 models: rhs,
// jacobian, jacobian_sparse, time_derivative, factor_shifted, solve_factored and their
// complex-shift forms (factor_shifted_complex, solve_factored_complex) called from
// one kernel per model and arithmetic. Needs NVRTC (built where the CUDA toolkit is found),
// not a GPU.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cubie/models/codegen.hpp"
#include "cubie/models/model.hpp"
#include "models/nvrtc_compile.hpp"
#include "models/nvrtc_loader.hpp"

namespace {

namespace fs = std::filesystem;
using cubie::models::detail::nvrtc_compile;
using cubie::models::detail::nvrtc_core_options;

const char* const kernel = R"(
// Every Jacobian member, as an implicit stepper calls them; the result depends on each.
template <class Sys, class S>
__global__ void exercise_jacobian(const S* y, const S* p, S t, S c, S* out) {
  constexpr int n = Sys::n_states;
  const Sys sys{};
  S f[n], J[n * n], dfdt[n], jv[Sys::sparse_nnz], re[Sys::sparse_nnz], im[Sys::sparse_nnz], x[n], xi[n];
  sys.rhs(t, y, p, f);
  sys.jacobian(t, y, p, J);
  sys.time_derivative(t, y, p, dfdt);
  sys.jacobian_sparse(t, y, p, jv);
  for (int k = 0; k < Sys::sparse_nnz; ++k) re[k] = jv[k];
  const bool ok = sys.factor_shifted(c, jv);
  const bool ok_c = sys.factor_shifted_complex(c, c, re, im);
  for (int i = 0; i < n; ++i) x[i] = f[i] + dfdt[i] + J[i * n + i];
  for (int i = 0; i < n; ++i) xi[i] = x[i];
  sys.solve_factored(jv, x);
  sys.solve_factored_complex(re, im, x, xi);
  for (int i = 0; i < n; ++i) out[i] = ok && ok_c ? x[i] + xi[i] : S(0);
}
)";

TEST(model_jacobian_nvrtc, GeneratedJacobiansCompileToAnSm90Cubin) {
  ASSERT_TRUE(cubie::models::detail::nvrtc_available()) << "NVRTC must load where this test is built";
  struct entry {
    const char* file;
    const char* precision;
    const char* name;
  };
  const entry models[] = {
      {CUBIE_EXAMPLES_DIR "/stiff/pollu.toml", "float64", "pollu64"},
      {CUBIE_EXAMPLES_DIR "/stiff/ring_modulator.toml", "float64", "ring64"},
      {CUBIE_EXAMPLES_DIR "/stiff/ring_modulator.toml", "float32", "ring32"},
      {CUBIE_TEST_DATA_DIR "/piecewise.toml", "float64", "piecewise64"},
      {CUBIE_TEST_DATA_DIR "/shared_subexpressions.toml", "float32", "shared32"},
  };
  std::string source;
  std::vector<std::string> expressions;
  for (const entry& m : models) {
    cubie::models::model_definition def = cubie::models::load_model(m.file);
    cubie::models::apply_override(def, std::string("precision=") + m.precision);
    source += cubie::models::generate_system_source(def, m.name) + "\n";
    for (const char* v : {"float", "double"}) {
      expressions.push_back(std::string("&exercise_jacobian<") + m.name + "<" + v + ">, " + v + ">");
    }
  }
  source += kernel;
  const auto out = nvrtc_compile(source, "jacobian_check.cu", nvrtc_core_options(90, CUBIE_SOURCE_INCLUDE_DIR),
                                 expressions);
  ASSERT_TRUE(out.success) << "NVRTC log:\n" << out.log;
  ASSERT_GE(out.cubin.size(), 4u);
  EXPECT_EQ(out.cubin.substr(0, 4), "\x7f" "ELF");
  ASSERT_EQ(out.lowered_names.size(), expressions.size());
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    EXPECT_FALSE(out.lowered_names[i].empty()) << expressions[i];
  }
  if (!out.log.empty()) std::cout << "NVRTC warnings:\n" << out.log << "\n";
}

}  // namespace
