// cubie/integrate/driver_args.hpp
// What a launch knows about the system's driver signals: per driver, the piecewise
// polynomial's grid and where its coefficients lie among the launch's inputs. Plain data.
#pragma once
#include "../core/types.hpp"

namespace cubie {

/// One driver signal: a piecewise polynomial of `order` (0, 1 or 3) on n_segments segments
/// of length dt, segment s covering [t_start + s dt, t_start + (s + 1) dt]. Segment s's
/// coefficients c_0..c_order (value = sum c_k tau^k, tau in [0, 1] across the segment) are
/// rows s (order + 1) + k of the input variable `input` (input_offset / input_stride of
/// batch_args): one value per run (stride 1: one signal per run) or one in all (stride 0).
/// Outside [t_start, t_start + n_segments dt] the signal repeats (wrap) or is zero.
struct driver_info {
  double t_start;
  double dt;
  double inv_dt;
  i32 n_segments;
  i32 order;
  i32 wrap;   ///< 1: periodic with period n_segments dt
  i32 input;  ///< index into the input tables
};

/// The drivers of one launch.
struct driver_args {
  const driver_info* info;  ///< one per driver, in the system's order (null without drivers)
  i64 column_stride;        ///< elements between rows of a per-run driver: runs in the input columns
  i32 land_on_samples;      ///< 1: steps end on every sample time of every driver
};

}  // namespace cubie
