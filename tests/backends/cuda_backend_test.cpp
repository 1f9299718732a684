// GPU tests of the CUDA backend (ctest label gpu): results against the CPU backend, each
// allocator, chunked = unchunked bit for bit, the VRAM budget, out-of-memory retry, leaks,
// errors naming the chunk, a sticky fault, and the statistics. Each test skips, with the
// reason, where no GPU is usable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <cuda_runtime_api.h>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/backends/cuda/cuda_executor.hpp"
#include "cubie/backends/cuda/kernel_launcher.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/status.hpp"
#include "cubie/memory/pinned_host_pool.hpp"
#include "lorenz_systems.hpp"
#include "pipeline_fixture.hpp"

using namespace cubie;

namespace {

// rho spread over [0.5, 40] in golden-ratio order, so neighbouring runs differ a lot: a
// result written to the wrong run cannot pass for the right one.
named_arrays lorenz_parameters(std::int64_t n) {
  std::vector<double> rho(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) {
    const double f = std::fmod(static_cast<double>(r) * 0.6180339887498949, 1.0);
    rho[static_cast<std::size_t>(r)] = 0.5 + 39.5 * f;
  }
  return {{"rho", rho}};
}

named_arrays lorenz_initial(std::int64_t n) {
  std::vector<double> x(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) x[static_cast<std::size_t>(r)] = 1.0 + 1e-3 * static_cast<double>(r % 1000);
  return {{"x", x}, {"y", {0.5}}, {"z", {0.25}}};
}

batch_grid lorenz_grid(std::int64_t n) {
  return batch_grid::build(test::lorenz_gpu_system()->info, lorenz_initial(n), lorenz_parameters(n));
}

solver_settings gpu_settings(const std::string& algorithm, precision p) {
  solver_settings s;
  s.algorithm = algorithm;
  s.precision = p;
  s.backend = "cuda";
  if (algorithm == "classical_rk4") {
    s.dt = 1.0 / 256;
  } else {
    const double tol = p == precision::float32 ? 1e-5 : 1e-9;
    s.atol = {tol};
    s.rtol = {tol};
  }
  return s;
}

solve_spec saves_spec(double every = 0.1) {
  solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = every;
  return spec;
}

template <class V>
bool bitwise_equal(const SolveResult& a, const SolveResult& b) {
  const auto x = a.time_domain<V>();
  const auto y = b.time_domain<V>();
  return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size_bytes()) == 0 &&
         std::equal(a.status().begin(), a.status().end(), b.status().begin()) &&
         (!a.has_counters() ||
          (std::equal(a.steps_accepted().begin(), a.steps_accepted().end(), b.steps_accepted().begin()) &&
           std::equal(a.steps_rejected().begin(), a.steps_rejected().end(), b.steps_rejected().begin())));
}

bool equal_results(const SolveResult& a, const SolveResult& b) {
  return a.precision() == precision::float32 ? bitwise_equal<float>(a, b) : bitwise_equal<double>(a, b);
}

class backends_cuda : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  }
  void TearDown() override { cuda::cuda_test_hooks() = cuda::test_hooks{}; }

  static std::size_t free_device_bytes() {
    std::size_t free = 0, total = 0;
    EXPECT_EQ(cudaMemGetInfo(&free, &total), cudaSuccess);
    return free;
  }
};

// ---- correctness against the CPU backend ------------------------------------------------

// The kernels run the CPU backend's very loop and arithmetic; they differ in rounding only:
// nvcc and g++ fuse different multiply-adds (both contract, --fmad=true and
// -ffp-contract=fast, but not at the same places), and the controller's exp2/log2 come from
// different math libraries (CUDA's within 2 ulp, glibc's within 1). Fixed steps: per-step
// differences of a few ulp grow with the Lorenz flow (largest Lyapunov exponent ~0.9 over
// t in [0, 1]) and add up over 256 steps, so |gpu - cpu| <= rel x (1 + |cpu|) with rel =
// 1e-4 in float (ulp 6e-8: 100x margin over ~1e-6 observed drift scales) and 1e-10 in
// double. Adaptive steps: a rounding difference can flip one accept/reject decision and the
// runs then take different step sequences, each within its tolerance of the true solution,
// so the bound follows the tolerance: rel = 200 x tol in float (2e-3 at tol 1e-5) and
// 1000 x tol in double (1e-6 at 1e-9), the global error of each being up to ~10 x tol. A result landing in the wrong run or save differs by O(1) and fails.
struct comparison_case {
  const char* algorithm;
  precision p;
  double rel;
};

