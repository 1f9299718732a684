#include "cubie/memory/memory_manager.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>
#include <string>

#include "cubie/core/error.hpp"

namespace cubie::memory {

namespace {

// Sums of decimal proportions (0.1 + 0.2 + 0.7) land a few ulps off 1; anything this close
// counts as exactly 1.
constexpr double proportion_tolerance = 1e-9;

std::string format_proportion(double v) {
  std::ostringstream os;
  os << std::setprecision(12) << v;
  return os.str();
}

}  // namespace

memory_manager::memory_manager(device_info_provider provider) : provider_(std::move(provider)) {
  CUBIE_EXPECTS(static_cast<bool>(provider_), "memory_manager: the device info provider is empty");
}

memory_manager& memory_manager::for_device(int device) {
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
  static std::mutex registry_mutex;
  // Managers are never destroyed: registrations held by static objects may end after main.
  static auto* registry = new std::map<int, std::unique_ptr<memory_manager>>();
  std::lock_guard lock(registry_mutex);
  auto& slot = (*registry)[device];
  if (!slot) slot = std::make_unique<memory_manager>(cuda_memory_info_provider(device));
  return *slot;
}

double memory_manager::manual_total_locked() const noexcept {
  double total = 0.0;
  for (const auto& [id, e] : entries_) total += e.proportion.value_or(0.0);
  return total;
}

std::size_t memory_manager::automatic_count_locked() const noexcept {
  return static_cast<std::size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const auto& kv) { return !kv.second.proportion; }));
}

memory_manager::registration memory_manager::register_solver(std::optional<double> proportion) {
  if (proportion) {
    const double p = *proportion;
    // Written so NaN fails too.
    if (!(p > 0.0 && p <= 1.0)) {
      throw invalid_argument("mem_proportion = " + format_proportion(p) +
                             " is not allowed: it must be in (0, 1], the share of the device's total memory a "
                             "solver may hold (leave it unset for an even share of what is not reserved)");
    }
  }
  std::lock_guard lock(mutex_);
  const double total = manual_total_locked();
  const std::size_t automatic = automatic_count_locked();
  if (proportion) {
    const double after = total + *proportion;
    if (after > 1.0 + proportion_tolerance) {
      throw invalid_argument("mem_proportion = " + format_proportion(*proportion) +
                             " is not allowed: solvers on this device already reserve " + format_proportion(total) +
                             " in total, and manual proportions may total at most 1 (" + format_proportion(total) +
                             " + " + format_proportion(*proportion) + " = " + format_proportion(after) + ")");
    }
    if (automatic > 0 && after >= 1.0 - proportion_tolerance) {
      throw invalid_argument("mem_proportion = " + format_proportion(*proportion) +
                             " is not allowed: it brings the manual total to " + format_proportion(after) + " while " +
                             std::to_string(automatic) +
                             " solver(s) without mem_proportion share the rest, which would be nothing; the "
                             "manual total (now " +
                             format_proportion(total) + ") must stay below 1 while they exist");
    }
  } else if (total >= 1.0 - proportion_tolerance) {
    throw invalid_argument("mem_proportion unset is not allowed here: solvers on this device already reserve " +
                           format_proportion(total) +
                           " in total, leaving nothing to share; set mem_proportion or lower the others");
  }
  const std::uint64_t id = next_id_++;
  held_account account = held_account::make();
  entries_.emplace(id, entry{proportion, account});
  return registration{this, id, proportion, std::move(account)};
}

void memory_manager::unregister(std::uint64_t id) noexcept {
  std::lock_guard lock(mutex_);
  entries_.erase(id);
}

double memory_manager::proportion_locked(std::uint64_t id) const {
  const auto it = entries_.find(id);
  CUBIE_EXPECTS(it != entries_.end(), "memory_manager: the registration does not belong to this manager");
  if (it->second.proportion) return *it->second.proportion;
  const double rest = std::max(0.0, 1.0 - manual_total_locked());
  return std::min(1.0, rest / static_cast<double>(automatic_count_locked()));
}

double memory_manager::proportion_of(const registration& reg) const {
  CUBIE_EXPECTS(reg.manager_ == this, "memory_manager: the registration does not belong to this manager");
  std::lock_guard lock(mutex_);
  return proportion_locked(reg.id_);
}

std::uint64_t memory_manager::budget_bytes(const registration& reg, std::uint64_t total_device_bytes) const {
  const double p = proportion_of(reg);
  if (p >= 1.0) return total_device_bytes;
  // (1 - 0.4) / 3 is 0.19999999999999998: nudge up by a relative 1e-12 (a fraction of a byte
  // at any real memory size) so a share that is exact in decimal is not a byte short.
  const long double share = static_cast<long double>(p) * static_cast<long double>(total_device_bytes);
  const long double nudged = std::floor(share * (1.0L + 1e-12L));
  return std::min<std::uint64_t>(static_cast<std::uint64_t>(nudged), total_device_bytes);
}

std::uint64_t memory_manager::available_bytes(const registration& reg, std::uint64_t cached_bytes) const {
  const device_memory_info info = device_info();
  const std::uint64_t budget = budget_bytes(reg, info.total);
  const std::uint64_t reachable = info.free + reg.held_bytes() + cached_bytes;
  return std::min(budget, reachable);
}

device_memory_info memory_manager::device_info() const { return provider_(); }

double memory_manager::manual_total() const {
  std::lock_guard lock(mutex_);
  return manual_total_locked();
}

std::size_t memory_manager::registrations() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::uint64_t memory_manager::total_held_bytes() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& [id, e] : entries_) total += e.account.bytes();
  return total;
}

// ---- registration ----------------------------------------------------------------

memory_manager::registration::registration(registration&& other) noexcept
    : manager_(std::exchange(other.manager_, nullptr)),
      id_(other.id_),
      requested_(other.requested_),
      account_(std::move(other.account_)) {}

memory_manager::registration& memory_manager::registration::operator=(registration&& other) noexcept {
  if (this != &other) {
    release();
    manager_ = std::exchange(other.manager_, nullptr);
    id_ = other.id_;
    requested_ = other.requested_;
    account_ = std::move(other.account_);
  }
  return *this;
}

memory_manager::registration::~registration() { release(); }

void memory_manager::registration::release() noexcept {
  if (manager_ != nullptr) manager_->unregister(id_);
  manager_ = nullptr;
}

}  // namespace cubie::memory
