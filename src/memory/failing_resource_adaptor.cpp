#include "cubie/memory/failing_resource_adaptor.hpp"

#include <string>

namespace cubie::memory {

failing_resource_adaptor::failing_resource_adaptor(device_resource_ref upstream, std::uint64_t fail_at,
                                                   failure_mode mode)
    : upstream_(upstream) {
  rearm(fail_at, mode);
}

void failing_resource_adaptor::rearm(std::uint64_t fail_at, failure_mode mode) {
  CUBIE_EXPECTS(fail_at >= 1, "failing_resource_adaptor: fail_at = 0 is not allowed; allocations count from 1");
  fail_at_.store(fail_at);
  mode_.store(mode);
  calls_.store(0);
}

void* failing_resource_adaptor::allocate(std::size_t bytes, stream_view stream) {
  check(bytes);
  return upstream_.allocate(bytes, stream);
}

void failing_resource_adaptor::deallocate(void* p, std::size_t bytes, stream_view stream) noexcept {
  upstream_.deallocate(p, bytes, stream);
}

void* failing_resource_adaptor::allocate_sync(std::size_t bytes) {
  check(bytes);
  return upstream_.allocate_sync(bytes);
}

void failing_resource_adaptor::deallocate_sync(void* p, std::size_t bytes) noexcept {
  upstream_.deallocate_sync(p, bytes);
}

void failing_resource_adaptor::check(std::size_t bytes) {
  const std::uint64_t n = calls_.fetch_add(1) + 1;
  const std::uint64_t k = fail_at_.load();
  if (k == 0) return;
  const bool fail = mode_.load() == failure_mode::once ? n == k : n >= k;
  if (fail) {
    failures_.fetch_add(1);
    throw out_of_memory("cubie: injected allocation failure: allocation " + std::to_string(n) + " of " +
                        std::to_string(bytes) + " bytes (failing_resource_adaptor fails allocation " +
                        std::to_string(k) + (mode_.load() == failure_mode::once ? ")" : " and later)"));
  }
}

}  // namespace cubie::memory
