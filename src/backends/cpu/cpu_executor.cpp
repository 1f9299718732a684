#include "cubie/backends/cpu/cpu_executor.hpp"

#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>

#include "cubie/execution/make_batch_args.hpp"
#include "cubie/execution/staging_ring.hpp"
#include "cubie/memory/chunk_plan.hpp"

namespace cubie::cpu {

namespace {
// Runs per block handed to a thread: large enough to amortise the hand-out, small
// enough that adaptive runs of uneven cost still balance across cores.
constexpr i64 block_runs = 256;
// Output bytes per chunk when results stream to a file: large enough that a chunk keeps both
// cores busy for a while, small enough that writing one overlaps computing the next.
constexpr std::uint64_t streaming_chunk_bytes = std::uint64_t{64} << 20;
// [0, n) in blocks of `block` over the pool.
template <class V>
void run_range(thread_pool& pool, cpu_entry entry, const batch_args<V>& a, i64 n, i64 block) {
  const i64 n_blocks = (n + block - 1) / block;
  pool.parallel_for(n_blocks, [&](i64 blk) {
    const i64 b = blk * block;
    entry(&a, b, std::min(n, b + block));
  });
}

// Runs of the second pass per gathered block: a multiple of every SIMD width, small enough
// that stiff runs (tens of explicit ones each) balance across threads.
constexpr i64 second_pass_block = 64;

// One block of the second pass: the handed-on runs `runs` gathered into a dense batch of
// their own (inputs, records and every output array, so that the counters of their earlier
// saves are there to difference), integrated on SIMD packs like any batch, and scattered back
// to their columns. Packs of these runs compute exactly what one kernel's packs would, so a
// run's bits do not depend on the path (tests/batch/auto_two_pass_test.cpp).
template <class V>
void run_second_pass_block(const prepared_batch<V>& batch, const batch_args<V>& a, const double* record, i64 n,
                           const i64* runs, i64 m) {
  const i64 B = second_pass_block;
  const std::size_t n_inputs = batch.input_offset.size();
  std::vector<V> inputs(n_inputs * static_cast<std::size_t>(B));
  std::vector<i64> offsets(n_inputs), strides(n_inputs, 1);
  for (std::size_t v = 0; v < n_inputs; ++v) {
    offsets[v] = static_cast<i64>(v) * B;
    for (i64 j = 0; j < m; ++j)
      inputs[v * B + j] = a.inputs[a.input_offset[v] + (runs[j] + a.input_run_offset) * a.input_stride[v]];
  }
  const int fields = batch.continuation_fields;
  std::vector<double> dense_record(static_cast<std::size_t>(fields * B));
  for (int f = 0; f < fields; ++f)
    for (i64 j = 0; j < m; ++j) dense_record[f * B + j] = record[f * n + runs[j]];

  batch_args<V> d = a;
  d.inputs = inputs.data();
  d.input_offset = offsets.data();
  d.input_stride = strides.data();
  d.input_run_offset = 0;
  d.run_stride = B;
  d.save_stride = a.save_stride / a.run_stride * B;
  d.n_runs = m;
  d.resume = {dense_record.data(), B, nullptr, nullptr, 1};
  const precision p = batch.outputs.precision;
  std::vector<std::vector<char>> outputs;
  for (const output_array& arr : batch.outputs.arrays) {
    const std::size_t eb = arr.element_bytes(p);
    const i64 rows = arr.values_per_run();
    std::vector<char>& out = outputs.emplace_back(static_cast<std::size_t>(rows * B) * eb);
    const char* src = static_cast<const char*>(a.outputs[static_cast<int>(arr.id)]);
    for (i64 e = 0; e < rows; ++e)
      for (i64 j = 0; j < m; ++j)
        std::memcpy(out.data() + static_cast<std::size_t>(e * B + j) * eb,
                    src + static_cast<std::size_t>(e * a.run_stride + runs[j]) * eb, eb);
    d.outputs[static_cast<int>(arr.id)] = out.data();
  }
  batch.cpu(&d, 0, m);
  std::size_t i = 0;
  for (const output_array& arr : batch.outputs.arrays) {
    const std::size_t eb = arr.element_bytes(p);
    char* dst = static_cast<char*>(a.outputs[static_cast<int>(arr.id)]);
    const char* out = outputs[i++].data();
    for (i64 e = 0; e < arr.values_per_run(); ++e)
      for (i64 j = 0; j < m; ++j)
        std::memcpy(dst + static_cast<std::size_t>(e * a.run_stride + runs[j]) * eb,
                    out + static_cast<std::size_t>(e * B + j) * eb, eb);
  }
}

// algorithm = "auto" in two passes (integrate/continuation.hpp): the explicit pass over the
// chunk, then auto over the runs it handed on, gathered into dense blocks.
template <class V>
i64 run_two_passes(const prepared_batch<V>& batch, const batch_args<V>& a, i64 n, thread_pool& pool,
                   std::vector<double>& record) {
  record.resize(static_cast<std::size_t>(batch.continuation_fields) * static_cast<std::size_t>(n));
  std::fill(record.begin(), record.begin() + n, 0.0);  // the `handed` field
  batch_args<V> first = a;
  first.resume = {record.data(), n, nullptr, nullptr, 0};
  run_range(pool, batch.cpu_first_pass, first, n, block_runs);
  std::vector<i64> handed;
  for (i64 r = 0; r < n; ++r)
    if (record[static_cast<std::size_t>(r)] != 0.0) handed.push_back(r);
  const auto count = static_cast<i64>(handed.size());
  const i64 blocks = (count + second_pass_block - 1) / second_pass_block;
  pool.parallel_for(blocks, [&](i64 blk) {
    const i64 b = blk * second_pass_block;
    run_second_pass_block(batch, a, record.data(), n, handed.data() + b, std::min(second_pass_block, count - b));
  });
  return count;
}

}  // namespace

std::string cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "cpu";
}

