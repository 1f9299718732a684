// tests/integrate_and_fire_reference.hpp
// The analytic answer for examples/integrate_and_fire.toml, shared by the tests that solve it
// (compiled model files, Rosenbrock methods): the stimulus protocol read from its CSV file and
// the spike times it puts, so each test checks its solver against the same independent truth.
#pragma once
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace cubie::test {

/// The (time, value) samples of examples/data/stimulus.csv, in file order (comments and the
/// header skipped). The last sample only ends the protocol.
inline std::vector<std::pair<double, double>> stimulus_steps(const std::filesystem::path& examples_dir) {
  std::vector<std::pair<double, double>> steps;
  std::ifstream in(examples_dir / "data" / "stimulus.csv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line[0] == 't') continue;
    std::istringstream fields(line);
    double t, c;
    char comma;
    fields >> t >> comma >> c;
    steps.push_back({t, c});
  }
  return steps;
}

/// Spike times of V' = (c - V) / tau with V -> 0 at V = 1, c = gain x the held stimulus.
inline std::vector<double> analytic_spikes(double gain, const std::vector<std::pair<double, double>>& steps,
                                           double tau, double t_end) {
  std::vector<double> spikes;
  double v = 0.0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    double t = steps[i].first;
    const double until = i + 1 < steps.size() ? steps[i + 1].first : t_end;
    const double c = gain * steps[i].second;
    while (c > 1.0) {
      const double ts = t + tau * std::log((c - v) / (c - 1.0));
      if (ts > until) break;
      spikes.push_back(ts);
      t = ts;
      v = 0.0;
    }
    v = c + (v - c) * std::exp(-(until - t) / tau);
  }
  return spikes;
}

}  // namespace cubie::test
