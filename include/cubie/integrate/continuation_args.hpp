// cubie/integrate/continuation_args.hpp
// What a launch of algorithm = "auto" in two passes is handed beside its batch: the per-run
// continuation records and the list of runs the first pass handed on. Plain data.
#pragma once
#include "../core/types.hpp"

namespace cubie {

/// Zero (all null) for every other launch. Pass 1 (the explicit kernel): `record` set, the
/// runs whose stiffness test fires leave their state there (field f of run r at
/// record[f * stride + r]; field 0 is 1 for a handed-on run) and, where `handed_count`
/// is set (GPU), append their index to `handed_runs`. Pass 2 (the auto kernel): `handed_runs`
/// and `handed_count` set, `resume` = 1: thread i continues run handed_runs[i] of the chunk
/// from its record, for i < *handed_count.
struct continuation_args {
  double* record;
  i64 stride;  // elements between two fields of the record (at least the chunk's runs)
  i64* handed_runs;
  unsigned long long* handed_count;
  int resume;
};

}  // namespace cubie
