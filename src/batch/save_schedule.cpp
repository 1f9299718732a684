// The time span and save schedule, validated once per solve on the host; the loop only
// reads the numbers.
#include "save_schedule.hpp"

#include <cmath>
#include <string>

#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/core/names.hpp"
#include "cubie/core/scalar_traits.hpp"

namespace cubie::detail {

std::vector<double> save_schedule::recorded_times() const {
  std::vector<double> times(static_cast<std::size_t>(last_save - first_save + 1));
  for (std::size_t j = 0; j < times.size(); ++j) {
    const i64 k = static_cast<i64>(j) + first_save;
    times[j] = listed.empty() ? save_time(t_save0, save_every, static_cast<double>(k)) : listed[k];
  }
  return times;
}

namespace {

void check_save_times(const std::vector<double>& times, double t_save0, double t_end) {
  const char* field = "save_times";
  if (times.empty()) throw setting_error(field, "save_times is empty; list at least one time, or use save_every");
  const std::string span = "[" + number_text(t_save0) + ", " + number_text(t_end) + "]";
  for (std::size_t i = 0; i < times.size(); ++i) {
    const std::string at = "save_times[" + std::to_string(i) + "] = " + number_text(times[i]);
    if (!std::isfinite(times[i])) throw setting_error(field, at + "; save times must be finite numbers");
    if (i > 0 && !(times[i] > times[i - 1])) {
      throw setting_error(field, at + " is not after save_times[" + std::to_string(i - 1) + "] = " +
                                     number_text(times[i - 1]) + "; save times must be strictly increasing");
    }
    if (times[i] < t_save0 || times[i] > t_end) {
      throw setting_error(field, at + " is outside the recorded span " + span +
                                     " (t0 + settling_time to t0 + settling_time + duration)");
    }
  }
}

}  // namespace

save_schedule plan_saves(const solve_spec& spec, bool records_time_domain) {
  if (!std::isfinite(spec.t0))
    throw setting_error("t0", "t0 is " + number_text(spec.t0) + "; it must be a finite number");
  if (!(spec.duration > 0) || !std::isfinite(spec.duration))
    throw setting_error("duration", "duration = " + number_text(spec.duration) + "; it must be a finite number > 0");
  if (!(spec.settling_time >= 0) || !std::isfinite(spec.settling_time)) {
    throw setting_error("settling_time",
                        "settling_time = " + number_text(spec.settling_time) + "; it must be a finite number >= 0");
  }
  save_schedule s{};
  s.t0 = spec.t0;
  s.t_save0 = spec.t0 + spec.settling_time;
  s.t_end = s.t_save0 + spec.duration;
  s.save_every = spec.duration;
  s.n_saves = 2;
  if (spec.save_every && spec.save_times) {
    throw setting_error("save_times", "save_times and save_every both given; a solve saves at listed times or at a "
                                      "regular spacing, not both");
  }
  if (spec.save_every) {
    const double se = *spec.save_every;
    if (!(se > 0) || !std::isfinite(se))
      throw setting_error("save_every", "save_every = " + number_text(se) + "; it must be a finite number > 0");
    if (se > spec.duration) {
      throw setting_error("save_every", "save_every = " + number_text(se) + " exceeds duration = " +
                                            number_text(spec.duration) + "; it must be in (0, duration]");
    }
    if (records_time_domain) {
      s.saves_between = true;
      s.save_every = se;
      s.n_saves = static_cast<i64>(std::floor(spec.duration / se * (1.0 + 1e-12))) + 1;
    }
  }
  s.first_save = spec.save_initial ? 0 : 1;
  s.last_save = s.n_saves - 1;
  if (spec.save_times) {
    check_save_times(*spec.save_times, s.t_save0, s.t_end);
    if (records_time_domain) {
      // The loop lands on t_save0 and t_end whether they are listed or not; only the listed
      // times are recorded.
      const std::vector<double>& t = *spec.save_times;
      const bool add_start = t.front() > s.t_save0;
      const bool add_end = t.back() < s.t_end;
      if (add_start) s.listed.push_back(s.t_save0);
      s.listed.insert(s.listed.end(), t.begin(), t.end());
      if (add_end) s.listed.push_back(s.t_end);
      s.n_saves = static_cast<i64>(s.listed.size());
      s.saves_between = true;
      s.first_save = add_start ? 1 : 0;
      s.last_save = s.n_saves - (add_end ? 2 : 1);
    }
  }
  s.t_last = s.listed.empty() ? save_time(s.t_save0, s.save_every, static_cast<double>(s.n_saves - 1)) : s.listed.back();
  return s;
}

}  // namespace cubie::detail
