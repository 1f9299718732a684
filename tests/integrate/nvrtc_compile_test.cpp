// The integration core compiles without the host standard library: NVRTC compiles the
// Lorenz system and the CUDA kernel template for dormand_prince_54, classical_rk4 and the
// Rosenbrock methods rodas5p and rosenbrock23_sciml (Jacobians from dual numbers), two DIRKs and
// algorithm = "auto" (auto_switch: both steppers, the switching record, the second pass's
// continuation; auto_switch_explicit_pass: the first pass, its hand-over with an atomic) in
// float and double to an sm_90 CUBIN, with the options model files are compiled with.
// The one-path kernels the model compiler builds (integrate_path_kernel): each holds one
// of the loop's paths, and programs compile on parallel threads to the same CUBIN.
// Needs NVRTC (built only where the CUDA toolkit is found), not a GPU.
#include "models/nvrtc_compile.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <future>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "models/nvrtc_loader.hpp"

namespace {

using cubie::models::detail::nvrtc_compile;
using cubie::models::detail::nvrtc_core_options;

const char* const core_source = R"(
#include "cubie/systems/lorenz.hpp"
#include "cubie/backends/cuda/integrate_kernel.cuh"
#include "cubie/integrate/methods/dormand_prince_54.hpp"
#include "cubie/integrate/methods/classical_rk4.hpp"
#include "cubie/integrate/methods/rodas5p.hpp"
#include "cubie/integrate/methods/rosenbrock23_sciml.hpp"
#include "cubie/integrate/methods/kvaerno5.hpp"
#include "cubie/integrate/methods/crank_nicolson.hpp"
#include "cubie/integrate/methods/radau_iia_5.hpp"
#include "cubie/integrate/methods/firk_gauss_legendre_4.hpp"
#include "cubie/integrate/methods/auto_switch.hpp"
)";

std::vector<std::string> kernel_expressions() {
  std::vector<std::string> out;
  // Two Rosenbrock methods: dual-number Jacobians, the pivoting LU and the stepper under NVRTC;
  // two DIRKs: the Newton iteration, an ESDIRK and a second diagonal (crank_nicolson); two
  // FIRKs: the transformed real and complex systems (the dense complex LU) kept across steps;
  // auto_switch: both steppers of a switching run in one kernel; its explicit first pass.
  for (const char* method : {"dormand_prince_54", "classical_rk4", "rodas5p", "rosenbrock23_sciml", "kvaerno5",
                             "crank_nicolson", "radau_iia_5", "firk_gauss_legendre_4", "auto_switch",
                             "auto_switch_explicit_pass"}) {
    for (const char* v : {"float", "double"}) {
      out.push_back(std::string("&cubie::cuda::integrate_kernel<cubie::methods::") + method +
                    ", cubie::systems::lorenz, " + v + ">");
    }
  }
  return out;
}

TEST(NvrtcCompile, CoreAndLorenzCompileToAnSm90Cubin) {
  ASSERT_TRUE(cubie::models::detail::nvrtc_available())
      << "NVRTC must load where this test is built (the CUDA toolkit was found): " << [] {
           try {
             (void)cubie::models::detail::nvrtc();
           } catch (const std::exception& e) {
             return std::string(e.what());
           }
           return std::string();
         }();
  const auto expressions = kernel_expressions();
  const auto out =
      nvrtc_compile(core_source, "nvrtc_core_check.cu", nvrtc_core_options(90, CUBIE_SOURCE_INCLUDE_DIR), expressions);
  ASSERT_TRUE(out.success) << "NVRTC log:\n" << out.log;
  ASSERT_GE(out.cubin.size(), 4u);
  EXPECT_EQ(out.cubin.substr(0, 4),
            "\x7f"
            "ELF")
      << "a CUBIN is an ELF image";
  ASSERT_EQ(out.lowered_names.size(), expressions.size());
  for (std::size_t i = 0; i < expressions.size(); ++i) {
    EXPECT_EQ(out.lowered_names[i].rfind("_ZN5cubie4cuda16integrate_kernel", 0), 0u)
        << expressions[i] << " lowered to '" << out.lowered_names[i] << "'";
  }
  if (!out.log.empty()) std::cout << "NVRTC warnings:\n" << out.log << "\n";
}

