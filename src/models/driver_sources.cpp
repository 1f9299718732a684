#include "driver_sources.hpp"

#include <hdf5.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie::models::detail {

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    throw invalid_argument("cannot read '" + path.string() + "'" + (exists ? "" : ": no such file"));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw invalid_argument("error while reading '" + path.string() + "'");
  return text.str();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '"')) s.remove_suffix(1);
  return s;
}

bool parse_number(std::string_view field, double& out) {
  field = trim(field);
  if (field.empty()) return false;
  if (field.front() == '+') field.remove_prefix(1);
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), out);
  return ec == std::errc() && end == field.data() + field.size();
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = line.find(',', begin);
    out.push_back(line.substr(begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin));
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return out;
}

// One column of a 2-D table, or the whole of a 1-D or 2-D one.
sample_table pick(const std::vector<double>& values, std::int64_t rows, std::int64_t cols, const column_choice& column,
                  const std::string& what) {
  sample_table t;
  if (!column.given()) {
    t.values = values;
    t.rows = rows;
    t.cols = cols;
    return t;
  }
  if (column.name) throw invalid_argument(what + " has no named columns; give column as a 0-based index");
  if (*column.index < 0 || *column.index >= cols) {
    throw invalid_argument(what + " has " + std::to_string(cols) + " column" + (cols == 1 ? "" : "s") + "; column " +
                           std::to_string(*column.index) + " is outside [0, " + std::to_string(cols) + ")");
  }
  t.rows = rows;
  t.cols = 1;
  for (std::int64_t k = 0; k < rows; ++k) t.values.push_back(values[static_cast<std::size_t>(k * cols + *column.index)]);
  return t;
}

template <class T>
T load_le(const char* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::big) {
    auto* b = reinterpret_cast<unsigned char*>(&v);
    std::reverse(b, b + sizeof v);
  }
  return v;
}

// The value of `key` in a .npy header dict, e.g. 'descr': '<f8' -> "'<f8'".
std::string header_value(const std::string& header, const std::string& key) {
  const std::size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) return {};
  std::size_t v = header.find(':', k);
  if (v == std::string::npos) return {};
  ++v;
  while (v < header.size() && header[v] == ' ') ++v;
  std::size_t end = v;
  if (header[v] == '(') end = header.find(')', v) + 1;
  else if (header[v] == '\'') end = header.find('\'', v + 1) + 1;
  else end = header.find_first_of(",}", v);
  return header.substr(v, end - v);
}

