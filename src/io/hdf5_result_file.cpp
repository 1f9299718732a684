#include "hdf5_result_file.hpp"

#include <hdf5_hl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "cubie/core/error.hpp"
#include "cubie/core/status.hpp"

namespace cubie::io {

using namespace detail;

namespace {

using dims_t = std::vector<hsize_t>;

// Most runs per storage chunk of the 1-D per-run datasets and of the inputs.
constexpr hsize_t per_run_chunk = hsize_t{1} << 18;
// Runs written per H5Dwrite when filling the inputs and the run index, bounding the
// temporary host memory whatever the batch size.
constexpr i64 write_slab_runs = i64{1} << 20;

const char* const status_flags_text =
    "0 success; bits: 2 Newton iterations exceeded, 4 linear solver iterations exceeded (Krylov), "
    "8 step too small (dt_min), 32 max steps exceeded, 64 stagnation (t + dt == t), 128 linear solver breakdown "
    "(Krylov), 256 Newton iteration diverged, "
    "512 non-finite state, 1024 not integrated, 2048 singular iteration matrix (implicit methods), "
    "4096 beside a failure: an explicit method's steps were held by its stability limit (stiff)";

bool any_zero(const dims_t& d) {
  return std::any_of(d.begin(), d.end(), [](hsize_t x) { return x == 0; });
}

/// A chunked (compressed when asked) dataset with a fill value; contiguous when a
/// dimension is 0, since HDF5 rejects chunks of an empty extent.
h5_handle create_dataset(hid_t loc, const std::string& name, hid_t file_type, const dims_t& dims, dims_t chunk,
                         hid_t fill_type, const void* fill, const hdf5_file_options& opt,
                         std::uint64_t cache_bytes = 0) {
  h5_handle space = h5_space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), name + " space");
  h5_handle dcpl = h5_plist(H5Pcreate(H5P_DATASET_CREATE), name + " creation properties");
  if (!any_zero(dims) && !chunk.empty()) {
    for (std::size_t i = 0; i < dims.size(); ++i) chunk[i] = std::clamp<hsize_t>(chunk[i], 1, dims[i]);
    h5_check_status(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), name + " chunking");
    if (opt.compression_level > 0) {
      if (opt.shuffle) h5_check_status(H5Pset_shuffle(dcpl.get()), name + " shuffle filter");
      h5_check_status(H5Pset_deflate(dcpl.get(), static_cast<unsigned>(opt.compression_level)), name + " gzip filter");
    }
  }
  if (fill) h5_check_status(H5Pset_fill_value(dcpl.get(), fill_type, fill), name + " fill value");
  h5_handle dapl = h5_plist(H5Pcreate(H5P_DATASET_ACCESS), name + " access properties");
  if (cache_bytes > 0) {
    // w0 = 1: evict fully written chunks first, keep the partly written edge chunk of
    // the last commit until the next commit completes it.
    h5_check_status(H5Pset_chunk_cache(dapl.get(), 10007, cache_bytes, 1.0), name + " chunk cache");
  }
  return h5_dataset(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), dapl.get()),
                    "create dataset " + name);
}

/// A virtual dataset of extent `dims` (runs on the last axis) whose runs [p.begin, p.end)
/// are runs [0, p.end - p.begin) of dataset `name` in each part's file, with the same fill
/// value as a stored dataset for runs whose part does not exist.
h5_handle create_virtual_dataset(hid_t loc, const std::string& name, hid_t file_type, const dims_t& dims,
                                 hid_t fill_type, const void* fill, const std::vector<virtual_part>& parts) {
  h5_handle space = h5_space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), name + " space");
  h5_handle dcpl = h5_plist(H5Pcreate(H5P_DATASET_CREATE), name + " creation properties");
  if (fill) h5_check_status(H5Pset_fill_value(dcpl.get(), fill_type, fill), name + " fill value");
  for (const virtual_part& p : parts) {
    const hsize_t n = static_cast<hsize_t>(p.end - p.begin);
    if (n == 0) continue;
    dims_t start(dims.size(), 0), count = dims;
    start.back() = static_cast<hsize_t>(p.begin);
    count.back() = n;
    h5_handle target = h5_space(H5Scopy(space.get()), name + " selection");
    h5_check_status(H5Sselect_hyperslab(target.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
                    "select runs of " + name);
    h5_handle source = h5_space(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr),
                                name + " source space");
    h5_check_status(H5Pset_virtual(dcpl.get(), target.get(), p.file.c_str(), name.c_str(), source.get()),
                    "map runs of " + name + " to " + p.file);
  }
  return h5_dataset(H5Dcreate2(loc, name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                    "create virtual dataset " + name);
}