cpu_executor::cpu_executor(int threads, memory::memory_settings memory)
    : threads_(threads), memory_(std::move(memory)) {}

thread_pool& cpu_executor::pool_for(int threads) {
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<thread_pool>> pools;
  std::lock_guard lock(mutex);
  auto& p = pools[threads];
  if (!p) p = std::make_unique<thread_pool>(threads);
  return *p;
}

void cpu_executor::warm_up(const compiled_system& /*system*/, const entry_key& /*key*/) { (void)pool_for(threads_); }

void cpu_executor::execute(const prepared_batch<float>& b, result_sink& s, solve_statistics& st) { run(b, s, st); }
void cpu_executor::execute(const prepared_batch<double>& b, result_sink& s, solve_statistics& st) { run(b, s, st); }

template <class V>
void cpu_executor::run(const prepared_batch<V>& batch, result_sink& sink, solve_statistics& stats) {
  using clock = std::chrono::steady_clock;
  stats.backend = "cpu";
  stats.device = cpu_name();
  thread_pool& pool = pool_for(threads_);

  // Chunks: under the host budget when one is set (results stream to the sink chunk by
  // chunk), else one chunk; a cap on chunk size forces chunking for tests.
  memory::memory_estimate est{batch.bytes_per_run(), batch.fixed_bytes()};
  memory::chunk_options opt;
  opt.align = 32;
  opt.min_chunks = 1;
  opt.max_chunk_runs = memory_.max_chunk_runs;
  // A streaming sink (a file) gets a staging ring: a writer thread writes chunk k while the
  // threads compute chunk k + 1, in chunks of a few tens of MB so the two overlap.
  const bool streaming = !sink.whole_result_in_memory();
  if (streaming && batch.outputs.bytes_per_run() > 0) {
    const auto cap = static_cast<std::int64_t>(
        std::max<std::uint64_t>(streaming_chunk_bytes / batch.outputs.bytes_per_run(), block_runs));
    opt.max_chunk_runs = opt.max_chunk_runs > 0 ? std::min(opt.max_chunk_runs, cap) : cap;
  }
  const std::uint64_t budget =
      memory_.host_budget_bytes > 0 ? memory_.host_budget_bytes : std::numeric_limits<std::uint64_t>::max() / 4;
  const memory::chunk_plan plan = memory::plan_chunks(batch.n_runs, est, budget, opt);
  stats.budget_bytes = memory_.host_budget_bytes;

  std::optional<staging_ring> ring;
  if (streaming) ring.emplace(sink, batch.outputs, 2, host_allocator::pageable());
  result_sink& target = ring ? static_cast<result_sink&>(*ring) : sink;

  std::vector<double> continuation;  // algorithm = "auto" in two passes: the chunk's records
  i64 committed = 0;
  for (const memory::chunk_range& chunk : plan.chunks) {
    const i64 n = chunk.end - chunk.begin;
    output_view out = target.view(chunk.begin, chunk.end);
    const batch_args<V> a = make_batch_args(batch, host_tables(batch), out, n, chunk.begin);

    const auto t0 = clock::now();
    try {
      if (batch.cpu_first_pass != nullptr) stats.second_pass_runs += run_two_passes(batch, a, n, pool, continuation);
      else run_range(pool, batch.cpu, a, n, block_runs);
    } catch (const std::exception& ex) {
      if (ring) {
        // The chunks committed before the failure still reach the destination.
        try {
          ring->finish();
        } catch (...) {
          // The destination failed too; what it holds is what was delivered.
        }
        committed = ring->delivered_runs();
      }
      throw chunk_failure("cpu backend: chunk [" + std::to_string(chunk.begin) + ", " + std::to_string(chunk.end) +
                              ") failed: " + ex.what(),
                          committed, false);
    }
    stats.kernel_ms += std::chrono::duration<double, std::milli>(clock::now() - t0).count();
    target.commit(chunk.begin, chunk.end);
    committed = chunk.end;
    stats.chunk_runs.push_back(n);
  }
  if (ring) {
    ring->finish();
    stats.staging_peak_bytes = ring->peak_bytes();
    stats.staging_wait_ms = ring->wait_ms();
  }
  stats.chunks = static_cast<std::int64_t>(plan.chunks.size());
  if (batch.method == "auto_switch") stats.auto_passes = batch.cpu_first_pass != nullptr ? 2 : 1;
}

}  // namespace cubie::cpu
