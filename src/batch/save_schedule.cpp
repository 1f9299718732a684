// The time span and save schedule, validated once per solve on the host; the loop only
// reads the numbers.
#include "save_schedule.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/core/scalar_traits.hpp"

namespace cubie::detail {

std::vector<double> save_schedule::recorded_times() const {
  std::vector<double> times(static_cast<std::size_t>(n_saves - first_save));
  for (std::size_t j = 0; j < times.size(); ++j)
    times[j] = save_time(t_save0, save_every, static_cast<double>(static_cast<i64>(j) + first_save));
  return times;
}

save_schedule plan_saves(const solve_spec& spec) {
  if (!std::isfinite(spec.t0)) throw invalid_argument("t0 is " + number_text(spec.t0) + "; it must be a finite number");
  if (!(spec.duration > 0) || !std::isfinite(spec.duration))
    throw invalid_argument("duration = " + number_text(spec.duration) + "; it must be a finite number > 0");
  if (!(spec.settling_time >= 0) || !std::isfinite(spec.settling_time))
    throw invalid_argument("settling_time = " + number_text(spec.settling_time) + "; it must be a finite number >= 0");
  save_schedule s{};
  s.t0 = spec.t0;
  s.t_save0 = spec.t0 + spec.settling_time;
  s.save_every = spec.duration;
  s.n_saves = 2;
  if (spec.save_every) {
    const double se = *spec.save_every;
    if (!(se > 0) || !std::isfinite(se))
      throw invalid_argument("save_every = " + number_text(se) + "; it must be a finite number > 0");
    if (se > spec.duration)
      throw invalid_argument("save_every = " + number_text(se) + " exceeds duration = " + number_text(spec.duration) +
                             "; it must be in (0, duration]");
    s.save_every = se;
    s.n_saves = static_cast<i64>(std::floor(spec.duration / se * (1.0 + 1e-12))) + 1;
  }
  s.first_save = spec.save_initial ? 0 : 1;
  return s;
}

}  // namespace cubie::detail
