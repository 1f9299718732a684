// Reads result files back with the HDF5 C API, independently of the writer's code:
// dataset shapes and raw contents, attributes and dimension-scale attachments.
#pragma once
#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace cubie::test {

class h5_reader {
 public:
  explicit h5_reader(const std::filesystem::path& path) {
    file_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file_ < 0) throw std::runtime_error("cannot open " + path.string());
  }
  ~h5_reader() { H5Fclose(file_); }
  h5_reader(const h5_reader&) = delete;
  h5_reader& operator=(const h5_reader&) = delete;

  [[nodiscard]] bool has(const std::string& name) const {
    return H5Lexists(file_, name.c_str(), H5P_DEFAULT) > 0;
  }

  [[nodiscard]] std::vector<hsize_t> shape(const std::string& name) const {
    const hid_t ds = open(name);
    const hid_t sp = H5Dget_space(ds);
    std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(sp)));
    H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
    H5Sclose(sp);
    H5Dclose(ds);
    return dims;
  }

  /// The whole dataset converted to T by HDF5 (exact for matching types).
  template <class T>
  [[nodiscard]] std::vector<T> read(const std::string& name) const {
    const hid_t ds = open(name);
    const hid_t sp = H5Dget_space(ds);
    std::vector<T> out(static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp)));
    if (!out.empty() && H5Dread(ds, mem_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
      throw std::runtime_error("cannot read " + name);
    H5Sclose(sp);
    H5Dclose(ds);
    return out;
  }

  /// Runs [0, n) of a dataset whose last axis is the run (every index of the other axes), in
  /// C order: what a reader of a partial file takes.
  template <class T>
  [[nodiscard]] std::vector<T> read_first_runs(const std::string& name, hsize_t n) const {
    const hid_t ds = open(name);
    const hid_t sp = H5Dget_space(ds);
    std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(sp)));
    H5Sget_simple_extent_dims(sp, dims.data(), nullptr);
    std::vector<hsize_t> start(dims.size(), 0), count = dims;
    count.back() = n;
    H5Sselect_hyperslab(sp, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
    std::size_t total = 1;
    for (hsize_t c : count) total *= static_cast<std::size_t>(c);
    std::vector<T> out(total);
    const hid_t mem = H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr);
    const herr_t rc = total == 0 ? 0 : H5Dread(ds, mem_type<T>(), mem, sp, H5P_DEFAULT, out.data());
    H5Sclose(mem);
    H5Sclose(sp);
    H5Dclose(ds);
    if (rc < 0) throw std::runtime_error("cannot read the first runs of " + name);
    return out;
  }

  /// The file type of a dataset's elements: 'f' float, 'u' unsigned, 'i' signed, 's' string; and its size.
  [[nodiscard]] std::pair<char, std::size_t> element_type(const std::string& name) const {
    const hid_t ds = open(name);
    const hid_t t = H5Dget_type(ds);
    const H5T_class_t c = H5Tget_class(t);
    char k = c == H5T_FLOAT ? 'f' : c == H5T_STRING ? 's' : (H5Tget_sign(t) == H5T_SGN_NONE ? 'u' : 'i');
    const std::size_t size = H5Tget_size(t);
    H5Tclose(t);
    H5Dclose(ds);
    return {k, size};
  }

  [[nodiscard]] std::vector<std::string> read_strings(const std::string& name) const {
    const hid_t ds = open(name);
    const hid_t sp = H5Dget_space(ds);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp));
    std::vector<std::string> out = read_vlen(ds, sp, n, false);
    H5Sclose(sp);
    H5Dclose(ds);
    return out;
  }

  [[nodiscard]] bool has_attribute(const std::string& name) const { return H5Aexists(file_, name.c_str()) > 0; }

  [[nodiscard]] std::string string_attribute(const std::string& name) const {
    auto v = string_attributes(name);
    return v.empty() ? std::string() : v[0];
  }
  [[nodiscard]] std::vector<std::string> string_attributes(const std::string& name) const {
    const hid_t a = H5Aopen(file_, name.c_str(), H5P_DEFAULT);
    if (a < 0) throw std::runtime_error("no attribute " + name);
    const hid_t sp = H5Aget_space(a);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(sp));
    std::vector<std::string> out = read_vlen(a, sp, n, true);
    H5Sclose(sp);
    H5Aclose(a);
    return out;
  }
  template <class T>
  [[nodiscard]] T scalar_attribute(const std::string& name) const {
    const hid_t a = H5Aopen(file_, name.c_str(), H5P_DEFAULT);
    if (a < 0) throw std::runtime_error("no attribute " + name);
    T v{};
    H5Aread(a, mem_type<T>(), &v);
    H5Aclose(a);
    return v;
  }

  /// True when axis `axis` of `dataset` has the dimension scale `scale` attached.
  [[nodiscard]] bool scale_attached(const std::string& dataset, unsigned axis, const std::string& scale) const {
    const hid_t ds = open(dataset), sc = open(scale);
    const bool ok = H5DSis_scale(sc) > 0 && H5DSis_attached(ds, sc, axis) > 0;
    H5Dclose(sc);
    H5Dclose(ds);
    return ok;
  }
  [[nodiscard]] std::string scale_name(const std::string& scale) const {
    const hid_t sc = open(scale);
    char buf[256] = {};
    H5DSget_scale_name(sc, buf, sizeof buf);
    H5Dclose(sc);
    return buf;
  }

 private:
  template <class T>
  static hid_t mem_type() {
    if constexpr (std::is_same_v<T, float>) return H5T_NATIVE_FLOAT;
    else if constexpr (std::is_same_v<T, double>) return H5T_NATIVE_DOUBLE;
    else if constexpr (std::is_same_v<T, std::uint32_t>) return H5T_NATIVE_UINT32;
    else if constexpr (std::is_same_v<T, std::uint8_t>) return H5T_NATIVE_UINT8;
    else if constexpr (std::is_same_v<T, std::int32_t>) return H5T_NATIVE_INT32;
    else return H5T_NATIVE_INT64;
  }
  [[nodiscard]] hid_t open(const std::string& name) const {
    const hid_t ds = H5Dopen2(file_, name.c_str(), H5P_DEFAULT);
    if (ds < 0) throw std::runtime_error("no dataset " + name);
    return ds;
  }
  static std::vector<std::string> read_vlen(hid_t obj, hid_t space, std::size_t n, bool attribute) {
    std::vector<std::string> out;
    if (n == 0) return out;
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    std::vector<char*> raw(n, nullptr);
    const herr_t rc = attribute ? H5Aread(obj, t, raw.data()) : H5Dread(obj, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data());
    if (rc < 0) throw std::runtime_error("cannot read strings");
    for (char* s : raw) out.emplace_back(s ? s : "");
    H5Dvlen_reclaim(t, space, H5P_DEFAULT, raw.data());
    H5Tclose(t);
    return out;
  }
  hid_t file_;
};

}  // namespace cubie::test
