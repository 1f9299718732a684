// tests/stiff/sparse_path_test.cpp
// Model files with Rosenbrock methods go through the generated sparse LU (factor_shifted /
// solve_factored), and it agrees with the dense LU of the same Jacobian to rounding:
//  - the generated source of every stiff example has the sparse members (POLLU, the ring
//    modulator, ...) or, beyond the flop cap, says why not;
//  - HIRES compiled twice, with the sparse LU and with it switched off (the stepper then
//    factorises jacobian() with the pivoting dense LU): the solves agree to rounding, and
//    differ in the last bits, which shows the stepper did take the sparse path (with the
//    sparse members ignored both builds would run the same dense code, bit for bit);
//  - `cubie run examples/stiff/pollu.toml` end to end is in tests/apps (cli_stiff_test).
// The speed of the two paths is measured in bench/stiff (bench/RESULTS.md), not here.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "cubie/models/jacobian_structure.hpp"
#include "stiff_models.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(SparsePath, GeneratedForEveryStiffExample) {
  for (const char* file : {"pollu.toml", "ring_modulator.toml", "robertson.toml", "van_der_pol_stiff.toml", "hires.toml",
                           "orego.toml", "e5.toml"}) {
    SCOPED_TRACE(file);
    const models::model_definition m = stiff_example(file);
    const std::string source = models::generate_system_source(m, "gen");
    const models::jacobian_structure j = models::analyze_jacobian(m);
    EXPECT_TRUE(j.sparse_factorisation) << "every example is within the flop cap";
    EXPECT_NE(source.find("auto factor_shifted(S c, S* jv) const"), std::string::npos);
    EXPECT_NE(source.find("void solve_factored(const S* lu, S* x) const"), std::string::npos);
    EXPECT_NE(source.find("static constexpr int sparse_nnz = " + std::to_string(j.factor_nonzeros) + ";"),
              std::string::npos);
  }
  // POLLU's numbers, as the issue gives them (82 nonzeros) and as the plan finds them.
  const models::jacobian_structure pollu = models::analyze_jacobian(stiff_example("pollu.toml"));
  EXPECT_EQ(pollu.n_states, 20);
  EXPECT_EQ(pollu.nonzeros, 82);
  EXPECT_LT(pollu.factor_flops, 400);  // against 20^3 * 2/3 = 5,300 dense
  EXPECT_EQ(models::analyze_jacobian(stiff_example("ring_modulator.toml")).factor_nonzeros, 67);

  // Switched off, the members are gone and the comment says so.
  models::codegen_options dense;
  dense.max_sparse_factor_flops = -1;
  const std::string without = models::generate_system_source(stiff_example("hires.toml"), "gen", dense);
  EXPECT_EQ(without.find("factor_shifted("), std::string::npos);
  EXPECT_NE(without.find("No factor_shifted / solve_factored (switched off)"), std::string::npos);
}

SolveResult solve_hires(const std::shared_ptr<const compiled_system>& sys, const models::model_definition& m) {
  solver_settings s = m.settings;
  s.algorithm = "rodas5p";
  s.backend = "cpu";
  Solver solver(sys, s);
  solve_spec spec = m.spec;
  // HIRES has no parameters: 64 runs from initial values of E around the model's 0.0057.
  std::vector<double> e0;
  for (int i = 0; i < 64; ++i) e0.push_back(0.0057 * (0.5 + i / 63.0));
  return solver.solve({{"E", e0}}, {}, spec);
}

TEST(SparsePath, ModelSolveEqualsTheDenseLuToRoundingNotToTheBit) {
  const models::model_definition m = stiff_example("hires.toml");
  models::compile_report sparse_report, dense_report;
  const auto sparse = compile_for_cpu(m, {"rodas5p"}, precision::float64, {}, &sparse_report);
  models::codegen_options off;
  off.max_sparse_factor_flops = -1;
  const auto dense = compile_for_cpu(m, {"rodas5p"}, precision::float64, off, &dense_report);
  // The sources the two builds compiled: with and without the sparse LU.
  EXPECT_NE(read_file(sparse_report.cpu.source_path).find("factor_shifted("), std::string::npos);
  EXPECT_EQ(read_file(dense_report.cpu.source_path).find("factor_shifted("), std::string::npos);

  const SolveResult a = solve_hires(sparse, m);
  const SolveResult b = solve_hires(dense, m);
  ASSERT_EQ(a.failed_runs(), 0);
  ASSERT_EQ(b.failed_runs(), 0);
  const auto ta = a.time_domain<double>();
  const auto tb = b.time_domain<double>();
  ASSERT_EQ(ta.size(), tb.size());
  std::size_t differ = 0;
  double worst = 0.0;
  const double rtol = m.settings.rtol[0], atol = m.settings.atol[0];
  for (std::size_t i = 0; i < ta.size(); ++i) {
    differ += std::memcmp(&ta[i], &tb[i], sizeof(double)) != 0;
    worst = std::max(worst, std::fabs(ta[i] - tb[i]) / (atol + rtol * std::fabs(tb[i])));
  }
  // Two LUs of the same matrix differ by rounding, which the steps carry forward as a
  // perturbation of the solution far below the tolerance.
  EXPECT_LT(worst, 1e-3) << "sparse and dense solves differ by " << worst << " tolerances";
  EXPECT_GT(differ, 0u) << "bit-identical: the stepper cannot have used the sparse LU";
  // Steps taken: the same, or within a step or two where a rounding flips a decision.
  for (std::int64_t run = 0; run < a.n_runs(); ++run) {
    EXPECT_NEAR(double(a.steps_accepted()[run]), double(b.steps_accepted()[run]), 2.0) << "run " << run;
  }
}

}  // namespace