void write_all(hid_t dataset, hid_t mem_type, const void* data, const std::string& what) {
  h5_check_status(H5Dwrite(dataset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "write " + what);
}

std::vector<const char*> c_strings(const std::vector<std::string>& v) {
  std::vector<const char*> out;
  out.reserve(v.size());
  for (const auto& s : v) out.push_back(s.c_str());
  return out;
}

/// A 1-D dataset of names (variable-length UTF-8 strings).
h5_handle create_names(hid_t loc, const std::string& name, const std::vector<std::string>& names) {
  h5_handle type = vlen_string_type();
  const dims_t dims{names.size()};
  h5_handle space = h5_space(H5Screate_simple(1, dims.data(), nullptr), name + " space");
  h5_handle ds = h5_dataset(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                       H5P_DEFAULT), "create dataset " + name);
  if (!names.empty()) write_all(ds.get(), type.get(), c_strings(names).data(), name);
  return ds;
}

void write_string_attribute(hid_t loc, const char* name, const std::string& value) {
  h5_handle type = vlen_string_type();
  h5_handle space = h5_space(H5Screate(H5S_SCALAR), std::string(name) + " space");
  h5_handle attr = h5_attribute(H5Acreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                std::string("create attribute ") + name);
  const char* p = value.c_str();
  h5_check_status(H5Awrite(attr.get(), type.get(), &p), std::string("write attribute ") + name);
}

