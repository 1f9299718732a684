#include "progress_bar.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include "text_format.hpp"

namespace cubie::cli {

namespace {
constexpr auto quiet_time = std::chrono::milliseconds(1000);  // runs shorter than this never show it
constexpr auto redraw_every = std::chrono::milliseconds(250);
constexpr int bar_width = 30;

// The terminal's width: a line longer than it wraps, and \r then redraws only its tail.
std::size_t terminal_columns() {
  winsize w{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 10) return w.ws_col;
  return 80;
}

double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
}  // namespace

progress_bar::progress_bar(bool enabled) : enabled_(enabled) {
  if (enabled_) thread_ = std::thread([this] { draw_loop(); });
}

progress_bar::~progress_bar() { clear(); }

void progress_bar::phase(const std::string& what, bool at_once) {
  std::lock_guard lock(mutex_);
  phase_ = what;
  if (at_once && enabled_ && !stop_ && !solving_) draw_locked();
}

void progress_bar::solve_started(std::int64_t total_runs) {
  std::lock_guard lock(mutex_);
  solving_ = true;
  solve_start_ = clock::now();
  done_ = 0;
  total_ = total_runs;
}

void progress_bar::update(std::int64_t done, std::int64_t total) {
  std::lock_guard lock(mutex_);
  done_ = done;
  total_ = total;
}

void progress_bar::print_above(const std::string& line) {
  std::lock_guard lock(mutex_);
  erase_locked();
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void progress_bar::clear() {
  {
    std::lock_guard lock(mutex_);
    if (stop_) return;
    stop_ = true;
    erase_locked();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void progress_bar::draw_loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(lock, redraw_every, [this] { return stop_; });
    if (stop_) break;
    if (clock::now() - start_ >= quiet_time) draw_locked();
  }
}

void progress_bar::draw_locked() {
  const auto now = clock::now();
  std::string text;
  if (solving_ && total_ > 0) {
    const double elapsed = ms_between(solve_start_, now);
    const double frac = static_cast<double>(done_) / static_cast<double>(total_);
    const int filled = static_cast<int>(frac * bar_width);
    text.assign(1, '[');
    text.append(static_cast<std::size_t>(filled), '#');
    text.append(static_cast<std::size_t>(bar_width - filled), '-');
    text += "] ";
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%%  ", 100.0 * frac);
    text += pct;
    text += std::to_string(done_) + " / " + std::to_string(total_) + " runs, " + format_duration_ms(elapsed);
    if (done_ > 0 && done_ < total_) text += ", about " + format_duration_ms(elapsed * (1.0 - frac) / frac) + " left";
  } else {
    text = phase_ + " (" + format_duration_ms(ms_between(start_, now)) + ")";
  }
  const std::size_t columns = terminal_columns();
  if (text.size() >= columns) text.resize(columns - 1);
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void progress_bar::erase_locked() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace cubie::cli
