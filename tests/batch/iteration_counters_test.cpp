// tests/batch/iteration_counters_test.cpp
// The iteration_counters output (n_saves, 4, n_runs): per save, Newton iterations, linear
// iterations, accepted and rejected steps since the previous save. Checked against what each
// family must report: fixed RK4 steps are the known step count between saves with no
// iterations; an adaptive explicit method counts no iterations and its steps add up to the
// per-run totals; Rosenbrock solves one linear system per stage and trial step (rodas5p: 8);
// a DIRK takes at least one Newton iteration per implicit stage and trial, one linear solve
// each. Failed runs keep the work before the failure; chunking changes nothing; CSV carries
// the four columns.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <span>
#include <unistd.h>
#include <sstream>
#include <string>
#include <vector>

#include "counter_test_systems.hpp"
#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"
#include "cubie/io/csv_writer.hpp"
#include "cubie/io/write_hdf5.hpp"
#include "io/hdf5_reader.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

solver_settings settings(const char* method, precision p = precision::float64) {
  solver_settings s;
  s.algorithm = method;
  s.precision = p;
  s.backend = "cpu";
  if (p == precision::float32) s.rtol = s.atol = {1e-4};
  return s;
}

solve_spec counter_spec(double duration, double save_every) {
  solve_spec spec;
  spec.duration = duration;
  spec.save_every = save_every;
  spec.output_types = std::vector<std::string>{"state", "iteration_counters"};
  return spec;
}

// mu over a range that is non-stiff at the start and stiff at the end; 37 runs (not a
// multiple of a SIMD pack).
named_arrays vdp_inits(std::size_t n) { return {{"x", std::vector<double>(n, 2.0)}, {"y", {0.0}}}; }
named_arrays vdp_params(std::size_t n, double mu_lo = 0.1, double mu_hi = 100.0) {
  std::vector<double> mu(n);
  for (std::size_t i = 0; i < n; ++i)
    mu[i] = mu_lo * std::pow(mu_hi / mu_lo, n > 1 ? double(i) / double(n - 1) : 0.0);
  return {{"mu", mu}};
}

u32 counter(const SolveResult& r, std::int64_t save, int c, std::int64_t run) {
  return r.iteration_counters()[static_cast<std::size_t>((save * 4 + c) * r.n_runs() + run)];
}

// The sums over saves of steps_accepted / steps_rejected are the run's totals.
void expect_sums_match_totals(const SolveResult& r) {
  for (std::int64_t run = 0; run < r.n_runs(); ++run) {
    std::uint64_t acc = 0, rej = 0;
    for (std::int64_t j = 0; j < r.n_counter_saves(); ++j) {
      acc += counter(r, j, 2, run);
      rej += counter(r, j, 3, run);
    }
    EXPECT_EQ(acc, r.steps_accepted()[run]) << "run " << run;
    EXPECT_EQ(rej, r.steps_rejected()[run]) << "run " << run;
  }
}

TEST(IterationCounters, LayoutNamesAndShape) {
  Solver solver(counter_vdp_system(), settings("dormand_prince_54"));
  const SolveResult r = solver.solve(vdp_inits(5), vdp_params(5), counter_spec(1.0, 0.25));
  ASSERT_TRUE(r.has_iteration_counters());
  const output_array* a = r.outputs().find(output_id::iteration_counters);
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->axes.size(), 2u);
  EXPECT_EQ(a->axes[0].name, "time");
  EXPECT_EQ(a->axes[0].coordinates, r.times());
  EXPECT_EQ(a->axes[1].name, "counter");
  EXPECT_EQ(a->axes[1].labels, SolveResult::iteration_counter_names());
  EXPECT_EQ(r.n_counter_saves(), 5);
  EXPECT_EQ(r.iteration_counters().size(), 5u * 4u * 5u);
  // 4 u32 per save and run beside the time domain.
  const solve_spec plain = [] {
    solve_spec s = counter_spec(1.0, 0.25);
    s.output_types = std::vector<std::string>{"state"};
    return s;
  }();
  const SolveResult without = solver.solve(vdp_inits(5), vdp_params(5), plain);
  EXPECT_FALSE(without.has_iteration_counters());
  EXPECT_EQ(r.outputs().bytes_per_run() - without.outputs().bytes_per_run(), 5u * 4u * 4u);
  EXPECT_THROW((void)without.iteration_counters(), invalid_argument);
  try {
    (void)r.iteration_counter("newton", 0);
    FAIL() << "an unknown channel must be refused";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("newton_iterations, linear_iterations"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)r.iteration_counter("steps_accepted", 5), invalid_argument);
}