// A system reading a driver and resetting on an event, as model files generate them: the
// driver evaluation, the event monitor and the stepper restart compile under NVRTC too, for
// explicit methods and for rodas5p (its Jacobian and df/dt taking the drivers, as generated),
// and so does the loop recording summary metrics (every accumulator group) through the driven system.
const char* const signal_source = R"(
#include "cubie/integrate/system.hpp"
#include "cubie/backends/cuda/integrate_kernel.cuh"
#include "cubie/integrate/methods/dormand_prince_54.hpp"
#include "cubie/integrate/methods/classical_rk4.hpp"
#include "cubie/integrate/methods/rodas5p.hpp"
template <class S>
struct kicked_oscillator {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 1, n_drivers = 1, n_events = 2;
  static constexpr const char* state_names = "x,v";
  static constexpr const char* parameter_names = "w";
  static constexpr const char* observable_names = "u_out";
  static constexpr const char* driver_names = "u";
  static constexpr const char* event_names = "wall,stop";
  static constexpr cubie::event_kind event_kinds[] = {{cubie::event_direction::down, cubie::event_action::reset},
                                                      {cubie::event_direction::up, cubie::event_action::terminate}};
  CUBIE_HD void rhs(S, const S* y, const S* p, const S* u, S* d) const { d[0] = y[1]; d[1] = -p[0] * y[0] + u[0]; }
  CUBIE_HD void observables(S, const S*, const S*, const S* u, S* o) const { o[0] = u[0]; }
  CUBIE_HD void event_conditions(S t, const S* y, const S*, const S*, S* g) const { g[0] = y[0] + S(1); g[1] = t - S(5); }
  CUBIE_HD void event_reset(int, S, const S* y, const S*, const S*, S* yn) const { yn[1] = -y[1]; }
  CUBIE_HD void jacobian(S, const S*, const S* p, const S*, S* J) const { J[0] = S(0); J[1] = S(1); J[2] = -p[0]; J[3] = S(0); }
  CUBIE_HD void time_derivative(S, const S*, const S*, const S*, const S* dudt, S* f) const { f[0] = S(0); f[1] = dudt[0]; }
};
)";

TEST(NvrtcCompile, DriversAndEventsCompile) {
  ASSERT_TRUE(cubie::models::detail::nvrtc_available());
  std::vector<std::string> expressions;
  for (const char* method : {"dormand_prince_54", "classical_rk4", "rodas5p"}) {
    for (const char* v : {"float", "double"}) {
      expressions.push_back(std::string("&cubie::cuda::integrate_kernel<cubie::methods::") + method +
                            ", kicked_oscillator, " + v + ">");
    }
  }
  expressions.push_back("&cubie::cuda::integrate_kernel<cubie::methods::dormand_prince_54, kicked_oscillator, double, "
                        "cubie::summary_group::all>");
  expressions.push_back("&cubie::cuda::integrate_kernel<cubie::methods::classical_rk4, kicked_oscillator, float, "
                        "cubie::summary_group::all>");
  const auto out = nvrtc_compile(signal_source, "nvrtc_signal_check.cu", nvrtc_core_options(90, CUBIE_SOURCE_INCLUDE_DIR),
                                 expressions);
  ASSERT_TRUE(out.success) << "NVRTC log:\n" << out.log;
  EXPECT_EQ(out.lowered_names.size(), expressions.size());
}

TEST(NvrtcCompile, ReportsErrorsWithTheirLog) {
  ASSERT_TRUE(cubie::models::detail::nvrtc_available());
  const auto out = nvrtc_compile("__global__ void k() { undeclared_name = 1; }", "broken.cu",
                                 nvrtc_core_options(90, CUBIE_SOURCE_INCLUDE_DIR), {});
  EXPECT_FALSE(out.success);
  EXPECT_TRUE(out.cubin.empty());
  EXPECT_NE(out.log.find("undeclared_name"), std::string::npos) << out.log;
}

// The code sections of a CUBIN (an ELF64 image): kernel name -> the bytes of its .text.* section.
std::map<std::string, std::string> text_sections(const std::string& elf) {
  auto read = [&](std::size_t at, std::size_t bytes) {
    std::uint64_t v = 0;
    std::memcpy(&v, elf.data() + at, bytes);  // little-endian, as every CUDA host
    return v;
  };
  std::map<std::string, std::string> out;
  if (elf.size() < 64 || elf[4] != 2) return out;  // ELFCLASS64
  const std::uint64_t shoff = read(0x28, 8), shentsize = read(0x3A, 2), shnum = read(0x3C, 2), shstrndx = read(0x3E, 2);
  if (shoff + shnum * shentsize > elf.size() || shstrndx >= shnum) return out;
  const std::uint64_t names = read(shoff + shstrndx * shentsize + 0x18, 8);
  for (std::uint64_t i = 0; i < shnum; ++i) {
    const std::uint64_t h = shoff + i * shentsize;
    const std::string name(elf.c_str() + names + read(h, 4));
    const std::uint64_t offset = read(h + 0x18, 8), size = read(h + 0x20, 8);
    if (name.rfind(".text.", 0) == 0 && offset + size <= elf.size()) out[name.substr(6)] = elf.substr(offset, size);
  }
  return out;
}

