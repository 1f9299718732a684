// output_types: the design's names, parsed with messages that list what is allowed.
#include "cubie/batch/output_types.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie {

namespace {

struct metric_entry {
  const char* name;
  summary_metric metric;
  bool counted;  // takes [n]
};

constexpr metric_entry metrics[] = {
    {"mean", summary_metric::mean, false},
    {"max", summary_metric::max, false},
    {"min", summary_metric::min, false},
    {"rms", summary_metric::rms, false},
    {"std", summary_metric::std, false},
    {"mean_std", summary_metric::mean_std, false},
    {"mean_std_rms", summary_metric::mean_std_rms, false},
    {"std_rms", summary_metric::std_rms, false},
    {"extrema", summary_metric::extrema, false},
    {"max_magnitude", summary_metric::max_magnitude, false},
    {"peaks", summary_metric::peaks, true},
    {"negative_peaks", summary_metric::negative_peaks, true},
    {"dxdt_max", summary_metric::dxdt_max, false},
    {"dxdt_min", summary_metric::dxdt_min, false},
    {"dxdt_extrema", summary_metric::dxdt_extrema, false},
    {"d2xdt2_max", summary_metric::d2xdt2_max, false},
    {"d2xdt2_min", summary_metric::d2xdt2_min, false},
    {"d2xdt2_extrema", summary_metric::d2xdt2_extrema, false},
};

const metric_entry& entry_of(summary_metric m) {
  for (const metric_entry& e : metrics)
    if (e.metric == m) return e;
  return metrics[0];
}

std::string trimmed(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

}  // namespace

const std::vector<std::string>& summary_metric_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const metric_entry& e : metrics) v.emplace_back(e.name);
    return v;
  }();
  return names;
}

std::string output_type_names() {
  std::string out = "state, observables, time, iteration_counters";
  for (const metric_entry& e : metrics) out += std::string(", ") + e.name + (e.counted ? "[n]" : "");
  return out;
}

output_type parse_output_type(const std::string& text) {
  output_type t;
  t.text = text;
  const std::string s = trimmed(text);
  const std::string quoted = "output_types: '" + text + "'";
  if (s == "state" || s == "observables" || s == "time") {
    t.what = s == "state" ? output_type::kind::state
             : s == "observables" ? output_type::kind::observables
                                  : output_type::kind::time;
    return t;
  }
  if (s == "iteration_counters") {
    t.what = output_type::kind::iteration_counters;
    return t;
  }
  const std::size_t open = s.find('[');
  const std::string name = trimmed(s.substr(0, open));
  const auto it = std::find_if(std::begin(metrics), std::end(metrics),
                               [&](const metric_entry& e) { return name == e.name; });
  if (it == std::end(metrics))
    throw invalid_argument(quoted + " is not an output; valid outputs are " + output_type_names());
  t.what = output_type::kind::metric;
  t.metric = it->metric;
  if (open == std::string::npos) {
    if (it->counted) {
      throw invalid_argument(quoted + ": " + name + " needs the number of peaks to record per window, e.g. '" + name +
                             "[3]' (1 to " + std::to_string(max_peaks) + ")");
    }
    return t;
  }
  if (!it->counted) throw invalid_argument(quoted + ": " + name + " takes no [n]; only peaks and negative_peaks do");
  const std::size_t close = s.find(']', open);
  const std::string inner = close == std::string::npos ? std::string() : trimmed(s.substr(open + 1, close - open - 1));
  int n = 0;
  const auto [end, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), n);
  if (close == std::string::npos || close + 1 != s.size() || inner.empty() || ec != std::errc() ||
      end != inner.data() + inner.size()) {
    throw invalid_argument(quoted + ": write " + name + "[n] with a whole number n of peaks, e.g. '" + name + "[3]'");
  }
  if (n < 1 || n > max_peaks) {
    throw invalid_argument(quoted + ": the number of peaks must be 1 to " + std::to_string(max_peaks) + ", got " +
                           std::to_string(n));
  }
  t.count = n;
  return t;
}

std::vector<std::string> metric_output_names(const output_type& t) {
  if (!t.is_metric()) return {};
  switch (t.metric) {
    case summary_metric::mean_std: return {"mean", "std"};
    case summary_metric::mean_std_rms: return {"mean", "std", "rms"};
    case summary_metric::std_rms: return {"std", "rms"};
    case summary_metric::extrema: return {"max", "min"};
    case summary_metric::dxdt_extrema: return {"dxdt_max", "dxdt_min"};
    case summary_metric::d2xdt2_extrema: return {"d2xdt2_max", "d2xdt2_min"};
    case summary_metric::peaks:
    case summary_metric::negative_peaks: {
      const std::string base = entry_of(t.metric).name;
      if (t.count == 1) return {base};
      std::vector<std::string> out;
      for (int i = 1; i <= t.count; ++i) out.push_back(base + "_" + std::to_string(i));
      return out;
    }
    default: return {entry_of(t.metric).name};
  }
}

}  // namespace cubie