// Fixed RK4 steps of 0.01 between saves 0.1 apart: 10 accepted steps per save, nothing else;
// the initial save has done no work. Both precisions; mu up to 10 keeps h |lambda| within
// RK4's stability limit.
TEST(IterationCounters, FixedExplicitStepsAreTheKnownCount) {
  for (precision p : {precision::float64, precision::float32}) {
    solver_settings s = settings("classical_rk4", p);
    s.dt = 0.01;
    Solver solver(counter_vdp_system(), s);
    const SolveResult r = solver.solve(vdp_inits(37), vdp_params(37, 0.1, 10.0), counter_spec(1.0, 0.1));
    ASSERT_EQ(r.n_counter_saves(), 11);
    for (std::int64_t run = 0; run < 37; ++run) {
      ASSERT_EQ(r.status()[run], 0u) << "run " << run;
      for (int c = 0; c < 4; ++c) EXPECT_EQ(counter(r, 0, c, run), 0u) << "run " << run;
      for (std::int64_t j = 1; j < 11; ++j) {
        EXPECT_EQ(counter(r, j, 0, run), 0u);
        EXPECT_EQ(counter(r, j, 1, run), 0u);
        EXPECT_EQ(counter(r, j, 2, run), 10u) << "save " << j << " run " << run;
        EXPECT_EQ(counter(r, j, 3, run), 0u);
      }
    }
    expect_sums_match_totals(r);
    EXPECT_EQ(r.iteration_counter("steps_accepted", 3), std::vector<u32>(37, 10u));
  }
}

// Adaptive dormand_prince_54: no iterations; steps add up to the totals, and stiffer runs
// (larger mu) take more steps.
TEST(IterationCounters, AdaptiveExplicitStepsAddUpToTheTotals) {
  Solver solver(counter_vdp_system(), settings("dormand_prince_54"));
  const SolveResult r = solver.solve(vdp_inits(37), vdp_params(37, 0.1, 30.0), counter_spec(3.0, 0.5));
  std::uint64_t any_rejected = 0;
  for (std::int64_t run = 0; run < 37; ++run) {
    ASSERT_EQ(r.status()[run], 0u);
    for (std::int64_t j = 0; j < r.n_counter_saves(); ++j) {
      EXPECT_EQ(counter(r, j, 0, run), 0u);
      EXPECT_EQ(counter(r, j, 1, run), 0u);
      if (j > 0) {
        EXPECT_GE(counter(r, j, 2, run), 1u);  // at least the landing step
      }
      any_rejected += counter(r, j, 3, run);
    }
  }
  EXPECT_GT(any_rejected, 0u);
  EXPECT_GT(r.steps_accepted()[36], r.steps_accepted()[0]);
  expect_sums_match_totals(r);
}

// rodas5p: no Newton iterations, one direct solve per stage of every trial (8 stages).
TEST(IterationCounters, RosenbrockSolvesOncePerStage) {
  for (precision p : {precision::float64, precision::float32}) {
    Solver solver(counter_vdp_system(), settings("rodas5p", p));
    const SolveResult r = solver.solve(vdp_inits(37), vdp_params(37, 1.0, 1000.0), counter_spec(2.0, 0.25));
    for (std::int64_t run = 0; run < 37; ++run) {
      ASSERT_EQ(r.status()[run], 0u);
      for (std::int64_t j = 0; j < r.n_counter_saves(); ++j) {
        EXPECT_EQ(counter(r, j, 0, run), 0u);
        EXPECT_EQ(counter(r, j, 1, run), 8u * (counter(r, j, 2, run) + counter(r, j, 3, run)))
            << "save " << j << " run " << run;
      }
    }
    expect_sums_match_totals(r);
  }
}

