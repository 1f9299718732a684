#include "cubie/execution/result_sink.hpp"

#include "cubie/core/error.hpp"

namespace cubie {

void result_sink::deliver(i64 begin, i64 end, const output_view& /*data*/) {
  throw internal_error("result_sink::deliver called for runs [" + std::to_string(begin) + ", " + std::to_string(end) +
                       ") on a sink that does not take buffers (takes_buffers() is false)");
}

}  // namespace cubie
