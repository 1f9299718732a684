// The generated Jacobian of every example model and test model, at points spread over the
// scales each model lives on: symbolic df/dy and df/dt equal dual numbers run through the
// generated rhs to rounding, and central differences within their error bound; the sparse
// entries equal the dense ones; every nonzero seen is in the generated pattern.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "e5.hpp"
#include "expressions.hpp"
#include "hires.hpp"
#include "jacobian_check.hpp"
#include "lorenz_f64.hpp"
#include "lotka_volterra.hpp"
#include "orego.hpp"
#include "piecewise.hpp"
#include "pollu.hpp"
#include "ring_modulator.hpp"
#include "robertson.hpp"
#include "shared_subexpressions.hpp"
#include "van_der_pol.hpp"
#include "van_der_pol_stiff.hpp"

namespace cubie::models::testing {
namespace {

namespace fs = std::filesystem;

model_definition test_model(const std::string& name) { return load_model(fs::path(CUBIE_TEST_DATA_DIR) / name); }

sampling uniform(int n, double lo, double hi, double t_lo = 0.0, double t_hi = 1.0) {
  sampling s;
  s.draw = [=](std::mt19937& rng) {
    std::uniform_real_distribution<double> u(lo, hi), ut(t_lo, t_hi);
    sample out;
    out.t = ut(rng);
    for (int i = 0; i < n; ++i) out.y.push_back(u(rng));
    return out;
  };
  return s;
}

sampling spread(int n, double lo_exp, double hi_exp, bool any_sign) {
  sampling s;
  s.draw = [=](std::mt19937& rng) {
    sample out;
    out.t = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    for (int i = 0; i < n; ++i) out.y.push_back(log_uniform(rng, lo_exp, hi_exp, any_sign));
    return out;
  };
  return s;
}

TEST(model_jacobian, Pollution) { check_jacobian<gen_pollu>(example("stiff/pollu.toml"), spread(20, -8, 0, false), 1); }

TEST(model_jacobian, RingModulator) {
  sampling s = ring_modulator_points();
  s.time_step = 1e-9;  // the faster input has period 1e-4
  check_jacobian<gen_ring_modulator>(example("stiff/ring_modulator.toml"), s, 2);
}

TEST(model_jacobian, Robertson) { check_jacobian<gen_robertson>(example("stiff/robertson.toml"), spread(3, -10, 0, false), 3); }

TEST(model_jacobian, VanDerPolStiff) {
  check_jacobian<gen_van_der_pol_stiff>(example("stiff/van_der_pol_stiff.toml"), spread(2, -3, 0.5, true), 4);
}

TEST(model_jacobian, Hires) { check_jacobian<gen_hires>(example("stiff/hires.toml"), spread(8, -6, 0, false), 5); }

TEST(model_jacobian, Oregonator) { check_jacobian<gen_orego>(example("stiff/orego.toml"), spread(3, -4, 5, false), 6); }

TEST(model_jacobian, E5) { check_jacobian<gen_e5>(example("stiff/e5.toml"), spread(4, -18, -3, false), 7); }

TEST(model_jacobian, Lorenz) { check_jacobian<generated_lorenz_f64>(example("lorenz.toml"), uniform(3, -30, 30), 8); }

TEST(model_jacobian, VanDerPol) { check_jacobian<gen_van_der_pol>(example("van_der_pol.toml"), uniform(2, -3, 3), 9); }

TEST(model_jacobian, LotkaVolterraAwayFromTheHarvestSwitch) {
  sampling s = uniform(2, 0.5, 40.0);
  // harvest = ifelse(prey > 20 and predator < prey, ...): differences across the switch
  // see its jump, not the derivative.
  s.usable = [](const sample& p) { return std::fabs(p.y[0] - 20.0) > 0.5 && std::fabs(p.y[1] - p.y[0]) > 0.5; };
  check_jacobian<gen_lotka_volterra>(example("lotka_volterra.toml"), s, 10);
}

TEST(model_jacobian, Expressions) {
  check_jacobian<generated_expressions>(test_model("expressions.toml"), uniform(2, -2, 2, -2, 2), 11);
}

TEST(model_jacobian, SharedSubexpressions) {
  check_jacobian<gen_shared_subexpressions>(test_model("shared_subexpressions.toml"), uniform(3, -2, 2), 12);
}

TEST(model_jacobian, PiecewiseAwayFromKinks) {
  sampling s = uniform(3, -3, 3, -2, 2);
  auto far = [](double v, double step) { return std::fabs(v - std::round(v / step) * step) > 0.05 * step; };
  s.usable = [far](const sample& p) {
    const double x = p.y[0], y = p.y[1], z = p.y[2];
    return std::fabs(x - y) > 0.05 && far(3 * x, 1.0) && far(y, 1.0) && std::fabs(x - y * y) > 0.05 &&
           std::fabs(x * y - z) > 0.05 && std::fabs(x) > 0.05 && y > -2.9;
  };
  check_jacobian<gen_piecewise>(test_model("piecewise.toml"), s, 13);
}

TEST(model_jacobian, StructureOfPollutionAndRingModulator) {
  // Pattern sizes as the issue states them (Test Set definitions): POLLU's J has 82
  // nonzeros, the ring modulator's 53 (67 with the diagonal and fill of its LU).
  jacobian_structure pollu = analyze_jacobian(example("stiff/pollu.toml"));
  EXPECT_EQ(pollu.nonzeros, 82);
  EXPECT_EQ(pollu.diagonal_added, 4);  // CO, CO2, HNO3 and SO4 are only produced
  EXPECT_EQ(pollu.factor_nonzeros, pollu.nonzeros + pollu.diagonal_added + pollu.fill_in);
  EXPECT_TRUE(pollu.autonomous);
  jacobian_structure ring = analyze_jacobian(example("stiff/ring_modulator.toml"));
  EXPECT_EQ(ring.nonzeros, 53);
  EXPECT_EQ(ring.diagonal_added, 2);  // I1 and I2
  EXPECT_FALSE(ring.autonomous);
  EXPECT_EQ(ring.n_states, 15);
  EXPECT_LE(ring.factor_nonzeros, 67);
  EXPECT_LE(pollu.factor_nonzeros, 109);
  EXPECT_TRUE(pollu.sparse_factorisation);
  EXPECT_EQ(summary(pollu).substr(0, 24), "20 x 20, 82 nonzeros; sp");
  EXPECT_NE(summary(ring).find("; reads t"), std::string::npos) << summary(ring);
  std::cout << "POLLU: " << summary(pollu) << "\nring modulator: " << summary(ring) << "\n";
  std::cout << "POLLU: " << pollu.nonzeros << " nonzeros, " << pollu.fill_in << " fill-in, " << pollu.factor_nonzeros
            << " in the factors (" << pollu.ordering << "), " << pollu.factor_flops << " flops to factor, "
            << pollu.solve_flops << " to solve\n"
            << "ring modulator: " << ring.nonzeros << " nonzeros, " << ring.fill_in << " fill-in, "
            << ring.factor_nonzeros << " in the factors (" << ring.ordering << "), " << ring.factor_flops
            << " flops to factor, " << ring.solve_flops << " to solve\n";
}

}  // namespace
}  // namespace cubie::models::testing