std::string lorenz_kernel(const char* method, const char* paths) {
  const std::string args = std::string("<cubie::methods::") + method + ", cubie::systems::lorenz, float";
  if (std::string(paths) == "both") return "&cubie::cuda::integrate_kernel" + args + ">";
  return "&cubie::cuda::integrate_path_kernel" + args + ", 0u, cubie::loop_paths::" + paths + ">";
}

const char* const path_source = R"(
#include "cubie/systems/lorenz.hpp"
#include "cubie/backends/cuda/integrate_kernel.cuh"
#include "cubie/integrate/methods/dormand_prince_54.hpp"
)";

// The model compiler's programs hold one kernel, of one loop path: the kernel holding both
// paths inlines the step three times (the general loop; the fixed-count path's settling and
// main spans), the general-loop kernel once and the fixed-count kernel twice, so each is a
// part of the whole and together they are about the whole.
TEST(NvrtcCompile, PathKernelsHoldOnePathEach) {
  ASSERT_TRUE(cubie::models::detail::nvrtc_available());
  std::map<std::string, std::uint64_t> bytes;
  for (const char* paths : {"both", "general", "fixed_count"}) {
    const std::string e = lorenz_kernel("dormand_prince_54", paths);
    const auto out = nvrtc_compile(path_source, "nvrtc_path_check.cu", nvrtc_core_options(90, CUBIE_SOURCE_INCLUDE_DIR), {e});
    ASSERT_TRUE(out.success) << e << ":\n" << out.log;
    const auto sections = text_sections(out.cubin);
    ASSERT_EQ(sections.size(), 1u) << e << ": one kernel, no other code";
    EXPECT_EQ(sections.begin()->first, out.lowered_names.front());
    bytes[paths] = sections.begin()->second.size();
  }
  std::cout << "[ sizes ] dormand_prince_54 Lorenz float kernel code: both paths " << bytes["both"] << " B, general loop "
            << bytes["general"] << " B, fixed-count path " << bytes["fixed_count"] << " B\n";
  // Measured (NVRTC 13.0, sm_90): 44,544 B both, 36,352 B general, 9,472 B fixed-count. The
  // general loop is most of Lorenz's kernel (its right-hand side is a few products), so
  // the bounds are loose; a path kernel holding both paths would fail both of the first two.
  EXPECT_LT(bytes["general"], bytes["both"] * 9 / 10);
  EXPECT_LT(bytes["fixed_count"], bytes["both"] / 2);
  EXPECT_GT(bytes["general"] + bytes["fixed_count"], bytes["both"] * 9 / 10);
  EXPECT_LT(bytes["general"] + bytes["fixed_count"], bytes["both"] * 12 / 10);
}

// The model compiler compiles a model's programs on parallel threads (one per kernel and
// path): NVRTC compiles distinct programs concurrently to the code it builds one at a time
// (the kernel's code section; the images differ in the names NVRTC gives internal symbols,
// which carry a per-compile tag).
TEST(NvrtcCompile, ProgramsCompileInParallelThreads) {
  ASSERT_TRUE(cubie::models::detail::nvrtc_available());
  const auto options = nvrtc_core_options(90, CUBIE_SOURCE_INCLUDE_DIR);
  const std::vector<std::string> kernels = {lorenz_kernel("dormand_prince_54", "general"),
                                            lorenz_kernel("dormand_prince_54", "fixed_count")};
  std::vector<std::future<cubie::models::detail::nvrtc_output>> running;
  for (const std::string& e : kernels)
    running.push_back(std::async(std::launch::async, [&, e] { return nvrtc_compile(path_source, "par.cu", options, {e}); }));
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    const auto parallel = running[i].get();
    ASSERT_TRUE(parallel.success) << kernels[i] << ":\n" << parallel.log;
    const auto serial = nvrtc_compile(path_source, "par.cu", options, {kernels[i]});
    ASSERT_TRUE(serial.success) << serial.log;
    EXPECT_EQ(parallel.lowered_names, serial.lowered_names);
    const auto code = text_sections(parallel.cubin);
    ASSERT_EQ(code.size(), 1u);
    EXPECT_TRUE(code == text_sections(serial.cubin)) << kernels[i] << ": the code differs from the one compiled alone";
  }
}

}  // namespace
