// cubie/io/result_metadata.hpp
// What a result file records beside the numbers: the model, the settings and the
// software that produced them, so a file alone says how to reproduce it.
#pragma once
#include <string>

namespace cubie::io {

/// @brief Descriptive text stored as attributes of a result file.
struct result_metadata {
  std::string model_name;       ///< the system's name
  std::string model_text;       ///< the model file verbatim ("" for C++ systems)
  std::string solver_settings;  ///< the settings, readable (settings_json() gives JSON)
  std::string backend;          ///< "cpu" or "cuda"
  std::string cubie_version = CUBIE_VERSION_STRING;
  /// The process that wrote a part of a split run ("rank 1 of 4 on node7"), stored as the
  /// attribute written_by; "" (an ordinary file) writes no such attribute.
  std::string written_by;
};

}  // namespace cubie::io
