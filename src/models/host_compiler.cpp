#include "host_compiler.hpp"

#include <cstdlib>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>

#include "cubie/core/error.hpp"
#include "subprocess.hpp"

namespace cubie::models::detail {
namespace {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

struct identity {
  std::string version;
  std::string target_macros;
};

identity query_identity(const std::string& compiler, const std::vector<std::string>& code_flags) {
  process_result v;
  try {
    v = run_process({compiler, "--version"});
  } catch (const error& e) {
    throw error(std::string("compiling a model for the CPU needs a C++20 compiler: ") + e.what() +
                "\nset CUBIE_CXX to one (cubie was built with " CUBIE_CXX_COMPILER ")");
  }
  if (v.exit_code != 0) {
    throw error("the C++ compiler '" + compiler + "' failed on --version (exit " + std::to_string(v.exit_code) +
                "): " + v.output + "\nset CUBIE_CXX to a working C++20 compiler");
  }
  // -march=native means different instruction sets on different machines sharing a
  // cache folder; the predefined macros (__AVX2__, __AVX512F__, ...) say which.
  std::vector<std::string> argv{compiler};
  argv.insert(argv.end(), code_flags.begin(), code_flags.end());
  for (const char* a : {"-dM", "-E", "-x", "c++", "/dev/null"}) argv.emplace_back(a);
  process_result m = run_process(argv);
  if (m.exit_code != 0) {
    throw error("the C++ compiler '" + compiler + "' rejects cubie's flags (" + command_line(argv) + "):\n" + m.output +
                "\nset CUBIE_CXX to the compiler cubie was built with");
  }
  return {v.output, m.output};
}

}  // namespace

host_toolchain host_toolchain_for(const std::vector<std::string>& extra_flags) {
  host_toolchain t;
  const char* override_cxx = std::getenv("CUBIE_CXX");
  t.compiler = (override_cxx && *override_cxx) ? override_cxx : CUBIE_CXX_COMPILER;
  t.march = CUBIE_CPU_ARCH_VALUE;
  // -fvisibility=hidden: only the extern "C" entry points are exported, so template
  // instances inside one model's library never bind to another library's copies.
  std::vector<std::string> base{"-std=c++20", "-O3", "-DNDEBUG", "-fPIC", "-shared", "-fvisibility=hidden"};
  for (std::string& f : split_words(CUBIE_HOST_COMPILE_FLAGS)) base.push_back(std::move(f));

  static std::mutex mutex;
  static std::map<std::pair<std::string, std::vector<std::string>>, identity> known;
  identity id;
  {
    std::unique_lock lock(mutex);
    auto it = known.find({t.compiler, base});
    if (it != known.end()) {
      id = it->second;
    } else {
      lock.unlock();  // two threads may both query; the answers are the same
      id = query_identity(t.compiler, base);
      lock.lock();
      known.emplace(std::pair{t.compiler, base}, id);
    }
  }
  t.version = std::move(id.version);
  t.target_macros = std::move(id.target_macros);
  t.flags = std::move(base);
  t.flags.insert(t.flags.end(), extra_flags.begin(), extra_flags.end());
  return t;
}

}  // namespace cubie::models::detail
