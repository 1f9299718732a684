#include "split_run.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <type_traits>

#include "cli_error.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/output_plan.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/io/hdf5_result_writer.hpp"
#include "cubie/io/monitored_sink.hpp"
#include "cubie/io/settings_json.hpp"
#include "cubie/io/split_result.hpp"
#include "cubie/io/split_units.hpp"
#include "cubie/models/model_compiler.hpp"
#include "cubie/models/model_warnings.hpp"
#include "cubie/models/sweep.hpp"
#include "interrupt_guard.hpp"
#include "model_grid.hpp"
#include "mpi_world.hpp"
#include "output_target.hpp"
#include "run_plan.hpp"
#include "run_summary.hpp"
#include "text_format.hpp"

namespace cubie::cli {

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

// Messages: a free rank asks rank 0 (tag_request) and is answered (tag_grant); at the end
// every rank reports what it did (tag_report).
constexpr int tag_request = 11, tag_grant = 12, tag_report = 13;

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

// ---- messages: fields as "length:bytes", so any text (an error message) travels ---------
std::string pack(const std::vector<std::string>& fields) {
  std::string s;
  for (const std::string& f : fields) s += std::to_string(f.size()) + ":" + f;
  return s;
}

std::vector<std::string> unpack(const std::string& s) {
  std::vector<std::string> fields;
  std::size_t at = 0;
  while (at < s.size()) {
    const std::size_t colon = s.find(':', at);
    if (colon == std::string::npos) throw internal_error("split run: a malformed message between ranks");
    const std::size_t n = std::stoull(s.substr(at, colon - at));
    fields.push_back(s.substr(colon + 1, n));
    at = colon + 1 + n;
  }
  return fields;
}

template <class T>
  requires std::is_integral_v<T>
std::string num(T v) {
  return std::to_string(v);
}
std::string num(double v) {
  char b[64];
  std::snprintf(b, sizeof b, "%.17g", v);
  return b;
}
std::int64_t to_i64(const std::string& s) { return std::stoll(s); }
double to_double(const std::string& s) { return std::stod(s); }

// What one rank did, as rank 0 reports it.
struct rank_account {
  rank_share share;
  io::status_tally tally;
  double write_ms = 0;
  std::int64_t chunks = 0;  // the chunks its units were solved in
};

std::vector<i64 io::status_tally::*> tally_fields() {
  return {&io::status_tally::runs,           &io::status_tally::failed,          &io::status_tally::step_too_small,
          &io::status_tally::max_steps_exceeded, &io::status_tally::stagnation, &io::status_tally::nonfinite_state,
          &io::status_tally::not_integrated, &io::status_tally::singular_matrix, &io::status_tally::stability_limited,
          &io::status_tally::newton_max_iters, &io::status_tally::newton_diverged, &io::status_tally::other,
          &io::status_tally::stopped_early};
}

std::vector<double io::status_tally::*> tally_ranges() {
  return {&io::status_tally::stopped_t_min, &io::status_tally::stopped_t_max, &io::status_tally::stopped_dt_min};
}

std::string pack_account(const rank_account& a) {
  const rank_share& r = a.share;
  std::vector<std::string> f = {num(std::int64_t{r.rank}), r.host,           r.backend,   r.device,
                                num(r.runs),               num(r.units),     num(r.solve_ms), r.failure,
                                num(a.write_ms),           num(a.chunks),
                                num(static_cast<std::int64_t>(r.devices.size()))};
  for (const device_statistics& d : r.devices) {
    for (const std::string& x : {num(std::int64_t{d.device}), d.name, num(d.runs), num(d.chunks), num(d.kernel_ms),
                                 num(d.h2d_ms), num(d.d2h_ms), num(d.busy_ms),
                                 num(static_cast<std::int64_t>(d.peak_device_bytes)), num(d.allocation_retries),
                                 d.failure, num(d.runs_handed_back), num(std::int64_t{d.lost})})
      f.push_back(x);
  }
  for (auto field : tally_fields()) f.push_back(num(a.tally.*field));
  for (auto field : tally_ranges()) f.push_back(num(a.tally.*field));
  return pack(f);
}

rank_account unpack_account(const std::string& text) {
  const std::vector<std::string> f = unpack(text);
  rank_account a;
  rank_share& r = a.share;
  std::size_t i = 0;
  const auto next = [&]() -> const std::string& {
    if (i >= f.size()) throw internal_error("split run: a short report from a rank");
    return f[i++];
  };
  r.rank = static_cast<int>(to_i64(next()));
  r.host = next();
  r.backend = next();
  r.device = next();
  r.runs = to_i64(next());
  r.units = to_i64(next());
  r.solve_ms = to_double(next());
  r.failure = next();
  a.write_ms = to_double(next());
  a.chunks = to_i64(next());
  const std::int64_t n_devices = to_i64(next());
  for (std::int64_t k = 0; k < n_devices; ++k) {
    device_statistics d;
    d.device = static_cast<int>(to_i64(next()));
    d.name = next();
    d.runs = to_i64(next());
    d.chunks = to_i64(next());
    d.kernel_ms = to_double(next());
    d.h2d_ms = to_double(next());
    d.d2h_ms = to_double(next());
    d.busy_ms = to_double(next());
    d.peak_device_bytes = static_cast<std::uint64_t>(to_i64(next()));
    d.allocation_retries = to_i64(next());
    d.failure = next();
    d.runs_handed_back = to_i64(next());
    d.lost = to_i64(next()) != 0;
    r.devices.push_back(std::move(d));
  }
  for (auto field : tally_fields()) a.tally.*field = to_i64(next());
  for (auto field : tally_ranges()) a.tally.*field = to_double(next());
  return a;
}

void add_tally(io::status_tally& into, const io::status_tally& t) {
  for (auto field : tally_fields()) into.*field += t.*field;
  // Where failed runs stopped: the range over both (fmin/fmax skip a NaN, "none yet").
  into.stopped_t_min = std::fmin(into.stopped_t_min, t.stopped_t_min);
  into.stopped_t_max = std::fmax(into.stopped_t_max, t.stopped_t_max);
  into.stopped_dt_min = std::fmin(into.stopped_dt_min, t.stopped_dt_min);
}

// A unit's device statistics added to the rank's, device by device.
void add_devices(std::vector<device_statistics>& into, const std::vector<device_statistics>& unit) {
  for (const device_statistics& d : unit) {
    auto it = std::find_if(into.begin(), into.end(), [&](const device_statistics& x) { return x.device == d.device; });
    if (it == into.end()) {
      into.push_back(d);
      continue;
    }
    it->runs += d.runs;
    it->chunks += d.chunks;
    it->kernel_ms += d.kernel_ms;
    it->h2d_ms += d.h2d_ms;
    it->d2h_ms += d.d2h_ms;
    it->busy_ms += d.busy_ms;
    it->peak_device_bytes = std::max(it->peak_device_bytes, d.peak_device_bytes);
    it->allocation_retries += d.allocation_retries;
    it->runs_handed_back += d.runs_handed_back;
    it->lost = it->lost || d.lost;
    if (!d.failure.empty()) it->failure = d.failure;
  }
}

// ---- what every rank sets up: the model, its sweep, a Solver --------------------------
struct rank_setup {
  models::model_definition model;
  std::optional<batch_grid> grid;
  std::optional<Solver> solver;
  solver_settings settings;
  io::result_metadata meta;
  double compile_ms = 0;
  bool compile_cache_hit = false;
};

models::compile_options compile_options_for(const std::string& backend) {
  models::compile_options o;
  o.cpu = backend != "cuda";
  o.gpu = backend == "cuda"   ? models::gpu_compile::required
          : backend == "auto" ? models::gpu_compile::if_available
                              : models::gpu_compile::off;
  return o;
}

models::model_definition read_model(const run_options& opt) {
  models::model_definition model = models::load_model(opt.model);
  for (const std::string& s : opt.sets) models::apply_override(model, s);
  if (!opt.backend.empty()) model.settings.backend = normalize_name(opt.backend);
  return model;
}

// Processes on one node share it: each takes its own GPUs (by local rank) and its share of
// the cores, unless the model says otherwise.
solver_settings node_share(solver_settings s, bool gpu) {
  const auto [local_rank, local_size] = local_rank_and_size();
  if (local_size <= 1) return s;
  if (gpu && s.memory.devices.empty()) {
    const int count = static_cast<int>(cuda_devices_for(s.memory).size());
    if (count > 0) {
      if (count >= local_size) {
        for (int d = local_rank; d < count; d += local_size) s.memory.devices.push_back(d);
      } else {
        s.memory.devices = {local_rank % count};
      }
    }
  }
  if (s.cpu_threads == 0) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    s.cpu_threads = static_cast<int>(std::max(1u, cores / static_cast<unsigned>(local_size)));
  }
  return s;
}