TEST_F(backends_cuda, matches_the_cpu_backend) {
  const comparison_case cases[] = {{"classical_rk4", precision::float32, 1e-4},
                                   {"classical_rk4", precision::float64, 1e-10},
                                   {"dormand_prince_54", precision::float32, 2e-3},
                                   {"dormand_prince_54", precision::float64, 1e-6}};
  constexpr std::int64_t n = 4096 + 17;
  const batch_grid grid = lorenz_grid(n);
  for (const auto& c : cases) {
    solver_settings gs = gpu_settings(c.algorithm, c.p);
    solver_settings cs = gs;
    cs.backend = "cpu";
    Solver gpu(test::lorenz_gpu_system(), gs);
    Solver cpu(test::lorenz_cpu_system(), cs);
    ASSERT_EQ(gpu.backend(), "cuda");
    const SolveResult g = gpu.solve(grid, saves_spec());
    const SolveResult r = cpu.solve(grid, saves_spec());
    ASSERT_EQ(g.n_saves(), r.n_saves());
    double worst = 0;
    for (std::int64_t k = 0; k < g.n_saves(); ++k)
      for (std::int64_t v = 0; v < g.n_vars(); ++v)
        for (std::int64_t run = 0; run < n; ++run) {
          const double a = g.at(k, v, run), b = r.at(k, v, run);
          const double err = std::abs(a - b) / (1.0 + std::abs(b));
          worst = std::max(worst, err);
          ASSERT_LE(err, c.rel) << c.algorithm << " " << precision_name(c.p) << " save " << k << " var " << v
                                << " run " << run << ": gpu " << a << " cpu " << b;
        }
    std::printf("[ info ] %s %s: largest |gpu - cpu| / (1 + |cpu|) = %.3g (bound %.0e)\n", c.algorithm,
                precision_name(c.p), worst, c.rel);
    for (std::int64_t run = 0; run < n; ++run) {
      ASSERT_EQ(g.status()[run], 0u) << run;
      ASSERT_EQ(r.status()[run], 0u) << run;
      const double ga = g.steps_accepted()[run], ra = r.steps_accepted()[run];
      if (std::string(c.algorithm) == "classical_rk4") {
        ASSERT_EQ(ga, ra) << run;
      } else {
        ASSERT_LE(std::abs(ga - ra), std::max(3.0, 0.05 * ra)) << "accepted steps of run " << run;
      }
      // Where each run stopped: at the end of the span, on both backends, exactly.
      ASSERT_EQ(g.t_reached()[run], r.t_reached()[run]) << run;
      ASSERT_EQ(g.t_reached()[run], saves_spec().t0 + saves_spec().duration) << run;
      ASSERT_GT(g.dt_last()[run], 0.0) << run;
    }
  }
}

TEST_F(backends_cuda, fixed_count_path_matches_the_cpu_backend) {
  constexpr std::int64_t n = 1000;
  const batch_grid grid = lorenz_grid(n);
  solver_settings gs = gpu_settings("classical_rk4", precision::float32);
  gs.dt = 1.0 / 1024;
  solver_settings cs = gs;
  cs.backend = "cpu";
  solve_spec spec;
  spec.duration = 1.0;
  spec.save_initial = false;
  spec.saved_observables = std::vector<std::string>{};
  const SolveResult g = Solver(test::lorenz_gpu_system(), gs).solve(grid, spec);
  const SolveResult r = Solver(test::lorenz_cpu_system(), cs).solve(grid, spec);
  ASSERT_EQ(g.n_saves(), 1);
  ASSERT_EQ(g.n_vars(), 3);
  for (std::int64_t v = 0; v < 3; ++v)
    for (std::int64_t run = 0; run < n; ++run)
      ASSERT_LE(std::abs(g.at(0, v, run) - r.at(0, v, run)) / (1 + std::abs(r.at(0, v, run))), 1e-4) << v << " " << run;
}

