#include "hdf5_handle.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>

#include "cubie/core/error.hpp"

namespace cubie::io::detail {

namespace {

struct stack_reason {
  std::string innermost;  // the innermost description: the real cause ("unable to open file")
  int os_errno = 0;       // the system's error number, where a low-level call reports one
};

// The outer entries of HDF5's stack repeat the API call; the innermost names the cause. A
// failed system call ("file write failed: time = ..., errno = 28, error message = ...")
// carries the errno: that is what a user needs, in the system's words.
herr_t collect(unsigned /*n*/, const H5E_error2_t* e, void* data) {
  auto* r = static_cast<stack_reason*>(data);
  if (!e->desc || !*e->desc) return 0;
  r->innermost = e->desc;
  const char* at = std::strstr(e->desc, "errno = ");
  if (at && r->os_errno == 0) r->os_errno = std::atoi(at + 8);
  return 0;
}

std::string current_reason() {
  stack_reason r;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &r);
  H5Eclear2(H5E_DEFAULT);
  if (r.os_errno > 0) {
    std::string words = std::strerror(r.os_errno);  // "No space left on device"
    if (!words.empty()) words[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(words[0])));
    return words;
  }
  return r.innermost.empty() ? std::string("unknown HDF5 error") : r.innermost;
}

}  // namespace

void silence_hdf5_errors() {
  // Per thread: a thread-safe HDF5 keeps a default error stack per thread, and chunks are
  // written from a staging ring's writer thread.
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

hid_t h5_check(hid_t id, const std::string& what) {
  if (id < 0) throw error("HDF5: " + what + ": " + current_reason());
  return id;
}

void h5_check_status(herr_t status, const std::string& what) {
  if (status < 0) throw error("HDF5: " + what + ": " + current_reason());
}

h5_handle vlen_string_type() {
  h5_handle t = h5_type(H5Tcopy(H5T_C_S1), "string type");
  h5_check_status(H5Tset_size(t.get(), H5T_VARIABLE), "string type size");
  h5_check_status(H5Tset_cset(t.get(), H5T_CSET_UTF8), "string type encoding");
  return t;
}

}  // namespace cubie::io::detail
