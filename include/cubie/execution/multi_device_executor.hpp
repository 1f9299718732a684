// cubie/execution/multi_device_executor.hpp
// One solve over several devices: each device's own executor (memory budget, allocator,
// streams) takes chunks from one queue on a thread of its own; the chunks reach the sink in
// run order; a device that fails hands its unfinished chunks to the others.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "executor.hpp"

namespace cubie {

/// @brief An executor made of one executor per device, all of one backend.
///
/// execute(): a chunk_queue over the batch's runs and a reorder_sink over `sink`; each usable
/// device runs execute_shared() on a thread of its own, so a faster device takes more
/// chunks. Results are those of a one-device solve, bit for bit (runs are independent; only
/// where each is integrated changes), as long as the devices run the same kernel binary.
///
/// Faults: a device whose chunk fails (an allocation that cannot shrink further, a kernel
/// fault, a lost context) gives its unfinished chunks back and stops; the others redo them
/// and the solve completes, the failure recorded in solve_statistics::devices. A device whose
/// context is lost is left out of later solves. When every device has failed, execute()
/// throws chunk_failure with the runs committed in order so far and every device's reason;
/// when the sink fails (a write error, an interruption), every device stops and that
/// exception is rethrown.
class multi_device_executor final : public executor {
 public:
  struct device {
    int id = 0;                          ///< the device's number (CUDA device id)
    std::unique_ptr<cubie::executor> exec;    ///< runs on this device only
  };

  /// @throws cubie::invalid_argument when `devices` is empty, holds a null executor, or repeats an id.
  explicit multi_device_executor(std::vector<device> devices);

  /// The devices' backend ("cuda").
  [[nodiscard]] std::string name() const override;
  /// Warms up every device.
  void warm_up(const compiled_system& system, const entry_key& key) override;
  /// @throws as described above; cubie::device_error when no device is usable any more.
  void execute(const prepared_batch<float>& batch, result_sink& sink, solve_statistics& stats) override;
  /// @throws as the float overload.
  void execute(const prepared_batch<double>& batch, result_sink& sink, solve_statistics& stats) override;
  /// False once every device's context is lost.
  [[nodiscard]] bool usable() const override;

  /// @brief The device ids, in order.
  [[nodiscard]] std::vector<int> device_ids() const;
  /// @brief The executor of the k-th device.
  [[nodiscard]] executor& device_executor(std::size_t k) { return *devices_[k].exec; }

 private:
  template <class V>
  void run(const prepared_batch<V>& batch, result_sink& sink, solve_statistics& stats);

  std::vector<device> devices_;
  std::vector<std::string> lost_;   // per device: why its context was lost ("" = usable)
  std::vector<std::string> names_;  // per device: its name, as its last solve reported it
};

}  // namespace cubie