class hdf5_errors_off {
 public:
  hdf5_errors_off() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~hdf5_errors_off() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  hdf5_errors_off(const hdf5_errors_off&) = delete;
  hdf5_errors_off& operator=(const hdf5_errors_off&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

struct h5_id {
  hid_t id;
  herr_t (*close)(hid_t);
  ~h5_id() {
    if (id >= 0) close(id);
  }
};

}  // namespace

sample_table read_csv_column(const std::filesystem::path& path, const column_choice& column) {
  const std::string text = read_file(path);
  const std::string file = path.string();
  std::vector<std::pair<int, std::string_view>> lines;  // (line number, text)
  int number = 0;
  for (std::size_t begin = 0; begin <= text.size();) {
    std::size_t nl = text.find('\n', begin);
    if (nl == std::string::npos) nl = text.size();
    ++number;
    std::string_view line(text.data() + begin, nl - begin);
    if (!trim(line).empty() && trim(line).front() != '#') lines.push_back({number, line});
    begin = nl + 1;
  }
  if (lines.empty()) throw invalid_argument("'" + file + "' holds no data");
  std::vector<std::string_view> header = split_fields(lines.front().second);
  bool has_header = false;
  for (std::string_view f : header) {
    double v;
    if (!parse_number(f, v)) has_header = true;
  }
  std::int64_t index = -1;
  if (column.name) {
    if (!has_header) {
      throw invalid_argument("'" + file + "' has no header line, so column '" + *column.name +
                             "' cannot be found; give the column as a 0-based index");
    }
    std::vector<std::string> names;
    for (std::string_view f : header) names.emplace_back(trim(f));
    const auto it = std::find(names.begin(), names.end(), *column.name);
    if (it == names.end()) {
      throw invalid_argument("'" + file + "' has no column '" + *column.name + "'; its columns are " + join_names(names));
    }
    index = it - names.begin();
  } else if (column.index) {
    index = *column.index;
  } else {
    if (header.size() != 1) {
      throw invalid_argument("'" + file + "' has " + std::to_string(header.size()) +
                             " columns: say which one holds the samples (column = NAME or INDEX)");
    }
    index = 0;
  }
  sample_table t;
  t.cols = 1;
  for (std::size_t i = has_header ? 1 : 0; i < lines.size(); ++i) {
    const std::vector<std::string_view> fields = split_fields(lines[i].second);
    if (index >= static_cast<std::int64_t>(fields.size())) {
      throw invalid_argument("'" + file + "' line " + std::to_string(lines[i].first) + " has " +
                             std::to_string(fields.size()) + " fields; column " + column.text() + " is missing");
    }
    double v = 0;
    if (!parse_number(fields[static_cast<std::size_t>(index)], v)) {
      throw invalid_argument("'" + file + "' line " + std::to_string(lines[i].first) + ", column " + column.text() +
                             ": '" + std::string(trim(fields[static_cast<std::size_t>(index)])) + "' is not a number");
    }
    if (!std::isfinite(v)) {
      throw invalid_argument("'" + file + "' line " + std::to_string(lines[i].first) + ", column " + column.text() +
                             ": " + number_text(v) + " is not a finite number");
    }
    t.values.push_back(v);
  }
  t.rows = static_cast<std::int64_t>(t.values.size());
  return t;
}

sample_table read_npy(const std::filesystem::path& path, const column_choice& column) {
  const std::string data = read_file(path);
  const std::string file = "'" + path.string() + "'";
  if (data.size() < 10 || data.compare(0, 6, "\x93NUMPY") != 0) throw invalid_argument(file + " is not a .npy file");
  const int major = static_cast<unsigned char>(data[6]);
  std::size_t header_len = 0, header_at = 0;
  if (major == 1) {
    header_len = load_le<std::uint16_t>(data.data() + 8);
    header_at = 10;
  } else {
    if (data.size() < 12) throw invalid_argument(file + " is not a .npy file");
    header_len = load_le<std::uint32_t>(data.data() + 8);
    header_at = 12;
  }
  if (header_at + header_len > data.size()) throw invalid_argument(file + " is truncated (its header runs past the end)");
  const std::string header = data.substr(header_at, header_len);
  std::string descr = header_value(header, "descr");
  const std::string fortran = header_value(header, "fortran_order");
  const std::string shape_text = header_value(header, "shape");
  if (descr.size() < 4) throw invalid_argument(file + ": cannot read the array's type from its header");
  descr = descr.substr(1, descr.size() - 2);  // '<f8' -> <f8
  std::vector<std::int64_t> shape;
  for (std::size_t i = 1; i < shape_text.size();) {
    std::size_t j = shape_text.find_first_of(",)", i);
    const std::string part(trim(std::string_view(shape_text).substr(i, j - i)));
    if (!part.empty()) shape.push_back(std::stoll(part));
    i = j + 1;
    if (j == std::string::npos) break;
  }
  if (shape.empty() || shape.size() > 2) {
    throw invalid_argument(file + " holds an array of shape " + shape_text +
                           "; driver samples are 1-D (one signal) or 2-D (samples x runs)");
  }
  const char order = descr[0], kind = descr[1];
  const int width = std::atoi(descr.c_str() + 2);
  if (order == '>' && width > 1) throw invalid_argument(file + " is big-endian (" + descr + "); save it little-endian");
  if (!((kind == 'f' && (width == 4 || width == 8)) || ((kind == 'i' || kind == 'u') && (width == 1 || width == 2 || width == 4 || width == 8)))) {
    throw invalid_argument(file + " holds elements of type " + descr + "; use floats or integers");
  }
  const std::int64_t rows = shape[0], cols = shape.size() == 2 ? shape[1] : 1;
  const std::size_t count = static_cast<std::size_t>(rows * cols);
  const std::size_t data_at = header_at + header_len;
  if (data.size() - data_at < count * static_cast<std::size_t>(width)) throw invalid_argument(file + " is truncated");
  std::vector<double> values(count);
  const bool fortran_order = fortran.find("True") != std::string::npos;
  for (std::size_t i = 0; i < count; ++i) {
    const char* p = data.data() + data_at + i * static_cast<std::size_t>(width);
    double v = 0;
    if (kind == 'f') v = width == 8 ? load_le<double>(p) : load_le<float>(p);
    else if (kind == 'i') {
      v = width == 8 ? double(load_le<std::int64_t>(p)) : width == 4 ? double(load_le<std::int32_t>(p))
          : width == 2 ? double(load_le<std::int16_t>(p)) : double(static_cast<signed char>(*p));
    } else {
      v = width == 8 ? double(load_le<std::uint64_t>(p)) : width == 4 ? double(load_le<std::uint32_t>(p))
          : width == 2 ? double(load_le<std::uint16_t>(p)) : double(static_cast<unsigned char>(*p));
    }
    // Fortran order stores columns one after another: element (k, j) is number j * rows + k.
    const std::size_t k = fortran_order ? i % static_cast<std::size_t>(rows) : i / static_cast<std::size_t>(cols);
    const std::size_t j = fortran_order ? i / static_cast<std::size_t>(rows) : i % static_cast<std::size_t>(cols);
    values[k * static_cast<std::size_t>(cols) + j] = v;
  }
  return pick(values, rows, cols, column, file);
}

sample_table read_hdf5_dataset(const std::filesystem::path& path, const std::string& dataset, const column_choice& column) {
  const std::string file = "'" + path.string() + "'";
  {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw invalid_argument("cannot read " + file + ": no such file");
  }
  hdf5_errors_off quiet;
  const h5_id f{H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  if (f.id < 0) throw invalid_argument("cannot open " + file + " as an HDF5 file");
  if (H5Lexists(f.id, dataset.c_str(), H5P_DEFAULT) <= 0) {
    throw invalid_argument(file + " has no dataset '" + dataset + "'");
  }
  const h5_id d{H5Dopen2(f.id, dataset.c_str(), H5P_DEFAULT), H5Dclose};
  if (d.id < 0) throw invalid_argument(file + ": '" + dataset + "' is not a dataset");
  const h5_id type{H5Dget_type(d.id), H5Tclose};
  const H5T_class_t cls = H5Tget_class(type.id);
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
    throw invalid_argument(file + ": dataset '" + dataset + "' does not hold numbers");
  }
  const h5_id space{H5Dget_space(d.id), H5Sclose};
  const int rank = H5Sget_simple_extent_ndims(space.id);
  if (rank < 1 || rank > 2) {
    throw invalid_argument(file + ": dataset '" + dataset + "' has " + std::to_string(rank) +
                           " dimensions; driver samples are 1-D (one signal) or 2-D (samples x runs)");
  }
  hsize_t dims[2] = {0, 1};
  H5Sget_simple_extent_dims(space.id, dims, nullptr);
  const std::int64_t rows = static_cast<std::int64_t>(dims[0]), cols = rank == 2 ? static_cast<std::int64_t>(dims[1]) : 1;
  std::vector<double> values(static_cast<std::size_t>(rows * cols));
  if (!values.empty() && H5Dread(d.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    throw invalid_argument(file + ": reading dataset '" + dataset + "' failed");
  }
  return pick(values, rows, cols, column, file + " dataset '" + dataset + "'");
}

}  // namespace cubie::models::detail
