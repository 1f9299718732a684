// One key of a model file section applied onto a model_definition. Shared by the file
// loader and by --set overrides, so both accept the same keys with the same checks.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "cubie/models/model.hpp"
#include "toml_reader.hpp"

namespace cubie::models::detail {

/// The keys [solver] accepts: solver_settings' fields and the time/save keys of solve_spec.
[[nodiscard]] const std::vector<std::string>& solver_keys();
/// The keys [memory] accepts: memory_settings' fields.
[[nodiscard]] const std::vector<std::string>& memory_keys();

/// Applies `entry` of [solver] onto model.settings / model.spec (states and observables
/// must already be known: atol, rtol and saved_* are checked against them).
void apply_solver_key(model_definition& model, const toml_entry& entry, const toml_reader& reader);

/// Applies `entry` of [memory] onto model.settings.memory.
void apply_memory_key(model_definition& model, const toml_entry& entry, const toml_reader& reader);

/// Applies `entry` of [sweep]: `grid`, or an axis for a declared state or parameter,
/// which replaces an axis of the same name or is appended.
void apply_sweep_key(model_definition& model, const toml_entry& entry, const toml_reader& reader);

/// A state, parameter or constant declared by `entry` of [states], [parameters] or
/// [constants] (`section` is one of those names): a valid, unreserved name and a number.
[[nodiscard]] named_value read_declared_value(std::string_view section, const toml_entry& entry,
                                              const toml_reader& reader);

/// Changes the value of an already declared name of `section` (an override).
void set_declared_value(std::vector<named_value>& values, std::string_view section, const toml_entry& entry,
                        const toml_reader& reader);

/// Fails at `at` with "unknown key 'KEY' in [SECTION]", a suggestion and the valid keys.
[[noreturn]] void unknown_key(const text_source& source, source_position at, std::string_view section,
                              std::string_view key, const std::vector<std::string>& valid);

}  // namespace cubie::models::detail
