// The subcommands of `cubie` and the options each takes, as parsed by main.cpp. Each
// returns the process exit code; errors propagate as exceptions that main() maps.
#pragma once
#include <string>
#include <vector>

namespace cubie::cli {

/// Exit codes: 0 done (runs that failed numerically are reported, not an error),
/// 2 a bad model, option or setting (no result file is written), 1 anything else.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

struct run_options {
  std::string model;
  std::string out;                  ///< "" = no file, a summary only
  std::string backend;              ///< "" = the model's [solver] backend
  std::vector<std::string> sets;    ///< "section.key=value" overrides, in order
  int compress = 0;                 ///< gzip level of HDF5 datasets
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

/// @brief Loads, compiles and solves the model's sweep; writes the result file and
///   prints the summary.
/// @throws cubie::invalid_argument (and model_error) for a bad model, option or
///   setting, before any result file exists; other exceptions for other failures.
int run_command(const run_options& options);

/// @brief Validates a model and lists what it declares and the sweep size.
/// @throws cubie::invalid_argument (and model_error) for a bad model or setting.
int check_command(const check_options& options);

/// @brief Lists the backends and devices this build and this machine offer.
int devices_command(const devices_options& options);

}  // namespace cubie::cli
