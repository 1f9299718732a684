// Runs the built `cubie` binary the way a user does, in a shell, and captures its exit
// code, stdout and stderr; the model compile cache is a folder of the build tree.
#pragma once
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cubie::test {

struct cli_result {
  int exit_code = -1;
  std::string out, err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  q += '\'';
  return q;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `cubie ARGS...` with stderr captured through a file in `scratch`.
inline cli_result run_cli(const std::vector<std::string>& args, const std::filesystem::path& scratch) {
  ::setenv("CUBIE_CACHE_DIR", CUBIE_TEST_CACHE_DIR, 1);
  const auto err_file = scratch / "stderr.txt";
  std::string cmd = shell_quote(CUBIE_CLI_PATH);
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += " 2>";
  cmd += shell_quote(err_file.string());
  cmd += " </dev/null";
  cli_result r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_text(err_file);
  return r;
}

inline std::string example(const char* name) { return std::string(CUBIE_EXAMPLES_DIR) + "/" + name; }

}  // namespace cubie::test
