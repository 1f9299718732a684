#include "cubie/memory/stream_group.hpp"

#include <string>

#include "cubie/core/error.hpp"

#if defined(CUBIE_WITH_CUDA)
#include "cubie/memory/cuda_check.hpp"
#endif

namespace cubie::memory {

namespace {

void check_group(std::string_view name, int device, int stream_count) {
  CUBIE_EXPECTS(!name.empty(),
                "stream_group = \"\" is not allowed: give the group a name (\"default\" is shared by all)");
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
  CUBIE_EXPECTS(stream_count >= 2,
                "stream group \"" + std::string(name) + "\": stream_count = " + std::to_string(stream_count) +
                    " is not allowed: a group needs at least 2 streams so transfers overlap compute");
}

}  // namespace

stream_group::stream_group(std::string name, int device, int stream_count)
    : name_(std::move(name)), device_(device), stream_count_(stream_count) {
  check_group(name_, device_, stream_count_);
}

stream_group::~stream_group() {
#if defined(CUBIE_WITH_CUDA)
  if (streams_.empty()) return;
  const cuda_device_guard guard(device_, std::nothrow);
  for (stream_view s : streams_) CUBIE_CUDA_IGNORE(cudaStreamDestroy(s.value()));
#endif
}

bool stream_group::streams_created() const noexcept { return created_.load(std::memory_order_acquire); }

int stream_group::next_index() noexcept {
  return static_cast<int>(cursor_.fetch_add(1, std::memory_order_relaxed) % static_cast<unsigned>(stream_count_));
}

stream_view stream_group::next_stream() {
  ensure_streams();
  return streams_[static_cast<std::size_t>(next_index())];
}

stream_view stream_group::stream(int index) {
  CUBIE_EXPECTS(index >= 0 && index < stream_count_, "stream group \"" + name_ + "\": stream index " +
                                                         std::to_string(index) + " is out of range [0, " +
                                                         std::to_string(stream_count_) + ")");
  ensure_streams();
  return streams_[static_cast<std::size_t>(index)];
}

void stream_group::ensure_streams() {
  // Double-checked: after creation, the streams vector is never written again.
  if (created_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(mutex_);
  if (created_.load(std::memory_order_relaxed)) return;
#if defined(CUBIE_WITH_CUDA)
  const cuda_device_guard guard(device_);
  std::vector<stream_view> made;
  made.reserve(static_cast<std::size_t>(stream_count_));
  try {
    for (int i = 0; i < stream_count_; ++i) {
      cudaStream_t s = nullptr;
      // Non-blocking: the legacy default stream, which other libraries may use, must not
      // serialise against our chunks.
      CUBIE_CUDA_TRY(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking));
      made.emplace_back(s);
    }
  } catch (...) {
    for (stream_view s : made) CUBIE_CUDA_IGNORE(cudaStreamDestroy(s.value()));
    throw;
  }
  streams_ = std::move(made);
  created_.store(true, std::memory_order_release);
#else
  throw device_error("cubie: stream group \"" + name_ + "\" cannot create CUDA streams: cubie was built without CUDA",
                     false);
#endif
}

// ---- registry ----------------------------------------------------------------------

stream_group_registry& stream_group_registry::global() {
  // Never destroyed: memberships held by static objects may end after main.
  static auto* registry = new stream_group_registry();
  return *registry;
}

stream_group_registry::membership stream_group_registry::join(std::string_view name, int device,
                                                              std::optional<int> stream_count) {
  check_group(name, device, stream_count.value_or(stream_group::default_stream_count));
  std::lock_guard lock(mutex_);
  // Forget groups whose last member left.
  std::erase_if(groups_, [](const auto& kv) { return kv.second.expired(); });
  auto key = std::make_pair(device, std::string(name));
  if (auto it = groups_.find(key); it != groups_.end()) {
    // Null when its last member left after the purge above: then it is created anew below.
    std::shared_ptr<stream_group> group = it->second.lock();
    if (!group) {
      groups_.erase(it);
    } else {
      if (stream_count && *stream_count != group->stream_count()) {
        throw invalid_argument("stream group \"" + std::string(name) + "\": stream_count = " +
                               std::to_string(*stream_count) + " is not allowed: the group exists with " +
                               std::to_string(group->stream_count()) + " streams (leave it unset to share them)");
      }
      return membership(std::move(group));
    }
  }
  auto group = std::make_shared<stream_group>(std::string(name), device,
                                              stream_count.value_or(stream_group::default_stream_count));
  groups_.emplace(std::move(key), group);
  return membership(std::move(group));
}

std::size_t stream_group_registry::group_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [key, weak] : groups_) n += weak.expired() ? 0 : 1;
  return n;
}

}  // namespace cubie::memory
