// The [drivers] and [events] sections of a model file: driver signals (samples inline or
// from CSV, .npy or HDF5 files, their times and interpolation) and events (a condition,
// a direction, an action and a reset). Every problem is a located model_error.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cubie/models/model.hpp"
#include "diagnostic.hpp"
#include "toml_reader.hpp"

namespace cubie::models::detail {

/// The keys of [drivers] that set every driver's times and interpolation (the design's
/// reserved keys); every other key names a driver.
[[nodiscard]] const std::vector<std::string>& driver_setting_keys();

/// Reads [drivers] into model.drivers and model.spec.drivers (same order). Names are checked
/// against the states, parameters and constants; files are read relative to `base_dir`.
void read_drivers(model_definition& model, const toml::table& section, const toml_reader& reader,
                  const std::filesystem::path& base_dir);

/// Reads [events] (after the equations: conditions and resets may use auxiliaries).
void read_events(model_definition& model, const toml::table& section, const toml_reader& reader);

/// A driver with one signal per run needs as many runs as the sweep makes; a float32
/// model's samples must fit in float. Errors point at the driver, or at `blame` (an override).
void check_drivers(const model_definition& model, const text_source& source, std::optional<source_position> blame);

}  // namespace cubie::models::detail
