// Systems generated at build time from model files (see CMakeLists.txt), compiled here
// like any C++ system: the Lorenz example against include/cubie/systems/lorenz.hpp bit
// for bit, and powers, ifelse and functions against direct C++ expressions.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string_view>

#include "cubie/integrate/system.hpp"
#include "cubie/systems/lorenz.hpp"
#include "expressions.hpp"
#include "lorenz_f32.hpp"
#include "lorenz_f64.hpp"
#include "shared_subexpressions.hpp"
// After the generated headers on purpose: packs' math is found by argument-dependent
// lookup at instantiation, whatever the include order.
#include "cubie/core/simd.hpp"

namespace {

static_assert(cubie::ode_system<generated_lorenz_f64<double>, double>);
static_assert(cubie::ode_system<generated_lorenz_f64<float>, float>);
static_assert(cubie::ode_system<generated_lorenz_f32<float>, float>);
static_assert(cubie::ode_system<generated_expressions<double>, double>);
static_assert(generated_lorenz_f64<double>::n_states == 3 && generated_lorenz_f64<double>::n_parameters == 1 &&
              generated_lorenz_f64<double>::n_observables == 1);
static_assert(generated_expressions<double>::n_observables == 10);
using pack_d = cubie::simd::pack<double, 4>;
using pack_f = cubie::simd::pack<float, 8>;
static_assert(cubie::ode_system<generated_lorenz_f64<pack_d>, pack_d>);
static_assert(cubie::ode_system<generated_lorenz_f32<pack_f>, pack_f>);
static_assert(cubie::ode_system<generated_expressions<pack_d>, pack_d>);

template <class T>
bool same_bits(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// Compares rhs and observables of a generated Lorenz with the hand-written one.
template <class Generated, class S>
void expect_lorenz_bit_identical(std::uint32_t seed) {
  Generated gen;
  cubie::systems::lorenz<S> ref;
  EXPECT_TRUE(same_bits(gen.sigma, ref.sigma));
  EXPECT_TRUE(same_bits(gen.beta, ref.beta));
  EXPECT_EQ(std::string_view(Generated::state_names), ref.state_names);
  EXPECT_EQ(std::string_view(Generated::parameter_names), ref.parameter_names);
  EXPECT_EQ(std::string_view(Generated::observable_names), ref.observable_names);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-30.0, 30.0);
  for (int i = 0; i < 10000; ++i) {
    S t = S(u(rng)), y[3] = {S(u(rng)), S(u(rng)), S(u(rng))}, p[1] = {S(u(rng))};
    S a[3], b[3], oa[1], ob[1];
    gen.rhs(t, y, p, a);
    ref.rhs(t, y, p, b);
    gen.observables(t, y, p, oa);
    ref.observables(t, y, p, ob);
    for (int k = 0; k < 3; ++k) ASSERT_TRUE(same_bits(a[k], b[k])) << "dydt[" << k << "] at sample " << i;
    ASSERT_TRUE(same_bits(oa[0], ob[0])) << "r2 at sample " << i;
  }
}

TEST(model_generated_system, LorenzFloat64IsBitIdenticalToHandWritten) {
  expect_lorenz_bit_identical<generated_lorenz_f64<double>, double>(1);
}

TEST(model_generated_system, LorenzFloat32IsBitIdenticalToHandWritten) {
  expect_lorenz_bit_identical<generated_lorenz_f32<float>, float>(2);
  // float64 constants converted to float are the float32 model's constants
  expect_lorenz_bit_identical<generated_lorenz_f64<float>, float>(3);
}

TEST(model_generated_system, LorenzNamesAndDefaults) {
  EXPECT_EQ(std::string_view(generated_lorenz_f32<float>::name), "lorenz");
  generated_lorenz_f32<float> f;
  EXPECT_EQ(f.sigma, 10.0f);
  EXPECT_EQ(f.beta, static_cast<float>(8.0 / 3.0));
}

// The same comparison on SIMD packs, lane by lane: W runs at once, as the CPU backend runs them.
template <class Generated, class T, int W>
void expect_lorenz_packs_bit_identical(std::uint32_t seed) {
  using P = cubie::simd::pack<T, W>;
  Generated gen;
  cubie::systems::lorenz<P> ref;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-30.0, 30.0);
  for (int i = 0; i < 1000; ++i) {
    P t, y[3], p[1];
    for (int lane = 0; lane < W; ++lane) {
      t.set(lane, T(u(rng)));
      for (P& v : y) v.set(lane, T(u(rng)));
      p[0].set(lane, T(u(rng)));
    }
    P a[3], b[3], oa[1], ob[1];
    gen.rhs(t, y, p, a);
    ref.rhs(t, y, p, b);
    gen.observables(t, y, p, oa);
    ref.observables(t, y, p, ob);
    for (int lane = 0; lane < W; ++lane) {
      for (int k = 0; k < 3; ++k) ASSERT_TRUE(same_bits(a[k][lane], b[k][lane])) << "dydt[" << k << "] lane " << lane;
      ASSERT_TRUE(same_bits(oa[0][lane], ob[0][lane])) << "r2 lane " << lane;
    }
  }
}

