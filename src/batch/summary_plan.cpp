// Summary metrics planned once per solve: groups, value codes, legend names, windows.
#include "summary_plan.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/core/names.hpp"

namespace cubie::detail {

namespace {

bool asks_for(const std::vector<output_type>& metrics, const std::string& name) {
  for (const output_type& t : metrics)
    for (const std::string& n : metric_output_names(t))
      if (n == name) return true;
  return false;
}

u32 groups_of(summary_metric m, bool moments) {
  namespace g = summary_group;
  switch (m) {
    case summary_metric::mean: return moments ? g::moments : g::sum;
    case summary_metric::rms: return moments ? g::moments : g::sum_squares;
    case summary_metric::std:
    case summary_metric::mean_std:
    case summary_metric::mean_std_rms:
    case summary_metric::std_rms: return g::moments;
    case summary_metric::max: return g::max;
    case summary_metric::min: return g::min;
    case summary_metric::extrema:
    case summary_metric::max_magnitude: return g::max | g::min;
    case summary_metric::peaks: return g::peaks;
    case summary_metric::negative_peaks: return g::negative_peaks;
    case summary_metric::dxdt_max: return g::dxdt_max;
    case summary_metric::dxdt_min: return g::dxdt_min;
    case summary_metric::dxdt_extrema: return g::dxdt_max | g::dxdt_min;
    case summary_metric::d2xdt2_max: return g::d2xdt2_max;
    case summary_metric::d2xdt2_min: return g::d2xdt2_min;
    case summary_metric::d2xdt2_extrema: return g::d2xdt2_max | g::d2xdt2_min;
  }
  return 0;
}

summary_code code_of(const std::string& name, bool moments) {
  if (name == "mean") return moments ? summary_code::mean_of_moments : summary_code::mean_of_sum;
  if (name == "std") return summary_code::std_of_moments;
  if (name == "rms") return moments ? summary_code::rms_of_moments : summary_code::rms_of_squares;
  if (name == "max") return summary_code::max;
  if (name == "min") return summary_code::min;
  if (name == "max_magnitude") return summary_code::max_magnitude;
  if (name == "dxdt_max") return summary_code::dxdt_max;
  if (name == "dxdt_min") return summary_code::dxdt_min;
  if (name == "d2xdt2_max") return summary_code::d2xdt2_max;
  return summary_code::d2xdt2_min;
}

void check_spacing(const char* field, double v) {
  if (!(v > 0) || !std::isfinite(v))
    throw setting_error(field, std::string(field) + " = " + number_text(v) + "; it must be a finite number > 0");
}

}  // namespace

bool uses_moments(const std::vector<output_type>& metrics) {
  // Std (or mean with rms) runs Welford's update, which gives the mean and rms too; a mean
  // alone is a compensated sum, cheaper per sample.
  return asks_for(metrics, "std") || (asks_for(metrics, "mean") && asks_for(metrics, "rms"));
}

u32 summary_groups_of(const std::vector<output_type>& metrics) {
  const bool moments = uses_moments(metrics);
  u32 g = 0;
  for (const output_type& t : metrics) g |= groups_of(t.metric, moments);
  return g;
}

double summary_sample_time(double t_start, double sample_every, i64 j, double t_end) {
  return std::min(std::fma(sample_every, static_cast<double>(j), t_start), t_end);
}

summary_plan plan_summaries(const std::vector<output_type>& metrics, const solve_spec& spec,
                            const save_schedule& schedule) {
  summary_plan plan;
  // The spacings are checked even when no metric is asked for: a bad value is a bad value.
  if (spec.summarise_every) check_spacing("summarise_every", *spec.summarise_every);
  if (spec.sample_summaries_every) check_spacing("sample_summaries_every", *spec.sample_summaries_every);
  if (metrics.empty()) return plan;

  const bool moments = uses_moments(metrics);
  summary_outputs& out = plan.outputs;
  out = summary_outputs{};
  for (const output_type& t : metrics) {
    plan.groups |= groups_of(t.metric, moments);
    const std::vector<std::string> names = metric_output_names(t);
    for (const std::string& n : names) {
      if (std::find(plan.output_names.begin(), plan.output_names.end(), n) != plan.output_names.end()) {
        throw setting_error("output_types", "output_types: '" + t.text + "' writes " + n +
                                                ", which another entry writes already; list each value once");
      }
    }
    const int at = static_cast<int>(plan.output_names.size());
    if (t.metric == summary_metric::peaks) {
      out.peaks_at = at;
      out.n_peaks = t.count;
    } else if (t.metric == summary_metric::negative_peaks) {
      out.negative_peaks_at = at;
      out.n_negative_peaks = t.count;
    } else {
      for (std::size_t i = 0; i < names.size(); ++i) {
        out.code[out.n_codes] = code_of(names[i], moments);
        out.at[out.n_codes] = static_cast<unsigned char>(at + static_cast<int>(i));
        ++out.n_codes;
      }
    }
    plan.output_names.insert(plan.output_names.end(), names.begin(), names.end());
  }
  out.n_outputs = static_cast<i32>(plan.output_names.size());

  // Windows of summarise_every (default: the duration), samples every
  // sample_summaries_every (default: a tenth of the window; a hundredth of the duration
  // when neither is given, as the design).
  const double duration = spec.duration;
  const double window = spec.summarise_every.value_or(duration);
  const double sample =
      spec.sample_summaries_every.value_or(spec.summarise_every ? window / 10.0 : duration / 100.0);
  if (window > duration * (1.0 + 1e-12)) {
    throw setting_error("summarise_every", "summarise_every = " + number_text(window) + " exceeds duration = " +
                                               number_text(duration) + "; no window fits in the span");
  }
  if (sample > window * (1.0 + 1e-12)) {
    throw setting_error("sample_summaries_every", "sample_summaries_every = " + number_text(sample) +
                                                      " exceeds the window (summarise_every = " +
                                                      number_text(window) + ")");
  }
  const double ratio = window / sample;
  const double whole = std::round(ratio);
  if (std::fabs(ratio - whole) > 1e-9 * whole) {
    throw setting_error("sample_summaries_every",
                        "summarise_every = " + number_text(window) + " is not a whole multiple of " +
                            "sample_summaries_every = " + number_text(sample) + " (the ratio is " +
                            number_text(ratio) + "); a window holds a whole number of samples");
  }
  plan.summarise_every = window;
  plan.sample_every = sample;
  plan.samples_per_window = static_cast<i64>(whole);
  plan.n_windows = static_cast<i64>(std::floor(duration / window * (1.0 + 1e-12)));
  // The loop counts a run's samples in 32 bits on the GPU.
  if (static_cast<double>(plan.n_windows) * static_cast<double>(plan.samples_per_window) > 2147483647.0) {
    throw setting_error("sample_summaries_every",
                        "sample_summaries_every = " + number_text(sample) + " makes more than 2^31 samples per run "
                        "over duration = " + number_text(duration) + "; sample less often");
  }
  for (i64 w = 0; w < plan.n_windows; ++w) {
    plan.window_ends.push_back(
        summary_sample_time(schedule.t_save0, sample, (w + 1) * plan.samples_per_window, schedule.t_last));
  }
  return plan;
}

}  // namespace cubie::detail
