// The `cubie` command: parses the command line (CLI11), runs a subcommand, and turns
// what went wrong into a message and an exit code: 2 for anything the user can fix in the
// model or the options, 3 for no usable GPU when the CUDA backend is asked for, 1 for
// everything else. With --json the error is also one JSON object on stdout.
#include <CLI/CLI.hpp>
#include <hdf5.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "cli_error.hpp"
#include "commands.hpp"
#include "cubie/core/error.hpp"

namespace {

using namespace cubie::cli;

const char* const exit_codes_text =
    "Exit codes: 0 done (runs that failed numerically are reported, not an error); 2 bad model, option or "
    "setting, or a run that cannot fit in memory or on disk (no result file is written); 3 no usable GPU for "
    "--backend cuda; 1 any other failure.";

void add_set_option(CLI::App& cmd, std::vector<std::string>& sets) {
  cmd.add_option("--set", sets,
                 "Override a model setting, SECTION.KEY=VALUE (value in TOML syntax), e.g. solver.atol=1e-8, "
                 "parameters.rho=28, sweep.rho=[1,2,3], memory.host_budget_bytes=1e9; repeatable")
      ->type_name("SECTION.KEY=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// Whether --json was asked for, read from the raw arguments: a command line CLI11 rejects
// still gets its error as JSON.
bool json_in(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--json") == 0) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // The command closes its files itself. HDF5's exit handler would close them again, and
  // crashes on a file whose close failed (a write refused by the file-size limit, seen with
  // HDF5 1.10.8): exit without it. Before any other HDF5 call, as HDF5 requires.
  H5dont_atexit();

  CLI::App app{"cubie: integrate large batches of ODE initial-value problems on GPUs and CPUs"};
  app.set_version_flag("--version", std::string("cubie ") + CUBIE_VERSION_STRING + "\nbuilt with " + CUBIE_BUILD_INFO,
                       "Print the version and how this cubie was built, then exit");
  app.require_subcommand(1);
  app.footer(exit_codes_text);

  run_options run;
  CLI::App* run_cmd = app.add_subcommand("run", "Solve a model file's sweep and write the results");
  run_cmd->add_option("model", run.model, "Model file (TOML)")->required()->type_name("MODEL.toml");
  run_cmd->add_option("--out,-o", run.out,
                      "Result file: .h5 (HDF5, streamed chunk by chunk) or .csv. Without it only the summary is "
                      "printed: the results are not kept")
      ->type_name("FILE.h5|FILE.csv");
  run_cmd->add_flag("--force,-f", run.force, "Replace the --out file (or a partial file of it) if it exists");
  run_cmd->add_option("--backend", run.backend, "Where to solve (default: the model's [solver] backend, else auto)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}, CLI::ignore_case))
      ->type_name("auto|cpu|cuda");
  add_set_option(*run_cmd, run.sets);
  run_cmd->add_option("--compress", run.compress, "gzip level 0-9 for HDF5 datasets (default 0: fastest)")
      ->check(CLI::Range(0, 9));
  run_cmd->add_flag("--quiet,-q", run.quiet, "No plan, notes, progress bar or summary (warnings and errors still go to stderr)");
  run_cmd->add_flag("--json", run.json, "Print the summary (or the error) as one JSON object on stdout");
  run_cmd->footer(exit_codes_text);

  check_options check;
  CLI::App* check_cmd = app.add_subcommand("check", "Validate a model file, list what it declares and size its run");
  check_cmd->add_option("model", check.model, "Model file (TOML)")->required()->type_name("MODEL.toml");
  add_set_option(*check_cmd, check.sets);
  check_cmd->footer(exit_codes_text);

  devices_options devices;
  CLI::App* devices_cmd = app.add_subcommand("devices", "List the backends and devices available here");
  devices_cmd->add_flag("--json", devices.json, "Print the list as one JSON object on stdout");

  prepare_options prepare;
  CLI::App* prepare_cmd = app.add_subcommand(
      "prepare", "Precompile cubie's headers for model compiles (GCC), so the first compile is fast; cmake --install runs it");
  prepare_cmd->add_option("--dir", prepare.dir, "Folder for them (default: $CUBIE_PCH_DIR, else the install's lib/cubie/pch)")
      ->type_name("DIR");
  prepare_cmd->add_flag("--quiet,-q", prepare.quiet, "Print nothing on success");

  const bool json = json_in(argc, argv);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and --version are "errors" with code 0; everything else is a bad option.
    if (e.get_exit_code() == 0 || !json) return app.exit(e) == 0 ? exit_ok : exit_usage;
    return report_error("error: ", e.what(), exit_usage, json);
  }

  try {
    if (*run_cmd) return run_command(run);
    if (*check_cmd) return check_command(check);
    if (*prepare_cmd) return prepare_command(prepare);
    return devices_command(devices);
  } catch (const command_failure& e) {
    return report_error(e.kind, e.what(), e.exit_code(), json, &e);
  } catch (const cubie::model_error& e) {
    return report_error("", e.what(), exit_usage, json);  // already "FILE:LINE:COL: error: ..."
  } catch (const cubie::invalid_argument& e) {
    return report_error("error: ", e.what(), exit_usage, json);
  } catch (const cubie::internal_error& e) {
    return report_error("internal error (please report it): ", e.what(), exit_failure, json);
  } catch (const cubie::out_of_memory& e) {
    return report_error("out of memory: ", e.what(), exit_failure, json);
  } catch (const std::bad_alloc&) {
    return report_error("error: ", "out of host memory", exit_failure, json);
  } catch (const std::exception& e) {
    return report_error("error: ", e.what(), exit_failure, json);
  }
}