TEST(model_generated_system, LorenzOnSimdPacksIsBitIdenticalToHandWritten) {
  expect_lorenz_packs_bit_identical<generated_lorenz_f64<pack_d>, double, 4>(6);
  expect_lorenz_packs_bit_identical<generated_lorenz_f32<pack_f>, float, 8>(7);
}

TEST(model_generated_system, IfelseOnSimdPacksSelectsPerLane) {
  generated_expressions<pack_d> sys;
  // lanes: the first four gate samples of IfelseSelectsPerCondition
  const double xs[4] = {2.0, 2.0, 0.5, 0.5}, ys[4] = {0.5, -0.5, 0.5, 1.0}, expected[4] = {1.5, -1.0, 1.0, -0.5};
  pack_d state[2], param[1] = {pack_d(1.0)}, out[10];
  for (int lane = 0; lane < 4; ++lane) {
    state[0].set(lane, xs[lane]);
    state[1].set(lane, ys[lane]);
  }
  sys.observables(pack_d(0.0), state, param, out);
  for (int lane = 0; lane < 4; ++lane) {
    EXPECT_EQ(out[7][lane], expected[lane]) << "lane " << lane;
    EXPECT_TRUE(same_bits(out[0][lane], -(xs[lane] * xs[lane])));
    EXPECT_EQ(out[4][lane], std::pow(xs[lane], 2.5));
  }
}

struct expression_values {
  double neg_square, inv_square, inv, cube, fractional, half, tower, gate, nested, funcs;
};

expression_values observe(double t, double x, double y, double a) {
  generated_expressions<double> sys;
  double state[2] = {x, y}, param[1] = {a}, out[10];
  sys.observables(t, state, param, out);
  return {out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7], out[8], out[9]};
}

TEST(model_generated_system, PowersAreProductsBitForBit) {
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> u(-4.0, 4.0);
  for (int i = 0; i < 10000; ++i) {
    double x = u(rng), y = u(rng);
    expression_values v = observe(0.0, x, y, 0.5);
    ASSERT_TRUE(same_bits(v.neg_square, -(x * x))) << x;
    ASSERT_TRUE(same_bits(v.inv_square, 1.0 / (x * x))) << x;
    ASSERT_TRUE(same_bits(v.inv, 1.0 / (x + y))) << x << " " << y;
    ASSERT_TRUE(same_bits(v.cube, x * x * x)) << x;
    double frac = std::pow(x, 2.5);
    ASSERT_TRUE(same_bits(v.fractional, frac) || (std::isnan(v.fractional) && std::isnan(frac))) << x;
  }
  expression_values v = observe(0.0, 1.0, 1.0, 0.5);
  EXPECT_EQ(v.half, 0.5);
  EXPECT_EQ(v.tower, 512.0);
  EXPECT_LT(observe(0.0, -3.0, 0.0, 0.0).neg_square, 0.0);
}

TEST(model_generated_system, IfelseSelectsPerCondition) {
  // gate = ifelse(x > a and not (y < 0) or y == 1, x - y, y * 2)
  struct sample {
    double x, y, a, gate;
  };
  const sample samples[] = {
      {2.0, 0.5, 1.0, 1.5},    // x > a, y >= 0: x - y
      {2.0, -0.5, 1.0, -1.0},  // y < 0: y * 2
      {0.5, 0.5, 1.0, 1.0},    // x <= a: y * 2
      {0.5, 1.0, 1.0, -0.5},   // y == 1: x - y
      {1.0, 0.0, 1.0, 0.0},    // x == a is not x > a: y * 2
  };
  for (const sample& s : samples) {
    EXPECT_EQ(observe(0.0, s.x, s.y, s.a).gate, s.gate) << s.x << " " << s.y << " " << s.a;
  }
  // nested = ifelse(t >= 1, ifelse(x <= y, 1, -1), 0)
  EXPECT_EQ(observe(0.5, 1.0, 2.0, 0.0).nested, 0.0);
  EXPECT_EQ(observe(1.0, 1.0, 2.0, 0.0).nested, 1.0);
  EXPECT_EQ(observe(3.0, 3.0, 2.0, 0.0).nested, -1.0);
}

TEST(model_generated_system, FunctionsAndRhs) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-2.0, 2.0);
  generated_expressions<double> sys;
  for (int i = 0; i < 1000; ++i) {
    double t = u(rng), x = u(rng), y = u(rng), a = 1.0 + std::abs(u(rng));
    double funcs = std::atan2(y, x) + std::fmin(x, y) * std::fmax(x, y) - std::fabs(y) + std::floor(x) + std::ceil(y) +
                   std::exp(-std::fabs(x)) + std::sqrt(std::fabs(y)) + std::tanh(x);
    EXPECT_NEAR(observe(t, x, y, a).funcs, funcs, 1e-12 * (1.0 + std::fabs(funcs)));
    double state[2] = {x, y}, param[1] = {a}, dydt[2];
    sys.rhs(t, state, param, dydt);
    EXPECT_NEAR(dydt[0], -a * x + std::sin(t), 1e-14);
    EXPECT_NEAR(dydt[1], x - y / (1 + a), 1e-14);
  }
}

