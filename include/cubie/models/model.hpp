// cubie/models/model.hpp
// A model file (TOML) read into one value: names and defaults in file order, parsed
// equations, solver/solve/memory settings and the sweep; plus the --set overrides.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "../batch/solver_settings.hpp"
#include "../integrate/event_args.hpp"
#include "expression.hpp"
#include "sweep.hpp"

namespace cubie::models {

/// @brief A state, parameter or constant: its name, default value and where the file declares it.
struct named_value {
  std::string name;
  double value = 0.0;
  source_position where;
};

/// @brief A driver of a model file ([drivers]): its name, where it is declared and where its
/// samples came from. The signal itself (samples, times, interpolation) is the entry of the
/// same index in spec.drivers.
struct model_driver {
  std::string name;
  source_position where;
  std::string origin;  ///< "inline", or the file (and column or dataset) the samples were read from
};

/// @brief One assignment of an event's reset: `state = expression`, evaluated at the event
/// with every right-hand side reading the state before the reset.
struct event_assignment {
  int state = -1;
  std::string name;
  source_position where;
  expression value;
};

/// @brief An event of a model file ([events.NAME]).
struct model_event {
  std::string name;
  source_position where;
  std::string condition_text;  ///< as written
  expression condition;        ///< the event happens where it crosses zero in `direction`
  event_direction direction = event_direction::both;
  event_action action = event_action::record;
  std::vector<event_assignment> reset;  ///< action reset only
};

/// @brief Everything a model file says. Vectors keep the file's order: it fixes the variable
/// axis of the results and the order of the sweep's axes.
struct model_definition {
  std::string name;
  cubie::precision precision = cubie::precision::float64;
  std::filesystem::path source_path;  ///< the file read, or the name given to parse_model()
  std::string source_text;            ///< the whole file, for error messages and result files
  std::string equations_text;         ///< the value of `equations`
  std::vector<named_value> states;
  std::vector<named_value> parameters;
  std::vector<named_value> constants;  ///< compiled into the generated code
  std::vector<std::string> observables;  ///< auxiliaries saved with the states
  std::vector<model_driver> drivers;     ///< [drivers]; their signals are spec.drivers, same order
  std::vector<model_event> events;       ///< [events], in file order
  equation_set equations;
  solver_settings settings;  ///< [solver] and [memory]; settings.precision == precision
  solve_spec spec;           ///< t0, duration, settling_time, saves, outputs, summaries, grid
  sweep_definition sweep;
  /// Where each [solver] key was given: checks that involve several keys (save_times
  /// against the span, summary windows against the duration) point there.
  std::map<std::string, source_position> solver_key_at;
};

/// @brief Reads and checks a model file.
/// @throws cubie::model_error for every problem in the file, as
///   `FILE:LINE:COL: error: WHAT`, the quoted line and a caret under the column.
/// @throws cubie::invalid_argument when the file cannot be read.
[[nodiscard]] model_definition load_model(const std::filesystem::path& path);

/// @brief Parses and checks model text; `source_name` names it in error messages.
/// @throws cubie::model_error as load_model() does.
[[nodiscard]] model_definition parse_model(std::string_view text, std::string source_name);

/// @brief Applies one command-line override "section.key=value" (value in TOML syntax; a bare
/// word is taken as a string), then re-checks the model. Sections: solver, memory,
/// states, parameters, constants, sweep (sweep.grid or sweep.NAME); also the top-level
/// keys name and precision. States, parameters and constants must already be declared;
/// a sweep axis given here replaces the file's axis of that name or is appended.
/// @throws cubie::model_error naming the key and, for a bad key, the section's valid keys;
///   the message points into the option text.
void apply_override(model_definition& model, std::string_view assignment);

/// @brief The names of a list of states, parameters or constants, in order.
[[nodiscard]] std::vector<std::string> names_of(const std::vector<named_value>& values);

}  // namespace cubie::models
