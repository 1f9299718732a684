// The subcommands of `cubie` and the options each takes, as parsed by main.cpp. Each
// returns the process exit code; errors propagate as exceptions that main() maps.
#pragma once
#include <string>
#include <vector>

namespace cubie::cli {

/// Exit codes: 0 done (runs that failed numerically are reported, not an error),
/// 2 a bad model, option or setting, or a run that cannot fit in memory or on disk (no
/// result file is written), 3 no usable GPU for the CUDA backend asked for, 1 anything else.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_no_gpu = 3;

struct run_options {
  std::string model;
  std::string out;                  ///< "" = no file, a summary only
  std::string backend;              ///< "" = the model's [solver] backend
  std::vector<std::string> sets;    ///< "section.key=value" overrides, in order
  int compress = 0;                 ///< gzip level of HDF5 datasets
  bool force = false;               ///< replace an existing output file
  bool quiet = false;
  bool json = false;
};

struct check_options {
  std::string model;
  std::vector<std::string> sets;
};

struct devices_options {
  bool json = false;
};

struct prepare_options {
  std::string dir;     ///< "" = the install's lib/cubie/pch (or $CUBIE_PCH_DIR)
  bool quiet = false;
};

/// @brief Loads, compiles and solves the model's sweep; writes the result file and
///   prints the summary.
/// @throws cubie::invalid_argument (and model_error) for a bad model, option or
///   setting, or a run that cannot fit, before any result file exists; command_failure
///   (cli_error.hpp) with exit code 3 when the CUDA backend is asked for and unusable, and
///   with exit code 1 (and where the finished runs are) for a solve stopped part-way;
///   other exceptions for other failures.
int run_command(const run_options& options);

/// @brief Validates a model and lists what it declares and the sweep size.
/// @throws cubie::invalid_argument (and model_error) for a bad model or setting.
int check_command(const check_options& options);

/// @brief Lists the backends and devices this build and this machine offer.
int devices_command(const devices_options& options);

/// @brief Precompiles cubie's headers for model compiles (models::precompile_model_headers).
/// @throws cubie::error when the compiler is not GCC or the build fails.
int prepare_command(const prepare_options& options);

}  // namespace cubie::cli
