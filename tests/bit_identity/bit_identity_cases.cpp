// tests/bit_identity/bit_identity_cases.cpp
#include "bit_identity_cases.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cubie/batch/solver.hpp"

namespace cubie::test {

namespace {

struct fnv1a {
  std::uint64_t h = 1469598103934665603ull;
  void add(const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) {
      h ^= p[i];
      h *= 1099511628211ull;
    }
  }
};

std::uint64_t digest(const SolveResult& r) {
  fnv1a f;
  const std::int64_t dims[3] = {r.n_saves(), r.n_vars(), r.n_runs()};
  f.add(dims, sizeof dims);
  f.add(r.times().data(), r.times().size() * sizeof(double));
  for (const std::string& v : r.variables()) f.add(v.data(), v.size() + 1);
  const std::size_t values = static_cast<std::size_t>(r.n_saves() * r.n_vars() * r.n_runs());
  if (r.precision() == precision::float32) f.add(r.time_domain<float>().data(), values * 4);
  else f.add(r.time_domain<double>().data(), values * 8);
  f.add(r.status().data(), r.status().size_bytes());
  if (r.has_counters()) {
    f.add(r.steps_accepted().data(), r.steps_accepted().size_bytes());
    f.add(r.steps_rejected().data(), r.steps_rejected().size_bytes());
  }
  return f.h;
}

// 61 runs: not a multiple of any SIMD width or warp, so the masked tail is exercised.
constexpr int n_runs = 61;

named_arrays inits() {
  std::vector<double> x(n_runs);
  for (int i = 0; i < n_runs; ++i) x[i] = 1.0 + 0.01 * (i % 5);
  return {{"x", x}, {"y", {0.5}}, {"z", {0.0}}};
}

named_arrays params() {
  std::vector<double> rho(n_runs), a(n_runs);
  for (int i = 0; i < n_runs; ++i) {
    rho[i] = 40.0 * i / (n_runs - 1);
    a[i] = (i % 3) * 2.0;
  }
  return {{"rho", rho}, {"a", a}};
}

struct schedule {
  const char* name;
  solve_spec spec;
  std::int64_t max_chunk_runs;
  const char* controller;  // "" = the method's default
  std::int64_t max_steps;
};

std::vector<schedule> schedules() {
  std::vector<schedule> out;
  solve_spec dense;
  dense.duration = 1.0;
  dense.save_every = 0.05;
  out.push_back({"dense", dense, 0, "", 10'000'000});
  out.push_back({"dense_chunked", dense, 16, "", 10'000'000});
  solve_spec settled;
  settled.t0 = 0.5;
  settled.duration = 0.75;
  settled.settling_time = 0.25;
  settled.save_initial = false;
  out.push_back({"settled_final", settled, 0, "", 10'000'000});
  solve_spec sparse = dense;
  sparse.save_every = 0.3;  // does not divide the duration
  sparse.saved_states = std::vector<std::string>{"z", "x"};
  sparse.save_counters = false;
  out.push_back({"selected_pid", sparse, 0, "pid", 10'000'000});
  out.push_back({"i_max_steps", dense, 24, "i", 40});  // most runs fail: NaN fill, status 32
  return out;
}

}  // namespace

digest_map run_bit_identity_cases(const std::shared_ptr<const compiled_system>& system, const std::string& backend) {
  digest_map out;
  const grid_type grids[] = {grid_type::verbatim};
  (void)grids;
  for (precision prec : {precision::float32, precision::float64}) {
    const auto methods = backend == "cuda" ? system->gpu_methods(prec) : system->cpu_methods(prec);
    for (const std::string& method : methods) {
      for (const schedule& s : schedules()) {
        solver_settings set;
        set.algorithm = method;
        set.precision = prec;
        set.backend = backend;
        set.cpu_threads = 2;
        set.atol = {1e-5};
        set.rtol = {1e-5};
        set.dt = 1.0 / 256;
        const bool adaptive = find_method(method).adaptive;
        if (adaptive) set.dt.reset();
        if (adaptive || std::string(s.controller).empty()) set.step_controller = adaptive ? s.controller : "";
        set.max_steps = adaptive ? s.max_steps : 10'000'000;
        set.memory.max_chunk_runs = s.max_chunk_runs;
        set.memory.min_chunks = 1;
        Solver solver(system, set);
        const SolveResult r = solver.solve(inits(), params(), s.spec);
        out[method + "/" + precision_name(prec) + "/" + s.name] = digest(r);
      }
    }
  }
  return out;
}

digest_map read_digests(const std::string& path) {
  digest_map out;
  std::ifstream in(path);
  std::string name, hex;
  while (in >> name >> hex) out[name] = std::stoull(hex, nullptr, 16);
  return out;
}

void write_digests(const std::string& path, const digest_map& digests) {
  std::ofstream out(path);
  for (const auto& [name, d] : digests) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(d));
    out << name << ' ' << hex << '\n';
  }
}

}  // namespace cubie::test
