// tests/batch/chunking_test.cpp
// Chunking is invisible in the results: a CPU solve forced into several chunks (by a cap
// on runs per chunk, or by a host memory budget), with N not a multiple of 32 so the last
// chunk is ragged, gives the same bytes as an unchunked solve -- values, status and step
// counters -- and statistics() reports the chunks. solve_into reusing a SolveResult's
// storage gives the same bytes again.
#include <gtest/gtest.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/solver.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

template <class V>
constexpr precision precision_of() {
  return sizeof(V) == 4 ? precision::float32 : precision::float64;
}

constexpr std::int64_t n_runs = 1000;

/// The Lorenz ensemble with rho and x0 swept: adaptive runs of different lengths.
named_arrays lorenz_inits(std::int64_t n = n_runs) {
  std::vector<double> x(n);
  for (std::int64_t i = 0; i < n; ++i) x[i] = 1.0 + 0.001 * static_cast<double>(i % 7);
  return {{"x", x}, {"y", {0.0}}, {"z", {0.0}}};
}
named_arrays lorenz_params(std::int64_t n = n_runs) {
  std::vector<double> rho(n);
  for (std::int64_t i = 0; i < n; ++i) rho[i] = 30.0 * static_cast<double>(i) / static_cast<double>(n - 1);
  return {{"rho", rho}};
}

solve_spec dense_spec() {
  solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = 0.01;
  return spec;
}

/// Every byte of values, status and counters equal, and the same shape and times.
void expect_same_bytes(const SolveResult& a, const SolveResult& b) {
  ASSERT_EQ(a.n_saves(), b.n_saves());
  ASSERT_EQ(a.n_vars(), b.n_vars());
  ASSERT_EQ(a.n_runs(), b.n_runs());
  ASSERT_EQ(a.precision(), b.precision());
  EXPECT_EQ(a.times(), b.times());
  EXPECT_EQ(a.variables(), b.variables());
  const std::size_t bytes = static_cast<std::size_t>(a.n_saves() * a.n_vars() * a.n_runs()) * a.value_bytes();
  const void* da = a.precision() == precision::float32 ? static_cast<const void*>(a.time_domain<float>().data())
                                                       : static_cast<const void*>(a.time_domain<double>().data());
  const void* db = b.precision() == precision::float32 ? static_cast<const void*>(b.time_domain<float>().data())
                                                       : static_cast<const void*>(b.time_domain<double>().data());
  EXPECT_EQ(0, std::memcmp(da, db, bytes)) << "time-domain values differ";
  EXPECT_EQ(0, std::memcmp(a.status().data(), b.status().data(), a.status().size_bytes())) << "status differs";
  ASSERT_EQ(a.has_counters(), b.has_counters());
  if (a.has_counters()) {
    EXPECT_EQ(0, std::memcmp(a.steps_accepted().data(), b.steps_accepted().data(), a.steps_accepted().size_bytes()));
    EXPECT_EQ(0, std::memcmp(a.steps_rejected().data(), b.steps_rejected().data(), a.steps_rejected().size_bytes()));
  }
}

solver_settings settings(precision p, std::int64_t max_chunk_runs = 0, std::uint64_t host_budget = 0) {
  solver_settings s;
  s.algorithm = "dopri54";
  s.precision = p;
  s.backend = "cpu";
  s.memory.max_chunk_runs = max_chunk_runs;
  s.memory.host_budget_bytes = host_budget;
  return s;
}

template <class V>
class Chunking : public ::testing::Test {};
using precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Chunking, precisions);

TYPED_TEST(Chunking, MaxChunkRunsIsBitIdentical) {
  using V = TypeParam;
  Solver whole(lorenz_system(), settings(precision_of<V>()));
  const SolveResult ref = whole.solve(lorenz_inits(), lorenz_params(), dense_spec());
  ASSERT_EQ(ref.failed_runs(), 0);
  EXPECT_EQ(ref.statistics().chunks, 1);
  EXPECT_EQ(ref.n_saves(), 101);

  Solver chunked(lorenz_system(), settings(precision_of<V>(), 320));
  const SolveResult r = chunked.solve(lorenz_inits(), lorenz_params(), dense_spec());
  EXPECT_EQ(r.statistics().chunks, 4);
  EXPECT_EQ(r.statistics().chunk_runs, (std::vector<std::int64_t>{320, 320, 320, 40}));
  EXPECT_EQ(r.statistics().backend, "cpu");
  expect_same_bytes(r, ref);

  // 997 runs (prime): the last chunk of 37 ends inside a SIMD pack.
  const SolveResult ref997 = whole.solve(lorenz_inits(997), lorenz_params(997), dense_spec());
  const SolveResult r997 = chunked.solve(lorenz_inits(997), lorenz_params(997), dense_spec());
  EXPECT_EQ(r997.statistics().chunk_runs, (std::vector<std::int64_t>{320, 320, 320, 37}));
  expect_same_bytes(r997, ref997);
}

