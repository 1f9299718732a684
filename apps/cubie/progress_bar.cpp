#include "progress_bar.hpp"

#include <cstdio>
#include <string>

#include "text_format.hpp"

namespace cubie::cli {

namespace {
constexpr double quiet_ms = 1000.0;  // solves shorter than this never show a bar
constexpr int width = 30;
}  // namespace

progress_bar::progress_bar(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}

progress_bar::~progress_bar() { clear(); }

void progress_bar::update(std::int64_t done, std::int64_t total) {
  if (!enabled_ || total <= 0) return;
  const double elapsed =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_).count();
  if (elapsed < quiet_ms) return;
  const double frac = static_cast<double>(done) / static_cast<double>(total);
  const int filled = static_cast<int>(frac * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(width - filled), '-');
  std::string eta = "";
  if (done > 0 && done < total) eta = ", about " + format_duration_ms(elapsed * (1.0 - frac) / frac) + " left";
  std::fprintf(stderr, "\r\033[K[%s] %3.0f%%  %lld / %lld runs, %s%s", bar.c_str(), 100.0 * frac,
               static_cast<long long>(done), static_cast<long long>(total), format_duration_ms(elapsed).c_str(),
               eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void progress_bar::clear() {
  if (!drawn_) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace cubie::cli
