#include "cubie/execution/output_table.hpp"

namespace cubie {

const std::vector<std::string>& output_layout::variables() const {
  static const std::vector<std::string> none;
  const output_array* a = find(output_id::time_domain);
  return a != nullptr ? a->axes[1].labels : none;
}

const std::vector<double>& output_layout::times() const {
  static const std::vector<double> none;
  const output_array* a = find(output_id::time_domain);
  return a != nullptr ? a->axes[0].coordinates : none;
}

const std::vector<std::string>& output_layout::summary_legend() const {
  static const std::vector<std::string> none;
  const output_array* a = find(output_id::summaries);
  return a != nullptr ? a->axes[1].labels : none;
}

const std::vector<double>& output_layout::window_times() const {
  static const std::vector<double> none;
  const output_array* a = find(output_id::summaries);
  return a != nullptr ? a->axes[0].coordinates : none;
}

}  // namespace cubie
