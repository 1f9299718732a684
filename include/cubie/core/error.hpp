// cubie/core/error.hpp
// The host-side exception tree. Every message names the field, the value given and
// what is allowed; out_of_memory is its own type (and a std::bad_alloc) so callers can
// catch real exhaustion apart from bad settings. Device code never throws.
#pragma once
#include <new>
#include <stdexcept>
#include <string>

namespace cubie {

/// Base of every cubie exception.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A setting, input or option the user gave is not allowed.
class invalid_argument : public error {
 public:
  using error::error;
};

/// A model file is malformed; the message points at file, line and column.
class model_error : public invalid_argument {
 public:
  using invalid_argument::invalid_argument;
};

/// A CUDA (or other device) call failed. `sticky()` is true when the context is lost
/// and the process can no longer use the GPU.
class device_error : public error {
 public:
  device_error(const std::string& what, bool sticky) : error(what), sticky_(sticky) {}
  [[nodiscard]] bool sticky() const noexcept { return sticky_; }

 private:
  bool sticky_;
};

/// Not enough memory under the budget or on the device. Derives from std::bad_alloc
/// too, so generic allocation-failure handlers see it.
class out_of_memory : public std::bad_alloc {
 public:
  explicit out_of_memory(std::string what) : what_(std::move(what)) {}
  [[nodiscard]] const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string what_;
};

/// cubie itself is wrong (for example generated code failed to compile).
class internal_error : public error {
 public:
  using error::error;
};

}  // namespace cubie

/// Precondition check for host APIs: throws cubie::invalid_argument with the message.
#define CUBIE_EXPECTS(cond, message)                          \
  do {                                                        \
    if (!(cond)) throw ::cubie::invalid_argument(message);    \
  } while (0)
