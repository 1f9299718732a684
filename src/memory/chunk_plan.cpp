#include "cubie/memory/chunk_plan.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "cubie/core/error.hpp"

namespace cubie::memory {

namespace {

constexpr std::int64_t unlimited_runs = std::numeric_limits<std::int64_t>::max();
constexpr std::uint64_t max_bytes = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
  return a > max_bytes - b ? max_bytes : a + b;
}

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) noexcept {
  if (a != 0 && b > max_bytes / a) return max_bytes;
  return a * b;
}

std::int64_t align_down(std::int64_t x, std::int64_t align) noexcept { return x / align * align; }

std::int64_t ceil_div(std::int64_t a, std::int64_t b) noexcept { return a / b + (a % b != 0 ? 1 : 0); }

void validate(const chunk_options& o) {
  CUBIE_EXPECTS(o.align >= 1, "chunk_options.align = " + std::to_string(o.align) + " is not allowed: it must be >= 1");
  CUBIE_EXPECTS(o.min_chunks >= 1,
                "chunk_options.min_chunks = " + std::to_string(o.min_chunks) + " is not allowed: it must be >= 1");
  CUBIE_EXPECTS(o.max_chunk_runs >= 0, "chunk_options.max_chunk_runs = " + std::to_string(o.max_chunk_runs) +
                                           " is not allowed: it must be >= 0 (0 = no cap)");
  CUBIE_EXPECTS(o.in_flight >= 1,
                "chunk_options.in_flight = " + std::to_string(o.in_flight) + " is not allowed: it must be >= 1");
  CUBIE_EXPECTS(o.wave >= 0, "chunk_options.wave = " + std::to_string(o.wave) +
                                 " is not allowed: it must be >= 0 (0 = unknown)");
}

// The wave as a multiple of the alignment (a wave is a multiple of the block size, so this
// normally changes nothing).
std::int64_t aligned_wave(const chunk_options& o) noexcept { return o.wave > 0 ? ceil_div(o.wave, o.align) * o.align : 0; }

// A chunk size of whole waves: `size` rounded to the nearest multiple of `wave` (one wave at
// least) when `nearest` and the larger multiple stays within `cap` and still cuts n runs into
// at least `min_chunks` chunks; else rounded down. Sizes under one wave that are not rounded
// up are returned as they are.
std::int64_t whole_waves(std::int64_t size, std::int64_t wave, std::int64_t n, std::int64_t cap,
                         std::int64_t min_chunks, bool nearest) noexcept {
  if (wave <= 0) return size;
  const std::int64_t down = size / wave * wave;
  if (nearest && size - down >= wave - (size - down) && down <= cap - wave && ceil_div(n, down + wave) >= min_chunks)
    return down + wave;
  return down > 0 ? down : size;
}

void validate_runs(std::int64_t n_runs) {
  CUBIE_EXPECTS(n_runs > 0, "n_runs = " + std::to_string(n_runs) + " is not allowed: a batch holds at least 1 run");
}

std::string one_run_bytes(const memory_estimate& e) {
  return std::to_string(saturating_add(e.fixed_bytes, e.bytes_per_run)) + " bytes (" + std::to_string(e.fixed_bytes) +
         " fixed + " + std::to_string(e.bytes_per_run) + " per run)";
}

// Size that cuts n runs into at least m aligned chunks; the caller checks n >= m * align.
// Rounding ceil(n/m) up keeps the chunks few and large; when that leaves fewer than m chunks,
// floor(n/m) rounded down always gives at least m.
std::int64_t pipelining_size(std::int64_t n, std::int64_t m, std::int64_t align) noexcept {
  const std::int64_t even = ceil_div(n, m);
  const std::int64_t up = ceil_div(even, align) * align;
  if (ceil_div(n, up) >= m) return up;
  return align_down(n / m, align);
}

