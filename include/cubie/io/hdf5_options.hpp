// cubie/io/hdf5_options.hpp
// How result datasets are stored in an HDF5 file: compression and the size of the
// storage chunks (the unit HDF5 reads, writes and compresses).
#pragma once
#include <cstdint>

namespace cubie::io {

/// @brief Storage choices for every dataset of a result file.
struct hdf5_file_options {
  /// gzip level 0..9; 0 (the default) stores the data uncompressed. Level 1 with the
  /// shuffle filter halves a Lorenz file but makes writing 5 to 10 times slower, more
  /// than the CPU solve itself (docs/cli_and_files.md has the measurement).
  int compression_level = 0;
  /// Byte-shuffle before compressing (groups exponent bytes together; helps floats).
  bool shuffle = true;
  /// Target uncompressed bytes of one storage chunk of time_domain.
  std::uint64_t chunk_bytes = std::uint64_t{1} << 20;

  /// @throws cubie::invalid_argument for a level outside 0..9 or chunk_bytes < 4096.
  void validate() const;
};

}  // namespace cubie::io
