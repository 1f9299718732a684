// cubie/integrate/event_args.hpp
// Events as the per-run loop sees them: which way a condition must cross zero, what
// happens then, and the launch's event settings. Plain data.
#pragma once
#include "../core/types.hpp"

namespace cubie {

/// Which zero crossings of an event's condition g count.
enum class event_direction : int {
  up = 1,    ///< g goes from negative to zero or positive
  down = -1, ///< g goes from positive to zero or negative
  both = 0,
};

/// What an event does when it happens (every occurrence is also logged, up to max_events).
enum class event_action : int {
  record = 0,     ///< only logged: time, event and state
  terminate = 1,  ///< the run ends there, successfully
  reset = 2,      ///< the states are reassigned (system.event_reset) and the run continues
};

/// One event of a system, declared at compile time (system.hpp: event_kinds).
struct event_kind {
  event_direction direction;
  event_action action;
};

/// The launch's event settings.
struct event_args {
  i64 max_events;    ///< occurrences logged per run; later ones are counted, not stored
  double tolerance;  ///< locate each crossing to this width in time (0: as tight as the arithmetic allows)
};

}  // namespace cubie
