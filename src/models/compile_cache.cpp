#include "cubie/models/compile_cache.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "cubie/core/error.hpp"
#include "sha256.hpp"

namespace fs = std::filesystem;

namespace cubie::models {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// Scratch files are hidden (leading '.') and carry ".tmp." so they are never taken
// for entries, and so that remove_stale_scratch() and clear() recognise them.
constexpr std::string_view scratch_marker = ".tmp.";

bool is_key_prefixed(std::string_view name) {
  if (name.size() < 64) return false;
  for (char c : name.substr(0, 64)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_scratch_name(std::string_view name) {
  return name.size() > 1 && name[0] == '.' && is_key_prefixed(name.substr(1)) &&
         name.find(scratch_marker) != std::string_view::npos;
}

// Unique across threads (counter), processes (pid), hosts sharing a network cache
// (host name) and pid reuse after a crash (random tag drawn once per process).
std::string scratch_tag() {
  static const std::string process_tag = [] {
    char host[128] = {};
    if (gethostname(host, sizeof host - 1) != 0) std::strcpy(host, "host");
    std::random_device rd;
    std::ostringstream s;
    s << host << '.' << getpid() << '.' << std::hex << (std::uint64_t(rd()) << 32 | rd());
    return s.str();
  }();
  static std::atomic<unsigned long long> counter{0};
  return process_tag + '.' + std::to_string(counter.fetch_add(1));
}

}  // namespace

fs::path default_cache_directory() {
  if (std::string d = env("CUBIE_CACHE_DIR"); !d.empty()) return fs::path(d);
  if (std::string d = env("XDG_CACHE_HOME"); !d.empty()) return fs::path(d) / "cubie";
  if (std::string d = env("HOME"); !d.empty()) return fs::path(d) / ".cache" / "cubie";
  throw invalid_argument(
      "compile cache: no folder for compiled models: CUBIE_CACHE_DIR, XDG_CACHE_HOME and HOME are all unset; "
      "set CUBIE_CACHE_DIR to a writable folder");
}

cache_key_builder& cache_key_builder::add(std::string_view field, std::string_view value) {
  framed_ += field;
  framed_.push_back('\0');
  framed_ += std::to_string(value.size());
  framed_.push_back('\0');
  framed_ += value;
  manifest_ += field;
  manifest_ += ": ";
  if (value.size() <= 120 && value.find('\n') == std::string_view::npos) {
    manifest_ += value;
  } else {
    manifest_ += "sha256 " + detail::sha256_hex(value).substr(0, 16) + " (" + std::to_string(value.size()) + " bytes)";
  }
  manifest_ += '\n';
  return *this;
}

std::string cache_key_builder::key() const { return detail::sha256_hex(framed_); }

std::string cache_key_builder::manifest() const { return manifest_; }

compile_cache::compile_cache(fs::path directory) : directory_(std::move(directory)) {
  std::error_code ec;
  fs::create_directories(directory_, ec);
  if (ec || !fs::is_directory(directory_)) {
    throw invalid_argument("compile cache: cannot create the folder '" + directory_.string() + "'" +
                           (ec ? ": " + ec.message() : std::string()) +
                           "; set CUBIE_CACHE_DIR (or the cache_dir option) to a writable folder");
  }
}

fs::path compile_cache::entry(std::string_view key, std::string_view suffix) const {
  return directory_ / (std::string(key) + std::string(suffix));
}

bool compile_cache::contains(std::string_view key, std::string_view suffix) const {
  std::error_code ec;
  return fs::is_regular_file(entry(key, suffix), ec);
}

std::optional<std::string> compile_cache::read(std::string_view key, std::string_view suffix) const {
  const fs::path path = entry(key, suffix);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!contains(key, suffix)) return std::nullopt;
    throw error("compile cache: cannot read '" + path.string() + "': " + std::strerror(errno));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) throw error("compile cache: error reading '" + path.string() + "'");
  return std::move(content).str();
}

fs::path compile_cache::scratch_path(std::string_view key, std::string_view suffix) const {
  return directory_ / ("." + std::string(key) + std::string(suffix) + std::string(scratch_marker) + scratch_tag());
}

fs::path compile_cache::commit(const fs::path& scratch, std::string_view key, std::string_view suffix) const {
  const fs::path target = entry(key, suffix);
  std::error_code ec;
  fs::rename(scratch, target, ec);  // rename(2): atomically replaces an existing entry
  if (ec) {
    fs::remove(scratch, ec);
    throw error("compile cache: cannot rename '" + scratch.string() + "' to '" + target.string() +
                "': " + ec.message());
  }
  return target;
}

fs::path compile_cache::write(std::string_view key, std::string_view suffix, std::string_view bytes) const {
  const fs::path scratch = scratch_path(key, suffix);
  {
    std::ofstream out(scratch, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(scratch, ec);
      throw error("compile cache: cannot write '" + scratch.string() + "' (disk full or no permission?)");
    }
  }
  return commit(scratch, key, suffix);
}

std::size_t compile_cache::remove_stale_scratch(std::chrono::seconds age) const {
  std::size_t removed = 0;
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (const fs::directory_entry& e : fs::directory_iterator(directory_, ec)) {
    if (!is_scratch_name(e.path().filename().string())) continue;
    std::error_code time_ec;
    const auto written = e.last_write_time(time_ec);
    if (!time_ec && now - written > age && fs::remove(e.path(), time_ec)) ++removed;
  }
  return removed;
}

std::size_t compile_cache::clear() const {
  std::size_t removed = 0;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(directory_, ec)) {
    const std::string name = e.path().filename().string();
    if (!is_key_prefixed(name) && !is_scratch_name(name)) continue;
    std::error_code remove_ec;
    if (fs::remove(e.path(), remove_ec)) ++removed;
  }
  return removed;
}

}  // namespace cubie::models