// l_stable_dirk_3 (three implicit stages): at least one Newton iteration per stage and trial,
// at most newton_max_iters (10); each iteration one linear solve.
TEST(IterationCounters, DirkCountsItsNewtonIterations) {
  Solver solver(counter_vdp_system(), settings("l_stable_dirk_3"));
  const SolveResult r = solver.solve(vdp_inits(37), vdp_params(37, 1.0, 1000.0), counter_spec(2.0, 0.25));
  std::uint64_t newton = 0, trials = 0;
  for (std::int64_t run = 0; run < 37; ++run) {
    ASSERT_EQ(r.status()[run], 0u);
    for (std::int64_t j = 0; j < r.n_counter_saves(); ++j) {
      const u32 t = counter(r, j, 2, run) + counter(r, j, 3, run);
      EXPECT_GE(counter(r, j, 0, run), 3u * t) << "save " << j << " run " << run;
      EXPECT_LE(counter(r, j, 0, run), 30u * t) << "save " << j << " run " << run;
      EXPECT_EQ(counter(r, j, 1, run), counter(r, j, 0, run));
      newton += counter(r, j, 0, run);
      trials += t;
    }
  }
  // Simplified Newton on a smooth problem: more than one iteration per stage on average.
  EXPECT_GT(newton, 3 * trials);
  expect_sums_match_totals(r);
}

// radau_iia_5: one coupled Newton iteration per trial solves one real and one complex system
// (A^-1 has one real eigenvalue and one complex pair), so linear = 2 x Newton; each trial
// takes at least one iteration and at most newton_max_iters (7 for the family).
TEST(IterationCounters, RadauCountsOneRealAndOneComplexSolvePerIteration) {
  Solver solver(counter_vdp_system(), settings("radau_iia_5"));
  const SolveResult r = solver.solve(vdp_inits(37), vdp_params(37, 1.0, 1000.0), counter_spec(2.0, 0.25));
  std::uint64_t newton = 0, trials = 0;
  for (std::int64_t run = 0; run < 37; ++run) {
    ASSERT_EQ(r.status()[run], 0u);
    for (std::int64_t j = 0; j < r.n_counter_saves(); ++j) {
      const u32 t = counter(r, j, 2, run) + counter(r, j, 3, run);
      EXPECT_GE(counter(r, j, 0, run), t) << "save " << j << " run " << run;
      EXPECT_LE(counter(r, j, 0, run), 7u * t) << "save " << j << " run " << run;
      EXPECT_EQ(counter(r, j, 1, run), 2u * counter(r, j, 0, run));
      newton += counter(r, j, 0, run);
      trials += t;
    }
  }
  EXPECT_GT(trials, 0u);
  EXPECT_GT(newton, trials);  // SciPy's rule: at least two iterations unless the first moved nothing
  expect_sums_match_totals(r);
}

// A run that runs out of steps: the work since its last save goes to the save it did not
// reach, the later saves hold 0, and the sums still match its totals. Its neighbours finish.
TEST(IterationCounters, FailedRunsKeepTheirWork) {
  solver_settings s = settings("dormand_prince_54");
  s.max_steps = 400;
  Solver solver(counter_vdp_system(), s);
  const SolveResult r = solver.solve(vdp_inits(2), {{"mu", {1.0, 1000.0}}}, counter_spec(10.0, 1.0));
  ASSERT_EQ(r.status()[0], 0u);
  ASSERT_NE(r.status()[1] & u32(status_max_steps_exceeded), 0u);
  expect_sums_match_totals(r);
  const double t_stop = r.t_reached()[1];
  const std::int64_t unreached = static_cast<std::int64_t>(std::floor(t_stop)) + 1;
  ASSERT_LT(unreached, r.n_counter_saves());
  EXPECT_GT(counter(r, unreached, 2, 1) + counter(r, unreached, 3, 1), 0u);
  for (std::int64_t j = unreached + 1; j < r.n_counter_saves(); ++j)
    for (int c = 0; c < 4; ++c) EXPECT_EQ(counter(r, j, c, 1), 0u) << "save " << j;
}

