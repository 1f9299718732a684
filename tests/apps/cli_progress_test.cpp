// At a terminal, `cubie run` shows what it does from the first second on, before the solve
// begins ("preparing N runs: compiling the model (1.2 s)"), then the bar; the line is erased
// before the summary. Run on a pseudo-terminal with an empty compile cache, so the model's
// compile alone outlasts the first second.
#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;

class cli_progress : public temp_dir_test {};

TEST_F(cli_progress, preparation_is_shown_before_the_solve) {
  launch_options at_a_terminal;
  at_a_terminal.terminal = true;
  at_a_terminal.cache_dir = (dir_ / "cache").string();  // empty: the model is compiled
  const cli_result r = run_cli_as({"run", example("bench_lorenz.toml"), "--backend", "cpu", "--set",
                                   "sweep.rho={linspace=[0, 21, 500000]}"},
                                  dir_, at_a_terminal);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto preparing = r.out.find("\r\033[Kpreparing 500000 runs: ");
  ASSERT_NE(preparing, std::string::npos) << r.out;
  // Its time so far, then the summary on a cleared line.
  EXPECT_NE(r.out.find(" s)", preparing), std::string::npos) << r.out;
  const auto summary = r.out.find("model    lorenz");
  ASSERT_NE(summary, std::string::npos) << r.out;
  EXPECT_LT(preparing, summary);
  EXPECT_EQ(r.out.substr(summary - 4, 4), "\r\033[K") << r.out.substr(summary - 40, 40);
  EXPECT_NE(r.out.find("runs     500000"), std::string::npos) << r.out;
}

}  // namespace