chunk_plan make_plan(std::int64_t n_runs, std::int64_t from, std::int64_t size, std::int64_t in_flight,
                     const memory_estimate& e) {
  chunk_plan plan;
  plan.n_runs = n_runs;
  plan.chunk_runs = size;
  plan.chunks.reserve(static_cast<std::size_t>(ceil_div(n_runs - from, size)));
  for (std::int64_t b = from; b < n_runs; b += std::min(size, n_runs - b)) {
    plan.chunks.push_back({b, b + std::min(size, n_runs - b)});
  }
  plan.in_flight = std::min<std::int64_t>(in_flight, static_cast<std::int64_t>(plan.chunks.size()));
  const std::uint64_t chunk_bytes = saturating_mul(static_cast<std::uint64_t>(size), e.bytes_per_run);
  plan.bytes_per_chunk = saturating_add(e.fixed_bytes, chunk_bytes);
  plan.peak_bytes =
      saturating_add(e.fixed_bytes, saturating_mul(static_cast<std::uint64_t>(plan.in_flight), chunk_bytes));
  return plan;
}

}  // namespace

chunk_plan plan_chunks(std::int64_t n_runs, const memory_estimate& e, std::uint64_t available_bytes,
                       const chunk_options& o) {
  validate_runs(n_runs);
  validate(o);
  const std::uint64_t one_run = saturating_add(e.fixed_bytes, e.bytes_per_run);
  if (one_run > available_bytes) {
    throw out_of_memory("cubie: not even one run fits in memory: one run needs " + one_run_bytes(e) + ", and " +
                        std::to_string(available_bytes) + " bytes are available");
  }
  // Runs whose buffers fit at once, all chunk buffer sets together; at least 1 here.
  const std::int64_t runs_fit =
      e.bytes_per_run == 0
          ? unlimited_runs
          : static_cast<std::int64_t>(std::min<std::uint64_t>((available_bytes - e.fixed_bytes) / e.bytes_per_run,
                                                              static_cast<std::uint64_t>(unlimited_runs)));
  const std::int64_t cap_runs = o.max_chunk_runs > 0 ? o.max_chunk_runs : unlimited_runs;

  const bool whole_fits = n_runs <= runs_fit && n_runs <= cap_runs;
  // Written as a division so a huge min_chunks x align cannot overflow.
  const bool split_for_pipelining = o.min_chunks > 1 && n_runs / o.align >= o.min_chunks;
  if (whole_fits && !split_for_pipelining) return make_plan(n_runs, 0, n_runs, 1, e);

  // Several chunks: every buffer set alive at once must fit, so the budget is divided among them.
  const std::int64_t in_flight = std::min(o.in_flight, runs_fit);
  const std::int64_t per_set = runs_fit / in_flight;
  const std::int64_t cap = std::min({n_runs, per_set, cap_runs});
  std::int64_t size = cap >= o.align ? align_down(cap, o.align) : cap;
  bool cut_for_pipelining = false;  // else the cap or the budget set the size
  if (split_for_pipelining) {
    const std::int64_t piped = pipelining_size(n_runs, o.min_chunks, o.align);
    cut_for_pipelining = piped < size;
    size = std::min(size, piped);
  }
  size = whole_waves(size, aligned_wave(o), n_runs, cap, split_for_pipelining ? o.min_chunks : 1, cut_for_pipelining);
  return make_plan(n_runs, 0, size, in_flight, e);
}

chunk_plan shrink_plan(std::int64_t n_runs, std::int64_t from, std::int64_t failed_chunk_runs, const memory_estimate& e,
                       const chunk_options& o) {
  validate_runs(n_runs);
  validate(o);
  CUBIE_EXPECTS(from >= 0 && from < n_runs,
                "shrink_plan: from = " + std::to_string(from) +
                    " is not allowed: it must be in [0, n_runs = " + std::to_string(n_runs) + ")");
  CUBIE_EXPECTS(failed_chunk_runs >= 1, "shrink_plan: failed_chunk_runs = " + std::to_string(failed_chunk_runs) +
                                            " is not allowed: it must be >= 1");
  if (failed_chunk_runs == 1) {
    throw out_of_memory("cubie: allocation failed for a chunk of 1 run, which cannot shrink further: one run needs " +
                        one_run_bytes(e));
  }
  const std::int64_t half = failed_chunk_runs / 2;
  std::int64_t size = half >= o.align ? align_down(half, o.align) : half;
  size = whole_waves(size, aligned_wave(o), n_runs, size, 1, false);
  return make_plan(n_runs, from, size, o.in_flight, e);
}

}  // namespace cubie::memory