void write_strings_attribute(hid_t loc, const char* name, const std::vector<std::string>& values) {
  h5_handle type = vlen_string_type();
  const dims_t dims{values.size()};
  h5_handle space = h5_space(H5Screate_simple(1, dims.data(), nullptr), std::string(name) + " space");
  h5_handle attr = h5_attribute(H5Acreate2(loc, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                std::string("create attribute ") + name);
  if (!values.empty())
    h5_check_status(H5Awrite(attr.get(), type.get(), c_strings(values).data()), std::string("write attribute ") + name);
}

/// Creates or overwrites a scalar numeric attribute.
template <class T>
void set_scalar_attribute(hid_t loc, const char* name, hid_t file_type, hid_t mem_type, T value) {
  const htri_t exists = H5Aexists(loc, name);
  h5_check_status(static_cast<herr_t>(exists), std::string("look up attribute ") + name);
  h5_handle attr;
  if (exists > 0) {
    attr = h5_attribute(H5Aopen(loc, name, H5P_DEFAULT), std::string("open attribute ") + name);
  } else {
    h5_handle space = h5_space(H5Screate(H5S_SCALAR), std::string(name) + " space");
    attr = h5_attribute(H5Acreate2(loc, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                        std::string("create attribute ") + name);
  }
  h5_check_status(H5Awrite(attr.get(), mem_type, &value), std::string("write attribute ") + name);
}

void make_scale(hid_t ds, const char* name) {
  h5_check_status(H5DSset_scale(ds, name), std::string("dimension scale ") + name);
}
void attach_scale(hid_t ds, hid_t scale, unsigned axis, const std::string& what) {
  h5_check_status(H5DSattach_scale(ds, scale, axis), "attach dimension scale to " + what);
}

/// Selects [begin, begin + count) along the last axis (every index of the others).
void select_runs(hid_t space, const dims_t& extent, hsize_t begin, hsize_t count, const std::string& what) {
  dims_t start(extent.size(), 0), cnt = extent;
  start.back() = begin;
  cnt.back() = count;
  h5_check_status(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, cnt.data(), nullptr),
                  "select runs of " + what);
}

/// Writes runs [begin, begin + count) of `dataset` (runs on its last axis) from a
/// buffer of extent `mem_extent` at run offset `mem_offset`.
void write_run_range(hid_t dataset, hid_t mem_type, const void* data, const dims_t& mem_extent, hsize_t mem_offset,
                     hsize_t begin, hsize_t count, const std::string& what) {
  if (count == 0 || any_zero(mem_extent)) return;
  h5_handle file_space = h5_space(H5Dget_space(dataset), what + " space");
  dims_t file_extent(mem_extent.size());
  H5Sget_simple_extent_dims(file_space.get(), file_extent.data(), nullptr);
  select_runs(file_space.get(), file_extent, begin, count, what);
  h5_handle mem_space = h5_space(H5Screate_simple(static_cast<int>(mem_extent.size()), mem_extent.data(), nullptr),
                                 what + " memory space");
  select_runs(mem_space.get(), mem_extent, mem_offset, count, what);
  h5_check_status(H5Dwrite(dataset, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, data), "write " + what);
}

/// Inputs (columns, runs) in double, broadcast values expanded, written in slabs.
void write_inputs(hid_t dataset, const batch_grid& grid, int first_column, int n_columns, const std::string& what) {
  const i64 n_runs = grid.n_runs();
  if (n_columns == 0) return;
  std::vector<double> buf;
  for (i64 b = 0; b < n_runs; b += write_slab_runs) {
    const i64 n = std::min(write_slab_runs, n_runs - b);
    buf.resize(static_cast<std::size_t>(n_columns * n));
    for (int c = 0; c < n_columns; ++c) {
      const auto& col = grid.columns()[first_column + c];
      double* dst = buf.data() + c * n;
      if (col.broadcast()) std::fill(dst, dst + n, col.values[0]);
      else std::copy(col.values.begin() + b, col.values.begin() + b + n, dst);
    }
    write_run_range(dataset, H5T_NATIVE_DOUBLE, buf.data(), {static_cast<hsize_t>(n_columns), static_cast<hsize_t>(n)},
                    0, static_cast<hsize_t>(b), static_cast<hsize_t>(n), what);
  }
}

std::vector<std::string> column_names(const batch_grid& grid, int first, int count) {
  std::vector<std::string> out;
  for (int c = 0; c < count; ++c) out.push_back(grid.columns()[first + c].name);
  return out;
}

/// The chunk length along an axis of `extent` closest to `most` that splits the axis
/// into equal pieces: the last chunk is then (nearly) full, where a plain `most` could
/// leave it mostly empty yet stored whole (13% of a Lorenz file at 101 saves).
hsize_t even_chunk(hsize_t extent, hsize_t most) {
  if (extent == 0) return 1;
  most = std::clamp<hsize_t>(most, 1, extent);
  const hsize_t pieces = (extent + most - 1) / most;
  return (extent + pieces - 1) / pieces;
}

/// Storage chunk of a per-run array with axes (a0, a1, ..., run): every value of the inner
/// axes, up to 4096 runs, and as many of a0 as fit the target, so a commit of many runs
/// rewrites few partial chunks and reading one variable or one save does not drag in the
/// whole file. 1-D per-run arrays use per_run_chunk runs.
dims_t array_chunk(const output_array& a, precision p, i64 n_runs_total, std::uint64_t target) {
  const hsize_t n_runs = static_cast<hsize_t>(std::max<i64>(1, n_runs_total));
  if (a.axes.empty()) return {even_chunk(n_runs, per_run_chunk)};
  const hsize_t vb = a.element_bytes(p);
  hsize_t inner = 1;
  for (std::size_t k = 1; k < a.axes.size(); ++k) inner *= std::max<hsize_t>(1, static_cast<hsize_t>(a.axes[k].size));
  hsize_t runs = std::min<hsize_t>(n_runs, 4096);
  while (inner * runs * vb > target && runs > 64) runs /= 2;
  runs = even_chunk(n_runs, runs);
  const hsize_t outer = static_cast<hsize_t>(std::max<std::int64_t>(1, a.axes[0].size));
  dims_t chunk{even_chunk(outer, std::max<hsize_t>(1, target / (inner * runs * vb)))};
  for (std::size_t k = 1; k < a.axes.size(); ++k) chunk.push_back(static_cast<hsize_t>(a.axes[k].size));
  chunk.push_back(runs);
  return chunk;
}

/// File and memory HDF5 types of an array's elements.
hid_t file_type_of(const output_array& a, precision p) {
  switch (a.type) {
    case element_type::value: return p == precision::float32 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
    case element_type::uint32: return H5T_STD_U32LE;
    case element_type::float64: return H5T_IEEE_F64LE;
  }
  return H5T_IEEE_F64LE;
}
hid_t memory_type_of(const output_array& a, precision p) {
  switch (a.type) {
    case element_type::value: return p == precision::float32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    case element_type::uint32: return H5T_NATIVE_UINT32;
    case element_type::float64: return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_DOUBLE;
}

/// The fill value of an array (what runs never written hold), in its memory type.
struct fill_value {
  float f32;
  double f64;
  u32 u;
  const void* of(const output_array& a, precision p) {
    f32 = static_cast<float>(a.unintegrated_value);
    f64 = a.unintegrated_value;
    u = a.type == element_type::uint32 ? static_cast<u32>(a.unintegrated_value) : 0;
    switch (a.type) {
      case element_type::value: return p == precision::float32 ? static_cast<const void*>(&f32) : &f64;
      case element_type::uint32: return &u;
      case element_type::float64: return &f64;
    }
    return &f64;
  }
};

/// The root attributes. Written first, so a reader of a partial file learns what it holds.
void write_description(hid_t root, const SolveResult::layout& layout, const batch_grid& grid,
                       const result_metadata& metadata) {
  set_scalar_attribute<std::uint8_t>(root, "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, 0);
  set_scalar_attribute<std::int64_t>(root, "committed_runs", H5T_STD_I64LE, H5T_NATIVE_INT64, 0);
  write_string_attribute(root, "cubie_version", metadata.cubie_version);
  write_string_attribute(root, "model_name", metadata.model_name);
  write_string_attribute(root, "model", metadata.model_text);
  write_string_attribute(root, "solver_settings", metadata.solver_settings);
  write_string_attribute(root, "backend", metadata.backend);
  write_string_attribute(root, "precision", precision_name(layout.precision));
  write_strings_attribute(root, "variables", layout.variables());
  write_strings_attribute(root, "states", column_names(grid, 0, grid.n_states()));
  write_strings_attribute(root, "parameters",
                          column_names(grid, grid.n_states(), static_cast<int>(grid.columns().size()) - grid.n_states()));
  set_scalar_attribute<std::int32_t>(root, "n_saved_states", H5T_STD_I32LE, H5T_NATIVE_INT32, layout.n_saved_states);
  write_string_attribute(root, "status_flags", status_flags_text);
  // What event_ids index (the model's events, in order).
  if (!layout.event_names.empty()) write_strings_attribute(root, "events", layout.event_names);
}

/// The group `inputs`: every run's initial values and parameters, complete from the start.
void write_inputs_group(hid_t root, const batch_grid& grid, hid_t run_scale, hsize_t run_chunk,
                        const hdf5_file_options& options) {
  const hsize_t R = static_cast<hsize_t>(grid.n_runs());
  h5_handle gcpl = h5_plist(H5Pcreate(H5P_GROUP_CREATE), "group creation properties");
  h5_check_status(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
                  "link creation order");
  h5_handle inputs = h5_group(H5Gcreate2(root, "inputs", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), "create group inputs");
  const int n_states = grid.n_states();
  const int n_params = static_cast<int>(grid.columns().size()) - n_states;
  auto add_inputs = [&](const char* name, const char* scale_name, int first, int count) {
    const std::string full = std::string("inputs/") + name;
    h5_handle names = create_names(inputs.get(), scale_name, column_names(grid, first, count));
    h5_handle ds = create_dataset(inputs.get(), name, H5T_IEEE_F64LE, {static_cast<hsize_t>(count), R},
                                  {1, run_chunk}, H5T_NATIVE_DOUBLE, nullptr, options);
    write_inputs(ds.get(), grid, first, count, full);
    // A dimension of length 0 reads as "unlimited" in netCDF: leave it unnamed.
    if (count > 0) {
      make_scale(names.get(), scale_name);
      attach_scale(ds.get(), names.get(), 0, full);
    }
    if (R > 0) attach_scale(ds.get(), run_scale, 1, full);
  };
  add_inputs("initial_values", "state", 0, n_states);
  add_inputs("parameters", "parameter", n_states, n_params);
}

}  // namespace

hdf5_result_file::hdf5_result_file(const std::filesystem::path& path, const SolveResult::layout& layout,
                                   const batch_grid& grid, const result_metadata& metadata,
                                   const hdf5_file_options& options, const result_file_form& form)
    : layout_(layout), path_(path.string()), first_run_(form.first_run) {
  silence_hdf5_errors();
  options.validate();
  if (layout.n_runs != grid.n_runs()) {
    throw invalid_argument("result file: the layout has " + std::to_string(layout.n_runs) + " runs but the grid has " +
                           std::to_string(grid.n_runs()));
  }
  if (options.compression_level > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0)
    throw error("HDF5: this HDF5 library has no gzip filter; use compression level 0");

  const hsize_t R = static_cast<hsize_t>(layout.n_runs);
  const precision prec = layout.precision;

  // Creation order tracked: netCDF readers and h5py (track_order) list objects as written.
  h5_handle fcpl = h5_plist(H5Pcreate(H5P_FILE_CREATE), "file creation properties");
  h5_check_status(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
                  "link creation order");
  h5_check_status(H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
                  "attribute creation order");
  if (options.compression_level > 0) {
    // A compressed chunk rewritten by the next commit moves, and HDF5 would hand its old
    // place to a later chunk: after a failed write (a full disk) the partial file's index
    // could point a committed chunk at another's bytes. Freed space is not reused instead
    // (a compressed file grows by the rewritten chunks; HDF5 1.10 or later reads it).
    h5_check_status(H5Pset_file_space_strategy(fcpl.get(), H5F_FSPACE_STRATEGY_NONE, 0, 1),
                    "file space strategy");
  }
  file_ = h5_file(H5Fcreate(path_.c_str(), H5F_ACC_TRUNC, fcpl.get(), H5P_DEFAULT), "create " + path_);
  const hid_t root = file_.get();
  // A failure below (a full disk while the inputs are written) abandons the file rather
  // than leaving HDF5 a close that fails (see abandon()).
  struct abandon_on_throw {
    hdf5_result_file* file;
    bool armed = true;
    ~abandon_on_throw() {
      if (armed) file->abandon();
    }
  } guard{this};

  write_description(root, layout, grid, metadata);
  if (form.first_run != 0)
    set_scalar_attribute<std::int64_t>(root, "first_run", H5T_STD_I64LE, H5T_NATIVE_INT64, form.first_run);
  if (!metadata.written_by.empty()) write_string_attribute(root, "written_by", metadata.written_by);
  const bool joined = !form.parts.empty();
  if (joined) {
    i64 at = 0;
    for (const virtual_part& p : form.parts) {
      if (p.begin != at || p.end < p.begin)
        throw internal_error("result file: the parts of " + path_ + " do not cover the runs in order at run " +
                             std::to_string(at));
      at = p.end;
    }
    if (at != layout.n_runs)
      throw internal_error("result file: the parts of " + path_ + " cover " + std::to_string(at) + " of " +
                           std::to_string(layout.n_runs) + " runs");
  }

  // ---- coordinates (dimension scales): each axis once, then the runs ------------------
  std::vector<std::pair<std::string, h5_handle>> scales;
  for (const output_array& a : layout.arrays) {
    for (const output_axis& axis : a.axes) {
      if (std::any_of(scales.begin(), scales.end(), [&](const auto& s) { return s.first == axis.name; })) continue;
      h5_handle scale;
      if (!axis.numeric) {
        scale = create_names(root, axis.name, axis.labels);
      } else {
        const hsize_t n = static_cast<hsize_t>(axis.size);
        scale = create_dataset(root, axis.name, H5T_IEEE_F64LE, {n}, {}, H5T_NATIVE_DOUBLE, nullptr, options);
        if (n > 0) write_all(scale.get(), H5T_NATIVE_DOUBLE, axis.coordinates.data(), axis.name);
      }
      make_scale(scale.get(), axis.name.c_str());
      scales.emplace_back(axis.name, std::move(scale));
    }
  }
  const dims_t run_chunk{even_chunk(R, per_run_chunk)};
  const std::int64_t no_run = -1;
  run_ = joined ? create_virtual_dataset(root, "run", H5T_STD_I64LE, {R}, H5T_NATIVE_INT64, &no_run, form.parts)
                : create_dataset(root, "run", H5T_STD_I64LE, {R}, run_chunk, H5T_NATIVE_INT64, &no_run, options);
  make_scale(run_.get(), "run");

  // ---- outputs: one dataset per array of the layout -------------------------------------
  for (const output_array& a : layout.arrays) {
    dims_t dims;
    for (const output_axis& axis : a.axes) dims.push_back(static_cast<hsize_t>(axis.size));
    dims.push_back(R);
    const dims_t chunk = array_chunk(a, prec, layout.n_runs, options.chunk_bytes);
    std::uint64_t cache = 0;
    if (!a.axes.empty()) {
      // Room for the chunks one commit touches: a strip along the first axis, twice, and one more.
      std::uint64_t chunk_bytes = a.element_bytes(prec);
      for (hsize_t c : chunk) chunk_bytes *= c;
      const std::uint64_t strip_bytes = (dims[0] + chunk[0] - 1) / chunk[0] * chunk_bytes;
      cache = std::clamp<std::uint64_t>(2 * strip_bytes + chunk_bytes, 1 << 20, 64ull << 20);
    }
    fill_value fill;
    h5_handle ds = joined ? create_virtual_dataset(root, a.name, file_type_of(a, prec), dims, memory_type_of(a, prec),
                                                   fill.of(a, prec), form.parts)
                          : create_dataset(root, a.name, file_type_of(a, prec), dims, chunk, memory_type_of(a, prec),
                                           fill.of(a, prec), options, cache);
    for (std::size_t k = 0; k < a.axes.size(); ++k) {
      if (a.axes[k].size == 0) continue;
      const auto it = std::find_if(scales.begin(), scales.end(), [&](const auto& s) { return s.first == a.axes[k].name; });
      attach_scale(ds.get(), it->second.get(), static_cast<unsigned>(k), a.name);
    }
    if (R > 0 || a.axes.empty()) attach_scale(ds.get(), run_.get(), static_cast<unsigned>(a.axes.size()), a.name);
    if (a.id == output_id::summaries) {
      // The rows are variable-major: reshape to (window, variable, value, run) with these.
      write_strings_attribute(ds.get(), "summarised_variables", layout.summarised_variables);
      write_strings_attribute(ds.get(), "summary_values", layout.summary_outputs);
    }
    arrays_.push_back(std::move(ds));
  }

  write_inputs_group(root, grid, run_.get(), run_chunk[0], options);
  h5_check_status(H5Fflush(root, H5F_SCOPE_GLOBAL), "flush " + path_);
  guard.armed = false;
}

void hdf5_result_file::write_runs(i64 begin, i64 end, const run_slab& slab) {
  silence_hdf5_errors();
  const hsize_t b = static_cast<hsize_t>(begin), n = static_cast<hsize_t>(end - begin);
  for (std::size_t k = 0; k < layout_.arrays.size(); ++k) {
    const output_array& a = layout_.arrays[k];
    dims_t extent;
    for (const output_axis& axis : a.axes) extent.push_back(static_cast<hsize_t>(axis.size));
    extent.push_back(static_cast<hsize_t>(slab.buffer_runs));
    write_run_range(arrays_[k].get(), memory_type_of(a, layout_.precision), slab.data[static_cast<int>(a.id)], extent,
                    static_cast<hsize_t>(slab.offset), b, n, a.name);
  }
  std::vector<std::int64_t> index;
  for (i64 s = begin; s < end; s += write_slab_runs) {
    const i64 m = std::min(write_slab_runs, end - s);
    index.resize(static_cast<std::size_t>(m));
    for (i64 i = 0; i < m; ++i) index[i] = first_run_ + s + i;
    write_run_range(run_.get(), H5T_NATIVE_INT64, index.data(), {static_cast<hsize_t>(m)}, 0,
                    static_cast<hsize_t>(s), static_cast<hsize_t>(m), "run");
  }
}

hdf5_result_file::hdf5_result_file(const std::filesystem::path& path, const SolveResult::layout& layout)
    : layout_(layout), path_(path.string()) {
  silence_hdf5_errors();
  file_ = h5_file(H5Fopen(path_.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), "open " + path_);
}

void hdf5_result_file::mark_committed(i64 n) {
  silence_hdf5_errors();
  // The runs' data reach the disk before committed_runs says they are there: a dataset's
  // flush stops at a failed raw-data write, before its object header, so a full disk
  // leaves the attribute at the last chunk that is really stored.
  for (const h5_handle& h : arrays_) h5_check_status(H5Dflush(h.get()), "flush " + path_);
  if (run_.valid()) h5_check_status(H5Dflush(run_.get()), "flush " + path_);
  set_scalar_attribute<std::int64_t>(file_.get(), "committed_runs", H5T_STD_I64LE, H5T_NATIVE_INT64, n);
  h5_check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush " + path_);
}

void hdf5_result_file::seal() {
  silence_hdf5_errors();
  set_scalar_attribute<std::uint8_t>(file_.get(), "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, 1);
  // Flushed while the handles are open, so a failure here can still abandon() the file.
  h5_check_status(H5Fflush(file_.get(), H5F_SCOPE_GLOBAL), "flush " + path_);
  for (h5_handle& h : arrays_)
    if (!h.reset()) throw error("HDF5: closing a dataset of " + path_ + " failed");
  if (run_.valid() && !run_.reset()) throw error("HDF5: closing a dataset of " + path_ + " failed");
  if (!file_.reset()) throw error("HDF5: closing " + path_ + " failed (the data may not be on disk)");
}

void hdf5_result_file::close() {
  silence_hdf5_errors();
  for (h5_handle& h : arrays_) h.reset();
  run_.reset();
  file_.reset();
}

void hdf5_result_file::abandon() {
  silence_hdf5_errors();
  // Closing flushes HDF5's cache: object headers rewritten in place would point at chunks
  // the failed write never stored, and a close that fails leaves the file open to crash
  // HDF5 at exit. So HDF5's descriptor is first pointed at an anonymous memory file: the
  // close succeeds and the file on disk stays as the last successful flush left it.
  void* handle = nullptr;
  if (file_.valid() && H5Fget_vfd_handle(file_.get(), H5P_DEFAULT, &handle) >= 0 && handle != nullptr) {
    const int fd = *static_cast<int*>(handle);
    const int scratch = ::memfd_create("cubie-abandoned-hdf5", MFD_CLOEXEC);
    if (scratch >= 0) {
      ::dup2(scratch, fd);
      ::close(scratch);
    }
  }
  H5Eclear2(H5E_DEFAULT);
  close();
}

}  // namespace cubie::io
