#include "hdf5_handle.hpp"

#include <mutex>

#include "cubie/core/error.hpp"

namespace cubie::io::detail {

namespace {

// The innermost message of HDF5's error stack names the real cause ("unable to open
// file", "file exists"); the outer ones repeat the API call.
herr_t keep_last(unsigned /*n*/, const H5E_error2_t* e, void* data) {
  auto* reason = static_cast<std::string*>(data);
  if (e->desc && *e->desc) *reason = e->desc;
  return 0;
}

std::string current_reason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_last, &reason);
  H5Eclear2(H5E_DEFAULT);
  return reason.empty() ? std::string("unknown HDF5 error") : reason;
}

}  // namespace

void silence_hdf5_errors() {
  static std::once_flag once;
  std::call_once(once, [] { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); });
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