void set_up(rank_setup& r, const std::string& backend) {
  r.grid.emplace(take_model_grid(r.model));
  const auto t_compile = clock_type::now();
  models::compile_report report;
  const auto system = models::compile_model(r.model, compile_options_for(backend), &report);
  r.compile_ms = ms_since(t_compile);
  const bool gpu = backend == "cuda" || (backend == "auto" && cuda_device_available());
  r.settings = node_share(r.model.settings, gpu);
  r.solver.emplace(system, r.settings);
  r.compile_cache_hit = r.solver->backend() == "cuda" ? report.gpu.cache_hit : report.cpu.cache_hit;
  r.meta.model_name = r.model.name;
  r.meta.model_text = r.model.source_text;
  r.meta.solver_settings = io::settings_json(r.model.settings, r.model.spec);
  r.meta.backend = r.solver->backend();
}

// Fault injection for the tests (tests/apps/cli_mpi_test.cpp): CUBIE_TEST_KILL_RANK="R:K"
// makes rank R kill itself (SIGKILL, as an out-of-memory killer or a node failure would)
// once it has finished K units.
void maybe_die(int rank, std::int64_t units_done) {
  const char* v = std::getenv("CUBIE_TEST_KILL_RANK");
  if (v == nullptr) return;
  int r = -1;
  long long k = -1;
  if (std::sscanf(v, "%d:%lld", &r, &k) == 2 && r == rank && units_done >= k) ::kill(::getpid(), SIGKILL);
}

