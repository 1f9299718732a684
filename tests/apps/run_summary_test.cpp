// The summary of `cubie run` for a solve spread over several GPUs and for a run split across
// MPI ranks: one line per device with its runs, chunks and how it stopped, one per rank, and
// the same in --json. (One GPU here: the summary is tested on the numbers a solve reports.)
#include <gtest/gtest.h>

#include "run_summary.hpp"

namespace {

using namespace cubie;
using namespace cubie::cli;

device_statistics gpu(int id, std::int64_t runs, std::int64_t chunks, std::string failure = "") {
  device_statistics d;
  d.device = id;
  d.name = "NVIDIA H200";
  d.runs = runs;
  d.chunks = chunks;
  d.kernel_ms = 2.5;
  d.failure = std::move(failure);
  return d;
}

run_summary two_gpus() {
  run_summary s;
  s.model_name = "lorenz";
  s.backend = "cuda";
  s.device = "NVIDIA H200";
  s.runs = 1000;
  s.statistics.devices = {gpu(0, 700, 5), gpu(1, 300, 2, "an illegal memory access")};
  s.statistics.devices[1].runs_handed_back = 128;
  s.statistics.devices[1].lost = true;
  return s;
}

TEST(run_summary, one_line_per_gpu_says_what_it_did_and_how_it_stopped) {
  const std::string text = summary_text(two_gpus());
  EXPECT_NE(text.find("devices  gpu 0 NVIDIA H200: 700 runs in 5 chunks, kernel "), std::string::npos) << text;
  EXPECT_NE(text.find("         gpu 1 NVIDIA H200: 300 runs in 2 chunks, kernel "), std::string::npos) << text;
  EXPECT_NE(text.find("then failed: an illegal memory access (its 128 unfinished runs were redone by the others); "
                      "left out of later solves"),
            std::string::npos)
      << text;
  run_summary one = two_gpus();
  one.statistics.devices.clear();
  EXPECT_EQ(summary_text(one).find("devices  "), std::string::npos) << "no device lines for a one-device solve";
}

TEST(run_summary, json_lists_each_gpus_runs_and_each_rank) {
  run_summary s = two_gpus();
  rank_share r;
  r.rank = 1;
  r.host = "node7";
  r.backend = "cuda";
  r.device = "NVIDIA H200";
  r.runs = 400;
  r.units = 3;
  r.devices = {gpu(2, 400, 3)};
  s.ranks = {r};
  s.parts = "f.parts";
  const std::string json = summary_json(s);
  for (const char* key : {"\"devices\":[{\"device\":0,\"name\":\"NVIDIA H200\",\"runs\":700,\"chunks\":5,",
                          "\"device\":1,", "\"failure\":\"an illegal memory access\",\"runs_handed_back\":128,\"lost\":true",
                          "\"ranks\":[{\"rank\":1,\"host\":\"node7\",\"backend\":\"cuda\",", "\"units\":3,",
                          "\"devices\":[{\"device\":2,", "\"parts\":\"f.parts\""}) {
    EXPECT_NE(json.find(key), std::string::npos) << key << " missing in " << json;
  }
  const std::string text = summary_text(s);
  EXPECT_NE(text.find("ranks    1 MPI processes, part files in f.parts"), std::string::npos) << text;
  EXPECT_NE(text.find("rank 1 on node7 (cuda: NVIDIA H200): 400 runs in 3 units"), std::string::npos) << text;
  EXPECT_NE(text.find("           gpu 2 NVIDIA H200: 400 runs in 3 chunks"), std::string::npos) << text;
}

TEST(run_summary, json_gives_autos_first_pass_kernel_beside_the_second_pass) {
  run_summary s;
  s.model_name = "vdp";
  s.backend = "cuda";
  s.statistics.kernel_registers = 128;
  s.statistics.kernel_blocks_per_sm = 4;
  s.statistics.auto_passes = 2;
  s.statistics.second_pass_runs = 17;
  s.statistics.first_pass_registers = 96;
  s.statistics.first_pass_blocks_per_sm = 5;
  const std::string json = summary_json(s);
  EXPECT_NE(json.find("\"auto\":{\"passes\":2,\"second_pass_runs\":17,\"first_pass_registers\":96,"
                      "\"first_pass_blocks_per_sm\":5}"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"registers\":128"), std::string::npos) << json;
  s.statistics.auto_passes = 1;  // one kernel: no first pass to report
  EXPECT_EQ(summary_json(s).find("first_pass_registers"), std::string::npos);
  s.statistics.auto_passes = 2;
  s.backend = "cpu";  // the CPU has no kernel resources
  EXPECT_EQ(summary_json(s).find("first_pass_registers"), std::string::npos);
}

}  // namespace
