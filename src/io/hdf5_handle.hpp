// Owning HDF5 identifiers and checked calls: every failure becomes a cubie::error that
// names the operation and HDF5's own reason, instead of HDF5 printing to stderr.
#pragma once
#include <hdf5.h>

#include <string>
#include <utility>

namespace cubie::io::detail {

/// An HDF5 identifier closed with the matching H5?close when the handle goes.
class h5_handle {
 public:
  using closer = herr_t (*)(hid_t);
  h5_handle() = default;
  h5_handle(hid_t id, closer close) : id_(id), close_(close) {}
  h5_handle(h5_handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  h5_handle& operator=(h5_handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  h5_handle(const h5_handle&) = delete;
  h5_handle& operator=(const h5_handle&) = delete;
  ~h5_handle() { reset(); }

  /// Closes now; returns false when HDF5 reported a failure (a flush that failed, say).
  bool reset() {
    bool ok = true;
    if (id_ >= 0 && close_) ok = close_(id_) >= 0;
    id_ = H5I_INVALID_HID;
    return ok;
  }
  [[nodiscard]] hid_t get() const { return id_; }
  [[nodiscard]] bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
  closer close_ = nullptr;
};

/// Stops HDF5 from printing its error stack (once per thread that calls HDF5); errors are
/// collected into exception messages instead.
void silence_hdf5_errors();

/// @throws cubie::error "HDF5: <what>: <reason>" when `id` is negative; the reason is the
///   system's (lower case, e.g. "no space left on device") when a system call failed.
hid_t h5_check(hid_t id, const std::string& what);
/// @throws cubie::error "HDF5: <what>: <reason>" when `status` is negative.
void h5_check_status(herr_t status, const std::string& what);

inline h5_handle h5_file(hid_t id, const std::string& what) { return {h5_check(id, what), H5Fclose}; }
inline h5_handle h5_group(hid_t id, const std::string& what) { return {h5_check(id, what), H5Gclose}; }
inline h5_handle h5_dataset(hid_t id, const std::string& what) { return {h5_check(id, what), H5Dclose}; }
inline h5_handle h5_space(hid_t id, const std::string& what) { return {h5_check(id, what), H5Sclose}; }
inline h5_handle h5_type(hid_t id, const std::string& what) { return {h5_check(id, what), H5Tclose}; }
inline h5_handle h5_plist(hid_t id, const std::string& what) { return {h5_check(id, what), H5Pclose}; }
inline h5_handle h5_attribute(hid_t id, const std::string& what) { return {h5_check(id, what), H5Aclose}; }

/// A variable-length UTF-8 string type (what h5py and netCDF read as str).
h5_handle vlen_string_type();

}  // namespace cubie::io::detail