// Chunks (and ragged SIMD packs at their ends) give the same counters as one solve.
TEST(IterationCounters, ChunkedEqualsUnchunked) {
  Solver whole(counter_vdp_system(), settings("rodas5p"));
  solver_settings cs = settings("rodas5p");
  cs.memory.max_chunk_runs = 32;
  Solver chunked(counter_vdp_system(), cs);
  const solve_spec spec = counter_spec(2.0, 0.25);
  const SolveResult a = whole.solve(vdp_inits(101), vdp_params(101, 0.1, 1000.0), spec);
  const SolveResult b = chunked.solve(vdp_inits(101), vdp_params(101, 0.1, 1000.0), spec);
  ASSERT_GT(b.statistics().chunks, 1);
  const auto x = a.iteration_counters(), y = b.iteration_counters();
  ASSERT_EQ(x.size(), y.size());
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], y[i]) << "element " << i;
}

// Counters without a time domain keep the save axis; CSV rows carry the four channels.
TEST(IterationCounters, WithoutTimeDomainAndInCsv) {
  Solver solver(counter_vdp_system(), settings("rodas5p"));
  solve_spec spec = counter_spec(1.0, 0.5);
  spec.output_types = std::vector<std::string>{"iteration_counters"};
  const named_arrays inits = vdp_inits(3), params = vdp_params(3);
  const SolveResult r = solver.solve(inits, params, spec);
  EXPECT_FALSE(r.outputs().has(output_id::time_domain));
  ASSERT_EQ(r.n_counter_saves(), 3);
  expect_sums_match_totals(r);
  std::ostringstream csv;
  io::write_csv(csv, r, batch_grid::build(solver.system(), inits, params));
  std::istringstream lines(csv.str());
  std::string header, first, second;
  std::getline(lines, header);
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_NE(header.find(",t,newton_iterations,linear_iterations,steps_accepted,steps_rejected"), std::string::npos)
      << header;
  EXPECT_NE(first.find(",0,0,0,0,0"), std::string::npos) << first;  // t = 0, no work yet
  const std::string tail = std::to_string(counter(r, 1, 2, 0)) + "," + std::to_string(counter(r, 1, 3, 0));
  EXPECT_EQ(second.substr(second.size() - tail.size()), tail) << second;
}

}  // namespace

namespace {

// The HDF5 file: iteration_counters as a dataset (time, counter, run) with its dimension
// scales, read back with the HDF5 C API; auto's switching record beside it.
TEST(IterationCounters, InTheHdf5File) {
  Solver solver(counter_vdp_system(), settings("rodas5p"));
  const named_arrays inits = vdp_inits(3), params = vdp_params(3);
  const SolveResult r = solver.solve(inits, params, counter_spec(1.0, 0.5));
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("cubie_counters_" + std::to_string(::getpid()) + ".h5");
  io::write_hdf5(path, r, batch_grid::build(solver.system(), inits, params), io::result_metadata{});
  {
    const test::h5_reader f(path);
    ASSERT_TRUE(f.has("iteration_counters"));
    EXPECT_EQ(f.shape("iteration_counters"), (std::vector<hsize_t>{3, 4, 3}));
    const std::vector<std::uint32_t> v = f.read<std::uint32_t>("iteration_counters");
    const std::span<const u32> c = r.iteration_counters();
    ASSERT_EQ(v.size(), c.size());
    for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(v[i], c[i]) << i;
    EXPECT_EQ(f.read_strings("counter"), SolveResult::iteration_counter_names());
    EXPECT_TRUE(f.scale_attached("iteration_counters", 0, "time"));
    EXPECT_TRUE(f.scale_attached("iteration_counters", 1, "counter"));
    EXPECT_TRUE(f.scale_attached("iteration_counters", 2, "run"));
  }
  std::filesystem::remove(path);
}

}  // namespace