// ---- one rank's work: units in, unit files out ----------------------------------------
class unit_worker {
 public:
  unit_worker(rank_setup& setup, const std::vector<memory::chunk_range>& units, const fs::path& out, int compress,
              const mpi_world& world)
      : setup_(setup), units_(units), out_(out), compress_(compress) {
    account_.share.rank = world.rank();
    account_.share.host = world.host();
    account_.share.backend = setup.solver->backend();
    setup_.meta.written_by = "rank " + std::to_string(world.rank()) + " of " + std::to_string(world.size()) + " on " +
                             world.host();
  }

  /// Solves unit u into its file; false (with the reason in failure()) when it could not.
  bool solve(std::int64_t u) {
    const memory::chunk_range range = units_[static_cast<std::size_t>(u)];
    const auto t0 = clock_type::now();
    if (!started_) {
      started_ = true;
      first_ = t0;
    }
    try {
      const batch_grid part = setup_.grid->slice(range.begin, range.end);
      const SolveResult::layout layout = setup_.solver->output_layout(part, setup_.model.spec);
      io::hdf5_stream_options stream{.nan_fill_failed = setup_.settings.nan_fill_failed};
      stream.first_run = range.begin;
      io::hdf5_result_writer writer(io::split_result_file::unit_path(out_, units_.size(), u), layout, part,
                                    setup_.meta, {.compression_level = compress_}, stream);
      io::monitored_sink sink(writer, part.n_runs(), setup_.model.precision, {},
                              &interrupt_guard::stop_requested());
      const solve_statistics stats = setup_.solver->solve_to_sink(sink, part, setup_.model.spec);
      const auto t_finish = clock_type::now();
      writer.finish();
      account_.write_ms += sink.commit_ms() + ms_since(t_finish);
      add_tally(account_.tally, sink.tally());
      account_.share.device = stats.device;
      account_.chunks += stats.chunks;
      add_devices(account_.share.devices, stats.devices);
      account_.share.runs += range.size();
      account_.share.units += 1;
      account_.share.solve_ms = ms_since(first_);
      maybe_die(account_.share.rank, account_.share.units);
      return true;
    } catch (const io::interrupted&) {
      account_.share.failure = "interrupted";
    } catch (const std::exception& e) {
      account_.share.failure = e.what();
    }
    account_.share.solve_ms = ms_since(first_);
    return false;
  }

