// tests/batch/auto_chunk_cut_test.cpp
// How the CUDA pipeline cuts algorithm = "auto" in two passes into chunks, against a single
// method, on the Van der Pol batch of bench/gpu/auto_two_pass_session.sh (x varies with mu,
// y broadcast; initial and final states, counters, where runs stopped; auto adds its three
// switching arrays): the continuation record is device memory but not link traffic, so with
// the same wave auto is cut like dormand_prince_54 (the count of chunks at 2^20 runs is set by
// the wave, whole waves per chunk); the chunk buffer holds the record, and the planner's per
// run estimate covers it (a memory-bound cut counts it). The waves are the H200's (132
// multiprocessors, blocks of 128 threads) at the register counts of bench/RESULTS.md.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "counter_test_systems.hpp"
#include "cubie/backends/cuda/chunk_layout.hpp"
#include "cubie/backends/cuda/pipeline_cut.hpp"
#include "cubie/batch/output_plan.hpp"
#include "cubie/integrate/continuation.hpp"

namespace {

using namespace cubie;
using cubie::cuda::chunk_layout;

constexpr std::int64_t two_20 = std::int64_t{1} << 20;

// Resident threads on an H200 for `blocks` blocks of 128 threads per multiprocessor.
constexpr std::int64_t h200_wave(int blocks) { return std::int64_t{132} * 128 * blocks; }

// The batch the Solver prepares for the session's sweep (its tables and inputs are all the
// cut and the layout read), for `algorithm`; two_passes adds auto's continuation record.
template <class V>
prepared_batch<V> vdp_batch(const std::string& algorithm, bool two_passes, std::int64_t n) {
  const system_info& info = test::auto_vdp_system()->info;
  solve_spec spec;
  spec.duration = 100.0;
  prepared_batch<V> b;
  b.method = algorithm == "auto" ? "auto_switch" : algorithm;
  b.n_runs = n;
  b.n_states = 2;
  b.n_parameters = 1;
  b.outputs = plan_output_layout(info, spec, sizeof(V) == 4 ? precision::float32 : precision::float64, n, algorithm);
  // x (column 0) and mu (column 1) vary, y is broadcast.
  b.varying_columns = 2;
  b.input_values.assign(static_cast<std::size_t>(2 * n + 1), V(1));
  b.input_offset = {0, 2 * n, n};
  b.input_stride = {1, 0, 1};
  b.state_slot = {0, 1};
  b.observable_slot = {-1};
  b.summary_slot = {-1, -1};
  b.atol.assign(2, V(1e-6));
  b.rtol.assign(2, V(1e-6));
  if (two_passes) b.continuation_fields = continuation_fields(2);
  return b;
}

template <class V>
memory::chunk_plan cut(const prepared_batch<V>& b, std::int64_t wave, std::uint64_t available = std::uint64_t{1} << 40) {
  cuda::cut_settings s;
  s.planned_runs = b.n_runs;
  s.wave = wave;
  s.slots = 3;
  const memory::chunk_options o = cuda::pipelining_options(b, s);
  memory::memory_estimate e;
  e.bytes_per_run = b.bytes_per_run();
  return memory::plan_chunks(b.n_runs, e, available, o);
}

TEST(AutoChunkCut, TheRecordIsDeviceMemoryNotTraffic) {
  const auto dopri = vdp_batch<double>("dormand_prince_54", false, 1024);
  const auto one_kernel = vdp_batch<double>("auto", false, 1024);
  const auto two = vdp_batch<double>("auto", true, 1024);
  // Inputs 2 x 8 B; outputs: initial and final x, y (32 B), status, accepted and rejected
  // steps (12 B), t_reached and dt_last (16 B); auto: stiff_switches, t_first_stiff and
  // stiff_steps (16 B).
  EXPECT_EQ(cuda::link_bytes_per_run(dopri), 16u + 60u);
  EXPECT_EQ(cuda::link_bytes_per_run(one_kernel), 16u + 60u + 16u);
  EXPECT_EQ(cuda::link_bytes_per_run(two), cuda::link_bytes_per_run(one_kernel));
  // The record: 13 doubles (the 11 fields before the states, then x and y) and the run's
  // place in the list of handed-on runs.
  EXPECT_EQ(continuation_fields(2), 13);
  EXPECT_EQ(two.bytes_per_run() - cuda::link_bytes_per_run(two), 13u * 8u + 8u);
  // Copy commands: the upload, 4 + 5 rows of outputs, 3 of auto's, and the count.
  EXPECT_EQ(cuda::copies_per_chunk(dopri), 10);
  EXPECT_EQ(cuda::copies_per_chunk(one_kernel), 13);
  EXPECT_EQ(cuda::copies_per_chunk(two), 14);
}

TEST(AutoChunkCut, SameWaveSameChunksAsDopri54AtTwoToThe20Float64) {
  // float64: dormand_prince_54 82 registers and auto's first pass 94: 5 blocks each.
  const memory::chunk_plan d = cut(vdp_batch<double>("dormand_prince_54", false, two_20), h200_wave(5));
  const memory::chunk_plan a = cut(vdp_batch<double>("auto", true, two_20), h200_wave(5));
  EXPECT_EQ(d.chunk_runs, h200_wave(5));
  EXPECT_EQ(d.chunks.size(), 13u);
  EXPECT_EQ(a.chunk_runs, d.chunk_runs);
  EXPECT_EQ(a.chunks.size(), d.chunks.size());
  EXPECT_EQ(a.in_flight, 3);
}

TEST(AutoChunkCut, Float32ChunksFollowTheFirstPassWave) {
  // float32: dormand_prince_54 55 registers (9 blocks), auto's first pass 64 (8 blocks): one
  // chunk more for auto, from the wave alone; with the first pass at 9 blocks
  // (CUBIE_FIRST_PASS_MIN_BLOCKS=9) the same 7.
  const memory::chunk_plan d = cut(vdp_batch<float>("dormand_prince_54", false, two_20), h200_wave(9));
  const memory::chunk_plan a8 = cut(vdp_batch<float>("auto", true, two_20), h200_wave(8));
  const memory::chunk_plan a9 = cut(vdp_batch<float>("auto", true, two_20), h200_wave(9));
  EXPECT_EQ(d.chunk_runs, h200_wave(9));
  EXPECT_EQ(d.chunks.size(), 7u);
  EXPECT_EQ(a8.chunk_runs, h200_wave(8));
  EXPECT_EQ(a8.chunks.size(), 8u);
  EXPECT_EQ(a9.chunk_runs, d.chunk_runs);
  EXPECT_EQ(a9.chunks.size(), d.chunks.size());
}

TEST(AutoChunkCut, OneChunkWhenAskedWhateverTheMethod) {
  for (const char* m : {"dormand_prince_54", "auto"}) {
    const auto b = vdp_batch<double>(m, std::string(m) == "auto", two_20);
    cuda::cut_settings s;
    s.planned_runs = b.n_runs;
    s.wave = h200_wave(5);
    s.min_chunks = 1;
    s.slots = 3;
    memory::memory_estimate e;
    e.bytes_per_run = b.bytes_per_run();
    const memory::chunk_plan p = memory::plan_chunks(b.n_runs, e, std::uint64_t{1} << 40, cuda::pipelining_options(b, s));
    EXPECT_EQ(p.chunks.size(), 1u) << m;
  }
}

TEST(AutoChunkCut, AMemoryBoundCutCountsTheRecordAndTheBufferHoldsIt) {
  // 32 MB for three buffer sets: dopri54's 76 B per run (a wave of 84,480 per set fits)
  // against auto's 76 + 16 + 112 (54,816 runs per set do).
  const std::uint64_t available = std::uint64_t{32} << 20;
  const auto dopri = vdp_batch<double>("dormand_prince_54", false, two_20);
  const auto two = vdp_batch<double>("auto", true, two_20);
  const memory::chunk_plan d = cut(dopri, h200_wave(5), available);
  const memory::chunk_plan a = cut(two, h200_wave(5), available);
  EXPECT_LE(static_cast<std::uint64_t>(a.in_flight * a.chunk_runs) * two.bytes_per_run(), available);
  EXPECT_EQ(d.chunk_runs, h200_wave(5));
  EXPECT_EQ(a.chunk_runs, 54816);
  // Each chunk's buffer (inputs, outputs, records, the list and its count) fits what the
  // planner counted for it.
  for (const std::int64_t runs : {std::int64_t{1}, std::int64_t{32}, a.chunk_runs}) {
    const chunk_layout<double> layout(two, runs);
    EXPECT_LE(layout.total_bytes(),
              chunk_layout<double>::overhead_bound(two) + static_cast<std::uint64_t>(runs) * two.bytes_per_run())
        << runs;
    EXPECT_EQ(layout.staged_bytes() - layout.varying_offset(), static_cast<std::size_t>(runs) * 2 * sizeof(double));
    EXPECT_EQ(layout.returned_bytes(), static_cast<std::uint64_t>(runs) * (60u + 16u));
  }
}

// The count of runs handed on is among the tables, so the chunk's upload sets it to 0 (no
// memset per chunk, which could also serialise the pipeline's streams); the records and the
// list follow the outputs, apart from everything that crosses the link.
TEST(AutoChunkCut, TheCountIsResetByEveryUpload) {
  const auto two = vdp_batch<double>("auto", true, 1000);
  const std::int64_t runs = 320;
  const chunk_layout<double> layout(two, runs);
  EXPECT_EQ(layout.handed_count_offset() % alignof(unsigned long long), 0u);
  EXPECT_LE(layout.handed_count_offset() + sizeof(unsigned long long), layout.varying_offset());
  std::vector<unsigned char> block(layout.total_bytes(), 0xff);
  layout.stage(two, memory::chunk_range{320, 640}, block.data(),
               [](void* d, const void* s, std::size_t n) { std::memcpy(d, s, n); });
  unsigned long long count = 1;
  std::memcpy(&count, block.data() + layout.handed_count_offset(), sizeof count);
  EXPECT_EQ(count, 0u);
  // The pageable path uploads the tables on their own: the same zero.
  std::vector<unsigned char> tables(layout.varying_offset(), 0xff);
  layout.stage_tables(two, tables.data());
  std::memcpy(&count, tables.data() + layout.handed_count_offset(), sizeof count);
  EXPECT_EQ(count, 0u);
  const batch_args<double> a = layout.args(two, block.data());
  const auto* base = block.data();
  EXPECT_EQ(reinterpret_cast<const unsigned char*>(a.resume.handed_count), base + layout.handed_count_offset());
  EXPECT_EQ(a.resume.stride, runs);
  const auto record = reinterpret_cast<const unsigned char*>(a.resume.record);
  const auto list = reinterpret_cast<const unsigned char*>(a.resume.handed_runs);
  EXPECT_GE(record, base + layout.outputs_offset() + layout.returned_bytes());
  EXPECT_GE(list, record + static_cast<std::size_t>(continuation_fields(2) * runs) * sizeof(double));
  EXPECT_LE(list + static_cast<std::size_t>(runs) * sizeof(i64), base + layout.total_bytes());
}

}  // namespace
