#include "cubie/io/hdf5_options.hpp"

#include <string>

#include "cubie/core/error.hpp"

namespace cubie::io {

void hdf5_file_options::validate() const {
  if (compression_level < 0 || compression_level > 9)
    throw invalid_argument("compression_level = " + std::to_string(compression_level) + "; it must be in 0..9");
  if (chunk_bytes < 4096)
    throw invalid_argument("chunk_bytes = " + std::to_string(chunk_bytes) + "; it must be at least 4096");
}


}  // namespace cubie::io