  void fail_setup(const std::string& why) { account_.share.failure = why; }
  [[nodiscard]] const std::string& failure() const { return account_.share.failure; }
  [[nodiscard]] const rank_account& account() const { return account_; }

 private:
  rank_setup& setup_;
  const std::vector<memory::chunk_range>& units_;
  fs::path out_;
  int compress_;
  rank_account account_;
  bool started_ = false;
  clock_type::time_point first_;
};

// ---- rank 0's answers to the others, on a thread of its own --------------------------
// The only thread of rank 0 that calls MPI while the units are solved.
void serve(mpi_world& world, io::unit_dispatcher& dispatcher) {
  int open = world.size() - 1;  // ranks not yet told "finished" and not retired
  std::set<int> waiting;        // asked while every unit left was being solved elsewhere
  const auto answer = [&](int rank) {
    const io::unit_dispatcher::grant g = dispatcher.next(rank);
    if (g.what == io::unit_dispatcher::answer::unit) {
      world.send(rank, tag_grant, pack({"unit", num(g.unit)}));
    } else if (g.what == io::unit_dispatcher::answer::finished) {
      world.send(rank, tag_grant, pack({"finished"}));
      --open;
    } else {
      waiting.insert(rank);
    }
  };
  while (open > 0) {
    if (auto m = world.poll(tag_request)) {
      const auto [from, text] = *m;
      const std::vector<std::string> f = unpack(text);
      const std::string& what = f.at(0);
      if (what == "next") {
        answer(from);
      } else if (what == "done") {
        dispatcher.done(from, to_i64(f.at(1)));
        answer(from);
      } else if (what == "failed") {
        dispatcher.failed(from, to_i64(f.at(1)), f.at(2));
        --open;
      } else if (what == "retire") {
        dispatcher.retire(from, f.at(1));
        --open;
      }
      continue;
    }
    // A unit given back by a failed rank, or the last one finished, answers those waiting.
    for (auto it = waiting.begin(); it != waiting.end();) {
      const int rank = *it;
      it = waiting.erase(it);
      answer(rank);
      if (waiting.count(rank)) break;  // still nothing for anyone
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// ---- rank 0: check and plan as `cubie run`, create the joined file ---------------------
struct plan_of_split {
  std::optional<output_target> out;
  std::vector<memory::chunk_range> units;
  SolveResult::layout layout;
  run_summary summary;
};

plan_of_split plan_split(rank_setup& r, const run_options& opt, int processes) {
  plan_of_split p;
  const std::string backend = normalize_name(r.model.settings.backend);
  p.out = check_output_target(opt.out, opt.force);
  if (!p.out || p.out->format != io::result_format::hdf5) {
    throw invalid_argument("--out " + (opt.out.empty() ? std::string("(none)") : opt.out) + ": a run split across " +
                           std::to_string(processes) +
                           " MPI processes writes an HDF5 file, its parts joined by virtual datasets; give --out "
                           "NAME.h5");
  }
  (void)find_method(r.model.settings.algorithm);
  r.model.settings.memory.validate();
  const auto n_runs = static_cast<std::int64_t>(models::run_count(r.model.sweep));
  if (!opt.quiet)
    for (const std::string& w : models::model_warnings(r.model)) std::fprintf(stderr, "%s\n", w.c_str());
  if (backend == "cuda") {
    const std::string why = models::gpu_compile_unavailable_reason();
    if (!why.empty()) throw command_failure(exit_no_gpu, "--backend cuda: " + why);
  }
  const output_layout planned = plan_output_layout(model_system_info(r.model), r.model.spec, r.model.precision, n_runs,
                                                    r.model.settings.algorithm);
  const bool gpu = backend == "cuda" || (backend == "auto" && cuda_device_available());
  const run_plan plan = plan_run(r.model, planned, gpu);
  if (!opt.quiet) std::fprintf(stderr, "cubie: plan: %s\n", plan_line(plan, p.out).c_str());
  for (const std::string& w : enforce_plan(plan, p.out, opt.compress))
    std::fprintf(stderr, "cubie: warning: %s\n", w.c_str());
  p.units = io::plan_work_units(n_runs, processes);
  io::split_result_file::prepare_parts(p.out->path, opt.force);

  run_summary& s = p.summary;
  s.model_name = r.model.name;
  s.model_path = opt.model;
  s.precision = precision_name(r.model.precision);
  s.algorithm = find_method(r.model.settings.algorithm).name;
  s.grid = r.model.sweep.grid == grid_type::combinatorial ? "combinatorial" : "verbatim";
  s.runs = n_runs;
  s.planned_result_bytes = plan.result_bytes;
  s.planned_peak_host_bytes = plan.streamed_peak;
  s.planned_file_bytes = plan.hdf5_file_bytes;

  set_up(r, backend);
  p.layout = r.solver->output_layout(*r.grid, r.model.spec);
  io::split_result_file::create(p.out->path, p.layout, *r.grid, r.meta, p.units,
                                {.compression_level = opt.compress});
  if (!opt.quiet) {
    std::fprintf(stderr, "cubie: note: split across %d processes in %zu units; parts in %s\n", processes,
                 p.units.size(), io::parts_folder(p.out->path).string().c_str());
  }
  return p;
}

// The exit code and message rank 0 stopped with before any work, for the other ranks.
std::string verdict_of(int code, const std::string& what) { return pack({num(std::int64_t{code}), what}); }

int run_rank0(mpi_world& world, const run_options& opt) {
  rank_setup setup;
  plan_of_split plan;
  try {
    setup.model = read_model(opt);
    plan = plan_split(setup, opt, world.size());
  } catch (const command_failure& e) {
    std::string v = verdict_of(e.exit_code(), e.what());
    world.broadcast(v);
    throw;
  } catch (const invalid_argument& e) {  // model_error too
    std::string v = verdict_of(exit_usage, e.what());
    world.broadcast(v);
    throw;
  } catch (const std::exception& e) {
    std::string v = verdict_of(exit_failure, e.what());
    world.broadcast(v);
    throw;
  }
  std::string go;
  world.broadcast(go);
  const auto t_solve = clock_type::now();

  io::unit_dispatcher dispatcher(plan.units, world.size());
  unit_worker worker(setup, plan.units, plan.out->path, opt.compress, world);
  {
    // Rank 0 solves units too, unless its MPI cannot take calls from a second thread.
    std::thread server;
    if (world.size() > 1 && world.threads_serialized()) server = std::thread([&] { serve(world, dispatcher); });
    if (!world.threads_serialized()) dispatcher.retire(0, "coordinates only (MPI without MPI_THREAD_SERIALIZED)");
    while (world.threads_serialized()) {
      const io::unit_dispatcher::grant g = dispatcher.wait_next(0);
      if (g.what != io::unit_dispatcher::answer::unit) break;
      if (worker.solve(g.unit)) {
        dispatcher.done(0, g.unit);
      } else {
        dispatcher.failed(0, g.unit, worker.failure());
        break;
      }
    }
    if (server.joinable()) server.join();
    else serve(world, dispatcher);
  }

  std::vector<rank_account> accounts = {worker.account()};
  for (int r = 1; r < world.size(); ++r) accounts.push_back(unpack_account(world.receive(r, tag_report)));
  const double solve_ms = ms_since(t_solve);

  run_summary& s = plan.summary;
  s.backend = setup.solver->backend();
  s.device = accounts.front().share.device.empty() ? setup.solver->backend() : accounts.front().share.device;
  s.compile_ms = setup.compile_ms;
  s.compile_cache_hit = setup.compile_cache_hit;
  s.n_saves = plan.layout.n_saves();
  s.variables = plan.layout.variables();
  s.parts = io::parts_folder(plan.out->path).string();
  for (const rank_account& a : accounts) {
    s.ranks.push_back(a.share);
    add_tally(s.status, a.tally);
    s.write_ms = std::max(s.write_ms, a.write_ms);
    for (const device_statistics& d : a.share.devices) s.peak_device_bytes = std::max(s.peak_device_bytes, d.peak_device_bytes);
  }
  for (const rank_account& a : accounts) s.chunks += a.chunks;
  s.solve_ms = solve_ms;

  if (!dispatcher.all_done()) {
    std::string why;
    for (const rank_account& a : accounts)
      if (!a.share.failure.empty()) why += (why.empty() ? "" : "; ") + ("rank " + std::to_string(a.share.rank) + ": " + a.share.failure);
    const std::string partial = io::partial_path(plan.out->path).string();
    command_failure f(exit_failure, "the split run stopped with " + std::to_string(dispatcher.not_done().size()) + " of " +
                                        std::to_string(plan.units.size()) + " units not done (" + why + "); the " +
                                        std::to_string(dispatcher.done_runs()) + " runs that finished read through " +
                                        partial + " (complete = 0; the others have status 1024, not integrated)");
    f.partial_file = partial;
    f.committed_runs = dispatcher.done_runs();
    f.total_runs = s.runs;
    throw f;
  }
  io::split_result_file::seal(plan.out->path, plan.layout, plan.units);
  s.output = plan.out->path.string();
  s.format = "hdf5";
  s.output_bytes = fs::file_size(plan.out->path);
  if (opt.json) std::printf("%s\n", summary_json(s).c_str());
  else if (!opt.quiet) std::printf("%s", summary_text(s).c_str());
  return exit_ok;
}

int run_other_rank(mpi_world& world, const run_options& opt) {
  std::string verdict;
  world.broadcast(verdict);
  if (!verdict.empty()) return static_cast<int>(to_i64(unpack(verdict).at(0)));  // rank 0 reported it

  rank_setup setup;
  std::vector<memory::chunk_range> units;
  std::optional<unit_worker> worker;
  std::string setup_failure;
  try {
    setup.model = read_model(opt);
    units = io::plan_work_units(static_cast<std::int64_t>(models::run_count(setup.model.sweep)), world.size());
    set_up(setup, normalize_name(setup.model.settings.backend));
  } catch (const std::exception& e) {
    setup_failure = e.what();
  }
  const fs::path out = opt.out;
  if (setup_failure.empty()) {
    worker.emplace(setup, units, out, opt.compress, world);
    world.send(0, tag_request, pack({"next"}));
    for (;;) {
      const std::vector<std::string> g = unpack(world.receive(0, tag_grant));
      if (g.at(0) != "unit") break;
      const std::int64_t u = to_i64(g.at(1));
      if (worker->solve(u)) {
        world.send(0, tag_request, pack({"done", num(u)}));
      } else {
        world.send(0, tag_request, pack({"failed", num(u), worker->failure()}));
        break;
      }
    }
  } else {
    world.send(0, tag_request, pack({"retire", setup_failure}));
  }
  rank_account account;
  if (worker) account = worker->account();
  account.share.rank = world.rank();
  account.share.host = world.host();
  if (!setup_failure.empty()) account.share.failure = "could not start: " + setup_failure;
  world.send(0, tag_report, pack_account(account));
  return account.share.failure.empty() ? exit_ok : exit_failure;
}

}  // namespace

int split_run_command(const run_options& opt) {
  mpi_world world;
  interrupt_guard guard;
  if (world.rank() == 0) return run_rank0(world, opt);
  try {
    return run_other_rank(world, opt);
  } catch (const std::exception& e) {
    // The protocol itself broke (not a unit's failure, which is reported): nothing can wait
    // for this rank any more.
    std::fprintf(stderr, "cubie: rank %d: %s\n", world.rank(), e.what());
    world.abort(exit_failure);
  }
}

}  // namespace cubie::cli
