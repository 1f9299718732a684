// What io::monitored_sink's commits cost a solve (issue 12): the status tally of every chunk,
// which runs on the committing thread (the CUDA staging ring's writer, a GPU solve's tail;
// the calling thread on the CPU). B1's 4,194,304 runs in 13 chunks (as on the H200), clean
// (the one-pass shortcut) and with one failed run per chunk (the per-run loop), against the
// per-run loop forced on clean chunks (what every chunk paid before the shortcut).
//   sink_commit_bench [--runs N] [--chunks K] [--repeats R]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cubie/core/status.hpp"
#include "cubie/io/monitored_sink.hpp"

namespace {

using namespace cubie;

// Status, t_reached and dt_last for the whole batch, run-innermost; commits do nothing.
class array_sink final : public result_sink {
 public:
  explicit array_sink(i64 n) : status(static_cast<std::size_t>(n), 0), t_reached(static_cast<std::size_t>(n), 1.0),
                               dt_last(static_cast<std::size_t>(n), 1e-3f) {}
  output_view view(i64 begin, i64 end) override {
    output_view v;
    v.data[static_cast<int>(output_id::status)] = status.data() + begin;
    v.data[static_cast<int>(output_id::t_reached)] = t_reached.data() + begin;
    v.data[static_cast<int>(output_id::dt_last)] = dt_last.data() + begin;
    v.run_stride = end - begin;
    return v;
  }
  void commit(i64, i64) override {}
  std::vector<u32> status;
  std::vector<double> t_reached;
  std::vector<float> dt_last;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Milliseconds of one solve's commits through a monitored_sink, median of `repeats`.
double commits_ms(array_sink& inner, i64 n, i64 chunks, int repeats) {
  const i64 per = (n + chunks - 1) / chunks;
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    io::monitored_sink sink(inner, n, precision::float32, nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    for (i64 b = 0; b < n; b += per) {
      const i64 e = std::min(n, b + per);
      (void)sink.view(b, e);
      sink.commit(b, e);
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (sink.tally().runs != n) std::abort();
  }
  return median(ms);
}

// The per-run loop alone over clean statuses, as tally_chunk ran it on every chunk before.
double per_run_ms(const std::vector<u32>& status, int repeats) {
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    io::status_tally t;
    const auto t0 = std::chrono::steady_clock::now();
    for (u32 s : status) t.add(s, 1.0, 1e-3);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (t.runs != static_cast<i64>(status.size())) std::abort();
  }
  return median(ms);
}

}  // namespace

int main(int argc, char** argv) {
  i64 n = 4194304, chunks = 13;
  int repeats = 15;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--runs") n = std::atoll(argv[i + 1]);
    else if (a == "--chunks") chunks = std::atoll(argv[i + 1]);
    else if (a == "--repeats") repeats = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "sink_commit_bench: unknown option %s (--runs N, --chunks K, --repeats R)\n", a.c_str());
      return 2;
    }
  }
  if (n <= 0 || chunks <= 0 || repeats <= 0) {
    std::fprintf(stderr, "sink_commit_bench: --runs, --chunks and --repeats must be positive\n");
    return 2;
  }
  array_sink inner(n);
  const double clean = commits_ms(inner, n, chunks, repeats);
  const double loop = per_run_ms(inner.status, repeats);
  const i64 per = (n + chunks - 1) / chunks;
  for (i64 b = 0; b < n; b += per) inner.status[static_cast<std::size_t>(b)] = status_max_steps_exceeded;
  const double failed = commits_ms(inner, n, chunks, repeats);
  std::printf("| %lld runs in %lld chunks | ms per solve (median of %d) |\n| --- | ---: |\n", static_cast<long long>(n),
              static_cast<long long>(chunks), repeats);
  std::printf("| commits, clean chunks (one OR pass each) | %.2f |\n", clean);
  std::printf("| commits, one failed run per chunk (per-run tally) | %.2f |\n", failed);
  std::printf("| the per-run tally over clean runs (every chunk, before the shortcut) | %.2f |\n", loop);
  return 0;
}
