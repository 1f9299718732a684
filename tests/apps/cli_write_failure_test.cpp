// A write that fails mid-run (the disk fills up): the command stops with exit code 1 and
// says why in words ("file too large", "no space left on device"), never with HDF5's error
// record; the partial file keeps every chunk that finished, bit for bit equal to the same
// runs of a complete file, and committed_runs says how many; with --json the error names
// the partial file. The failure comes from the file-size limit (RLIMIT_FSIZE: writes past
// it fail as on a full disk, no privileges needed) and, where this process may mount one,
// from a full 12 MiB tmpfs.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include "cli_runner.hpp"
#include "io/hdf5_reader.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;

// 40,000 runs of 101 saves (64 MB) in chunks of 2048 runs.
const std::vector<std::string> sweep = {"run", example("lorenz.toml"), "--backend", "cpu",
                                        "--set", "sweep.rho={linspace=[0, 21, 20000]}",
                                        "--set", "memory.max_chunk_runs=2048"};

class cli_write_failure : public temp_dir_test {
 protected:
  void TearDown() override {
    if (mounted_) ::umount(mounted_->c_str());
    temp_dir_test::TearDown();
  }

  std::vector<std::string> args(const std::filesystem::path& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> a = sweep;
    a.insert(a.end(), extra.begin(), extra.end());
    a.insert(a.end(), {"--out", out.string()});
    return a;
  }

  /// The complete file of the same sweep, written once.
  std::filesystem::path reference() {
    const auto ref = dir_ / "reference.h5";
    if (!std::filesystem::exists(ref)) {
      const cli_result r = run_cli(args(ref, {"--quiet"}), dir_);
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
    return ref;
  }

  /// Exit 1, `reason` in words, and a partial file whose committed runs equal the reference's.
  void expect_partial_kept(const cli_result& r, const std::filesystem::path& partial, const std::string& reason) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("cubie: error: HDF5: flush " + partial.string() + ": " + reason + "; the "), std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(" runs that finished are in " + partial.string() + " (complete = 0)"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("HDF5-DIAG"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("errno"), std::string::npos) << r.err;
    // --json: the error and where the finished runs are.
    EXPECT_EQ(r.out.rfind("{\"error\":\"HDF5: flush ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("\"exit_code\":1,\"partial_file\":\"" + partial.string() + "\",\"committed_runs\":"),
              std::string::npos)
        << r.out;
    const auto at = r.out.find("\"committed_runs\":");
    ASSERT_NE(at, std::string::npos);
    const std::int64_t reported = std::stoll(r.out.substr(at + 17));
    EXPECT_GT(reported, 0) << "the failure came before the first chunk: make the limit larger";
    EXPECT_LT(reported, 40000);
    EXPECT_EQ(reported % 2048, 0);

    ASSERT_TRUE(std::filesystem::exists(partial));
    h5_reader f(partial), ref(reference());
    EXPECT_EQ(f.scalar_attribute<std::uint8_t>("complete"), 0);
    const auto committed = f.scalar_attribute<std::int64_t>("committed_runs");
    // The file may record the chunk whose last flush step failed after its data were stored.
    EXPECT_GE(committed, reported);
    EXPECT_LE(committed, reported + 2048);
    const auto n = static_cast<hsize_t>(committed);
    EXPECT_EQ(f.read_first_runs<float>("time_domain", n), ref.read_first_runs<float>("time_domain", n));
    EXPECT_EQ(f.read_first_runs<std::uint32_t>("status", n), ref.read_first_runs<std::uint32_t>("status", n));
    EXPECT_EQ(f.read_first_runs<std::uint32_t>("steps_accepted", n),
              ref.read_first_runs<std::uint32_t>("steps_accepted", n));
    EXPECT_EQ(f.read_first_runs<double>("t_reached", n), ref.read_first_runs<double>("t_reached", n));
    const auto run = f.read_first_runs<std::int64_t>("run", n);
    for (hsize_t i = 0; i < n; ++i) ASSERT_EQ(run[i], static_cast<std::int64_t>(i));
  }

  std::optional<std::filesystem::path> mounted_;
};

TEST_F(cli_write_failure, file_size_limit_mid_run_keeps_the_finished_chunks) {
  const auto out = dir_ / "limited.h5";
  (void)reference();
  launch_options limited;
  limited.file_size_limit = 12u << 20;
  const cli_result r = run_cli_as(args(out, {"--json"}), dir_, limited);
  expect_partial_kept(r, dir_ / "limited.partial.h5", "file too large");
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(cli_write_failure, a_csv_file_that_cannot_be_written_says_why_and_leaves_nothing) {
  launch_options limited;
  limited.file_size_limit = 64 * 1024;
  const auto out = dir_ / "big.csv";
  const cli_result r = run_cli_as(args(out, {"--quiet"}), dir_, limited);  // about 40 MB of text
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cubie: error: writing " + (dir_ / "big.partial.csv").string() + " failed: file too large"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "big.partial.csv"));
}

TEST_F(cli_write_failure, full_disk_mid_run_keeps_the_finished_chunks) {
  const auto disk = dir_ / "disk";
  std::filesystem::create_directory(disk);
  if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=12m") != 0)
    GTEST_SKIP() << "this process may not mount a tmpfs (the file-size-limit test covers the failure)";
  mounted_ = disk;
  (void)reference();
  // Uncompressed, the 64 MB file would be refused before the solve (it cannot fit); with
  // --compress the size is unknown in advance, so the run starts and the disk fills.
  const cli_result r = run_cli(args(disk / "full.h5", {"--json", "--compress", "1"}), dir_);
  EXPECT_NE(r.err.find("cubie: warning: " + (disk / "full.h5").string() + " needs about "), std::string::npos) << r.err;
  expect_partial_kept(r, disk / "full.partial.h5", "no space left on device");
  EXPECT_FALSE(std::filesystem::exists(disk / "full.h5"));
}

}  // namespace