// ---- kernels loaded at run time ----------------------------------------------------------

TEST_F(backends_cuda, a_kernel_loaded_at_run_time_launches_like_an_ahead_of_time_one) {
  std::ifstream in(CUBIE_TEST_CUBIN, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << CUBIE_TEST_CUBIN;
  const std::vector<char> image((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string mangled =
      "_ZN5cubie4cuda16integrate_kernelINS_7methods13classical_rk4ENS_7systems6lorenzEfLj0EEEvNS_10batch_argsIT1_EE";
  auto kernels = cuda::load_kernels(image.data(), {mangled});
  ASSERT_EQ(kernels.size(), 1u);
  auto sys = std::make_shared<compiled_system>(*test::lorenz_gpu_system());
  sys->gpu[{"classical_rk4", precision::float32}] = kernels[0];
  kernels.clear();  // the system's copy keeps the library loaded
  const batch_grid grid = lorenz_grid(3'000);
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  const SolveResult aot = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec());
  const SolveResult jit = Solver(sys, s).solve(grid, saves_spec());
  EXPECT_TRUE(equal_results(aot, jit)) << "same source, same flags: the same SASS and the same bits";
  EXPECT_THROW((void)cuda::load_kernels(image.data(), {"no_such_kernel"}), device_error);
}

// ---- allocators --------------------------------------------------------------------------

TEST_F(backends_cuda, every_allocator_gives_the_same_results) {
  const batch_grid grid = lorenz_grid(10'000);
  solver_settings s = gpu_settings("dormand_prince_54", precision::float32);
  const SolveResult reference = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec());
  for (const char* name : {"default", "pool", "async", "cupy", "cupy_async"}) {
    s.memory.allocator = name;
    Solver solver(test::lorenz_gpu_system(), s);
    for (int i = 0; i < 2; ++i) {
      const SolveResult r = solver.solve(grid, saves_spec());
      EXPECT_TRUE(equal_results(reference, r)) << name << " solve " << i;
    }
  }
}

TEST_F(backends_cuda, pool_and_async_allocate_nothing_after_the_first_solve) {
  const batch_grid grid = lorenz_grid(50'000);
  for (const char* name : {"pool", "async"}) {
    solver_settings s = gpu_settings("classical_rk4", precision::float32);
    s.memory.allocator = name;
    s.memory.max_chunk_runs = 12'000;  // several chunks: slots are reused within a solve too
    Solver solver(test::lorenz_gpu_system(), s);
    SolveResult result;
    solver.solve_into(result, grid, saves_spec());
    const solve_statistics first = result.statistics();
    EXPECT_GE(first.device_allocations, 1u) << name;
    EXPECT_GT(first.current_device_bytes, 0u) << name << ": the allocator keeps its memory";
    const std::size_t free_after_first = free_device_bytes();
    for (int i = 0; i < 10; ++i) {
      solver.solve_into(result, grid, saves_spec());
      EXPECT_EQ(result.statistics().device_allocations, 0u) << name << " solve " << i + 2;
      EXPECT_EQ(result.statistics().current_device_bytes, first.current_device_bytes) << name << " solve " << i + 2;
    }
    EXPECT_EQ(free_device_bytes(), free_after_first) << name << ": device memory must not grow";
  }
}

TEST_F(backends_cuda, default_allocator_leaks_nothing_over_1000_solves) {
  const batch_grid grid = lorenz_grid(256);
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  Solver solver(test::lorenz_gpu_system(), s);
  solve_spec spec;
  spec.duration = 0.05;
  SolveResult result;
  solver.solve_into(result, grid, spec);  // warm-up: streams, events, module loading
  const std::size_t before = free_device_bytes();
  for (int i = 0; i < 1000; ++i) solver.solve_into(result, grid, spec);
  EXPECT_EQ(free_device_bytes(), before);
  EXPECT_EQ(result.statistics().current_device_bytes, 0u) << "the default allocator keeps nothing";
}

// ---- chunking ----------------------------------------------------------------------------

TEST_F(backends_cuda, chunked_equals_unchunked_bit_for_bit) {
  constexpr std::int64_t n = 10'007;  // not a multiple of 32: the last chunk is ragged
  const batch_grid grid = lorenz_grid(n);
  for (const char* algorithm : {"classical_rk4", "dormand_prince_54"}) {
    for (precision p : {precision::float32, precision::float64}) {
      solver_settings s = gpu_settings(algorithm, p);
      const SolveResult whole = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec());
      EXPECT_EQ(whole.statistics().chunks, 1);
      s.memory.max_chunk_runs = 3'000;
      const SolveResult chunked = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec());
      const auto& runs = chunked.statistics().chunk_runs;
      ASSERT_GE(runs.size(), 3u);
      EXPECT_NE(runs.back(), runs.front()) << "ragged last chunk";
      EXPECT_EQ(runs.front() % 32, 0);
      EXPECT_TRUE(equal_results(whole, chunked)) << algorithm << " " << precision_name(p);
      EXPECT_EQ(chunked.statistics().streams, 3) << "4 chunks over the default group's three streams";
    }
  }
}

TEST_F(backends_cuda, fixed_count_path_chunked_equals_unchunked) {
  const batch_grid grid = lorenz_grid(5'001);
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  solve_spec spec;  // initial and final state only: the integer step-count path
  const SolveResult whole = Solver(test::lorenz_gpu_system(), s).solve(grid, spec);
  s.memory.max_chunk_runs = 1'000;
  const SolveResult chunked = Solver(test::lorenz_gpu_system(), s).solve(grid, spec);
  EXPECT_GE(chunked.statistics().chunks, 5);
  EXPECT_TRUE(equal_results(whole, chunked));
}

// A sink with pageable arrays: the downloads go through pinned staging.
class pageable_sink final : public result_sink {
 public:
  explicit pageable_sink(const SolveResult::layout& l)
      : n_(l.n_runs), vars_(l.n_vars()),
        values(static_cast<std::size_t>(l.n_saves() * vars_ * l.n_runs)), status(static_cast<std::size_t>(l.n_runs)),
        accepted(status.size()), rejected(status.size()), t_reached(status.size()), dt_last(status.size()) {}
  output_view view(i64 begin, i64) override {
    output_view v;
    v.data[static_cast<int>(output_id::time_domain)] = values.data() + begin;
    v.data[static_cast<int>(output_id::status)] = status.data() + begin;
    v.data[static_cast<int>(output_id::steps_accepted)] = accepted.data() + begin;
    v.data[static_cast<int>(output_id::steps_rejected)] = rejected.data() + begin;
    v.data[static_cast<int>(output_id::t_reached)] = t_reached.data() + begin;
    v.data[static_cast<int>(output_id::dt_last)] = dt_last.data() + begin;
    v.run_stride = n_;
    v.pinned = false;
    return v;
  }
  void commit(i64 begin, i64 end) override {
    EXPECT_EQ(begin, committed);
    committed = end;
  }
  [[nodiscard]] int max_in_flight() const override { return 2; }
  std::int64_t n_, vars_, committed = 0;
  std::vector<float> values;
  std::vector<u32> status, accepted, rejected;
  std::vector<double> t_reached;
  std::vector<float> dt_last;
};

TEST_F(backends_cuda, staged_downloads_equal_direct_ones) {
  const batch_grid grid = lorenz_grid(7'777);
  solver_settings s = gpu_settings("dormand_prince_54", precision::float32);
  s.memory.max_chunk_runs = 2'000;
  Solver solver(test::lorenz_gpu_system(), s);
  const SolveResult direct = solver.solve(grid, saves_spec());
  pageable_sink sink(solver.output_layout(grid, saves_spec()));
  const solve_statistics st = solver.solve_to_sink(sink, grid, saves_spec());
  EXPECT_EQ(sink.committed, 7'777);
  EXPECT_GE(st.chunks, 3);
  const auto td = direct.time_domain<float>();
  ASSERT_EQ(td.size(), sink.values.size());
  EXPECT_EQ(0, std::memcmp(td.data(), sink.values.data(), td.size_bytes()));
  EXPECT_TRUE(std::equal(sink.status.begin(), sink.status.end(), direct.status().begin()));
  EXPECT_TRUE(std::equal(sink.accepted.begin(), sink.accepted.end(), direct.steps_accepted().begin()));
  EXPECT_TRUE(std::equal(sink.t_reached.begin(), sink.t_reached.end(), direct.t_reached().begin()));
}

// The host staging policy (memory.host_staging, CUBIE_HOST_STAGING): copies straight from the
// prepared inputs and into pageable results give the same bits as pinned staging, in pinned
// and pageable results, over several chunks; first_pageable stages its first solve so (no
// ring) and its second through the pinned ring.
TEST_F(backends_cuda, pageable_host_staging_equals_pinned_staging) {
  const batch_grid grid = lorenz_grid(9'001);
  for (bool pinned_results : {false, true}) {
    solver_settings s = gpu_settings("dormand_prince_54", precision::float32);
    s.memory.max_chunk_runs = 2'000;
    s.memory.pinned_results = pinned_results;
    s.memory.host_staging = "pinned";
    const SolveResult ref = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec());
    EXPECT_GE(ref.statistics().chunks, 5);
    s.memory.host_staging = "pageable";
    Solver pageable(test::lorenz_gpu_system(), s);
    for (int i = 0; i < 2; ++i) {
      const SolveResult r = pageable.solve(grid, saves_spec());
      EXPECT_TRUE(equal_results(r, ref)) << "pageable staging, solve " << i << ", pinned results " << pinned_results;
      EXPECT_EQ(r.statistics().staging_peak_bytes, 0u) << "no ring when results go straight to pageable memory";
    }
    s.memory.host_staging = "first_pageable";
    Solver first(test::lorenz_gpu_system(), s);
    const SolveResult r1 = first.solve(grid, saves_spec());
    const SolveResult r2 = first.solve(grid, saves_spec());
    EXPECT_TRUE(equal_results(r1, ref)) << "pinned results " << pinned_results;
    EXPECT_TRUE(equal_results(r2, ref)) << "pinned results " << pinned_results;
    EXPECT_EQ(r1.statistics().staging_peak_bytes, 0u);
    if (!pinned_results) {
      EXPECT_GT(r2.statistics().staging_peak_bytes, 0u) << "the second solve goes through the ring";
    }
  }
}

TEST_F(backends_cuda, large_traffic_is_pipelined_over_three_streams) {
  const batch_grid grid = lorenz_grid(1 << 21);
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  s.dt = 1.0 / 64;
  const SolveResult r = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec(0.01));
  EXPECT_GE(r.statistics().chunks, 3) << "101 saves of 4 values x 2 M runs is 3.4 GB: worth pipelining";
  EXPECT_EQ(r.statistics().streams, 3);
}

// ---- staged inputs kept across solves ----------------------------------------------------

// An executor keeps the staged uploads of the last prepared batch it solved, keyed by the
// batch's address and generation, from the batch's second solve on (a first solve stages
// through the slots' blocks, pinning no block per chunk). A new batch built at the same
// address (the Solver's cache slot when the grid changes) must be staged afresh: its results
// equal a fresh executor's.
TEST_F(backends_cuda, staged_inputs_are_reused_for_the_same_batch_and_restaged_for_a_new_one) {
  constexpr std::int64_t n = 10'007;
  const compiled_system& sys = *test::lorenz_gpu_system();
  const entry_key key{"classical_rk4", precision::float32};
  auto make = [&](double x_shift) {
    prepared_batch<float> b = test::lorenz_rk4_batch<float>(sys, n);
    b.gpu = &sys.gpu.at(key);
    for (std::int64_t r = 0; r < n; ++r) b.input_values[static_cast<std::size_t>(r)] += static_cast<float>(x_shift);
    return b;
  };
  memory::memory_settings m;
  m.max_chunk_runs = 3'000;  // 4 chunks, each staged once
  auto solve = [&](cuda::cuda_executor& exec, const prepared_batch<float>& b) {
    test::host_result_sink<float> sink(b);
    solve_statistics st;
    exec.execute(b, sink, st);
    EXPECT_EQ(st.chunks, 4);
    return sink;
  };
  auto same = [](const test::host_result_sink<float>& x, const test::host_result_sink<float>& y) {
    return x.values.size() == y.values.size() &&
           std::memcmp(x.values.data(), y.values.data(), x.values.size() * sizeof(float)) == 0 && x.status == y.status &&
           x.accepted == y.accepted;
  };

  cuda::cuda_executor exec(m);
  std::optional<prepared_batch<float>> slot;  // one address for both batches, as in the Solver
  slot.emplace(make(0.0));
  const auto a1 = solve(exec, *slot);
  EXPECT_EQ(exec.staged_input_bytes(), 0u) << "a first solve keeps no block per chunk";
  const auto a2 = solve(exec, *slot);
  EXPECT_TRUE(same(a1, a2)) << "a second solve, staging into blocks it keeps";
  const std::uint64_t staged = exec.staged_input_bytes();
  EXPECT_GE(staged, static_cast<std::uint64_t>(n) * 2 * sizeof(float)) << "x and rho of every chunk are kept";
  const auto a3 = solve(exec, *slot);
  EXPECT_TRUE(same(a1, a3)) << "a repeated solve from the kept uploads";
  EXPECT_EQ(exec.staged_input_bytes(), staged);

  const std::uint64_t generation_a = slot->generation;
  slot.reset();
  slot.emplace(make(0.25));
  ASSERT_NE(slot->generation, generation_a);
  const auto b1 = solve(exec, *slot);
  cuda::cuda_executor fresh(m);
  const auto b_ref = solve(fresh, *slot);
  EXPECT_TRUE(same(b1, b_ref)) << "the new batch's inputs, not the kept ones of the old";
  EXPECT_FALSE(same(a1, b1));

  // After a release the uploads are staged afresh (kept again from the second solve on).
  exec.release_cached();
  EXPECT_EQ(exec.staged_input_bytes(), 0u);
  EXPECT_TRUE(same(solve(exec, *slot), b_ref));
  EXPECT_EQ(exec.staged_input_bytes(), 0u);
  EXPECT_TRUE(same(solve(exec, *slot), b_ref));
  EXPECT_GT(exec.staged_input_bytes(), 0u);
}

// ---- the budget --------------------------------------------------------------------------

TEST_F(backends_cuda, a_tiny_proportion_forces_many_chunks_within_the_budget) {
  const batch_grid grid = lorenz_grid(200'000);
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  const SolveResult whole = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec(0.01));
  std::size_t free = 0, total = 0;
  ASSERT_EQ(cudaMemGetInfo(&free, &total), cudaSuccess);
  s.memory.mem_proportion = static_cast<double>(16u << 20) / static_cast<double>(total);  // ~16 MiB
  const SolveResult small = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec(0.01));
  const solve_statistics& st = small.statistics();
  EXPECT_GE(st.chunks, 10);
  EXPECT_GT(st.budget_bytes, 0u);
  EXPECT_LE(st.peak_device_bytes, st.budget_bytes) << "the plan never passes the budget";
  EXPECT_TRUE(equal_results(whole, small));
}

TEST_F(backends_cuda, a_run_that_does_not_fit_says_how_many_bytes) {
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  s.memory.mem_proportion = 1e-12;  // a few hundred bytes of a 141 GB card
  Solver solver(test::lorenz_gpu_system(), s);
  try {
    (void)solver.solve(lorenz_grid(100), saves_spec(0.01));
    FAIL() << "expected out_of_memory";
  } catch (const out_of_memory& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("one run needs"), std::string::npos) << what;
    EXPECT_NE(what.find("bytes are available"), std::string::npos) << what;
  }
}

TEST_F(backends_cuda, allocation_failure_after_planning_shrinks_and_retries) {
  const batch_grid grid = lorenz_grid(1 << 20);
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  const SolveResult reference = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec(0.01));

  void* hog = nullptr;
  cuda::cuda_test_hooks().after_planning = [&hog] {
    // Take all but 64 MiB of the free memory: the planned chunk (about 1.7 GB of outputs)
    // no longer fits and must shrink until two slots fit in what is left.
    std::size_t free = 0, total = 0;
    ASSERT_EQ(cudaMemGetInfo(&free, &total), cudaSuccess);
    const std::size_t step = std::size_t{64} << 20;
    // The largest block may be a little under the free total (page granularity): step down.
    for (std::size_t keep = step; keep < 16 * step && hog == nullptr; keep += step) {
      if (cudaMalloc(&hog, free - keep) != cudaSuccess) {
        (void)cudaGetLastError();
        hog = nullptr;
      }
    }
    ASSERT_NE(hog, nullptr) << "could not take the free memory";
  };
  Solver solver(test::lorenz_gpu_system(), s);
  SolveResult r;
  solver.solve_into(r, grid, saves_spec(0.01));
  cuda::cuda_test_hooks().after_planning = nullptr;
  ASSERT_NE(hog, nullptr);
  ASSERT_EQ(cudaFree(hog), cudaSuccess);
  EXPECT_GE(r.statistics().allocation_retries, 1);
  EXPECT_TRUE(equal_results(reference, r));
  // And the solver works normally afterwards.
  solver.solve_into(r, grid, saves_spec(0.01));
  EXPECT_EQ(r.statistics().allocation_retries, 0);
  EXPECT_TRUE(equal_results(reference, r));
}

// ---- errors ------------------------------------------------------------------------------

TEST_F(backends_cuda, a_launch_error_names_the_chunk_and_the_solver_survives) {
  const batch_grid grid = lorenz_grid(10'000);
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  s.memory.max_chunk_runs = 4'000;
  Solver solver(test::lorenz_gpu_system(), s);
  const SolveResult reference = solver.solve(grid, saves_spec());
  int launches = 0;
  cuda::cuda_test_hooks().before_launch = [&launches](unsigned&, unsigned& block) {
    if (++launches == 2) block = 4096;  // above the 1024-thread limit: the launch is refused
  };
  try {
    (void)solver.solve(grid, saves_spec());
    FAIL() << "expected solve_failed";
  } catch (const solve_failed& f) {
    const std::string what = f.what();
    // The second chunk (chunks of 4,000 runs, a multiple of 32) and the CUDA error by name:
    // the runtime reports an oversized block as cudaErrorInvalidValue through
    // cudaLaunchKernel (cudaErrorInvalidConfiguration through <<<>>>), seen on an H200.
    EXPECT_NE(what.find("chunk [4000, 8000) of 10000 runs"), std::string::npos) << what;
    EXPECT_TRUE(what.find("cudaErrorInvalidValue") != std::string::npos ||
                what.find("cudaErrorInvalidConfiguration") != std::string::npos)
        << what;
    EXPECT_FALSE(f.sticky());
    ASSERT_NE(f.partial(), nullptr);
    EXPECT_EQ(f.partial()->status()[0], 0u) << "the first chunk finished";
    EXPECT_EQ(f.partial()->status()[9'999], static_cast<u32>(status_not_integrated));
  }
  cuda::cuda_test_hooks().before_launch = nullptr;
  const SolveResult again = solver.solve(grid, saves_spec());
  EXPECT_TRUE(equal_results(reference, again)) << "the solver still works after a non-sticky error";
}

// A sticky fault poisons the CUDA context for the rest of the process, so it runs in a
// child process of its own (a death test re-executes this binary for that test alone).
TEST_F(backends_cuda, a_sticky_fault_reports_the_lost_context) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        solver_settings s = gpu_settings("classical_rk4", precision::float32);
        Solver solver(test::lorenz_faulting_system(), s);
        bool ok = false;
        try {
          (void)solver.solve(lorenz_grid(1000), saves_spec());
        } catch (const solve_failed& f) {
          const std::string what = f.what();
          ok = f.sticky() && what.find("context is lost") != std::string::npos &&
               what.find("chunk [0, 1000)") != std::string::npos;
          if (!ok) std::fprintf(stderr, "unexpected message: %s\n", f.what());
        }
        try {
          (void)solver.solve(lorenz_grid(10), saves_spec());
          ok = false;
        } catch (const device_error& e) {
          ok = ok && e.sticky();
        } catch (const std::exception& e) {
          std::fprintf(stderr, "unexpected exception after the fault: %s\n", e.what());
          ok = false;
        }
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

// ---- memory kept for reuse ---------------------------------------------------------------

// release_cached_memory() frees what cubie keeps between solves (the pinned pool's cached
// blocks, a pool allocator's device blocks, staged inputs) and the solver works on. The
// session runs this test under compute-sanitizer --leak-check full as well: at exit an
// exit handler releases the same, so the leak check must come out clean.
TEST_F(backends_cuda, release_cached_memory_gives_back_pinned_and_device_memory) {
  const batch_grid grid = lorenz_grid(100'000);  // one chunk of ~20 MB on the device
  solver_settings s = gpu_settings("classical_rk4", precision::float32);
  s.memory.allocator = "pool";
  Solver solver(test::lorenz_gpu_system(), s);
  const SolveResult reference = solver.solve(grid, saves_spec());  // its storage stays in use
  { const SolveResult dropped = solver.solve(grid, saves_spec()); }  // its storage goes back to the pool
  memory::pinned_host_pool& pinned = cuda::shared_pinned_pool(0, 0);
  EXPECT_GT(pinned.cached_bytes(), 0u);
  const std::size_t free_before = free_device_bytes();
  release_cached_memory();
  EXPECT_EQ(pinned.cached_bytes(), 0u);
  EXPECT_GT(free_device_bytes(), free_before) << "the pool allocator's cached block is freed";
  const SolveResult again = solver.solve(grid, saves_spec());
  EXPECT_TRUE(equal_results(reference, again)) << "the solver works on after the release";
  release_cached_memory();
}

// ---- statistics --------------------------------------------------------------------------

TEST_F(backends_cuda, statistics_are_populated) {
  constexpr std::int64_t n = 20'000;
  const batch_grid grid = lorenz_grid(n);
  solver_settings s = gpu_settings("dormand_prince_54", precision::float64);
  s.memory.max_chunk_runs = 8'000;
  const SolveResult r = Solver(test::lorenz_gpu_system(), s).solve(grid, saves_spec());
  const solve_statistics& st = r.statistics();
  EXPECT_EQ(st.backend, "cuda");
  EXPECT_FALSE(st.device.empty());
  EXPECT_EQ(st.chunks, 3);
  std::int64_t sum = 0;
  for (auto c : st.chunk_runs) sum += c;
  EXPECT_EQ(sum, n);
  EXPECT_EQ(st.streams, 3);
  // 11 saves x 4 values (x, y, z, r2) of 8 bytes, status and two counters, t_reached and
  // dt_last, per run.
  EXPECT_EQ(st.bytes_to_host, static_cast<std::uint64_t>(n) * (11 * 4 * 8 + 12 + 16));
  EXPECT_GE(st.bytes_to_device, static_cast<std::uint64_t>(n) * 2 * 8) << "x and rho vary";
  EXPECT_GT(st.h2d_ms, 0);
  EXPECT_GT(st.kernel_ms, 0);
  EXPECT_GT(st.d2h_ms, 0);
  EXPECT_GT(st.peak_device_bytes, 0u);
  EXPECT_EQ(st.device_allocations, 3u) << "one buffer per stream with the default allocator";
  EXPECT_EQ(st.current_device_bytes, 0u);
  EXPECT_GT(st.budget_bytes, 0u);
  EXPECT_EQ(st.allocation_retries, 0);
  EXPECT_GT(st.wall_ms, 0);
}

}  // namespace