TYPED_TEST(Chunking, HostBudgetIsBitIdentical) {
  using V = TypeParam;
  Solver whole(lorenz_system(), settings(precision_of<V>()));
  const SolveResult ref = whole.solve(lorenz_inits(), lorenz_params(), dense_spec());
  // The outputs alone take n_saves x 4 variables x sizeof(V) per run; a budget of a
  // quarter of the whole batch's output leaves room for fewer than 320 runs a chunk.
  const std::uint64_t output_bytes = static_cast<std::uint64_t>(101 * 4 * sizeof(V) * n_runs);
  Solver budgeted(lorenz_system(), settings(precision_of<V>(), 0, output_bytes / 4));
  const SolveResult r = budgeted.solve(lorenz_inits(), lorenz_params(), dense_spec());
  EXPECT_GE(r.statistics().chunks, 3);
  EXPECT_EQ(static_cast<std::int64_t>(r.statistics().chunk_runs.size()), r.statistics().chunks);
  std::int64_t total = 0;
  for (std::size_t i = 0; i < r.statistics().chunk_runs.size(); ++i) {
    total += r.statistics().chunk_runs[i];
    if (i + 1 < r.statistics().chunk_runs.size()) {
      EXPECT_EQ(r.statistics().chunk_runs[i] % 32, 0) << "chunk " << i;
    }
  }
  EXPECT_EQ(total, n_runs);
  EXPECT_EQ(r.statistics().budget_bytes, output_bytes / 4);
  expect_same_bytes(r, ref);
}

TYPED_TEST(Chunking, SolveIntoReusesStorage) {
  using V = TypeParam;
  Solver whole(lorenz_system(), settings(precision_of<V>()));
  const SolveResult ref = whole.solve(lorenz_inits(), lorenz_params(), dense_spec());
  Solver chunked(lorenz_system(), settings(precision_of<V>(), 320));
  const batch_grid grid = batch_grid::build(chunked.system(), lorenz_inits(), lorenz_params());

  SolveResult reused;
  chunked.solve_into(reused, grid, dense_spec());
  expect_same_bytes(reused, ref);
  const void* storage = reused.array_data(output_id::time_domain);
  chunked.solve_into(reused, grid, dense_spec());
  expect_same_bytes(reused, ref);
  EXPECT_EQ(reused.array_data(output_id::time_domain), storage) << "same shape: the storage is reused";
  EXPECT_EQ(reused.statistics().chunks, 4);

  // A smaller solve in between (other shape, other values), then the first again.
  solve_spec sparse = dense_spec();
  sparse.save_every = 0.25;
  sparse.saved_states = std::vector<std::string>{"z"};
  chunked.solve_into(reused, grid, sparse);
  EXPECT_EQ(reused.n_saves(), 5);
  EXPECT_EQ(reused.variables(), (std::vector<std::string>{"z", "r2"}));
  EXPECT_EQ(reused.array_data(output_id::time_domain), storage) << "smaller: the storage is reused";
  chunked.solve_into(reused, grid, dense_spec());
  expect_same_bytes(reused, ref);
}

/// Failed runs scattered over the chunks: the same status, NaN fill and counters.
TYPED_TEST(Chunking, FailedRunsAcrossChunks) {
  using V = TypeParam;
  std::vector<double> y0(n_runs);
  for (std::int64_t i = 0; i < n_runs; ++i) y0[i] = i % 97 == 5 ? 2.0 : 0.1 + 0.0008 * static_cast<double>(i);
  for (const char* method : {"dopri54", "rk4"}) {
    SCOPED_TRACE(method);
    solver_settings s = settings(precision_of<V>());
    s.algorithm = method;
    s.dt = std::string(method) == "rk4" ? std::optional<double>(1.0 / 64) : std::nullopt;
    Solver whole(blowup_system(), s);
    s.memory.max_chunk_runs = 320;
    Solver chunked(blowup_system(), s);
    solve_spec spec;
    spec.duration = 1.0;
    spec.save_every = 0.125;
    const SolveResult ref = whole.solve({{"y", y0}}, {{"c", {1.0}}}, spec);
    EXPECT_GT(ref.failed_runs(), 5);
    const SolveResult r = chunked.solve({{"y", y0}}, {{"c", {1.0}}}, spec);
    EXPECT_EQ(r.statistics().chunks, 4);
    expect_same_bytes(r, ref);
  }
}

}  // namespace