TEST(model_generated_system, Float32InstanceComputesInFloat) {
  generated_expressions<float> sys;
  float state[2] = {1.5f, -0.5f}, param[1] = {0.75f}, out[10];
  sys.observables(0.0f, state, param, out);
  EXPECT_EQ(out[0], -(1.5f * 1.5f));
  EXPECT_EQ(out[3], 1.5f * 1.5f * 1.5f);
  EXPECT_EQ(out[7], -1.0f);  // y < 0: y * 2
}

// tests/models/data/shared_subexpressions.toml written by hand: each statement as the
// model writes it, auxiliaries as locals, integer powers as products. The generated code
// computes sqrt(q), sqrt(q)^3, exp(-q) and (x + y) * (x - y) once and keeps a * x * y
// (used by additions and a multiplication) as separate copies.
template <class S>
struct shared_reference {
  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* dydt) const {
    using cubie::math::exp;
    using cubie::math::sqrt;
    const S q = (y[0] * y[0]) + (y[1] * y[1]);
    const S w = q * sqrt(q);
    dydt[0] = -y[0] / w + (sqrt(q) * sqrt(q) * sqrt(q)) + p[0] * y[0] * y[1];
    dydt[1] = -y[1] / w + (sqrt(q) * sqrt(q) * sqrt(q)) - p[0] * y[0] * y[1] + (y[0] + y[1]) * (y[0] - y[1]);
    dydt[2] = p[0] * y[0] * y[1] * y[2] + (y[0] + y[1]) * (y[0] - y[1]) - exp(-q) * exp(-q) + q * sqrt(q);
  }
  CUBIE_HD CUBIE_FORCEINLINE void observables(S /*t*/, const S* y, const S* p, S* out) const {
    using cubie::math::sin;
    using cubie::math::sqrt;
    const S q = (y[0] * y[0]) + (y[1] * y[1]);
    const S w = q * sqrt(q);
    out[0] = w;
    out[1] = p[0] * y[0] * y[1] + sin(p[0] * y[0] * y[1]);
  }
};

// Called through pointers the compiler cannot see behind: it cannot merge copies of a
// subexpression across the stores into dydt, so each copy fuses into its own use.
template <class Sys, class S>
[[gnu::noinline]] void rhs_behind_pointers(const S* y, const S* p, S* dydt, S* out) {
  Sys sys;
  sys.rhs(S(0), y, p, dydt);
  sys.observables(S(0), y, p, out);
}

template <class T>
T lane_of(T x, int) { return x; }
template <class T, int W>
T lane_of(cubie::simd::pack<T, W> x, int lane) { return x[lane]; }
template <class T>
void set_lane(T& x, int, T v) { x = v; }
template <class T, int W>
void set_lane(cubie::simd::pack<T, W>& x, int lane, T v) { x.set(lane, v); }

template <class S, class T, int W>
void expect_shared_subexpressions_bit_identical(std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  for (int i = 0; i < 5000; ++i) {
    S y[3], p[1], a[3], b[3], oa[2], ob[2], pa[3], pb[3], poa[2], pob[2];
    for (int lane = 0; lane < W; ++lane) {
      for (S& v : y) set_lane(v, lane, T(u(rng)));
      set_lane(p[0], lane, T(u(rng)));
    }
    // inlined here, on local arrays
    gen_shared_subexpressions<S>{}.rhs(S(0), y, p, a);
    shared_reference<S>{}.rhs(S(0), y, p, b);
    gen_shared_subexpressions<S>{}.observables(S(0), y, p, oa);
    shared_reference<S>{}.observables(S(0), y, p, ob);
    // behind pointers
    rhs_behind_pointers<gen_shared_subexpressions<S>>(y, p, pa, poa);
    rhs_behind_pointers<shared_reference<S>>(y, p, pb, pob);
    for (int lane = 0; lane < W; ++lane) {
      for (int k = 0; k < 3; ++k) {
        ASSERT_TRUE(same_bits(lane_of(a[k], lane), lane_of(b[k], lane))) << "dydt[" << k << "] inlined, sample " << i;
        ASSERT_TRUE(same_bits(lane_of(pa[k], lane), lane_of(pb[k], lane))) << "dydt[" << k << "] behind pointers";
      }
      for (int k = 0; k < 2; ++k) {
        ASSERT_TRUE(same_bits(lane_of(oa[k], lane), lane_of(ob[k], lane))) << "out[" << k << "] inlined, sample " << i;
        ASSERT_TRUE(same_bits(lane_of(poa[k], lane), lane_of(pob[k], lane))) << "out[" << k << "] behind pointers";
      }
    }
  }
}

TEST(model_generated_system, SharedSubexpressionsAreBitIdenticalToHandWritten) {
  expect_shared_subexpressions_bit_identical<double, double, 1>(11);
  expect_shared_subexpressions_bit_identical<float, float, 1>(12);
  expect_shared_subexpressions_bit_identical<pack_d, double, 4>(13);
  expect_shared_subexpressions_bit_identical<pack_f, float, 8>(14);
}

}  // namespace
