// monitored_sink's status tally: chunks without a failed run take the one-pass shortcut,
// chunks with failures the per-run loop; either way the tally equals count_failures over
// the committed runs, and where the failed runs stopped is the same.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "cubie/batch/failure_summary.hpp"
#include "cubie/core/status.hpp"
#include "cubie/io/monitored_sink.hpp"

namespace {

using namespace cubie;

// Run-innermost status, t_reached and dt_last (float) for the whole batch; views point into them.
class array_sink final : public result_sink {
 public:
  explicit array_sink(i64 n) : status(n, 0), t_reached(n, 1.0), dt_last(n, 0.5f) {}
  output_view view(i64 begin, i64 end) override {
    output_view v;
    v.data[static_cast<int>(output_id::status)] = status.data() + begin;
    v.data[static_cast<int>(output_id::t_reached)] = t_reached.data() + begin;
    v.data[static_cast<int>(output_id::dt_last)] = dt_last.data() + begin;
    v.run_stride = end - begin;
    return v;
  }
  void commit(i64, i64) override { ++commits; }
  std::vector<u32> status;
  std::vector<double> t_reached;
  std::vector<float> dt_last;
  int commits = 0;
};

TEST(monitored_sink_tally, clean_and_failed_chunks_count_as_count_failures_does) {
  constexpr i64 n = 10000, chunk = 2500;
  array_sink inner(n);
  // Chunks 0 and 2 clean (the shortcut); chunk 1 with three failures; chunk 3 with one
  // failure in its last run (the shortcut must not miss a late flag).
  inner.status[3000] = status_max_steps_exceeded;
  inner.t_reached[3000] = 0.25;
  inner.dt_last[3000] = 1e-3f;
  inner.status[4000] = status_step_too_small | status_stability_limited;
  inner.t_reached[4000] = 0.5;
  inner.dt_last[4000] = 1e-6f;
  inner.status[4999] = status_nonfinite_state;
  inner.t_reached[4999] = 0.75;
  inner.dt_last[4999] = 2e-2f;
  inner.status[n - 1] = status_stagnation;
  inner.t_reached[n - 1] = 0.125;
  inner.dt_last[n - 1] = 4e-2f;

  io::monitored_sink sink(inner, n, precision::float32, nullptr);
  for (i64 b = 0; b < n; b += chunk) {
    (void)sink.view(b, b + chunk);
    sink.commit(b, b + chunk);
  }
  const failure_counts want = count_failures(inner.status);
  const io::status_tally& got = sink.tally();
  EXPECT_EQ(inner.commits, 4);
  EXPECT_EQ(got.runs, n);
  EXPECT_EQ(got.failed, 4);
  EXPECT_EQ(got.failed, want.failed);
  EXPECT_EQ(got.max_steps_exceeded, want.max_steps_exceeded);
  EXPECT_EQ(got.step_too_small, want.step_too_small);
  EXPECT_EQ(got.stability_limited, want.stability_limited);
  EXPECT_EQ(got.nonfinite_state, want.nonfinite_state);
  EXPECT_EQ(got.stagnation, want.stagnation);
  EXPECT_EQ(got.stopped_early, 4);
  EXPECT_EQ(got.stopped_t_min, 0.125);
  EXPECT_EQ(got.stopped_t_max, 0.75);
  EXPECT_EQ(got.stopped_dt_min, static_cast<double>(1e-6f));
}

TEST(monitored_sink_tally, all_clean_counts_runs_only) {
  constexpr i64 n = 4096;
  array_sink inner(n);
  io::monitored_sink sink(inner, n, precision::float32, nullptr);
  (void)sink.view(0, n);
  sink.commit(0, n);
  EXPECT_EQ(sink.tally().runs, n);
  EXPECT_EQ(sink.tally().failed, 0);
  EXPECT_EQ(sink.tally().stopped_early, 0);
  EXPECT_TRUE(std::isnan(sink.tally().stopped_t_min));
}

}  // namespace
