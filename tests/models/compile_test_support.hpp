// Shared by the model-compiler tests: the Lorenz example model, fresh cache folders
// that clean up after themselves, and the Lorenz ensemble inputs.
#pragma once
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "cubie/batch/named_arrays.hpp"
#include "cubie/models/model.hpp"

namespace cubie::test {

/// examples/lorenz.toml, read with the model parser.
inline models::model_definition lorenz_model() {
  return models::load_model(std::filesystem::path(CUBIE_EXAMPLES_DIR) / "lorenz.toml");
}

/// An empty folder under the system's temp folder, removed with everything in it.
class scratch_folder {
 public:
  scratch_folder() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("cubie-compile-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_folder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_folder(const scratch_folder&) = delete;
  scratch_folder& operator=(const scratch_folder&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  /// Names of the files in the folder with this suffix (".so", ".cubin", ...).
  [[nodiscard]] std::vector<std::string> files_ending(const std::string& suffix) const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      const std::string name = e.path().filename().string();
      if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out.push_back(name);
      }
    }
    return out;
  }
  /// Scratch files (hidden names) left in the folder.
  [[nodiscard]] std::vector<std::string> hidden_files() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      const std::string name = e.path().filename().string();
      if (!name.empty() && name[0] == '.') out.push_back(name);
    }
    return out;
  }

 private:
  std::filesystem::path path_;
};

/// The GPU ODE benchmarks' Lorenz ensemble: rho = linspace(0, 21, n), x0 = (1, 0, 0).
struct lorenz_ensemble {
  named_arrays initial_values;
  named_arrays parameters;
};

inline lorenz_ensemble make_lorenz_ensemble(int n) {
  std::vector<double> rho(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) rho[static_cast<std::size_t>(i)] = n == 1 ? 0.0 : 21.0 * i / (n - 1);
  return {{{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", rho}}};
}

}  // namespace cubie::test
