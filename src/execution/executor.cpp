#include "cubie/execution/executor.hpp"

namespace cubie {

namespace {

[[noreturn]] void cannot_share(const executor& e) {
  throw invalid_argument("backend '" + e.name() + "' cannot share a solve with other devices");
}

}  // namespace

void executor::execute_shared(const prepared_batch<float>& /*batch*/, chunk_queue& /*queue*/, result_sink& /*sink*/,
                              solve_statistics& /*stats*/) {
  cannot_share(*this);
}

void executor::execute_shared(const prepared_batch<double>& /*batch*/, chunk_queue& /*queue*/, result_sink& /*sink*/,
                              solve_statistics& /*stats*/) {
  cannot_share(*this);
}

}  // namespace cubie
